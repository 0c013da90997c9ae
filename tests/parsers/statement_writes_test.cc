// What statements outside COPY rows and INSERT tuples write into a table
// (issue 11, part 4 and its gaps): the UPDATE clause of an INSERT, DO blocks,
// LOAD DATA and COPY FROM a file.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "parsers/insert_framer.h"
#include "parsers/sql_statements.h"
#include "parsers/sql_tuples.h"

namespace dbanon {
namespace {

// person(id, email, phone) with email and phone configured.
RowPlan PersonPlan() {
  RowPlan plan;
  plan.table = TableName{"", "person"};
  plan.num_columns = 3;
  plan.column_names = {"id", "email", "phone"};
  plan.configured = {false, true, true};
  return plan;
}

std::string Check(const SqlDialect& d, const char* tail) {
  std::optional<std::string> col = UnrewrittenUpdateColumn(d, tail, PersonPlan());
  return col.has_value() ? "refused:" + *col : "passes";
}

TEST_CASE("an UPDATE clause that assigns a configured column only from the incoming row passes") {
  CHECK(Check(MySqlDialect(), " ON DUPLICATE KEY UPDATE `email`=VALUES(`email`), id = id + 1;") == "passes");
  CHECK(Check(MySqlDialect(), " AS new ON DUPLICATE KEY UPDATE person.email = new.email, phone = NULL;") == "passes");
  CHECK(Check(PostgresDialect(true), " ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, id = 7 "
                                     "WHERE person.phone <> '555';") == "passes");
  CHECK(Check(PostgresDialect(true), " ON CONFLICT (id) DO UPDATE SET \"email\" = excluded.\"email\", phone = DEFAULT")
        == "passes");
  CHECK(Check(SqliteDialect(), " ON CONFLICT(id) DO UPDATE SET email=excluded.email ON CONFLICT DO NOTHING;") ==
        "passes");
  CHECK(Check(SqliteDialect(), " ON CONFLICT DO NOTHING;") == "passes");
  CHECK(Check(MySqlDialect(), ";") == "passes");
}

TEST_CASE("an UPDATE clause that ends inside a parenthesis cannot be read: refused, in bounded time and memory") {
  // The mysql_insert fuzzer's input: the unclosed quoted name takes the ')'
  // and the rest of the statement. The expression loop never ended before.
  CHECK(Check(MySqlDialect(), " ON DUPLICATE KEY UPDATE `v`=VALUES(`v)`;\n") == "refused:");
  CHECK(Check(MySqlDialect(), " ON DUPLICATE KEY UPDATE id = (1 + (2") == "refused:");
  CHECK(Check(PostgresDialect(true), " ON CONFLICT (id) DO UPDATE SET id = length((") == "refused:");
}

TEST_CASE("an UPDATE clause that assigns a configured column a literal, a bare number or an expression is refused") {
  CHECK(Check(MySqlDialect(), " ON DUPLICATE KEY UPDATE phone = 5551234;") == "refused:phone");
  CHECK(Check(MySqlDialect(), " ON DUPLICATE KEY UPDATE id = 2, `person`.`email` = 'x';") == "refused:email");
  CHECK(Check(MySqlDialect(), " ON DUPLICATE KEY UPDATE email = CONCAT(VALUES(email), 'x');") == "refused:email");
  CHECK(Check(MySqlDialect(), " ON DUPLICATE KEY UPDATE email = VALUES(phone);") == "refused:email");
  CHECK(Check(PostgresDialect(true), " ON CONFLICT (id) DO UPDATE SET (id, email) = (excluded.id, 'x');") ==
        "refused:email");
  CHECK(Check(PostgresDialect(true), " ON CONFLICT (id) DO UPDATE SET email = $q$x$q$;") == "refused:email");
  // A dollar quote holding a quote does not hide the next assignment.
  CHECK(Check(PostgresDialect(true), " ON CONFLICT (id) DO UPDATE SET id = length($$'$$), email = 'x';") ==
        "refused:email");
  CHECK(Check(SqliteDialect(), " ON CONFLICT(id) DO UPDATE SET email=excluded.email ON CONFLICT DO UPDATE SET "
                               "phone = 1955;") == "refused:phone");
  // A column the statement does not list may be configured.
  CHECK(Check(MySqlDialect(), " ON DUPLICATE KEY UPDATE nickname = 'x';") == "refused:nickname");
  CHECK(Check(MySqlDialect(), " ON DUPLICATE KEY UPDATE email = ") == "refused:email");
}

std::string Writes(const char* statement) {
  std::optional<DoBlockWrites> w = PgDoBlockWrites(PostgresDialect(true), statement);
  if (!w.has_value()) return "unreadable statement";
  if (w->unreadable) return "unreadable code";
  std::string out;
  for (const WrittenTable& t : w->tables) out += (out.empty() ? "" : " ") + t.kind + ":" + t.name_parts.back();
  return out;
}

TEST_CASE("a DO block's code is read for the tables it writes, in every quoting of the code") {
  CHECK(Writes("DO $$ BEGIN INSERT INTO public.person VALUES (1, 'x'); END $$;") == "INSERT:person");
  CHECK(Writes("DO LANGUAGE plpgsql 'BEGIN UPDATE person SET email = ''x''; END';") == "UPDATE:person");
  CHECK(Writes("DO $body$ BEGIN COPY public.person FROM '/tmp/f'; MERGE INTO t USING s ON true "
               "WHEN MATCHED THEN DELETE; END $body$ LANGUAGE plpgsql;") == "COPY:person MERGE:t");
  CHECK(Writes("DO $$ BEGIN PERFORM count(*) FROM public.person; INSERT INTO public.log SELECT * FROM public.person; "
               "END $$;") == "INSERT:log");
  CHECK(Writes("DO $$ BEGIN EXECUTE 'UPDATE person SET email = 1'; END $$;") == "unreadable code");
  CHECK(Writes("DO $$ plpy.execute('UPDATE person SET email = 1') $$ LANGUAGE plpython3u;") == "unreadable code");
  CHECK(Writes("DO;") == "unreadable statement");
}

TEST_CASE("LOAD DATA and COPY FROM a file write into their table; COPY TO does not") {
  auto kinds = [](const SqlDialect& d, const char* s) {
    std::string out;
    for (const WrittenTable& t : WrittenTables(d, s)) out += (out.empty() ? "" : " ") + t.kind + ":" + t.name_parts.back();
    return out;
  };
  CHECK(kinds(MySqlDialect(), "LOAD DATA LOCAL INFILE '/tmp/f' REPLACE INTO TABLE `db`.`person` (id, email)") ==
        "LOAD:person");
  CHECK(kinds(MySqlDialect(), "LOAD XML INFILE 'f.xml' INTO TABLE person") == "LOAD:person");
  CHECK(kinds(PostgresDialect(true), "COPY public.person (id, email) FROM PROGRAM 'cat f'") == "COPY:person");
  CHECK(kinds(PostgresDialect(true), "COPY public.person TO '/tmp/f'").empty());
}

}  // namespace
}  // namespace dbanon

namespace dbanon {
namespace {

TEST_CASE("an FTS table's declaration in sqlite3 .dump's INSERT INTO sqlite_schema is read with its columns and content") {
  auto fts = ParseSqliteSchemaFts(
      "INSERT INTO sqlite_schema(type,name,tbl_name,rootpage,sql)VALUES('table','ft','ft',0,"
      "'CREATE VIRTUAL TABLE ft USING fts5(title, body UNINDEXED, tokenize=''porter'')');");
  REQUIRE(fts.has_value());
  CHECK(fts->name.table == "ft");
  CHECK(fts->version == 5);
  CHECK(fts->columns == std::vector<std::string>{"title", "body"});
  CHECK(fts->content == FtsTable::Content::kOwn);
  fts = ParseSqliteSchemaFts(
      "INSERT INTO sqlite_schema(type,name,tbl_name,rootpage,sql)VALUES('table','fe','fe',0,"
      "'CREATE VIRTUAL TABLE fe USING fts5(t, content=''docs'', content_rowid=''id'')');");
  REQUIRE(fts.has_value());
  CHECK(fts->content == FtsTable::Content::kExternal);
  CHECK(fts->content_table == std::vector<std::string>{"docs"});
  fts = ParseSqliteSchemaFts(
      "INSERT INTO sqlite_master(type,name,tbl_name,rootpage,sql)VALUES('table','f4','f4',0,"
      "'CREATE VIRTUAL TABLE f4 USING fts4(a, b, content='''')');");
  REQUIRE(fts.has_value());
  CHECK(fts->version == 4);
  CHECK(fts->content == FtsTable::Content::kNone);
  CHECK_FALSE(ParseSqliteSchemaFts("INSERT INTO sqlite_schema(type,name,tbl_name,rootpage,sql)VALUES('table','r',"
                                   "'r',0,'CREATE VIRTUAL TABLE r USING rtree(id, x0, x1)');")
                  .has_value());
  CHECK(FirstTupleInteger(SqliteDialect(), "INSERT INTO ft_data VALUES(137438953473,X'00');") == 137438953473);
  CHECK(FirstTupleInteger(SqliteDialect(), "INSERT INTO ft_data VALUES(10,X'00');") == 10);
  CHECK_FALSE(FirstTupleInteger(SqliteDialect(), "INSERT INTO ft_data VALUES('10',X'00');").has_value());
}

}  // namespace
}  // namespace dbanon

namespace dbanon {
namespace {

std::string DdlHeadOf(const SqlDialect& d, std::string_view head) {
  std::optional<DdlHead> h = ReadDdlHead(d, head);
  if (!h.has_value()) return "unreadable";
  if (h->kind == DdlHead::Kind::kOther) return "other";
  return std::string(h->create ? "create " : "alter ") + (h->kind == DdlHead::Kind::kTable ? "table " : "view ") +
         TableNameFor(d, h->name_parts).Display();
}

TEST_CASE("the head of a DDL statement too long to hold names its table or view") {
  const SqlDialect& my = MySqlDialect();
  const SqlDialect& pg = PostgresDialect(true);
  const SqlDialect& sq = SqliteDialect();
  // Cut anywhere after the name: a string or comment left open does not matter.
  CHECK(DdlHeadOf(my, "ALTER TABLE `users` MODIFY `email` varchar(100) FIRST, ADD CHECK (`note` <> 'xxx") ==
        "alter table users");
  CHECK(DdlHeadOf(my, "/*!40000 ALTER ONLINE IGNORE TABLE `app`.`users` COMMENT 'xx") == "alter table app.users");
  CHECK(DdlHeadOf(pg, "ALTER TABLE IF EXISTS ONLY public.users DROP COLUMN email, ADD CONSTRAINT c CHECK (x <> 'xx") ==
        "alter table public.users");
  CHECK(DdlHeadOf(sq, "ALTER TABLE users RENAME COLUMN email TO note /* xxx") == "alter table users");
  CHECK(DdlHeadOf(my, "CREATE TABLE IF NOT EXISTS `users` (`email` varchar(100), `id` int) COMMENT='xx") ==
        "create table users");
  CHECK(DdlHeadOf(pg, "CREATE UNLOGGED TABLE public.users (email text CHECK (email <> 'xx") == "create table public.users");
  CHECK(DdlHeadOf(my, "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` AS SELECT 'x") ==
        "create view v");
  CHECK(DdlHeadOf(my, "ALTER ALGORITHM=MERGE VIEW `v` AS SELECT * FROM `users` WHERE 'x") == "alter view v");
  CHECK(DdlHeadOf(pg, "CREATE OR REPLACE TEMP VIEW v AS SELECT 'xx") == "create view public.v");
  // Other objects are not tables.
  CHECK(DdlHeadOf(my, "ALTER DATABASE `app` COMMENT 'xx") == "other");
  CHECK(DdlHeadOf(pg, "ALTER SEQUENCE public.s OWNED BY public.users.id") == "other");
  // A table whose name is cut off, or hidden in a comment that does not end, cannot be read.
  CHECK(DdlHeadOf(my, "ALTER TABLE /* xxxx") == "unreadable");
  CHECK(DdlHeadOf(pg, "CREATE TABLE /* xxxx") == "unreadable");
  CHECK(DdlHeadOf(my, "CREATE /* xxxx") == "unreadable");
}

}  // namespace
}  // namespace dbanon
