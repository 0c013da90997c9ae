"""Statements that carry values into a configured table outside COPY rows and INSERT tuples
(issue 11, part 4), for tests/cli/leak_paths_test.py.

UPDATE, MERGE, INSERT ... SELECT, WITH ... INSERT/UPDATE, INSERT ... ON CONFLICT DO UPDATE
SET col = '...', MySQL ON DUPLICATE KEY UPDATE col = '...' and REPLACE ... SELECT into a
configured table are refused with FILE:LINE:COL naming the statement and the table, in every
dialect. The same statements into an unconfigured table, and code that only looks like them
(function bodies, rules, triggers, pg_dump's setval), pass through.
"""

CONFIG = '[tables.person]\nemail = "email"\n'

PG_HEAD = (b"--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n"
           b"SET standard_conforming_strings = on;\n\n"
           b"CREATE TABLE public.person (\n    id integer NOT NULL,\n    email text\n);\n\n"
           b"CREATE TABLE public.log (\n    id integer NOT NULL,\n    email text\n);\n\n"
           b"COPY public.person (id, email) FROM stdin;\n1\ta@example.invalid\n\\.\n\n")
MY_HEAD = (b"-- MariaDB dump 10.19-10.11.6-MariaDB, for debian-linux-gnu (x86_64)\n"
           b"/*!40101 SET NAMES utf8mb4 */;\n"
           b"CREATE TABLE `person` (\n  `id` int(11) NOT NULL,\n  `email` varchar(100) DEFAULT NULL,\n"
           b"  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
           b"CREATE TABLE `log` (\n  `id` int(11) NOT NULL,\n  `email` varchar(100) DEFAULT NULL\n) ENGINE=InnoDB;\n"
           b"INSERT INTO `person` VALUES (1,'a@example.invalid');\n")
LITE_HEAD = (b"PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"
             b"CREATE TABLE person (id INTEGER PRIMARY KEY, email TEXT);\n"
             b"CREATE TABLE log (id INTEGER PRIMARY KEY, email TEXT);\n"
             b"INSERT INTO person VALUES(1,'a@example.invalid');\n")
LITE_TAIL = b"COMMIT;\n"


def case(name, dump, expect, fmt):
    return {"name": name, "dump": dump, "config": CONFIG, "expect": expect, "args": ["--format", fmt]}


CASES = [
    # PostgreSQL plain (pg_dump shape, a statement appended as a user or a script would).
    case("pg plain: UPDATE of a configured table is refused",
         PG_HEAD + b"UPDATE public.person SET email = 'zqxmarker@x.invalid' WHERE id = 1;\n", "refuse", "pg"),
    case("pg plain: UPDATE ONLY with a quoted name is refused",
         PG_HEAD + b"UPDATE ONLY \"public\".\"person\" SET email = 'zqxmarker';\n", "refuse", "pg"),
    case("pg plain: MERGE into a configured table is refused",
         PG_HEAD + b"MERGE INTO public.person p USING public.log l ON p.id = l.id\n"
                   b"WHEN MATCHED THEN UPDATE SET email = 'zqxmarker';\n", "refuse", "pg"),
    case("pg plain: WITH ... INSERT INTO a configured table is refused",
         PG_HEAD + b"WITH s AS (SELECT 2 AS id) INSERT INTO public.person (id, email) SELECT id, 'zqxmarker' FROM s;\n",
         "refuse", "pg"),
    case("pg plain: WITH ... UPDATE of a configured table is refused",
         PG_HEAD + b"WITH s AS (SELECT 1) UPDATE public.person SET email = $$zqxmarker$$;\n", "refuse", "pg"),
    case("pg plain: INSERT ... SELECT into a configured table is refused",
         PG_HEAD + b"INSERT INTO public.person SELECT 3, 'zqxmarker';\n", "refuse", "pg"),
    case("pg --inserts: ON CONFLICT DO UPDATE SET with a literal into a configured table is refused",
         PG_HEAD + b"INSERT INTO public.person (id, email) VALUES (2, 'b@example.invalid') "
                   b"ON CONFLICT (id) DO UPDATE SET email = 'zqxmarker';\n", "refuse", "pg"),
    case("pg --inserts: ON CONFLICT DO UPDATE SET with a dollar quote into a configured table is refused",
         PG_HEAD + b"INSERT INTO public.person VALUES (2, 'b@example.invalid') "
                   b"ON CONFLICT (id) DO UPDATE SET email = $q$zqxmarker$q$;\n", "refuse", "pg"),
    case("pg --inserts: ON CONFLICT DO UPDATE SET email = EXCLUDED.email passes, the tuple rewritten",
         PG_HEAD + b"INSERT INTO public.person (id, email) VALUES (2, 'zqxmarker@example.invalid') "
                   b"ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email;\n", "clean", "pg"),
    case("pg plain: function bodies, rules and setval that mention UPDATE of a configured table pass",
         PG_HEAD + b"CREATE FUNCTION public.f() RETURNS void LANGUAGE sql AS $$ UPDATE public.person SET email = 'x' $$;\n"
                   b"CREATE RULE r AS ON INSERT TO public.log DO INSTEAD UPDATE public.person SET email = NEW.email;\n"
                   b"SELECT pg_catalog.setval('public.person_id_seq', 1, true);\n"
                   b"UPDATE public.log SET email = 'not configured';\n"
                   b"COPY public.person (id, email) FROM stdin;\n2\tzqxmarker@x.invalid\n\\.\n", "clean", "pg"),
    # MySQL/MariaDB.
    case("mariadb: UPDATE of a configured table is refused",
         MY_HEAD + b"UPDATE `person` SET `email`='zqxmarker@x.invalid' WHERE `id`=1;\n", "refuse", "mysql"),
    case("mariadb: multiple-table UPDATE writing a configured table is refused",
         MY_HEAD + b"UPDATE `log` l JOIN `person` p ON p.id = l.id SET p.email = 'zqxmarker';\n", "refuse", "mysql"),
    case("mariadb: ON DUPLICATE KEY UPDATE col = literal into a configured table is refused",
         MY_HEAD + b"INSERT INTO `person` VALUES (1,'b@example.invalid') ON DUPLICATE KEY UPDATE email='zqxmarker';\n",
         "refuse", "mysql"),
    case("mariadb: ON DUPLICATE KEY UPDATE col = VALUES(col) passes, the tuple rewritten",
         MY_HEAD + b"INSERT INTO `person` VALUES (1,'zqxmarker@x.invalid') ON DUPLICATE KEY UPDATE `email`=VALUES(`email`);\n",
         "clean", "mysql"),
    case("mariadb: REPLACE ... SELECT into a configured table is refused",
         MY_HEAD + b"REPLACE INTO `person` SELECT 2, 'zqxmarker';\n", "refuse", "mysql"),
    case("mariadb: INSERT ... SET into a configured table is refused",
         MY_HEAD + b"INSERT INTO `person` SET id = 2, email = 'zqxmarker';\n", "refuse", "mysql"),
    case("mariadb: a trigger and a procedure whose bodies UPDATE a configured table pass",
         MY_HEAD + b"DELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER t1 "
                   b"AFTER INSERT ON log FOR EACH ROW UPDATE person SET email = 'x' WHERE id = NEW.id */;;\n"
                   b"CREATE PROCEDURE p() BEGIN UPDATE person SET email = 'y'; END ;;\nDELIMITER ;\n"
                   b"UPDATE `log` SET email = 'not configured';\n"
                   b"INSERT INTO `person` VALUES (2,'zqxmarker@x.invalid');\n", "clean", "mysql"),
    # SQLite.
    case("sqlite: UPDATE OR IGNORE of a configured table is refused",
         LITE_HEAD + b"UPDATE OR IGNORE \"person\" SET email='zqxmarker';\n" + LITE_TAIL, "refuse", "sqlite"),
    case("sqlite: WITH ... INSERT INTO a configured table is refused",
         LITE_HEAD + b"WITH s(x) AS (SELECT 'zqxmarker') INSERT INTO person(id,email) SELECT 2, x FROM s;\n" +
         LITE_TAIL, "refuse", "sqlite"),
    case("sqlite: ON CONFLICT DO UPDATE SET col = literal into a configured table is refused",
         LITE_HEAD + b"INSERT INTO person VALUES(1,'b') ON CONFLICT(id) DO UPDATE SET email='zqxmarker';\n" + LITE_TAIL,
         "refuse", "sqlite"),
    case("sqlite: a trigger whose body UPDATEs a configured table passes",
         LITE_HEAD + b"CREATE TRIGGER tr AFTER INSERT ON log BEGIN UPDATE person SET email = 'x'; END;\n"
                     b"UPDATE log SET email = 'not configured';\n"
                     b"INSERT INTO person VALUES(2,'zqxmarker@x.invalid');\n" + LITE_TAIL,
         "clean", "sqlite"),
]
