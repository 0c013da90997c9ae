"""The sql_mode a MySQL dump sets decides how its quotes are read (issue 15 item 13).

mysqldump/mariadb-dump --compatible=ansi write `SQL_MODE='NO_AUTO_VALUE_ON_ZERO,ANSI'`
and double-quoted names; a dump may also set NO_BACKSLASH_ESCAPES, after which a
backslash ends nothing. dbanon follows SET sql_mode (and mysqldump's save/restore
through @OLD_SQL_MODE); a sql_mode it cannot read is refused."""

HEAD = b"""/*M!999999\\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: an
-- ------------------------------------------------------
-- Server version	10.11.19-MariaDB-0+deb12u1

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET NAMES utf8mb4 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO,ANSI' */;

--
-- Table structure for table "users"
--

DROP TABLE IF EXISTS "users";
CREATE TABLE "users" (
  "id" int(11) NOT NULL,
  "email" varchar(60) DEFAULT NULL,
  "note" text DEFAULT NULL,
  PRIMARY KEY ("id")
);

LOCK TABLES "users" WRITE;
"""

TAIL = b"""UNLOCK TABLES;
/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
"""

CONFIG = """
[tables.users]
email = "email"
"""

CASES = [
    dict(name="mariadb-dump --compatible=ansi: double-quoted names, single-quoted strings with escapes",
         dump=HEAD + b"INSERT INTO \"users\" VALUES\n(1,'zqxmarker\\\"@x.org','it\\'s \\\"q\\\"'),\n(2,'b@x.org',NULL);\n" + TAIL,
         config=CONFIG, expect="clean"),
    dict(name="mariadb-dump --compatible=ansi --complete-insert: a double-quoted column list",
         dump=HEAD + b"INSERT INTO \"users\" (\"id\", \"email\", \"note\") VALUES (1,'zqxmarker@x.org','n');\n" + TAIL,
         config=CONFIG, expect="clean"),
    dict(name="after SET SQL_MODE=@OLD_SQL_MODE double quotes are strings again",
         dump=HEAD + TAIL + b"INSERT INTO `users` VALUES (1,\"zqxmarker@x.org\",'n');\n",
         config=CONFIG, expect="clean"),
    dict(name="NO_BACKSLASH_ESCAPES: a backslash at the end of a string ends nothing",
         dump=HEAD.replace(b"'NO_AUTO_VALUE_ON_ZERO,ANSI'", b"'NO_BACKSLASH_ESCAPES'").replace(b'"', b"`")
              + b"INSERT INTO `users` VALUES (1,'zqxmarker@x.org\\','n\\');\n" + TAIL,
         config=CONFIG, expect="clean"),
    dict(name="a sql_mode dbanon cannot read is refused",
         dump=HEAD.replace(b"SQL_MODE='NO_AUTO_VALUE_ON_ZERO,ANSI'", b"SQL_MODE=CONCAT(@@SQL_MODE, ',ANSI_QUOTES')")
              + b"INSERT INTO \"users\" VALUES (1,'zqxmarker@x.org','n');\n" + TAIL,
         config=CONFIG, expect="refuse"),
]
