#include "parsers/sql_script_framer.h"

#include <doctest/doctest.h>

#include <string>

#include "base/exit_class.h"
#include "parsers/dump_format.h"
#include "parsers/sql_commands.h"
#include "tests/parsers/insert_test_util.h"

namespace dbanon {
namespace {

using testing::Const;
using testing::FrameAndRewrite;
using testing::Run;
using testing::TestResolver;
using testing::Wrap;

const TableName T(std::string name) { return TableName{"", std::move(name)}; }

Run MySql(TestResolver& r, std::string_view dump, size_t chunk = 0) {
  SqlScriptFramer framer(MySqlDialect(), &r);
  return FrameAndRewrite(framer, dump, chunk == 0 ? dump.size() + 1 : chunk);
}
Run Sqlite(TestResolver& r, std::string_view dump, size_t chunk = 0) {
  SqlScriptFramer framer(SqliteDialect(), &r);
  return FrameAndRewrite(framer, dump, chunk == 0 ? dump.size() + 1 : chunk);
}

// A mariadb-dump shaped file (docs/formats.md C.1, C.2) with the awkward parts:
// sandbox line, versioned comments, a view, a trigger whose body inserts,
// a routine with ';' inside, LOCK TABLES, one row per line, CRLF, a value
// that looks like a comment and one that looks like a versioned comment.
const char kMariaDb[] =
    "/*M!999999\\- enable the sandbox mode */ \n"
    "-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)\n"
    "--\n-- Host: localhost    Database: shop\n"
    "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
    "/*!40101 SET NAMES utf8mb4 */;\n"
    "DROP TABLE IF EXISTS `customer`;\n"
    "CREATE TABLE `customer` (\n"
    "  `id` int(11) NOT NULL,\n"
    "  `email` varchar(100) DEFAULT NULL COMMENT 'e-mail; INSERT INTO `customer` VALUES (9,''x'')',\n"
    "  `status` enum('a,b','c''d') DEFAULT NULL,\n"
    "  `twice` int(11) GENERATED ALWAYS AS (`id` * 2) VIRTUAL,\n"
    "  PRIMARY KEY (`id`),\n"
    "  KEY `idx` (`email`),\n"
    "  CONSTRAINT `chk` CHECK (`id` > 0)\n"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
    "LOCK TABLES `customer` WRITE;\n"
    "/*!40000 ALTER TABLE `customer` DISABLE KEYS */;\n"
    "INSERT INTO `customer` VALUES\n"
    "(1,'a@example.invalid','a,b',2),\r\n"
    "(2,'--comment\\n/* c */ ;','c\\'d',4),\n"
    "(3,'/*!40101 fake */',NULL,6);\n"
    "/*!40000 ALTER TABLE `customer` ENABLE KEYS */;\n"
    "UNLOCK TABLES;\n"
    "/*!50001 CREATE ALGORITHM=UNDEFINED */\n"
    "/*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */\n"
    "/*!50001 VIEW `v` AS select `c`.`email` AS `email` from `customer` `c` */;\n"
    "DELIMITER ;;\n"
    "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER trg BEFORE INSERT ON customer FOR EACH ROW "
    "BEGIN INSERT INTO `customer` VALUES (99,'trigger;body','a,b',0); END */;;\n"
    "CREATE DEFINER=`root`@`localhost` PROCEDURE `p1`()\nBEGIN SELECT 1; INSERT INTO customer VALUES (7,'x',NULL,0); END\n;;\n"
    "DELIMITER ;\n"
    "INSERT INTO `other` VALUES (1,'b@example.invalid');\n"
    "-- Dump completed on 2026-11-30  5:48:51";

TEST_CASE("a MariaDB dump: only the data of the configured table is rewritten, whatever looks like data") {
  TestResolver r;
  r.Add(T("customer"), Wrap("email"));
  Run run = MySql(r, kMariaDb);
  REQUIRE_MESSAGE(run.status.ok(), run.status.message());
  std::string expected = kMariaDb;
  auto replace = [&](std::string_view from, std::string_view to) {
    size_t at = expected.find(from);
    REQUIRE(at != std::string::npos);
    expected.replace(at, from.size(), to);
  };
  replace("(1,'a@example.invalid'", "(1,'<a@example.invalid>'");
  replace("(2,'--comment\\n/* c */ ;'", "(2,'<--comment\\n/* c */ ;>'");
  replace("(3,'/*!40101 fake */'", "(3,'</*!40101 fake */>'");
  CHECK(run.output == expected);
  CHECK(r.rows_["public.customer"] == 3);
  CHECK(r.rows_["public.other"] == 1);
  CHECK(r.blocks_["public.customer"] == 1);  // the trigger and routine bodies are code
}

TEST_CASE("the same dump split at every chunk boundary gives the same output") {
  TestResolver whole_r;
  whole_r.Add(T("customer"), Wrap("email"));
  Run whole = MySql(whole_r, kMariaDb);
  REQUIRE(whole.status.ok());
  const std::string dump = kMariaDb;
  for (size_t chunk = 1; chunk <= dump.size(); ++chunk) {
    CAPTURE(chunk);
    TestResolver r;
    r.Add(T("customer"), Wrap("email"));
    Run run = MySql(r, dump, chunk);
    REQUIRE_MESSAGE(run.status.ok(), run.status.message());
    CHECK(run.output == whole.output);
    CHECK(r.rows_["public.customer"] == 3);
  }
}

TEST_CASE("column names come from the column list, else from CREATE TABLE; none of both is an error") {
  TestResolver r;
  r.Add(T("note"), Wrap("body"));
  std::string dump =
      "INSERT INTO `note` (`body`) VALUES ('x');\n"
      "CREATE TABLE `note` (`id` int, `body` text);\n"
      "INSERT INTO `note` VALUES (2,'y');\n";
  Run run = MySql(r, dump);
  REQUIRE(run.status.ok());
  CHECK(run.output ==
        "INSERT INTO `note` (`body`) VALUES ('<x>');\n"
        "CREATE TABLE `note` (`id` int, `body` text);\n"
        "INSERT INTO `note` VALUES (2,'<y>');\n");
  TestResolver r2;
  r2.Add(T("note"), Wrap("body"));
  Run bad = MySql(r2, "INSERT INTO `note` VALUES (1,'SECRET');\n");
  CHECK(ExitClassOf(bad.status) == ExitClass::kInput);  // malformed input: exit 3
  CHECK(std::string(bad.status.message()) ==
        "1:1: table note is configured but its INSERT statement has no column list and the dump has no CREATE TABLE "
        "for it; dump it with column names (mysqldump --complete-insert, pg_dump --column-inserts) or with its schema");
  TestResolver r3;
  r3.Add(T("note"), Wrap("missing"));
  Run missing = MySql(r3, "INSERT INTO `note` (`id`) VALUES (1);\n");
  CHECK(missing.status.code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("without its CREATE TABLE, a configured table's column lists must name only configured columns") {
  // mysqldump --no-create-info --complete-insert of a table whose generated
  // column email_upper holds UPPER(email): dbanon cannot see that it is one.
  const std::string dump =
      "INSERT INTO `customer` (`id`, `email`, `email_upper`) VALUES (1,'a@x.org','A@X.ORG');\n";
  for (bool sqlite : {false, true}) {
    CAPTURE(sqlite);
    TestResolver r;
    r.Add(T("customer"), Wrap("email"));
    Run bad = sqlite ? Sqlite(r, dump) : MySql(r, dump);
    CHECK(ExitClassOf(bad.status) == ExitClass::kInput);
    CHECK(std::string(bad.status.message()) ==
          "1:1: table customer is configured but the dump has no CREATE TABLE for it, and the config names neither "
          "an anonymizer nor \"keep\" for columns id, email_upper: dbanon cannot see their definitions, and a "
          "generated column computed from a configured one would keep its original value; dump the table with its "
          "CREATE TABLE (without --no-create-info), or name every column in the config, giving a generated column "
          "computed from personal data an anonymizer of its own, not \"keep\" (the server computes it again on "
          "restore)");
    CHECK(bad.output.find("A@X.ORG") == std::string::npos);
    // Every column named: rewritten as before.
    TestResolver all;
    all.Add(T("customer"), Wrap("email"));
    all.Add(T("customer"), Const("id", "7"));
    all.Add(T("customer"), Const("email_upper", "X"));
    Run ok = sqlite ? Sqlite(all, dump) : MySql(all, dump);
    REQUIRE_MESSAGE(ok.status.ok(), ok.status.message());
    CHECK(ok.output.find("A@X.ORG") == std::string::npos);
    // With the CREATE TABLE the generated column is known (written DEFAULT).
    TestResolver known;
    known.Add(T("customer"), Wrap("email"));
    const std::string full =
        "CREATE TABLE `customer` (`id` int, `email` text, `email_upper` varchar(120) AS (UPPER(`email`)) STORED);\n" +
        dump;
    if (!sqlite) {
      Run with_ddl = MySql(known, full);
      REQUIRE_MESSAGE(with_ddl.status.ok(), with_ddl.status.message());
      CHECK(with_ddl.output.find("A@X.ORG") == std::string::npos);
    }
  }
}

TEST_CASE("INSERT IGNORE, REPLACE, ON DUPLICATE KEY UPDATE, --hex-blob and _binary (cases P15, P16, P21)") {
  TestResolver r;
  r.Add(T("t"), Const("v", "n'ew"));
  r.Add(T("b"), Const("bin", std::string("\0\0\0\0\0", 5)));
  std::string dump =
      "CREATE TABLE `t` (`id` int, `v` text, `g` blob);\n"
      "INSERT IGNORE INTO `t` VALUES (1,'a',_binary 'ab\\0\\n\\'\\\\cd'),(2,_binary 'x',0x000000000101000000000000000000F03F);\n"
      "REPLACE INTO `t` (`id`,`v`) VALUES (3,'b');\n"
      "INSERT INTO `t` (`id`, `v`) VALUES (4,'c') ON DUPLICATE KEY UPDATE `v`=VALUES(`v`), `id`=(`id`+1);\n"
      "CREATE TABLE `b` (`bin` blob, `x` blob, `e` text, `n` int);\n"
      "INSERT INTO `b` VALUES (\n  0x68656c6c6f,\n  0x68656c6c6f,\n  '',\n  NULL\n);\n";
  Run run = MySql(r, dump);
  REQUIRE_MESSAGE(run.status.ok(), run.status.message());
  CHECK(run.output ==
        "CREATE TABLE `t` (`id` int, `v` text, `g` blob);\n"
        "INSERT IGNORE INTO `t` VALUES (1,'n\\'ew',_binary 'ab\\0\\n\\'\\\\cd'),(2,_binary 'n\\'ew',0x000000000101000000000000000000F03F);\n"
        "REPLACE INTO `t` (`id`,`v`) VALUES (3,'n\\'ew');\n"
        "INSERT INTO `t` (`id`, `v`) VALUES (4,'n\\'ew') ON DUPLICATE KEY UPDATE `v`=VALUES(`v`), `id`=(`id`+1);\n"
        "CREATE TABLE `b` (`bin` blob, `x` blob, `e` text, `n` int);\n"
        "INSERT INTO `b` VALUES (\n  0x0000000000,\n  0x68656c6c6f,\n  '',\n  NULL\n);\n");
}

TEST_CASE("truncated tables: their INSERT statements disappear, quotes and ; in values included (case P14)") {
  TestResolver r;
  r.Truncate(T("session"));
  std::string dump =
      "INSERT INTO `session` VALUES (1,'k=v; path=/; secure',_binary 'ab;cd'),(2,'tok;2',_binary ';');\n"
      "INSERT INTO `visible` VALUES (1,'kept');\n"
      "INSERT INTO `session` VALUES (3,'x') ON DUPLICATE KEY UPDATE id=id;\r\n"
      "INSERT INTO `session` VALUES (4,'no newline at the end');";
  for (size_t chunk : {size_t{1}, size_t{7}, dump.size() + 1}) {
    CAPTURE(chunk);
    TestResolver rc;
    rc.Truncate(T("session"));
    Run run = MySql(rc, dump, chunk);
    REQUIRE_MESSAGE(run.status.ok(), run.status.message());
    CHECK(run.output == "INSERT INTO `visible` VALUES (1,'kept');\n");
    CHECK(rc.rows_["public.session"] == 4);
  }
}

TEST_CASE("cut-off dumps are errors naming the table and the statement's line, never a value (case P25)") {
  struct Case {
    const char* dump;
    const char* message;
  } cases[] = {
      {"SELECT 1;\nINSERT INTO `customer` VALUES (1,'a@example.invalid'),(2,'SECRET@exam",
       "3:70: unexpected end of input inside a string literal of table customer (INSERT statement started at line 3)"},
      {"INSERT INTO `customer` VALUES (1,'a@example.invalid'),",
       "2:55: unexpected end of input inside the VALUES list (a tuple is missing) of table customer (INSERT "
       "statement started at line 2)"},
      {"INSERT INTO `customer` VALUES", "2:30: unexpected end of input inside the VALUES list (a tuple is missing) "
                                        "of table customer (INSERT statement started at line 2)"},
      {"INSERT INTO `customer` (`id`, `em", "2:34: unexpected end of input inside a quoted name (started at line 2)"},
      {"INSERT INTO `customer` (`id`, `email`", "2:38: unexpected end of input inside a statement (started at line 2)"},
      {"INSERT INTO `customer` (`id`, `email`;", "2:1: cannot read the table of this INSERT statement"},
      {"INSERT INTO `customer` VALUES (1,'SECRET') (2,'x');", nullptr},
      {"INSERT INTO `customer` VALUES (1,'a') SECRET (2,'SECRET');",
       "2:39: unexpected text after the tuples in the INSERT statement for table customer (started at line 2)"},
      {"INSERT INTO `customer` VALUES (1,'a') 'SECRET';", nullptr},
  };
  for (const Case& c : cases) {
    CAPTURE(c.dump);
    TestResolver r;
    r.Add(T("customer"), Wrap("email"));
    r.Add(T("customer"), Wrap("id"));
    Run run = MySql(r, "CREATE TABLE `customer` (`id` int, `email` text);\n" + std::string(c.dump));
    REQUIRE_FALSE(run.status.ok());
    CHECK(run.status.code() == absl::StatusCode::kDataLoss);
    if (c.message != nullptr) CHECK(std::string(run.status.message()) == c.message);
    CHECK(std::string(run.status.message()).find("SECRET") == std::string::npos);
  }
  // (d) a complete statement without the final newline is fine.
  TestResolver r;
  r.Add(T("customer"), Wrap("email"));
  Run ok = MySql(r, "INSERT INTO `customer` (`email`) VALUES ('a@example.invalid');");
  REQUIRE(ok.status.ok());
  CHECK(ok.output == "INSERT INTO `customer` (`email`) VALUES ('<a@example.invalid>');");
}

TEST_CASE("a tuple longer than the limit is framed value by value; unconfigured values stream through") {
  TestResolver r;
  r.Add(T("big"), Wrap("email"));
  const std::string payload(InsertValuesFramer::kMaxTupleBytes + (3 << 20), 'a');
  std::string dump = "CREATE TABLE `big` (`id` int, `payload` longtext, `email` text, `n` int);\n"
                     "INSERT INTO `big` VALUES (1,'" + payload + "','e@example.invalid',5),(2,'x','f',6);\n";
  SqlScriptFramer framer(MySqlDialect(), &r);
  Run run = FrameAndRewrite(framer, dump, 1 << 20);
  REQUIRE_MESSAGE(run.status.ok(), run.status.message());
  CHECK(run.output == "CREATE TABLE `big` (`id` int, `payload` longtext, `email` text, `n` int);\n"
                      "INSERT INTO `big` VALUES (1,'" + payload + "','<e@example.invalid>',5),(2,'x','<f>',6);\n");
  CHECK(run.rows.size() < 100);  // the payload was never handed to a worker
  CHECK(r.rows_["public.big"] == 2);
}

TEST_CASE("MariaDB's generated values: configuring one is an error; those derived from a configured column are "
          "written DEFAULT (case P12, issue 11)") {
  std::string ddl =
      "CREATE TABLE `person` (\n  `id` int NOT NULL,\n  `first_name` varchar(50) DEFAULT NULL,\n"
      "  `last_name` varchar(50) DEFAULT NULL,\n"
      "  `full_name` varchar(101) GENERATED ALWAYS AS (concat(`first_name`,' ',`last_name`)) VIRTUAL,\n"
      "  `email` varchar(100) DEFAULT NULL,\n"
      "  `shout` varchar(110) GENERATED ALWAYS AS (ucase(`FULL_NAME`)) STORED,\n"
      "  `twice` int GENERATED ALWAYS AS (`id` * 2) STORED,\n  PRIMARY KEY (`id`)\n);\n";
  TestResolver r;
  r.Add(T("person"), Wrap("first_name"));
  Run mysql = MySql(r, ddl + "INSERT INTO `person` (`id`, `first_name`, `last_name`, `email`) VALUES "
                             "(1,'Ann','Lee','a@example.invalid');\n");
  REQUIRE(mysql.status.ok());
  CHECK(mysql.warnings.empty());
  // mariadb-dump's default, --hex-blob, --complete-insert and one row per
  // statement: full_name reads first_name, shout reads full_name (chained);
  // twice reads only id and keeps its value.
  for (const char* insert : {"INSERT INTO `person` VALUES (1,'Ann','Lee','Ann Lee','a@example.invalid','ANN LEE',2),"
                             "\n(2,'Bo','Li','Bo Li',NULL,'BO LI',4);\n",
                             "INSERT INTO `person` (`id`, `first_name`, `last_name`, `full_name`, `email`, `shout`, "
                             "`twice`) VALUES (1,'Ann','Lee','Ann Lee','a@example.invalid','ANN LEE',2);\n"}) {
    for (size_t chunk : {size_t{0}, size_t{7}}) {
      TestResolver r2;
      r2.Add(T("person"), Wrap("first_name"));
      Run maria = MySql(r2, ddl + insert, chunk);
      REQUIRE_MESSAGE(maria.status.ok(), maria.status.message());
      CHECK(maria.output.find("(1,'<Ann>','Lee',DEFAULT,'a@example.invalid',DEFAULT,2)") != std::string::npos);
      CHECK(maria.output.find("Ann Lee") == std::string::npos);
      CHECK(maria.output.find("ANN LEE") == std::string::npos);
      CHECK(maria.warnings.empty());
    }
  }
  TestResolver r3;
  r3.Add(T("person"), Wrap("full_name"));
  Run gen = MySql(r3, ddl + "INSERT INTO `person` VALUES (1,'Ann','Lee','Ann Lee','a@example.invalid','A',2);\n");
  CHECK(gen.status.code() == absl::StatusCode::kInvalidArgument);
  // Tuples without the generated value (MySQL without a column list): the
  // first tuple picks the column list without generated columns.
  TestResolver r4;
  r4.Add(T("person"), Wrap("email"));
  Run short_rows = MySql(r4, ddl + "INSERT INTO `person` VALUES (1,'Ann','Lee','a@example.invalid');\n");
  REQUIRE_MESSAGE(short_rows.status.ok(), short_rows.status.message());
  CHECK(short_rows.output.find("(1,'Ann','Lee','<a@example.invalid>')") != std::string::npos);
}

TEST_CASE("a generated column derived from a configured one in a tuple too long to hold is written DEFAULT") {
  const std::string payload(InsertValuesFramer::kMaxTupleBytes + 100, 'p');
  std::string dump =
      "CREATE TABLE `big` (`id` int, `payload` longtext, `email` text, "
      "`dom` text GENERATED ALWAYS AS (substring_index(`email`,'@',-1)) VIRTUAL);\n"
      "INSERT INTO `big` VALUES (1,'" + payload + "','e@corp.invalid','corp.invalid');\n";
  TestResolver r;
  r.Add(T("big"), Wrap("email"));
  SqlScriptFramer framer(MySqlDialect(), &r);
  Run run = FrameAndRewrite(framer, dump, 1 << 20);
  REQUIRE_MESSAGE(run.status.ok(), run.status.message());
  CHECK(run.output.find("','<e@corp.invalid>',DEFAULT);\n") != std::string::npos);
  CHECK(run.output.find("'corp.invalid'") == std::string::npos);
}

TEST_CASE("an ENUM column configured with a free-text anonymizer is refused (case P11)") {
  std::string dump =
      "CREATE TABLE `employee` (\n  `employee_id` int NOT NULL,\n  `first_name` varchar(50) DEFAULT NULL,\n"
      "  `status` enum('active','on leave, paid','gone') NOT NULL DEFAULT 'active',\n"
      "  `salary` decimal(10,2) DEFAULT NULL,\n  `ext_ref` uuid DEFAULT NULL,\n  `department_id` int DEFAULT NULL,\n"
      "  PRIMARY KEY (`employee_id`),\n  KEY `idx_name` (`first_name`),\n"
      "  CONSTRAINT `fk_dep` FOREIGN KEY (`department_id`) REFERENCES `department` (`id`),\n"
      "  CONSTRAINT `chk_id` CHECK ((`employee_id` > 0))\n) ENGINE=InnoDB;\n"
      "INSERT INTO `employee` VALUES (1,'Ann','on leave, paid',1234.50,NULL,10);\n";
  TestResolver r;
  r.Add(T("employee"), Wrap("first_name"));
  r.Add(T("employee"), Const("status", "gone"));
  Run run = MySql(r, dump);
  REQUIRE_MESSAGE(run.status.ok(), run.status.message());
  CHECK(run.output.find("VALUES (1,'<Ann>','gone',1234.50,NULL,10);") != std::string::npos);
  TestResolver bad;
  bad.Add(T("employee"), Wrap("status"));
  Run refused = MySql(bad, dump);
  CHECK(refused.status.code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(refused.status.message()).find("column status of table employee is an ENUM") !=
        std::string::npos);
}

TEST_CASE("SQLite .dump: triggers end at END;, replace()/unistr() values are read, X'' blobs") {
  const std::string dump =
      "PRAGMA foreign_keys=OFF;\n"
      "BEGIN TRANSACTION;\n"
      "CREATE TABLE IF NOT EXISTS \"we\"\"ird tab\" (\"col \"\"x\"\" y\" INTEGER PRIMARY KEY, \"UPPER\" TEXT, "
      "[bracket col] BLOB, `bt col` REAL);\n"
      "INSERT INTO \"we\"\"ird tab\" VALUES(1,'it''s',X'00ff0a27',1.5);\n"
      "INSERT INTO \"we\"\"ird tab\" VALUES(2,replace(replace('line1\\nline2\\rcr\ttab\\back','\\r',char(13)),'\\n',"
      "char(10)),NULL,0.0);\n"
      "CREATE TABLE g (a INTEGER, b INTEGER GENERATED ALWAYS AS (a*2) VIRTUAL, c TEXT AS (a||'!') STORED, d TEXT);\n"
      "INSERT INTO g VALUES(3,'secret');\n"
      "CREATE TRIGGER trg AFTER INSERT ON g BEGIN INSERT INTO g(a, d) VALUES (1, 't;x'); SELECT CASE WHEN 1 THEN 2 END; END;\n"
      "INSERT INTO sqlite_sequence VALUES('seqt',2);\n"
      "COMMIT;\n";
  TestResolver r;
  r.Add(T("we\"ird tab"), Wrap("UPPER"));
  r.Add(T("we\"ird tab"), Const("bracket col", "AB"));
  r.Add(T("g"), Wrap("d"));
  for (size_t chunk : {size_t{1}, size_t{3}, size_t{64}, dump.size() + 1}) {
    CAPTURE(chunk);
    TestResolver rc;
    rc.Add(T("we\"ird tab"), Wrap("UPPER"));
    rc.Add(T("we\"ird tab"), Const("bracket col", "AB"));
    rc.Add(T("g"), Wrap("d"));
    Run run = Sqlite(rc, dump, chunk);
    REQUIRE_MESSAGE(run.status.ok(), run.status.message());
    CHECK(run.output ==
          "PRAGMA foreign_keys=OFF;\n"
          "BEGIN TRANSACTION;\n"
          "CREATE TABLE IF NOT EXISTS \"we\"\"ird tab\" (\"col \"\"x\"\" y\" INTEGER PRIMARY KEY, \"UPPER\" TEXT, "
          "[bracket col] BLOB, `bt col` REAL);\n"
          "INSERT INTO \"we\"\"ird tab\" VALUES(1,'<it''s>',X'4142',1.5);\n"
          "INSERT INTO \"we\"\"ird tab\" VALUES(2,'<line1\nline2\rcr\ttab\\back>',NULL,0.0);\n"
          "CREATE TABLE g (a INTEGER, b INTEGER GENERATED ALWAYS AS (a*2) VIRTUAL, c TEXT AS (a||'!') STORED, d TEXT);\n"
          "INSERT INTO g VALUES(3,'<secret>');\n"
          "CREATE TRIGGER trg AFTER INSERT ON g BEGIN INSERT INTO g(a, d) VALUES (1, 't;x'); SELECT CASE WHEN 1 THEN 2 END; END;\n"
          "INSERT INTO sqlite_sequence VALUES('seqt',2);\n"
          "COMMIT;\n");
    CHECK(rc.rows_["public.g"] == 1);
    CHECK(rc.blocks_["public.g"] == 1);
  }
}

// A damaged dump fails closed: its text may be data, so nothing the framer
// cannot place is passed through. Each case is framed in both dialects
// unless marked, at every chunk size, with and without the table
// configured; the message is always the same and never quotes a value.
struct Damaged {
  const char* dump;
  const char* message;
  int dialects = 3;  // 1: MySQL, 2: SQLite, 3: both
};

void CheckFailsClosed(const Damaged& c) {
  const std::string dump = c.dump;
  CAPTURE(dump);
  for (int dialect : {1, 2}) {
    if ((c.dialects & dialect) == 0) continue;
    for (bool configured : {false, true}) {
      for (size_t chunk = 1; chunk <= dump.size() + 1; ++chunk) {
        CAPTURE(dialect);
        CAPTURE(configured);
        CAPTURE(chunk);
        TestResolver r;
        if (configured) r.Add(T("customer"), Wrap("email"));
        Run run = dialect == 1 ? MySql(r, dump, chunk) : Sqlite(r, dump, chunk);
        REQUIRE_FALSE(run.status.ok());
        CHECK(run.status.code() == absl::StatusCode::kDataLoss);
        CHECK(std::string(run.status.message()) == c.message);
        CHECK(std::string(run.status.message()).find("secret") == std::string::npos);
      }
    }
  }
}

void CheckPasses(const std::string& dump, int dialects = 3) {
  CAPTURE(dump);
  for (int dialect : {1, 2}) {
    if ((dialects & dialect) == 0) continue;
    for (size_t chunk = 1; chunk <= dump.size() + 1; ++chunk) {
      CAPTURE(dialect);
      CAPTURE(chunk);
      TestResolver r;
      r.Add(T("customer"), Wrap("email"));
      Run run = dialect == 1 ? MySql(r, dump, chunk) : Sqlite(r, dump, chunk);
      REQUIRE_MESSAGE(run.status.ok(), run.status.message());
      CHECK(run.output == dump);
    }
  }
}

TEST_CASE("fail closed (a): the end of input inside an unterminated statement is an error") {
  for (const Damaged& c : std::initializer_list<Damaged>{
           {"SELECT 1;\nSELECT 2", "2:9: unexpected end of input inside a statement (started at line 2)"},
           {"SELECT 1;\nSELECT 2 -- no ';'\n", "3:1: unexpected end of input inside a statement (started at line 2)"},
           {"CREATE TABLE customer (id int, email text);\nINSERT INTO customer VALUES (1,'secret@x')",
            "2:43: unexpected end of input inside a statement (started at line 2)"},
           {"CREATE TABLE customer (id int, email text);\nINSERT INTO customer VALUES (1,'secret@x')\n-- c\n",
            "4:1: unexpected end of input inside a statement (started at line 2)"},
           {"/*!40101 SET x=1 */", "1:20: unexpected end of input inside a statement (started at line 1)", 1},
           {"DELIMITER ;;\nSELECT 1;\n", "3:1: unexpected end of input inside a statement (started at line 2)", 1},
           {"DELIMITER", "1:10: unexpected end of input inside a statement (started at line 1)", 1},
           {"CREATE TRIGGER trg AFTER INSERT ON g BEGIN SELECT 1;\n",
            "2:1: unexpected end of input inside a statement (started at line 1)", 2},
       }) {
    CheckFailsClosed(c);
  }
  // Comments and blank lines may end the file.
  CheckPasses("SELECT 1;\n-- end\n\n/* c */\n");
  CheckPasses("SELECT 1;\n# c", 1);
  CheckPasses("SELECT 1;\n/*!40101 */\n", 1);
  CheckPasses("SELECT 1;");
  CheckPasses("");
}

TEST_CASE("fail closed (c): an INSERT head that cannot be read is an error, configured table or not") {
  for (const Damaged& c : std::initializer_list<Damaged>{
           {"INSERT INTO customer x VALUES (1,'secret@x');\n",
            "1:1: cannot read the table and columns of this INSERT statement"},
           {"INSERT INTO customer (id, email)) VALUES (1,'secret@x');\n",
            "1:1: cannot read the table and columns of this INSERT statement"},
           {"INSERT INTO (customer) VALUES (1,'secret@x');\n",
            "1:1: cannot read the table and columns of this INSERT statement"},
           {"INSERT INTO customer (id, email VALUES (1,'secret@x');\n",
            "1:1: cannot read the table of this INSERT statement"},
           {"INSERT INTO a.b.customer VALUES (1,'secret@x');\n",
            "1:1: cannot read the table and columns of this INSERT statement"},
           {"INSERT INTOqcustomer VALUES (1,'secret@x');\n",
            "1:1: cannot read the table and columns of this INSERT statement", 2},
           {"INSERT customer VALUES (1,'secret@x');\n",
            "1:1: cannot read the table and columns of this INSERT statement", 2},
           // Without VALUES: one statement split in two, a damaged keyword.
           {"INSERT INTO customer; VALUES (1,'secret@x');\n",
            "1:1: cannot read this INSERT statement (no VALUES list, DEFAULT VALUES or query after its table)"},
           {"INSERT INTO customer VALUS (1,'secret@x');\n",
            "1:1: cannot read this INSERT statement (no VALUES list, DEFAULT VALUES or query after its table)"},
       }) {
    CheckFailsClosed(c);
  }
  CheckPasses("INSERT INTO t SELECT 1;\nINSERT INTO t (a) SELECT 1;\nINSERT INTO t DEFAULT VALUES;\n"
              "INSERT INTO t WITH x AS (SELECT 1) SELECT * FROM x;\n");
  CheckPasses("INSERT t SET a=1;\nINSERT LOW_PRIORITY IGNORE INTO t VALUES (1);\nREPLACE t VALUES (1);\n"
              "INSERT INTO db.t VALUES (1);\n", 1);
  CheckPasses("INSERT OR REPLACE INTO t VALUES(1);\nREPLACE INTO t VALUES(1);\nINSERT OR IGNORE INTO main.t VALUES(1);\n",
              2);
}

TEST_CASE("fail closed (d): a statement that does not start with an SQL command word is an error") {
  for (const Damaged& c : std::initializer_list<Damaged>{
           {"INSRT INTO customer VALUES (1,'secret@x');\n", "1:1: an unknown SQL command (a misspelt INSERT?)"},
           {"SELECT 1;\n  insrt(1);\n", "2:3: an unknown SQL command (a misspelt INSERT?)"},
           {"SELECT 1;\nsecret@x;\n", "2:1: an unknown SQL command"},
           {"SELECT 1;\nsecret\tx;\n", "2:1: an unknown SQL command"},
           {"SELECT 1;\nsecret_1 x;\n", "2:1: an unknown SQL command"},
           {"SELECT 1;\nSECRETMARKERSECRETMARKERSECRETMARKER x;\n", "2:1: an unknown SQL command"},
           {"(INSERT INTO customer VALUES (1,'secret@x'));\n", "1:2: an unknown SQL command"},
           {"1,'secret@x');\n", "1:1: an unknown SQL command"},
           {"'secret@x';\n", "1:1: an unknown SQL command"},
           {"\"secret\";\n", "1:1: an unknown SQL command"},
           {"`secret`;\n", "1:1: an unknown SQL command", 1},
           {"[secret];\n", "1:1: an unknown SQL command", 2},
           {"(;\n", "1:2: an unknown SQL command"},
           {"-x;\n", "1:1: an unknown SQL command"},
           {"\\! cat /etc/passwd\n;", "1:1: an unknown SQL command", 1},
           {"/*!40101 INSRT INTO x */;\n", "1:10: an unknown SQL command (a misspelt INSERT?)", 1},
           {"/*!40101 'secret' */;\n", "1:10: an unknown SQL command", 1},
           // A stray quote turns literals into code and code into literals.
           {"SET a = 'x'';\nINSERT INTO t VALUES (1,'secret; semicolon');\n", "2:34: an unknown SQL command"},
       }) {
    CheckFailsClosed(c);
  }
  CheckPasses(";\n(SELECT 1);\n((VALUES (1)));\n( WITH a AS (SELECT 1) SELECT * FROM a);\n"
              "-- c\n/* c */ select 1;\nSeLeCt 1;\nANALYZE t;\nREINDEX t;\nVACUUM;\nSAVEPOINT a;\nRELEASE a;\n");
  CheckPasses("/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump\n/*!40101 SET NAMES utf8mb4 */;\n"
              "/*!40000 ALTER TABLE `t` DISABLE KEYS */;\n/*!40101 */;\nLOCK TABLES `t` WRITE;\nUNLOCK TABLES;\n"
              "USE `db`;\nDELIMITER ;;\n/*!50003 CREATE*/ /*!50003 TRIGGER a BEFORE INSERT ON t FOR EACH ROW SET @x=1 */;;\n"
              "DELIMITER ;\nFLUSH PRIVILEGES;\nOPTIMIZE TABLE t;\nRENAME TABLE a TO b;\n",
              1);
  CheckPasses("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nDELETE FROM sqlite_sequence;\nCOMMIT;\nATTACH 'x' AS y;\n",
              2);
}

TEST_CASE("fail closed: data of an uncreated table one letter away from a configured one (a damaged name)") {
  const std::string ddl = "CREATE TABLE customer (id int, email text);\nINSERT INTO customer VALUES (1,'a@x');\n";
  for (int dialect : {1, 2}) {
    for (const std::string& tail : {std::string("INSERT INTO customrr VALUES (2,'secret@x');\n"),
                                    std::string("INSERT INTO custome\x80 VALUES (2,'secret@x');\n"),
                                    std::string("INSERT INTO \rustomer VALUES (2,'secret@x');\n"),
                                    std::string("INSERT INTO other.customer VALUES (2,'secret@x');\n")}) {
      CAPTURE(dialect);
      CAPTURE(tail);
      for (size_t chunk : {size_t{1}, size_t{7}, ddl.size() + tail.size() + 1}) {
        TestResolver r;
        r.Add(T("customer"), Wrap("email"));
        Run run = dialect == 1 ? MySql(r, ddl + tail, chunk) : Sqlite(r, ddl + tail, chunk);
        REQUIRE_FALSE(run.status.ok());
        CHECK(run.status.code() == absl::StatusCode::kDataLoss);
        std::string m(run.status.message());
        CHECK(m.find("3:1: the dump has data for table ") == 0);
        CHECK(m.find("which it does not create, but creates configured table customer whose name differs by one "
                     "letter, letter case or schema: a damaged table name?") != std::string::npos);
        CHECK(m.find("secret") == std::string::npos);
      }
    }
  }
  // MySQL: a name that differs only in case (a lower_case_table_names=1
  // server loads it into customer).
  for (const std::string& tail : {std::string("INSERT INTO CUSTOMER VALUES (2,'secret@x');\n"),
                                  std::string("INSERT INTO `Customer` VALUES (2,'secret@x');\n"),
                                  std::string("INSERT INTO Custome VALUES (2,'secret@x');\n")}) {
    CAPTURE(tail);
    TestResolver r;
    r.Add(T("customer"), Wrap("email"));
    Run run = MySql(r, ddl + tail, ddl.size() + tail.size() + 1);
    REQUIRE_FALSE(run.status.ok());
    CHECK(run.status.code() == absl::StatusCode::kDataLoss);
    CHECK(std::string(run.status.message()).find("letter case") != std::string::npos);
  }
  // A neighbour the dump creates, a dump without CREATE TABLE, an unconfigured
  // neighbour, SQLite's own tables: passed through.
  CheckPasses("CREATE TABLE customer (id int, email text);\nCREATE TABLE customers (id int);\n"
              "INSERT INTO customers VALUES (1);\nINSERT INTO sqlite_sequence VALUES ('customer', 1);\n");
  CheckPasses("INSERT INTO customr VALUES (1,'a@x');\n");
  CheckPasses("CREATE TABLE other (id int);\nINSERT INTO othr VALUES (1);\n");
}

TEST_CASE("SQL command words, and what an unknown one's message shows") {
  for (const char* w : {"ALTER", "copy", "Insert", "PRAGMA", "lock", "unlock", "xa", "with", "vacuum", "security",
                        "abort", "values", "replace", "analyse"}) {
    CAPTURE(w);
    CHECK(IsSqlCommandWord(w));
  }
  for (const char* w : {"", "insrt", "inserts", "delimiter", "semicolon", "secret", "insert1", "in sert",
                        "alteralteralteralter"}) {
    CAPTURE(w);
    CHECK_FALSE(IsSqlCommandWord(w));
  }
  CHECK(IsParenthesizedQueryWord("SELECT"));
  CHECK_FALSE(IsParenthesizedQueryWord("insert"));
  CHECK(UnknownCommandMessage("INSRT", ' ') == "an unknown SQL command (a misspelt INSERT?)");
  CHECK(UnknownCommandMessage("John", ' ') == "an unknown SQL command");  // a value: never quoted
  CHECK(UnknownCommandMessage("INSRT", -1) == "an unknown SQL command");   // cut off: maybe part of a value
  CHECK(UnknownCommandMessage("alice", '@') == "an unknown SQL command");  // an e-mail address
  CHECK(UnknownCommandMessage("Ann", '\t') == "an unknown SQL command");   // a COPY row
  CHECK(UnknownCommandMessage("a_b", ' ') == "an unknown SQL command");
  CHECK(UnknownCommandMessage(std::string(31, 'a'), ' ') == "an unknown SQL command");
  CHECK(UnknownCommandMessage(std::string(30, 'a'), ';') == "an unknown SQL command");
}

TEST_CASE("a UTF-8 byte order mark before a dump of each dialect is passed through and the rest read as without it") {
  const std::string bom = "\xEF\xBB\xBF";
  struct Case {
    std::string dump;
    std::string table;
  };
  const Case cases[] = {
      {"-- MariaDB dump 10.19\nCREATE TABLE `t` (\n  `id` int(11),\n  `email` varchar(40)\n);\n"
       "INSERT INTO `t` VALUES (1,'a@example.invalid');\n",
       "t"},
      {"PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE t(id, email);\n"
       "INSERT INTO t VALUES(1,'a@example.invalid');\nCOMMIT;\n",
       "t"},
      {"SET client_encoding = 'UTF8';\nCOPY public.t (id, email) FROM stdin;\n1\ta@example.invalid\n\\.\n", ""},
  };
  for (const Case& c : cases) {
    const std::string dump = bom + c.dump;
    CAPTURE(dump);
    CHECK(DetectDumpFormat(dump) == DetectDumpFormat(c.dump));
    for (size_t chunk : {size_t{1}, size_t{2}, size_t{4}, dump.size() + 1}) {
      TestResolver r;
      r.Add(c.table.empty() ? TableName{"public", "t"} : T(c.table), Wrap("email"));
      std::unique_ptr<Framer> framer = MakeFramer(DetectDumpFormat(dump).value_or(DumpFormat::kPostgres), &r);
      Run run = FrameAndRewrite(*framer, dump, chunk);
      REQUIRE_MESSAGE(run.status.ok(), run.status.message());
      CHECK(run.output.substr(0, 3) == bom);
      CHECK(run.output.find("<a@example.invalid>") != std::string::npos);  // the row was rewritten
    }
  }
}

TEST_CASE("the dump format is detected from its first lines") {
  CHECK(DetectDumpFormat("-- MySQL dump 10.13  Distrib 8.0.34\n") == DumpFormat::kMySql);
  CHECK(DetectDumpFormat("/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump") == DumpFormat::kMySql);
  CHECK(DetectDumpFormat("-- a comment\nINSERT INTO `t` VALUES (1);\n") == DumpFormat::kMySql);
  CHECK(DetectDumpFormat("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n") == DumpFormat::kSqlite);
  CHECK(DetectDumpFormat("--\n-- PostgreSQL database dump\n--\n") == DumpFormat::kPostgres);
  CHECK(DetectDumpFormat("COPY public.t (a) FROM stdin;\n") == DumpFormat::kPostgres);
  // The sqlite3 shell's `.schema` then `.mode insert users` (with and without `.headers on`):
  // VALUES( with no space, which pg_dump and mysqldump never write.
  const std::string schema = "CREATE TABLE users (id integer primary key, email text);\n"
                             "CREATE VIEW v AS SELECT email FROM users\n/* v(email) */;\n";
  CHECK(DetectDumpFormat(schema + "INSERT INTO users VALUES(1,'a@x');\n") == DumpFormat::kSqlite);
  CHECK(DetectDumpFormat(schema + "INSERT INTO users(id,email) VALUES(1,'a@x');\n") == DumpFormat::kSqlite);
  CHECK(DetectDumpFormat("INSERT INTO \"my table\" VALUES(1,'a@x');\n") == DumpFormat::kSqlite);
  // pg_dump's and hand-written INSERTs stay undecided; a marker of another dialect wins.
  CHECK_FALSE(DetectDumpFormat("INSERT INTO public.users VALUES (1, 'a@x');\n").has_value());
  CHECK_FALSE(DetectDumpFormat("INSERT INTO users VALUES (1, 'x VALUES(y');\n").has_value());
  CHECK(DetectDumpFormat("INSERT INTO users VALUES(1,'a@x');\nCOPY public.t (a) FROM stdin;\n") ==
        DumpFormat::kPostgres);
  CHECK(DetectDumpFormat("INSERT INTO public.t VALUES (1);\n") == std::nullopt);  // read as PostgreSQL of unknown origin
  CHECK(ParseDumpFormat("mariadb") == DumpFormat::kMySql);
  CHECK_FALSE(ParseDumpFormat("oracle").has_value());
}

TEST_CASE("the sql_mode a MySQL dump sets decides its quotes: ANSI names, NO_BACKSLASH_ESCAPES, restored (issue 15)") {
  const std::string dump =
      "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO,ANSI' */;\n"
      "CREATE TABLE \"note\" (\"id\" int, \"body\" text);\n"
      "INSERT INTO \"note\" VALUES (1,'a\\'b');\n"
      "/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n"
      "INSERT INTO `note` VALUES (2,\"c\");\n"
      "SET sql_mode = 'NO_BACKSLASH_ESCAPES';\n"
      "INSERT INTO `note` VALUES (3,'d\\');\n";
  for (size_t chunk : {size_t{1}, size_t{5}, dump.size()}) {
    CAPTURE(chunk);
    TestResolver r;
    r.Add(T("note"), Wrap("body"));
    Run run = MySql(r, dump, chunk);
    REQUIRE_MESSAGE(run.status.ok(), run.status.message());
    std::string expected = dump;
    for (auto [from, to] : {std::pair<std::string, std::string>{"(1,'a\\'b')", "(1,'<a\\'b>')"},
                            {"(2,\"c\")", "(2,\"<c>\")"}, {"(3,'d\\')", "(3,'<d\\>')"}}) {
      expected.replace(expected.find(from), from.size(), to);
    }
    CHECK(run.output == expected);
    CHECK(r.rows_["public.note"] == 3);
  }
  TestResolver r;
  r.Add(T("note"), Wrap("body"));
  Run bad = MySql(r, "SET SQL_MODE=CONCAT(@@SQL_MODE, ',ANSI_QUOTES');\n");
  CHECK(bad.status.code() == absl::StatusCode::kDataLoss);
}

TEST_CASE("MySQL versioned comments around a column and its values (sakila): read as code on both sides (issue 15)") {
  const std::string ddl =
      "CREATE TABLE address (\n  address_id SMALLINT NOT NULL,\n  phone VARCHAR(20) NOT NULL,\n"
      "  /*!50705 location GEOMETRY NOT NULL,*/\n  last_update TIMESTAMP NOT NULL,\n"
      "  /*!50705 SPATIAL KEY `idx_location` (location),*/\n  PRIMARY KEY (address_id)\n) ENGINE=InnoDB;\n";
  const std::string dump = ddl +
      "INSERT INTO `address` VALUES (1,'555',/*!50705 0x0101,*/'2014-09-25'),"
      "(2, '777' , /*!50705 0x0202 ,*/ '2014-09-26');\n";
  for (size_t chunk : {size_t{1}, size_t{3}, size_t{7}, dump.size()}) {
    CAPTURE(chunk);
    TestResolver r;
    r.Add(T("address"), Wrap("phone"));
    r.Add(T("address"), Wrap("last_update"));
    Run run = MySql(r, dump, chunk);
    REQUIRE_MESSAGE(run.status.ok(), run.status.message());
    CHECK(run.output == ddl +
          "INSERT INTO `address` VALUES (1,'<555>',/*!50705 0x0101,*/'<2014-09-25>'),"
          "(2, '<777>' , /*!50705 0x0202 ,*/ '<2014-09-26>');\n");
  }
  // A value outside the comment that declares its column, or in another one: refused.
  for (const char* rows : {"(1,'555',0x0101,'2014-09-25')", "(1,'555',/*!50706 0x0101,*/'2014-09-25')",
                           "(1,/*!50705 '555',*/0x0101,'2014-09-25')"}) {
    CAPTURE(rows);
    TestResolver r;
    r.Add(T("address"), Wrap("phone"));
    Run run = MySql(r, ddl + "INSERT INTO `address` VALUES " + rows + ";\n");
    CHECK(run.status.code() == absl::StatusCode::kDataLoss);
    CHECK(std::string(run.status.message()).find("versioned comment") != std::string::npos);
    CHECK(std::string(run.status.message()).find("555") == std::string::npos);
  }
  // A configured column declared inside a versioned comment: refused at its INSERT.
  TestResolver r;
  r.Add(T("address"), Wrap("location"));
  Run run = MySql(r, dump);
  CHECK(run.status.code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(run.status.message()).rfind("9:1: column location of table address is declared inside", 0) == 0);
}

}  // namespace
}  // namespace dbanon
