"""Leak paths of DDL statements too long to hold, of sql_mode read from a comment,
of names reached through a search_path dbanon cannot read, of data into views, and
of configs that do not fit SQLite's INTEGER PRIMARY KEY.

Over-long DDL: the framers hold a CREATE TABLE, CREATE VIEW or ALTER TABLE statement
whole only up to a cap (SqlScriptFramer 4 MiB, PgPlainFramer 1 MiB); past it the
statement went through unread, so an ALTER TABLE that reorders a table's columns left
its old CREATE TABLE in force and a later `INSERT INTO users VALUES (...)` was read by
the old column order: the e-mail went out in clear in another column. Now such a
statement is read by its head only: its table is read from then on as one without a
CREATE TABLE (PostgreSQL: refused, since INHERITS is at its end).
"""

CFG = '[tables.users]\nid = "keep"\nemail = "email"\nnote = "keep"\n'
PG_CFG = '[tables."public.users"]\nid = "keep"\nemail = "email"\nnote = "keep"\n'

PAD_MY = b"x" * (5 << 20)   # past SqlScriptFramer::kMaxCreateTableBytes (4 MiB)
PAD_PG = b"x" * (3 << 19)   # past PgPlainFramer::kMaxStatementBytes (1 MiB)
MY_HEAD = b"/*!40101 SET NAMES utf8mb4 */;\n"
SQ_HEAD = b"PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"
PG_HEAD = (b"SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n"
           b"SELECT pg_catalog.set_config('search_path', '', false);\n")

# MariaDB: MODIFY ... FIRST puts email first; the CHECK's string makes the statement 5 MiB.
MY_LONG_ALTER = (MY_HEAD +
                 b"CREATE TABLE `users` (`id` varchar(100), `email` varchar(100), `note` text);\n"
                 b"ALTER TABLE `users` MODIFY `email` varchar(100) FIRST, ADD CONSTRAINT `c` CHECK (`note` <> '"
                 + PAD_MY + b"');\n"
                 b"INSERT INTO `users` VALUES ('zqxmarker@corp.example','1','n/a');\n")
# The same ALTER with the long part in a comment.
MY_LONG_ALTER_COMMENT = (MY_HEAD +
                         b"CREATE TABLE `users` (`id` varchar(100), `email` varchar(100), `note` text);\n"
                         b"ALTER TABLE `users` MODIFY `email` varchar(100) FIRST /* " + PAD_MY + b" */;\n"
                         b"INSERT INTO `users` VALUES ('zqxmarker@corp.example','1','n/a');\n")
# A table dropped and created again with another column order, by a CREATE TABLE too long to hold.
MY_LONG_RECREATE = (MY_HEAD +
                    b"CREATE TABLE `users` (`id` varchar(100), `email` varchar(100), `note` text);\n"
                    b"DROP TABLE `users`;\n"
                    b"CREATE TABLE `users` (`email` varchar(100), `id` varchar(100), `note` text) COMMENT='"
                    + PAD_MY + b"';\n"
                    b"INSERT INTO `users` VALUES ('zqxmarker@corp.example','1','n/a');\n")
# The same, with the long part between CREATE and TABLE (the statement's kind is read late).
MY_LONG_CREATE_KIND = (MY_HEAD +
                       b"CREATE TABLE `users` (`id` varchar(100), `email` varchar(100), `note` text);\n"
                       b"DROP TABLE `users`;\n"
                       b"CREATE /* " + b"y" * (70 << 10) + b" */ TABLE `users` (`email` varchar(100), "
                       b"`id` varchar(100), `note` text);\n"
                       b"INSERT INTO `users` VALUES ('zqxmarker@corp.example','1','n/a');\n")
# What is not a table's: an over-long ALTER of another table, and of the database, leave users readable.
MY_LONG_ALTER_OTHER = (MY_HEAD +
                       b"CREATE TABLE `users` (`id` varchar(100), `email` varchar(100), `note` text);\n"
                       b"CREATE TABLE `logs` (`id` int, `line` text);\n"
                       b"ALTER TABLE `logs` ADD CONSTRAINT `c` CHECK (`line` <> '" + PAD_MY + b"');\n"
                       b"ALTER DATABASE `app` COMMENT '" + PAD_MY + b"';\n"
                       b"INSERT INTO `users` VALUES ('1','zqxmarker@corp.example','n/a');\n")
SQ_LONG_ALTER = (SQ_HEAD +
                 b"CREATE TABLE users (id int, mail text, email text);\n"
                 b"ALTER TABLE users RENAME COLUMN email TO email_old /* " + PAD_MY + b" */;\n"
                 b"INSERT INTO users VALUES(1,'zqxmarker@corp.example','n/a');\nCOMMIT;\n")
SQ_LONG_RECREATE = (SQ_HEAD +
                    b"CREATE TABLE users (id int, email text, note text);\n"
                    b"DROP TABLE users;\n"
                    b"CREATE TABLE users (email text, id int, note text CHECK (note <> '" + PAD_MY + b"'));\n"
                    b"INSERT INTO users VALUES('zqxmarker@corp.example',1,'n/a');\nCOMMIT;\n")
PG_LONG_ALTER = (PG_HEAD +
                 b"CREATE TABLE public.users (id integer, email text, note text);\n"
                 b"ALTER TABLE public.users DROP COLUMN email, ADD COLUMN email text, "
                 b"ADD CONSTRAINT c CHECK (note <> '" + PAD_PG + b"');\n"
                 b"INSERT INTO public.users VALUES (1, 'n/a', 'zqxmarker@corp.example');\n")
PG_LONG_RECREATE = (PG_HEAD +
                    b"CREATE TABLE public.users (id integer, email text, note text);\n"
                    b"DROP TABLE public.users;\n"
                    b"CREATE TABLE public.users (email text, id integer, note text CHECK (note <> '"
                    + PAD_PG + b"'));\n"
                    b"INSERT INTO public.users VALUES ('zqxmarker@corp.example', 1, 'n/a');\n")
PG_LONG_ALTER_OTHER = (PG_HEAD +
                       b"CREATE TABLE public.users (id integer, email text, note text);\n"
                       b"CREATE TABLE public.logs (id integer, line text);\n"
                       b"ALTER TABLE public.logs ADD CONSTRAINT c CHECK (line <> '" + PAD_PG + b"');\n"
                       b"INSERT INTO public.users VALUES (1, 'zqxmarker@corp.example', 'n/a');\n")

PG_LONG_VIEW = (PG_HEAD +
                b"CREATE TABLE public.users (id integer, email text, note text);\n"
                b"CREATE VIEW public.v AS SELECT id, email, note FROM public.users WHERE note <> '" + PAD_PG + b"';\n"
                b"INSERT INTO public.v VALUES (1, 'zqxmarker@corp.example', 'n/a');\n")
MY_LONG_VIEW = (MY_HEAD +
                b"CREATE TABLE `users` (`id` varchar(100), `email` varchar(100), `note` text);\n"
                b"/*!50001 CREATE ALGORITHM=UNDEFINED VIEW `v` AS SELECT `id`,`email`,`note` FROM `users` "
                b"WHERE `note` <> '" + PAD_MY + b"' */;\n"
                b"INSERT INTO `v` VALUES ('1','zqxmarker@corp.example','n/a');\n")
PG_LONG_SET = (PG_HEAD +
               b"CREATE SCHEMA other;\nCREATE TABLE other.users (id integer, email text, note text);\n"
               b"CREATE TABLE public.users (id integer, email text, note text);\n"
               b"SET search_path = other;\n"
               b"SET search_path = public, \"" + PAD_PG + b"\";\n"
               b"INSERT INTO users VALUES (1, 'zqxmarker@corp.example', 'n/a');\n")


def make_pg_schema_long_alter(tmp):
    """pg_dump -a --inserts data, with --schema: a script whose ALTER TABLE reorders users, too long to hold."""
    (tmp / "schema.sql").write_bytes(PG_HEAD + b"CREATE TABLE public.users (id integer, email text, note text);\n"
                                     b"ALTER TABLE public.users DROP COLUMN email, ADD COLUMN email text, "
                                     b"ADD CONSTRAINT c CHECK (note <> '" + PAD_PG + b"');\n")
    data = tmp / "data.sql"
    data.write_bytes(PG_HEAD + b"INSERT INTO public.users VALUES (1, 'n/a', 'zqxmarker@corp.example');\n")
    return data


CASES = [
    {"name": "mariadb script: an ALTER TABLE ... FIRST longer than 4 MiB drops the table's CREATE TABLE, INSERT without column list refused",
     "dump": MY_LONG_ALTER, "config": CFG, "expect": "refuse"},
    {"name": "mariadb script: an ALTER TABLE ... FIRST made longer than 4 MiB by a comment is refused the same",
     "dump": MY_LONG_ALTER_COMMENT, "config": CFG, "expect": "refuse"},
    {"name": "mariadb script: a CREATE TABLE longer than 4 MiB that creates a table again leaves it without columns, refused",
     "dump": MY_LONG_RECREATE, "config": CFG, "expect": "refuse"},
    {"name": "mariadb script: a CREATE statement with 64 KiB before its TABLE word is refused",
     "dump": MY_LONG_CREATE_KIND, "config": CFG, "expect": "refuse"},
    {"name": "mariadb script: over-long ALTERs of another table and of the database leave the configured table readable",
     "dump": MY_LONG_ALTER_OTHER, "config": CFG, "expect": "clean"},
    {"name": "sqlite script: a RENAME COLUMN longer than 4 MiB drops the table's CREATE TABLE, INSERT without column list refused",
     "dump": SQ_LONG_ALTER, "config": '[tables.users]\nid = "keep"\nemail = "email"\n', "expect": "refuse"},
    {"name": "sqlite script: a CREATE TABLE longer than 4 MiB that creates a table again leaves it without columns, refused",
     "dump": SQ_LONG_RECREATE, "config": CFG, "expect": "refuse"},
    {"name": "psql script: an ALTER TABLE DROP/ADD COLUMN longer than 1 MiB drops the table's CREATE TABLE, INSERT without column list refused",
     "dump": PG_LONG_ALTER, "config": PG_CFG, "expect": "refuse"},
    {"name": "psql script: a CREATE TABLE longer than 1 MiB is refused (its INHERITS would be unread)",
     "dump": PG_LONG_RECREATE, "config": PG_CFG, "expect": "refuse"},
    {"name": "psql script: an over-long ALTER TABLE of another table leaves the configured table readable",
     "dump": PG_LONG_ALTER_OTHER, "config": PG_CFG, "expect": "clean"},
    {"name": "psql script: a CREATE VIEW longer than 1 MiB is refused (which tables it reads is unread)",
     "dump": PG_LONG_VIEW, "config": PG_CFG, "expect": "refuse"},
    {"name": "mariadb script: a CREATE VIEW longer than 4 MiB is refused (which tables it reads is unread)",
     "dump": MY_LONG_VIEW, "config": CFG, "expect": "refuse"},
    {"name": "psql script: a SET search_path longer than 1 MiB is refused (where unqualified rows go is unread)",
     "dump": PG_LONG_SET, "config": PG_CFG, "expect": "refuse"},
    {"name": "psql script with --schema: an over-long ALTER TABLE in the schema drops the table's CREATE TABLE, refused",
     "make": make_pg_schema_long_alter, "config": PG_CFG, "args": ["--schema", "schema.sql"], "expect": "refuse"},
]

# sql_mode read from a comment, a string or SET GLOBAL: the session's mode stays, dbanon's
# changed. With the server's NO_BACKSLASH_ESCAPES (or ANSI_QUOTES) in force and dbanon
# reading backslash escapes (or "..." strings), dbanon read the users INSERT as the inside
# of a string of another statement, and let it through.
MY_TABLES = (MY_HEAD + b"CREATE TABLE `logs` (`line` text);\n"
             b"CREATE TABLE `users` (`id` int, `email` varchar(100));\n")
NOBS_SWALLOW = (b"INSERT INTO `logs` VALUES ('a\\');\n"
                b"INSERT INTO `users` VALUES (1,\"zqxmarker@corp.example\");\n"
                b"INSERT INTO `logs` VALUES (', 2); -- ');\n")
MY_MODE_COMMENT = (MY_TABLES + b"SET sql_mode='NO_BACKSLASH_ESCAPES';\n"
                   b"SET /* sql_mode='' */ NAMES utf8mb4;\n" + NOBS_SWALLOW)
MY_MODE_STRING = (MY_TABLES + b"SET sql_mode='NO_BACKSLASH_ESCAPES';\n"
                  b"SET @note = 'was sql_mode=''''', NAMES utf8mb4;\n" + NOBS_SWALLOW)
MY_MODE_GLOBAL = (MY_TABLES + b"SET sql_mode='NO_BACKSLASH_ESCAPES';\n"
                  b"SET GLOBAL sql_mode='';\n" + NOBS_SWALLOW)
MY_MODE_ANSI_COMMENT = (MY_TABLES + b"SET sql_mode='ANSI_QUOTES';\n"
                        b"SET /* sql_mode='' */ NAMES utf8mb4;\n"
                        b"CREATE TABLE \"a\\\" (x text);\n"
                        b"INSERT INTO `users` VALUES (1,'zqxmarker@corp.example');\n"
                        b"CREATE TABLE c (y text); -- \"\n"
                        b"CREATE TABLE d (z text);\n")
# mysqldump's own shape: the mode inside a versioned comment every server runs is read.
MY_MODE_VERSIONED = (MY_TABLES + b"/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_BACKSLASH_ESCAPES' */;\n"
                     b"INSERT INTO `logs` VALUES ('a\\');\n"
                     b"INSERT INTO `users` VALUES (1,'zqxmarker@corp.example');\n"
                     b"/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n"
                     b"INSERT INTO `users` VALUES (2,'zqxmarker2@corp.example\\'s');\n")
# MariaDB's SET STATEMENT var=value FOR statement runs the statement: an INSERT in it is data.
MY_SET_STATEMENT = (MY_TABLES + b"SET STATEMENT max_statement_time=60 FOR "
                    b"INSERT INTO `users` VALUES (1,'zqxmarker@corp.example');\n")
# A mode only some servers run (MySQL 5.7+ runs /*!50700, MariaDB skips it) is refused.
MY_MODE_DISPUTED = (MY_TABLES + b"/*!50700 SET sql_mode='NO_BACKSLASH_ESCAPES' */;\n"
                    b"INSERT INTO `users` VALUES (1,'zqxmarker@corp.example');\n")
MY_CFG = '[tables.users]\nemail = "email"\n'

CASES += [
    {"name": "mariadb script: sql_mode='' in a comment of a SET does not change how quotes are read",
     "dump": MY_MODE_COMMENT, "config": MY_CFG, "expect": "clean"},
    {"name": "mariadb script: sql_mode='' inside a string of a SET does not change how quotes are read",
     "dump": MY_MODE_STRING, "config": MY_CFG, "expect": "clean"},
    {"name": "mariadb script: SET GLOBAL sql_mode does not change the session's quotes",
     "dump": MY_MODE_GLOBAL, "config": MY_CFG, "expect": "clean"},
    {"name": "mariadb script: under ANSI_QUOTES, sql_mode='' in a comment does not make \"...\" a string",
     "dump": MY_MODE_ANSI_COMMENT, "config": MY_CFG, "expect": "clean"},
    {"name": "mysqldump: SQL_MODE set and restored in versioned comments is followed",
     "dump": MY_MODE_VERSIONED, "config": MY_CFG, "expect": "clean"},
    {"name": "mariadb script: SET STATEMENT ... FOR INSERT into a configured table is refused",
     "dump": MY_SET_STATEMENT, "config": MY_CFG, "expect": "refuse"},
    {"name": "mariadb script: a sql_mode in a versioned comment only some servers run is refused",
     "dump": MY_MODE_DISPUTED, "config": MY_CFG, "expect": "refuse"},
]

# search_path dbanon cannot read (an expression): an unqualified UPDATE, MERGE, DO block or
# COPY FROM a file may reach the configured public.users as well as an INSERT or COPY can.
PG_UNREAD_PATH = (PG_HEAD + b"CREATE TABLE public.users (id integer, email text, note text);\n"
                  b"SELECT pg_catalog.set_config('search_path', current_setting('app.schema'), false);\n")
PG_PATH_CASES = [
    ("UPDATE", b"UPDATE users SET email = 'zqxmarker@corp.example' WHERE id = 1;\n"),
    ("MERGE", b"MERGE INTO users u USING (VALUES (1)) s(id) ON u.id = s.id "
              b"WHEN MATCHED THEN UPDATE SET email = 'zqxmarker@corp.example';\n"),
    ("WITH ... INSERT", b"WITH s AS (SELECT 1) INSERT INTO users SELECT 1, 'zqxmarker@corp.example', 'n/a';\n"),
    ("DO block", b"DO $$ BEGIN INSERT INTO users VALUES (1, 'zqxmarker@corp.example', 'n/a'); END $$;\n"),
    ("INSERT ... SELECT", b"INSERT INTO users SELECT 1, 'zqxmarker@corp.example', 'n/a';\n"),
    ("COPY FROM a file", b"COPY users FROM '/tmp/zqxmarker.csv';\n"),
]
CASES += [
    {"name": f"psql script: an unqualified {kind} after a search_path dbanon cannot read is refused",
     "dump": PG_UNREAD_PATH + stmt, "config": PG_CFG, "expect": "refuse"}
    for kind, stmt in PG_PATH_CASES
]
# The same statements schema-qualified, or with a readable path, are refused as before.
CASES += [
    {"name": "psql script: an UPDATE of public.users under a readable search_path is refused",
     "dump": PG_HEAD + b"CREATE TABLE public.users (id integer, email text, note text);\n"
             b"SET search_path = public;\nUPDATE users SET email = 'zqxmarker@corp.example' WHERE id = 1;\n",
     "config": PG_CFG, "expect": "refuse"},
]
# A configured table in another schema than public, reached through an unreadable path.
APP_CFG = '[tables."app.users"]\nid = "keep"\nemail = "email"\nnote = "keep"\n'
PG_UNREAD_APP = (PG_HEAD + b"CREATE SCHEMA app;\nCREATE TABLE app.users (id integer, email text, note text);\n"
                 b"SELECT pg_catalog.set_config('search_path', current_setting('app.schema'), false);\n")
CASES += [
    {"name": f"psql script: an unqualified {kind} that may reach app.users after an unreadable search_path is refused",
     "dump": PG_UNREAD_APP + stmt, "config": APP_CFG, "expect": "refuse"}
    for kind, stmt in PG_PATH_CASES
]

# Data into a view: an INSTEAD OF trigger (PostgreSQL, SQLite) or a rule (PostgreSQL) may
# write its rows into a configured table whose name the view's definition does not hold.
PG_VIEW_TRIGGER = (PG_HEAD + b"CREATE TABLE public.users (id integer, email text, note text);\n"
                   b"CREATE VIEW public.signup AS SELECT 1 AS id, ''::text AS contact;\n"
                   b"CREATE FUNCTION public.signup_ins() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                   b"BEGIN INSERT INTO public.users VALUES (NEW.id, NEW.contact, 'n/a'); RETURN NEW; END $$;\n"
                   b"CREATE TRIGGER signup_ins INSTEAD OF INSERT ON public.signup FOR EACH ROW "
                   b"EXECUTE FUNCTION public.signup_ins();\n")
PG_VIEW_INSERT = PG_VIEW_TRIGGER + b"INSERT INTO public.signup VALUES (1, 'zqxmarker@corp.example');\n"
PG_VIEW_COPY = PG_VIEW_TRIGGER + (b"COPY public.signup (id, contact) FROM stdin;\n"
                                  b"1\tzqxmarker@corp.example\n\\.\n")
PG_VIEW_UPDATE = PG_VIEW_TRIGGER + b"UPDATE public.signup SET contact = 'zqxmarker@corp.example';\n"
SQ_VIEW_TRIGGER = (SQ_HEAD + b"CREATE TABLE users (id int, email text, note text);\n"
                   b"CREATE VIEW signup AS SELECT 1 AS id, '' AS contact;\n"
                   b"CREATE TRIGGER signup_ins INSTEAD OF INSERT ON signup BEGIN "
                   b"INSERT INTO users VALUES (NEW.id, NEW.contact, 'n/a'); END;\n"
                   b"INSERT INTO signup VALUES(1,'zqxmarker@corp.example');\nCOMMIT;\n")
MY_VIEW = (MY_TABLES + b"CREATE VIEW `recent` AS SELECT `id`, `email` FROM `users` WHERE `id` > 0;\n"
           b"CREATE VIEW `recent2` AS SELECT * FROM `recent`;\n"
           b"INSERT INTO `recent2` VALUES (1,'zqxmarker@corp.example');\n")
# The view itself in the config: its rows are rewritten.
PG_VIEW_CONFIGURED_CFG = PG_CFG + '[tables."public.signup"]\nid = "keep"\ncontact = "email"\n'
CASES += [
    {"name": "psql script: INSERT into a view with an INSTEAD OF trigger is refused",
     "dump": PG_VIEW_INSERT, "config": PG_CFG, "expect": "refuse"},
    {"name": "psql script: COPY into a view with an INSTEAD OF trigger is refused",
     "dump": PG_VIEW_COPY, "config": PG_CFG, "expect": "refuse"},
    {"name": "psql script: UPDATE of a view with an INSTEAD OF trigger is refused",
     "dump": PG_VIEW_UPDATE, "config": PG_CFG, "expect": "refuse"},
    {"name": "psql script: INSERT into a view that the config names is rewritten",
     "dump": PG_VIEW_TRIGGER + b"INSERT INTO public.signup (id, contact) VALUES (1, 'zqxmarker@corp.example');\n",
     "config": PG_VIEW_CONFIGURED_CFG, "expect": "clean"},
    {"name": "sqlite script: INSERT into a view with an INSTEAD OF trigger is refused",
     "dump": SQ_VIEW_TRIGGER, "config": CFG, "expect": "refuse"},
    {"name": "mariadb script: INSERT into a view over a view over a configured table is refused",
     "dump": MY_VIEW, "config": MY_CFG, "expect": "refuse"},
]
