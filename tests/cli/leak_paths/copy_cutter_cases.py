"""COPY rows cut by the one row cutter (parsers/pg_copy.h CopyRowCutter): rows longer than
the whole-row limit (8 MiB), cut field by field (issue 15 item 5), and COPY data in a client
encoding whose characters hold ASCII bytes, read character by character (issue 15 item 13:
pg_dump -E SJIS writes 0x5C, an ASCII backslash, as the second byte of 表, ソ, 能)."""

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
]
