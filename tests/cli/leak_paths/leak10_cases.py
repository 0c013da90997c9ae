"""Leak paths: data moved into a configured table or column by a statement
after its rows (renames, schema moves, partition exchange, CREATE TABLE ... AS).

Neither pg_dump nor mysqldump nor sqlite3's .dump writes a rename, but psql,
mariadb and sqlite3 run one from a hand-written or migration script: rows
inserted into `staging` (not configured, so passed through) that `ALTER TABLE
staging RENAME TO users` then makes rows of `users` reached the output in
clear. A rename (table, column, schema move, exchange) whose source or target
is a name the config reaches is refused (exit 3, positioned, naming the table
and column, never a value), in plain scripts and in archive TOC entries.
"""

CFG = '[tables.users]\nid = "keep"\nemail = "email"\n'
CFG_NOTE = '[tables.users]\nid = "keep"\nemail = "email"\nnote = "keep"\n'
CFG_APP = '[tables."app.staging"]\nemail = "email"\n'

PG_HEAD = (b"--\n-- PostgreSQL database dump\n--\n\nSET client_encoding = 'UTF8';\n"
           b"SET standard_conforming_strings = on;\n")
MY_HEAD = (b"-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)\n"
           b"/*!40101 SET NAMES utf8mb4 */;\n")
SQ_HEAD = b"PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"

PG_STAGING = (PG_HEAD + b"CREATE TABLE public.staging (id integer, email text);\n"
              b"CREATE TABLE public.users (id integer, email text);\n"
              b"COPY public.staging (id, email) FROM stdin;\n1\tzqxmarker@corp.example\n\\.\n\n")
PG_STAGING_INS = (PG_HEAD + b"CREATE TABLE public.staging (id integer, email text);\n"
                  b"CREATE TABLE public.users (id integer, email text);\nDROP TABLE public.users;\n"
                  b"INSERT INTO public.staging VALUES (1, 'zqxmarker@corp.example');\n")
PG_NOTE = (PG_HEAD + b"CREATE TABLE public.users (id integer, note text, email text);\n"
           b"COPY public.users (id, note, email) FROM stdin;\n1\tzqxmarker@corp.example\t\\N\n\\.\n\n"
           b"ALTER TABLE public.users DROP COLUMN email;\n")
MY_STAGING = (MY_HEAD + b"CREATE TABLE `staging` (`id` int(11), `email` varchar(100));\n"
              b"CREATE TABLE `users` (`id` int(11), `email` varchar(100));\nDROP TABLE `users`;\n"
              b"INSERT INTO `staging` VALUES (1,'zqxmarker@corp.example');\n")
MY_NOTE = (MY_HEAD + b"CREATE TABLE `users` (`id` int(11), `note` varchar(100), `email` varchar(100));\n"
           b"INSERT INTO `users` VALUES (1,'zqxmarker@corp.example',NULL);\n"
           b"ALTER TABLE `users` DROP COLUMN `email`;\n")
SQ_STAGING = (SQ_HEAD + b"CREATE TABLE staging (id int, email text);\n"
              b"CREATE TABLE users (id int, email text);\nDROP TABLE users;\n"
              b"INSERT INTO staging VALUES(1,'zqxmarker@corp.example');\n")
SQ_NOTE = (SQ_HEAD + b"CREATE TABLE users (id int, note text, email text);\n"
           b"INSERT INTO users VALUES(1,'zqxmarker@corp.example',NULL);\n"
           b"ALTER TABLE users DROP COLUMN email;\n")


def refuse(name, dump, config=None):
    if config is None:
        config = CFG_NOTE if b"note" in dump else CFG
    return {"name": name, "dump": dump, "config": config, "expect": "refuse"}


CASES = [
    # Table renames.
    refuse("psql script: COPY rows of staging, then ALTER TABLE staging RENAME TO users (configured), is refused",
           PG_STAGING + b"DROP TABLE public.users;\nALTER TABLE public.staging RENAME TO users;\n"),
    refuse("psql script: ALTER TABLE IF EXISTS ONLY staging RENAME TO users after its rows is refused",
           PG_STAGING + b"DROP TABLE public.users;\nALTER TABLE IF EXISTS ONLY public.staging RENAME TO users;\n"),
    refuse("pg --inserts: INSERT rows of staging, then ALTER TABLE staging RENAME TO users is refused",
           PG_STAGING_INS + b"ALTER TABLE public.staging RENAME TO users;\n"),
    refuse("psql script: ALTER TABLE x.staging SET SCHEMA app, making configured app.staging, is refused",
           PG_HEAD + b"CREATE SCHEMA x;\nCREATE SCHEMA app;\nCREATE TABLE x.staging (id integer, email text);\n"
           b"CREATE TABLE app.staging (id integer, email text);\nDROP TABLE app.staging;\n"
           b"COPY x.staging (id, email) FROM stdin;\n1\tzqxmarker@corp.example\n\\.\n\n"
           b"ALTER TABLE x.staging SET SCHEMA app;\n", CFG_APP),
    refuse("mariadb script: RENAME TABLE staging TO users after its rows is refused",
           MY_STAGING + b"RENAME TABLE `staging` TO `users`;\n"),
    refuse("mariadb script: RENAME TABLE a TO b, staging TO users (second pair) is refused",
           MY_STAGING + b"RENAME TABLE `a` TO `b`, `staging` TO `users`;\n"),
    refuse("mariadb script: ALTER TABLE staging RENAME TO users is refused",
           MY_STAGING + b"ALTER TABLE `staging` RENAME TO `users`;\n"),
    refuse("mariadb script: ALTER TABLE staging RENAME AS users is refused",
           MY_STAGING + b"ALTER TABLE `staging` RENAME AS `users`;\n"),
    refuse("mariadb script: ALTER TABLE staging RENAME users (no TO) is refused",
           MY_STAGING + b"ALTER TABLE staging RENAME users;\n"),
    refuse("sqlite script: ALTER TABLE staging RENAME TO users after its rows is refused",
           SQ_STAGING + b"ALTER TABLE staging RENAME TO users;\nCOMMIT;\n"),
    # Column renames.
    refuse("psql script: COPY rows into users(note), then RENAME COLUMN note TO email is refused",
           PG_NOTE + b"ALTER TABLE public.users RENAME COLUMN note TO email;\n"),
    refuse("psql script: RENAME note TO email (COLUMN left out) after rows is refused",
           PG_NOTE + b"ALTER TABLE ONLY public.users RENAME note TO email;\n"),
    refuse("sqlite script: RENAME COLUMN note TO email after rows is refused",
           SQ_NOTE + b"ALTER TABLE users RENAME COLUMN note TO email;\nCOMMIT;\n"),
    refuse("sqlite script: RENAME note TO email (COLUMN left out) after rows is refused",
           SQ_NOTE + b"ALTER TABLE users RENAME note TO email;\nCOMMIT;\n"),
    refuse("mariadb script: RENAME COLUMN note TO email after rows is refused",
           MY_NOTE + b"ALTER TABLE `users` RENAME COLUMN `note` TO `email`;\n"),
    refuse("mariadb script: CHANGE note email after rows is refused",
           MY_NOTE + b"ALTER TABLE `users` CHANGE `note` `email` varchar(100);\n"),
    refuse("mariadb script: CHANGE COLUMN note email after rows is refused",
           MY_NOTE + b"ALTER TABLE `users` CHANGE COLUMN `note` `email` varchar(100);\n"),
    # Data moved by statements.
    refuse("mariadb script: ALTER TABLE users EXCHANGE PARTITION p WITH TABLE staging is refused",
           MY_STAGING + b"CREATE TABLE `users` (`id` int(11), `email` varchar(100)) PARTITION BY HASH (id) "
           b"(PARTITION p);\nALTER TABLE `users` EXCHANGE PARTITION `p` WITH TABLE `staging`;\n"),
    refuse("psql script: CREATE TABLE users AS SELECT FROM staging is refused",
           PG_STAGING + b"DROP TABLE public.users;\nCREATE TABLE public.users AS SELECT * FROM public.staging;\n"),
    refuse("mariadb script: CREATE TABLE users SELECT FROM staging is refused",
           MY_STAGING + b"CREATE TABLE `users` SELECT * FROM `staging`;\n"),
    refuse("mariadb script: CREATE TABLE users AS SELECT FROM staging is refused",
           MY_STAGING + b"CREATE TABLE `users` AS SELECT * FROM `staging`;\n"),
    refuse("sqlite script: CREATE TABLE users AS SELECT FROM staging is refused",
           SQ_STAGING + b"CREATE TABLE users AS SELECT * FROM staging;\nCOMMIT;\n"),
    refuse("mariadb script: INSERT INTO users SELECT FROM staging is refused",
           MY_STAGING + b"CREATE TABLE `users` (`id` int(11), `email` varchar(100));\n"
           b"INSERT INTO `users` SELECT * FROM `staging`;\n"),
    refuse("psql script: INSERT INTO users SELECT FROM staging is refused",
           PG_STAGING + b"INSERT INTO public.users SELECT * FROM public.staging;\n"),
    refuse("sqlite script: INSERT INTO users SELECT FROM staging is refused",
           SQ_STAGING + b"CREATE TABLE users (id int, email text);\nINSERT INTO users SELECT * FROM staging;\nCOMMIT;\n"),
]

# PostgreSQL SELECT ... INTO creates a table from a query (psql runs it).
CASES += [
    refuse("psql script: SELECT * INTO users FROM staging is refused",
           PG_STAGING + b"DROP TABLE public.users;\nSELECT * INTO public.users FROM public.staging;\n"),
    refuse("psql script: WITH s AS (...) SELECT * INTO UNLOGGED TABLE users FROM s is refused",
           PG_STAGING + b"DROP TABLE public.users;\n"
           b"WITH s AS (SELECT * FROM public.staging) SELECT * INTO UNLOGGED TABLE users FROM s;\n"),
]

# The same renames in a pg_dump archive's TOC entry (pg_restore runs an
# entry's defn whatever its desc): the archive helpers of pg_stats_cases.
import importlib.util as _ilu  # noqa: E402
import pathlib as _pathlib  # noqa: E402

_spec = _ilu.spec_from_file_location("_leak10_pg_stats", _pathlib.Path(__file__).with_name("pg_stats_cases.py"))
_arch = _ilu.module_from_spec(_spec)
_spec.loader.exec_module(_arch)


def _archive_entries(defn):
    pre, data, post = _arch.SECTION_PRE_DATA, _arch.SECTION_DATA, _arch.SECTION_POST_DATA
    rows = b"1\tzqxmarker@corp.example\n\\.\n\n"
    return [
        (1, b"ENCODING", b"ENCODING", pre, b"SET client_encoding = 'UTF8';\n", None, (), None),
        (2, b"STDSTRINGS", b"STDSTRINGS", pre, b"SET standard_conforming_strings = 'on';\n", None, (), None),
        (3, b"TABLE", b"users", pre, b"CREATE TABLE public.users (\n    id integer,\n    email text\n);\n",
         None, (), None),
        (4, b"TABLE", b"staging", pre, b"CREATE TABLE public.staging (\n    id integer,\n    email text\n);\n",
         None, (), None),
        (5, b"TABLE DATA", b"staging", data, b"", b"COPY public.staging (id, email) FROM stdin;\n", (4,), rows),
        (6, b"COMMENT", b"TABLE staging", post, defn, None, (4,), None),
    ]


def _make_archive(defn, fmt):
    def make(tmp):
        entries = _archive_entries(defn)
        head = b"PGDMP" + bytes([1, 14, 0, 4, 8, 1 if fmt == "custom" else 3]) + _arch._int(0)
        for v in (0, 0, 12, 5, 11, 126, 0):
            head += _arch._int(v)
        head += _arch._str(b"leak") + _arch._str(b"15.8") + _arch._str(b"15.8") + _arch._int(len(entries))
        for e in entries:
            head += _arch._entry(*e, fmt=fmt)
        if fmt == "custom":
            for dump_id, *_, data in entries:
                if data is not None:
                    head += bytes([1]) + _arch._int(dump_id) + _arch._int(len(data)) + data + _arch._int(0)
            path = tmp / "in.dump"
            path.write_bytes(head)
            return path
        folder = tmp / "in.dir"
        folder.mkdir()
        (folder / "toc.dat").write_bytes(head)
        for dump_id, *_, data in entries:
            if data is not None:
                (folder / ("%d.dat" % dump_id)).write_bytes(data)
        return folder
    return make


_RENAME_DEFN = b"COMMENT ON TABLE public.staging IS 'x';\nDROP TABLE public.users;\nALTER TABLE public.staging RENAME TO users;\n"
CASES += [
    {"name": "pg_dump -Fc: a TOC entry whose defn renames staging (with rows) to configured users is refused",
     "make": _make_archive(_RENAME_DEFN, "custom"), "config": CFG, "output": "out.dump", "expect": "refuse"},
    {"name": "pg_dump -Fd: a TOC entry whose defn renames a column onto configured users.email is refused",
     "make": _make_archive(b"ALTER TABLE public.users DROP COLUMN email;\n"
                           b"ALTER TABLE public.users RENAME COLUMN id TO email;\n", "directory"),
     "config": CFG, "output": "out", "expect": "refuse"},
    {"name": "pg_dump -Fc: a TOC entry with CREATE TABLE users AS SELECT from staging is refused",
     "make": _make_archive(b"DROP TABLE public.users;\nCREATE TABLE public.users AS SELECT * FROM public.staging;\n",
                           "custom"), "config": CFG, "output": "out.dump", "expect": "refuse"},
    {"name": "pg_dump -Fc: a TOC entry renaming an unconfigured table is read as before",
     "make": _make_archive(b"ALTER TABLE public.staging RENAME TO staging_old;\n", "custom"),
     "config": CFG, "output": "out.dump", "markers": [b"zqxnever"], "expect": "clean"},
]

# PostgreSQL quoting settings. After standard_conforming_strings = off, psql
# reads `'a\', '` as one literal (a backslash escapes the quote): the row is
# (1, "a', ", e-mail). Read with the setting on, the same bytes are no row
# (refused); the cases that are followed are clean only when read as psql
# reads them, the others are refused.
CFG_Q = '[tables.users]\nemail = "email"\n'


def _quoting(setting, extra_after=b""):
    return (PG_HEAD + b"CREATE TABLE public.users (id integer, note text, email text);\n" + setting +
            b"INSERT INTO public.users VALUES (1, 'a\\', ', 'zqxmarker@corp.example');\n" + extra_after)


def _q(name, setting, expect="refuse"):
    return {"name": name, "dump": _quoting(setting), "config": CFG_Q, "expect": expect}


CASES += [
    _q("pg --inserts: SET SESSION standard_conforming_strings = off is followed", b"SET SESSION standard_conforming_strings = off;\n", "clean"),
    _q("pg --inserts: SET standard_conforming_strings = 'of' (a prefix the server accepts) is followed", b"SET standard_conforming_strings = 'of';\n", "clean"),
    _q("pg --inserts: SET standard_conforming_strings TO no is followed", b"SET standard_conforming_strings TO no;\n", "clean"),
    _q("pg --inserts: SET LOCAL standard_conforming_strings = off inside BEGIN is followed",
       b"BEGIN;\nSET LOCAL standard_conforming_strings = off;\n", "clean"),
    _q("pg --inserts: SET LOCAL standard_conforming_strings = off ends at COMMIT",
       b"SET standard_conforming_strings = off;\nBEGIN;\nSET LOCAL standard_conforming_strings = on;\nCOMMIT;\n", "clean"),
    _q("pg --inserts: a ROLLBACK undoes SET standard_conforming_strings = on of its transaction",
       b"SET standard_conforming_strings = off;\nBEGIN;\nSET standard_conforming_strings = on;\nROLLBACK;\n", "clean"),
    _q("pg --inserts: RESET standard_conforming_strings after off is on again (refused or clean, never a leak)",
       b"SET standard_conforming_strings = off;\nRESET standard_conforming_strings;\n", "either"),
    _q("pg --inserts: SET LOCAL standard_conforming_strings outside a transaction block is refused",
       b"SET LOCAL standard_conforming_strings = off;\n"),
    _q("pg --inserts: SELECT set_config('standard_conforming_strings', 'off', false) is refused",
       b"SELECT set_config('standard_conforming_strings', 'off', false);\n"),
    _q("pg --inserts: pg_catalog.set_config inside a larger SELECT is refused",
       b"SELECT 1, pg_catalog.set_config('standard_conforming_strings', 'off', false), 2;\n"),
    _q("pg --inserts: UPDATE pg_settings SET setting = 'off' is refused",
       b"UPDATE pg_settings SET setting = 'off' WHERE name = 'standard_conforming_strings';\n"),
    _q("pg --inserts: a DO block setting standard_conforming_strings is refused",
       b"DO $$BEGIN PERFORM set_config('standard_conforming_strings', 'off', false); END$$;\n"),
    _q("pg --inserts: SET client_encoding TO DEFAULT is refused", b"SET client_encoding TO DEFAULT;\n"),
    _q("pg --inserts: RESET client_encoding is refused", b"RESET client_encoding;\n"),
    _q("pg --inserts: SET LOCAL client_encoding is refused", b"BEGIN;\nSET LOCAL client_encoding = 'SJIS';\n"),
    _q("pg --inserts: SELECT set_config('client_encoding', 'SJIS', false) is refused",
       b"SELECT set_config('client_encoding', 'SJIS', false);\n"),
    _q("pg --inserts: ROLLBACK TO SAVEPOINT after SET standard_conforming_strings is refused",
       b"BEGIN;\nSAVEPOINT s;\nSET standard_conforming_strings = off;\nROLLBACK TO SAVEPOINT s;\n"),
]

# The data-only rule about PostgreSQL INHERITS children (RunPlan::Finish) is
# PostgreSQL's: a mysqldump --databases --no-create-info whose unconfigured
# table has every column of a configured one passes.
MY_DATA_ONLY = (b"-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n"
                b"/*!40101 SET NAMES utf8mb4 */;\n"
                b"CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shopdb` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;\n"
                b"USE `shopdb`;\n"
                b"INSERT INTO `users` (`id`, `email`) VALUES (1,'zqxmarker@corp.example');\n"
                b"INSERT INTO `users_archive` (`id`, `email`, `note`) VALUES (1,'kept@corp.example','n');\n")
PG_DATA_ONLY = (PG_HEAD + b"COPY public.users (id, email) FROM stdin;\n1\tzqxmarker@corp.example\n\\.\n\n"
                b"COPY public.users_archive (id, email, note) FROM stdin;\n1\tzqxmarker2@corp.example\tn\n\\.\n\n")
CASES += [
    {"name": "mysqldump --databases --no-create-info: an unconfigured table with a configured one's columns passes",
     "dump": MY_DATA_ONLY, "config": '[tables.users]\nid = "keep"\nemail = "email"\n', "expect": "clean"},
    {"name": "pg_dump -a: an unconfigured table with a configured one's columns is still refused (INHERITS child?)",
     "dump": PG_DATA_ONLY, "config": '[tables.users]\nid = "keep"\nemail = "email"\n', "expect": "refuse"},
]

# Held statements have a size bound: a USE or DELIMITER statement longer
# than 1 MiB is refused rather than held whole (memory grew with it).
_PAD = b"y" * (2 << 20)
CASES += [
    {"name": "mariadb script: a USE statement longer than 1 MiB is refused",
     "dump": MY_HEAD + b"USE `" + _PAD + b"`;\n" + MY_NOTE.split(b"\n", 2)[2], "config": CFG_NOTE,
     "expect": "refuse"},
    {"name": "mariadb script: a USE statement made longer than 1 MiB by a comment is refused",
     "dump": MY_HEAD + b"USE `shop` /* " + _PAD + b" */;\n" + MY_NOTE.split(b"\n", 2)[2], "config": CFG_NOTE,
     "expect": "refuse"},
    {"name": "mariadb script: a DELIMITER line longer than 1 MiB is refused",
     "dump": MY_HEAD + b"DELIMITER " + _PAD + b"\n" + MY_NOTE.split(b"\n", 2)[2], "config": CFG_NOTE,
     "expect": "refuse"},
]

# The same renames in ALTER and CREATE TABLE statements too long to hold
# (read by their head only): the unread part is still watched for them.
_PAD5 = b"p" * (5 << 20)
_PAD2 = b"p" * (2 << 20)
CASES += [
    refuse("mariadb script: an ALTER TABLE longer than 4 MiB whose last action renames staging to users is refused",
           MY_STAGING + b"ALTER TABLE `staging` ADD CONSTRAINT `c` CHECK (`email` <> '" + _PAD5 +
           b"'), RENAME TO `users`;\n"),
    refuse("mariadb script: a CREATE TABLE users longer than 4 MiB filled by SELECT from staging is refused",
           MY_STAGING + b"CREATE TABLE `users` (`id` int(11), `email` varchar(100)) COMMENT='" + _PAD5 +
           b"' SELECT * FROM `staging`;\n"),
    refuse("sqlite script: an ALTER TABLE made longer than 4 MiB by a comment before RENAME TO users is refused",
           SQ_STAGING + b"ALTER TABLE staging /* " + _PAD5 + b" */ RENAME TO users;\nCOMMIT;\n"),
    refuse("psql script: an ALTER TABLE longer than 1 MiB whose last action renames a column onto email is refused",
           PG_NOTE + b"ALTER TABLE public.users ADD CONSTRAINT c CHECK (note <> '" + _PAD2 +
           b"'), RENAME COLUMN note TO email;\n"),
]

# A link to a configured parent after the child's rows (pg_dump links before the data).
_PG_PARENT = (PG_HEAD + b"CREATE TABLE public.users (id integer, email text) PARTITION BY RANGE (id);\n"
              b"CREATE TABLE public.users_p1 (id integer, email text);\n"
              b"COPY public.users_p1 (id, email) FROM stdin;\n1\tzqxmarker@corp.example\n\\.\n\n")
_PG_INHERIT = (PG_HEAD + b"CREATE TABLE public.users (id integer, email text);\n"
               b"CREATE TABLE public.users_old (id integer, email text);\n"
               b"INSERT INTO public.users_old VALUES (1, 'zqxmarker@corp.example');\n")
CASES += [
    refuse("psql script: ALTER TABLE users ATTACH PARTITION users_p1 after users_p1's rows is refused",
           _PG_PARENT + b"ALTER TABLE ONLY public.users ATTACH PARTITION public.users_p1 FOR VALUES FROM (0) TO (10);\n"),
    refuse("pg --inserts: ALTER TABLE users_old INHERIT users after users_old's rows is refused",
           _PG_INHERIT + b"ALTER TABLE public.users_old INHERIT public.users;\n"),
    {"name": "pg_dump 14+: ATTACH PARTITION before the partition's rows (as pg_dump writes it) is read as before",
     "dump": PG_HEAD + b"CREATE TABLE public.users (id integer, email text) PARTITION BY RANGE (id);\n"
             b"CREATE TABLE public.users_p1 (id integer, email text);\n"
             b"ALTER TABLE ONLY public.users ATTACH PARTITION public.users_p1 FOR VALUES FROM (0) TO (10);\n"
             b"COPY public.users_p1 (id, email) FROM stdin;\n1\tzqxmarker@corp.example\n\\.\n\n",
     "config": CFG, "expect": "clean"},
]
