"""COPY rows cut by the one row cutter (parsers/pg_copy.h CopyRowCutter): rows longer than
the whole-row limit (8 MiB), cut field by field (issue 15 item 5), and COPY data in a client
encoding whose characters hold ASCII bytes, read character by character (issue 15 item 13:
pg_dump -E SJIS writes 0x5C, an ASCII backslash, as the second byte of 表, ソ, 能).

Rows longer than 64 MiB: in COPY a configured value is held alone and rewritten up to
64 MiB, and refused past it (memory must not grow with one value: a gzip bomb in a
configured field); in the INSERT forms (pg_dump --inserts, mysqldump, sqlite3 .dump) a value that is
not configured streams through beside a configured e-mail, and a configured value longer than
64 MiB is refused with its position, never written."""

import gzip

LONG = 9 << 20  # past CopyRowCutter::kWholeRowBytes


def pg_head(encoding="UTF8"):
    return ("""--
-- PostgreSQL database dump
--

SET client_encoding = '%s';
SET standard_conforming_strings = on;

CREATE TABLE public.users (
    id integer NOT NULL,
    email text,
    note text
);

COPY public.users (id, email, note) FROM stdin;
""" % encoding).encode()


CONFIG = """
[tables.users]
email = "email"
"""

CONFIG_NOTE = """
[tables.users]
email = "email"
note = { anonymizer = "constant", options = { value = "x" } }
"""

LONG_ROWS = (pg_head() + b"1\tzqxmarker@example.com\t" + b"n" * LONG + b"\n"
             b"2\tzqxmarker2@example.com\tshort\n\\.\n\n")

def gzipped(tmp):
    path = tmp / "in.sql.gz"
    path.write_bytes(gzip.compress(LONG_ROWS, 1))
    return path


# SJIS: 表 95 5C, ソ 83 5C, 能 94 5C.
HYO, SO, NO = "表".encode("sjis"), "ソ".encode("sjis"), "能".encode("sjis")

CASES = [
    dict(name="a COPY row longer than 8 MiB: the long field streams, the e-mail beside it goes",
         dump=LONG_ROWS, config=CONFIG, markers=[b"zqxmarker"]),
    dict(name="a COPY row longer than 8 MiB read from gzip-compressed input",
         make=gzipped,
         config=CONFIG),
    dict(name="a configured value longer than 8 MiB is held whole and rewritten",
         dump=pg_head() + b"1\tzqxmarker" + b"a" * LONG + b"@example.com\tkept\n\\.\n\n", config=CONFIG),
    dict(name="a long row whose long field is configured and comes last",
         dump=pg_head() + b"1\tshort@example.com\tzqxmarker" + b"b\\\\" * (LONG // 3) + b"\n\\.\n\n",
         config=CONFIG_NOTE),
    dict(name="a long COPY row with CR LF line endings",
         dump=(pg_head() + b"1\tzqxmarker@example.com\t" + b"n" * LONG + b"\n\\.\n\n").replace(b"\n", b"\r\n"),
         config=CONFIG),
    dict(name="a long COPY row with a field too many is refused",
         dump=pg_head() + b"1\tzqxmarker@example.com\t" + b"n" * LONG + b"\textra\n\\.\n\n",
         config=CONFIG, expect="refuse"),
    dict(name="a long COPY row whose line ending differs from the first row's is refused",
         dump=pg_head() + b"1\tzqxmarker@example.com\tshort\n2\tzqxmarker@example.com\t" + b"n" * LONG +
         b"\r\n\\.\n\n", config=CONFIG, expect="refuse"),
    dict(name="pg_dump -E SJIS: a 0x5C second byte before the TAB ahead of the configured e-mail",
         dump=pg_head("SJIS") + b"1\t" + b"zqxmarker" + HYO + b"@example.com\t" + SO + NO + HYO + b"\n"
         b"2\t" + NO + b"zqxmarker@example.com\t" + b"\\t" + HYO + b"\n\\.\n\n",
         config=CONFIG),
    dict(name="pg_dump -E SJIS: the configured column holds 表 at its end, before the TAB",
         dump=pg_head("SJIS") + b"1\tzqxmarker@example.com" + HYO + b"\t" + HYO + b"\n\\.\n\n",
         config=CONFIG),
    dict(name="pg_dump -E SJIS: a row longer than 8 MiB, read character by character",
         dump=pg_head("SJIS") + b"1\tzqxmarker@example.com" + HYO + b"\t" + HYO * (LONG // 2) + b"\n\\.\n\n",
         config=CONFIG),
    dict(name="pg_dump -E SJIS: a backslash before a multibyte character is refused",
         dump=pg_head("SJIS") + b"1\tzqxmarker@example.com\\" + HYO + b"\tn\n\\.\n\n",
         config=CONFIG, expect="refuse"),
    dict(name="pg_dump -E BIG5: 功 (A5 5C) before the TAB ahead of the configured e-mail",
         dump=pg_head("BIG5") + b"1\t" + "功".encode("big5") + b"\tzqxmarker@example.com\n\\.\n\n",
         config="[tables.users]\nnote = \"email\"\n"),
    dict(name="a configured COPY value longer than 64 MiB is refused with its position, never written",
         make=lambda tmp: write_long(tmp, pg_head() + b"1\tzqxmarker", b"@example.com\tkept\n\\.\n\n"),
         config=CONFIG, expect="refuse"),
]

HUGE = 65 << 20  # past the 64 MiB a configured value may hold (InsertValuesFramer::kMaxValueBytes)


def write_long(tmp, before, after, fill=b"a"):
    """Writes before + HUGE bytes of `fill` + after to tmp/in.sql, in 1 MiB blocks."""
    path = tmp / "in.sql"
    with open(path, "wb") as f:
        f.write(before)
        block = fill * (1 << 20)
        for _ in range(HUGE >> 20):
            f.write(block)
        f.write(after)
    return path


PG_INSERT_HEAD = pg_head().split(b"COPY ")[0]
MYSQL_HEAD = b"""-- MySQL dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)
/*!40101 SET NAMES utf8mb4 */;
CREATE TABLE `users` (
  `id` int(11) NOT NULL,
  `email` varchar(255) DEFAULT NULL,
  `note` longtext DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
"""
SQLITE_HEAD = b"PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE users (id INTEGER, email TEXT, note TEXT);\n"

for dialect, head, insert, tail in [
        ("pg_dump --inserts", PG_INSERT_HEAD, b"INSERT INTO public.users VALUES (1, ", b""),
        ("mysqldump", MYSQL_HEAD, b"INSERT INTO `users` VALUES (1,", b""),
        ("sqlite3 .dump", SQLITE_HEAD, b"INSERT INTO users VALUES(1,", b"COMMIT;\n")]:
    sep = b", " if dialect.startswith("pg") else b","
    if dialect == "mysqldump":
        pass  # its streaming: tests/cli/insert_cases_test.py, P24 (a 200 MiB tuple)
    else:
        CASES.append(dict(
            name="%s: a value longer than 64 MiB streams through beside a configured e-mail" % dialect,
            make=lambda tmp, h=head, i=insert, s=sep, t=tail: write_long(
                tmp, h + i + b"'zqxmarker@example.com'" + s + b"'", b"');\n" + t, b"n"),
            config=CONFIG))
    CASES.append(dict(
        name="%s: a configured value longer than 64 MiB is refused with its position, never written" % dialect,
        make=lambda tmp, h=head, i=insert, s=sep, t=tail: write_long(
            tmp, h + i + b"'zqxmarker", b"@example.com'" + s + b"'kept');\n" + t),
        config=CONFIG, expect="refuse"))
