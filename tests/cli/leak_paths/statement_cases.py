"""Statements that carry values into a configured table outside COPY rows and INSERT tuples
(issue 11, part 4), for tests/cli/leak_paths_test.py.

UPDATE, MERGE, INSERT ... SELECT, WITH ... INSERT/UPDATE, INSERT ... ON CONFLICT DO UPDATE
SET col = '...', MySQL ON DUPLICATE KEY UPDATE col = '...' and REPLACE ... SELECT into a
configured table are refused with FILE:LINE:COL naming the statement and the table, in every
dialect. The same statements into an unconfigured table, and code that only looks like them
(function bodies, rules, triggers, pg_dump's setval), pass through.

The gaps closed after part 4: an UPDATE clause of an INSERT (ON CONFLICT DO UPDATE SET, ON DUPLICATE
KEY UPDATE) may assign a configured column only a reference to the incoming row (excluded.col,
VALUES(col), new.col, the column itself), NULL or DEFAULT: a bare number or any other expression is
refused; a PostgreSQL DO block whose code writes into a configured table (INSERT, UPDATE, MERGE,
COPY) or runs SQL dbanon cannot read (EXECUTE, another language) is refused, one that only reads it
passes; MySQL LOAD DATA and PostgreSQL COPY FROM a file into a configured table, and INSERT or
UPDATE through a view over a configured table, are refused; SQLite INSERT OR REPLACE, REPLACE INTO
... VALUES and ON CONFLICT DO NOTHING are rewritten tuples like any INSERT.
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


HEADS = {"pg": (PG_HEAD, b""), "mysql": (MY_HEAD, b""), "sqlite": (LITE_HEAD, LITE_TAIL)}


def case(name, statements, expect, fmt, markers=None):
    """A dump of `fmt` in its tool's shape, with `statements` appended where a user or script would."""
    head, tail = HEADS[fmt]
    c = {"name": name, "dump": head + statements + tail, "config": CONFIG, "expect": expect, "args": ["--format", fmt]}
    if markers is not None:
        c["markers"] = markers
    return c


CASES = [
    # PostgreSQL plain (pg_dump shape, a statement appended as a user or a script would).
    case("pg plain: UPDATE of a configured table is refused",
         b"UPDATE public.person SET email = 'zqxmarker@x.invalid' WHERE id = 1;\n", "refuse", "pg"),
    case("pg plain: UPDATE ONLY with a quoted name is refused",
         b"UPDATE ONLY \"public\".\"person\" SET email = 'zqxmarker';\n", "refuse", "pg"),
    case("pg plain: MERGE into a configured table is refused",
         b"MERGE INTO public.person p USING public.log l ON p.id = l.id\n"
         b"WHEN MATCHED THEN UPDATE SET email = 'zqxmarker';\n", "refuse", "pg"),
    case("pg plain: WITH ... INSERT INTO a configured table is refused",
         b"WITH s AS (SELECT 2 AS id) INSERT INTO public.person (id, email) SELECT id, 'zqxmarker' FROM s;\n",
         "refuse", "pg"),
    case("pg plain: WITH ... UPDATE of a configured table is refused",
         b"WITH s AS (SELECT 1) UPDATE public.person SET email = $$zqxmarker$$;\n", "refuse", "pg"),
    case("pg plain: INSERT ... SELECT into a configured table is refused",
         b"INSERT INTO public.person SELECT 3, 'zqxmarker';\n", "refuse", "pg"),
    case("pg --inserts: ON CONFLICT DO UPDATE SET with a literal into a configured table is refused",
         b"INSERT INTO public.person (id, email) VALUES (2, 'b@example.invalid') "
         b"ON CONFLICT (id) DO UPDATE SET email = 'zqxmarker';\n", "refuse", "pg"),
    case("pg --inserts: ON CONFLICT DO UPDATE SET with a dollar quote into a configured table is refused",
         b"INSERT INTO public.person VALUES (2, 'b@example.invalid') "
         b"ON CONFLICT (id) DO UPDATE SET email = $q$zqxmarker$q$;\n", "refuse", "pg"),
    case("pg --inserts: ON CONFLICT DO UPDATE SET email = EXCLUDED.email passes, the tuple rewritten",
         b"INSERT INTO public.person (id, email) VALUES (2, 'zqxmarker@example.invalid') "
         b"ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email;\n", "clean", "pg"),
    case("pg plain: function bodies, rules and setval that mention UPDATE of a configured table pass",
         b"CREATE FUNCTION public.f() RETURNS void LANGUAGE sql AS $$ UPDATE public.person SET email = 'x' $$;\n"
         b"CREATE RULE r AS ON INSERT TO public.log DO INSTEAD UPDATE public.person SET email = NEW.email;\n"
         b"SELECT pg_catalog.setval('public.person_id_seq', 1, true);\n"
         b"UPDATE public.log SET email = 'not configured';\n"
         b"COPY public.person (id, email) FROM stdin;\n2\tzqxmarker@x.invalid\n\\.\n", "clean", "pg"),
    # MySQL/MariaDB.
    case("mariadb: UPDATE of a configured table is refused",
         b"UPDATE `person` SET `email`='zqxmarker@x.invalid' WHERE `id`=1;\n", "refuse", "mysql"),
    case("mariadb: multiple-table UPDATE writing a configured table is refused",
         b"UPDATE `log` l JOIN `person` p ON p.id = l.id SET p.email = 'zqxmarker';\n", "refuse", "mysql"),
    case("mariadb: ON DUPLICATE KEY UPDATE col = literal into a configured table is refused",
         b"INSERT INTO `person` VALUES (1,'b@example.invalid') ON DUPLICATE KEY UPDATE email='zqxmarker';\n",
         "refuse", "mysql"),
    case("mariadb: ON DUPLICATE KEY UPDATE col = VALUES(col) passes, the tuple rewritten",
         b"INSERT INTO `person` VALUES (1,'zqxmarker@x.invalid') ON DUPLICATE KEY UPDATE `email`=VALUES(`email`);\n",
         "clean", "mysql"),
    case("mariadb: REPLACE ... SELECT into a configured table is refused",
         b"REPLACE INTO `person` SELECT 2, 'zqxmarker';\n", "refuse", "mysql"),
    case("mariadb: INSERT ... SET into a configured table is refused",
         b"INSERT INTO `person` SET id = 2, email = 'zqxmarker';\n", "refuse", "mysql"),
    case("mariadb: a trigger and a procedure whose bodies UPDATE a configured table pass",
         b"DELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER t1 "
         b"AFTER INSERT ON log FOR EACH ROW UPDATE person SET email = 'x' WHERE id = NEW.id */;;\n"
         b"CREATE PROCEDURE p() BEGIN UPDATE person SET email = 'y'; END ;;\nDELIMITER ;\n"
         b"UPDATE `log` SET email = 'not configured';\n"
         b"INSERT INTO `person` VALUES (2,'zqxmarker@x.invalid');\n", "clean", "mysql"),
    # SQLite.
    case("sqlite: UPDATE OR IGNORE of a configured table is refused",
         b"UPDATE OR IGNORE \"person\" SET email='zqxmarker';\n", "refuse", "sqlite"),
    case("sqlite: WITH ... INSERT INTO a configured table is refused",
         b"WITH s(x) AS (SELECT 'zqxmarker') INSERT INTO person(id,email) SELECT 2, x FROM s;\n",
         "refuse", "sqlite"),
    case("sqlite: ON CONFLICT DO UPDATE SET col = literal into a configured table is refused",
         b"INSERT INTO person VALUES(1,'b') ON CONFLICT(id) DO UPDATE SET email='zqxmarker';\n",
         "refuse", "sqlite"),
    case("sqlite: a trigger whose body UPDATEs a configured table passes",
         b"CREATE TRIGGER tr AFTER INSERT ON log BEGIN UPDATE person SET email = 'x'; END;\n"
         b"UPDATE log SET email = 'not configured';\n"
         b"INSERT INTO person VALUES(2,'zqxmarker@x.invalid');\n",
         "clean", "sqlite"),
    # Gaps after part 4: UPDATE clauses assign configured columns only from the incoming row.
    case("pg --inserts: ON CONFLICT DO UPDATE SET a bare number into a configured column is refused",
         b"INSERT INTO public.person VALUES (2, 'b@example.invalid') ON CONFLICT (id) DO UPDATE SET email = 5551234;\n",
         "refuse", "pg", markers=[b"5551234"]),
    case("pg --inserts: ON CONFLICT DO UPDATE SET a row with a literal into a configured column is refused",
         b"INSERT INTO public.person VALUES (2, 'b') ON CONFLICT (id) DO UPDATE SET (id, email) = (excluded.id, "
         b"upper('zqxmarker'));\n", "refuse", "pg"),
    case("pg --inserts: a dollar quote holding a quote does not hide a literal assigned to a configured column",
         b"INSERT INTO public.person VALUES (2, 'b') ON CONFLICT (id) DO UPDATE SET id = length($$'$$), "
         b"email = 'zqxmarker';\n", "refuse", "pg"),
    case("pg --inserts: ON CONFLICT DO UPDATE SET a number into an unconfigured column passes, the tuple rewritten",
         b"INSERT INTO public.person VALUES (2, 'zqxmarker@x.invalid') ON CONFLICT (id) DO UPDATE SET id = 7, "
         b"email = excluded.email WHERE person.email <> 'x';\n", "clean", "pg"),
    case("mariadb: ON DUPLICATE KEY UPDATE col = a bare number into a configured column is refused",
         b"INSERT INTO `person` VALUES (1,'b') ON DUPLICATE KEY UPDATE `email`=5551234;\n", "refuse", "mysql",
         markers=[b"5551234"]),
    case("mariadb: ON DUPLICATE KEY UPDATE t.col = an expression into a configured column is refused",
         b"INSERT INTO `person` VALUES (1,'b') ON DUPLICATE KEY UPDATE `person`.`email`=CONCAT(VALUES(`email`),"
         b"'zqxmarker');\n", "refuse", "mysql"),
    case("mariadb: INSERT ... AS new ON DUPLICATE KEY UPDATE col = new.col passes, the tuple rewritten",
         b"INSERT INTO `person` VALUES (1,'zqxmarker@x.invalid') AS new ON DUPLICATE KEY UPDATE email = new.email, "
         b"id = id + 1;\n", "clean", "mysql"),
    case("sqlite: a second ON CONFLICT DO UPDATE SET a bare number into a configured column is refused",
         b"INSERT INTO person VALUES(1,'b') ON CONFLICT(id) DO UPDATE SET email=excluded.email "
         b"ON CONFLICT DO UPDATE SET email=5551234;\n", "refuse", "sqlite", markers=[b"5551234"]),
    # DO blocks run at restore time.
    case("pg plain: a DO block that INSERTs into a configured table is refused",
         b"DO $$\nBEGIN\n  INSERT INTO public.person VALUES (5, 'zqxmarker');\nEND\n$$;\n", "refuse", "pg"),
    case("pg plain: DO LANGUAGE plpgsql with a quoted body that UPDATEs a configured table is refused",
         b"DO LANGUAGE plpgsql 'BEGIN UPDATE person SET email = ''zqxmarker''; END';\n", "refuse", "pg"),
    case("pg plain: a DO block that runs dynamic SQL (EXECUTE) is refused",
         b"DO $f$ BEGIN EXECUTE 'UPDATE public.per' || 'son SET email = ''zqxmarker'''; END $f$;\n", "refuse", "pg"),
    case("pg plain: a DO block in another language is refused",
         b"DO $$ plpy.execute(\"UPDATE person SET email = 'zqxmarker'\") $$ LANGUAGE plpython3u;\n", "refuse", "pg"),
    case("pg plain: a DO block that only reads a configured table passes",
         b"DO $$ BEGIN INSERT INTO public.log SELECT id, 'x' FROM public.person; END $$;\n"
         b"COPY public.person (id, email) FROM stdin;\n2\tzqxmarker@x.invalid\n\\.\n", "clean", "pg"),
    # Rows from a file, and writes through a view.
    case("pg plain: COPY FROM a file into a configured table is refused",
         b"COPY public.person (id, email) FROM '/tmp/zqxmarker.csv';\n", "refuse", "pg"),
    case("pg plain: INSERT through a view over a configured table is refused",
         b"CREATE VIEW public.pv AS\n SELECT person.id, person.email FROM public.person;\n"
         b"INSERT INTO public.pv VALUES (2, 'zqxmarker');\n", "refuse", "pg"),
    case("pg plain: UPDATE through a view over a configured table is refused",
         b"CREATE OR REPLACE VIEW public.pv AS SELECT * FROM public.person;\n"
         b"UPDATE public.pv SET email = 'zqxmarker';\n", "refuse", "pg"),
    case("mariadb: LOAD DATA INFILE into a configured table is refused",
         b"LOAD DATA LOCAL INFILE '/tmp/zqxmarker.csv' INTO TABLE `person`;\n", "refuse", "mysql"),
    case("mariadb: INSERT through a view (mariadb-dump's shape) over a configured table is refused",
         b"/*!50001 CREATE ALGORITHM=UNDEFINED */\n/*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */\n"
         b"/*!50001 VIEW `pv` AS select `person`.`id` AS `id`,`person`.`email` AS `email` from `person` */;\n"
         b"INSERT INTO `pv` VALUES (2,'zqxmarker');\n", "refuse", "mysql"),
    case("sqlite: INSERT into a view whose INSTEAD OF trigger writes a configured table is refused",
         b"CREATE VIEW pv AS SELECT * FROM person;\nCREATE TRIGGER pvi INSTEAD OF INSERT ON pv BEGIN "
         b"INSERT INTO person VALUES (NEW.id, NEW.email); END;\nINSERT INTO pv VALUES(2,'zqxmarker');\n",
         "refuse", "sqlite"),
    case("sqlite: INSERT OR REPLACE, REPLACE INTO ... VALUES and ON CONFLICT DO NOTHING are rewritten",
         b"INSERT OR REPLACE INTO person VALUES(1,'zqxmarker1@x.invalid');\n"
         b"REPLACE INTO person VALUES(1,'zqxmarker2@x.invalid');\n"
         b"INSERT INTO person VALUES(3,'zqxmarker3@x.invalid') ON CONFLICT DO NOTHING;\n", "clean", "sqlite"),
    case("sqlite: REPLACE INTO ... SELECT into a configured table is refused",
         b"REPLACE INTO person SELECT 3, 'zqxmarker';\n", "refuse", "sqlite"),
]
