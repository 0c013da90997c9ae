"""Leak paths: pg_dump 18 statistics of configured columns (issue 11, part 3).

pg_dump 18 (--with-statistics) writes per relation a pg_restore_relation_stats call and
per column a pg_restore_attribute_stats call whose most_common_vals, histogram_bounds,
most_common_elems and range_bounds_histogram arguments hold the column's values: in a
plain dump as statements after the table's data, in an archive as the defn of a
"STATISTICS DATA" TOC entry. The text below follows pg_dump 18's exact shape
(src/bin/pg_dump/pg_dump.c, dumpRelationStats_dumper and appendNamedArgument: the
arguments are `'name', 'value'::type` pairs separated by ",\\n\\t", the call ends with
"\\n);"; an index's column is named by attnum). Debian 12 ships pg_dump 15, so the
dumps are built here: the DDL and data parts are pg_dump 15's shape, and the archives are
version 1.14 archives (pg_dump 15's, which the pg_restore the runner uses reads) with
STATISTICS DATA entries added. tests/integration/variants_test.py (pg_stats_part) restores
the outputs through a real PostgreSQL 15 server.

`users` is configured (email, tags: a text[] column, stay: a range of text); the
expression index users_lower_email_idx on lower(email) has statistics too; `other` is
not configured and its statistics must come out byte for byte.
"""

import pathlib
import struct

CONFIG = """
[tables.users]
email = "email"
tags = { anonymizer = "constant", options = { value = "{}" } }
stay = "null"
"""

HEAD = (
    b"--\n-- PostgreSQL database dump\n--\n\n"
    b"SET statement_timeout = 0;\n"
    b"SET lock_timeout = 0;\n"
    b"SET client_encoding = 'UTF8';\n"
    b"SET standard_conforming_strings = on;\n"
    b"SELECT pg_catalog.set_config('search_path', '', false);\n"
    b"SET check_function_bodies = false;\n"
    b"SET client_min_messages = warning;\n"
    b"SET row_security = off;\n\n"
)

DDL_TYPE = b"CREATE TYPE public.textrange AS RANGE (\n    subtype = text\n);\n"
DDL_USERS = (
    b"CREATE TABLE public.users (\n"
    b"    id integer NOT NULL,\n"
    b"    email text,\n"
    b"    tags text[],\n"
    b"    stay public.textrange,\n"
    b"    note text\n"
    b");\n"
)
DDL_OTHER = b"CREATE TABLE public.other (\n    id integer,\n    label text\n);\n"
DDL_INDEX = b"CREATE INDEX users_lower_email_idx ON public.users USING btree (lower(email));\n"

USERS_ROWS = [
    (1, "zqxmarker.one@example.org", "{zqxmarkertag,red}", "[zqxmarkera,zqxmarkerb)", "n1"),
    (2, "zqxmarker.two@example.org", "{zqxmarkertag}", "[zqxmarkerc,zqxmarkerd)", "n2"),
]
OTHER_ROWS = [(1, "keepme"), (2, "keepyou")]


def _arg(name, value, typ=None):
    """One named argument as appendNamedArgument writes it (the value already a literal)."""
    return b",\n\t'" + name + b"', " + value + ((b"::" + typ) if typ else b"")


def _lit(s):
    return b"'" + s.replace(b"'", b"''") + b"'"


def relation_stats(rel, pages=b"1", tuples=b"2"):
    return (
        b"SELECT * FROM pg_catalog.pg_restore_relation_stats(\n"
        b"\t'version', '180003'::integer,\n"
        b"\t'schemaname', 'public',\n"
        b"\t'relname', " + _lit(rel) + b",\n"
        b"\t'relpages', '" + pages + b"'::integer,\n"
        b"\t'reltuples', '" + tuples + b"'::real,\n"
        b"\t'relallvisible', '0'::integer,\n"
        b"\t'relallfrozen', '0'::integer\n"
        b");\n"
    )


def attribute_stats(rel, column=None, attnum=None, args=()):
    out = (
        b"SELECT * FROM pg_catalog.pg_restore_attribute_stats(\n"
        b"\t'version', '180003'::integer,\n"
        b"\t'schemaname', 'public',\n"
        b"\t'relname', " + _lit(rel)
    )
    if column is not None:
        out += b",\n\t'attname', " + _lit(column)
    else:
        out += b",\n\t'attnum', '" + attnum + b"'::smallint"
    out += _arg(b"inherited", b"'f'", b"boolean")
    out += _arg(b"null_frac", b"'0'", b"real")
    for name, value, typ in args:
        out += _arg(name, _lit(value), typ)
    return out + b"\n);\n"


# The value-bearing arguments hold the marker.
EMAIL_STATS = attribute_stats(b"users", b"email", args=[
    (b"avg_width", b"26", b"integer"),
    (b"n_distinct", b"-1", b"real"),
    (b"most_common_vals", b"{zqxmarker.one@example.org,zqxmarker.two@example.org}", b"text"),
    (b"most_common_freqs", b"{0.5,0.5}", b"real[]"),
    (b"histogram_bounds", b"{a@example.org,zqxmarker.three@example.org}", b"text"),
    (b"correlation", b"1", b"real"),
])
TAGS_STATS = attribute_stats(b"users", b"tags", args=[
    (b"avg_width", b"40", b"integer"),
    (b"n_distinct", b"-1", b"real"),
    (b"correlation", b"1", b"real"),
    (b"most_common_elems", b"{red,zqxmarkertag}", b"text"),
    (b"most_common_elem_freqs", b"{0.5,1,0.5,1,0}", b"real[]"),
    (b"elem_count_histogram", b"{1,1,2,1.5}", b"real[]"),
])
STAY_STATS = attribute_stats(b"users", b"stay", args=[
    (b"avg_width", b"30", b"integer"),
    (b"n_distinct", b"-1", b"real"),
    (b"range_empty_frac", b"0", b"real"),
    (b"range_bounds_histogram", b'{"[zqxmarkera,zqxmarkerb)","[zqxmarkerc,zqxmarkerd)"}', b"text"),
])
NOTE_STATS = attribute_stats(b"users", b"note", args=[
    (b"avg_width", b"3", b"integer"),
    (b"n_distinct", b"-1", b"real"),
    (b"histogram_bounds", b"{n1,n2}", b"text"),
    (b"correlation", b"1", b"real"),
])
INDEX_STATS = attribute_stats(b"users_lower_email_idx", attnum=b"1", args=[
    (b"avg_width", b"26", b"integer"),
    (b"n_distinct", b"-1", b"real"),
    (b"histogram_bounds", b"{zqxmarker.one@example.org,zqxmarker.two@example.org}", b"text"),
    (b"correlation", b"1", b"real"),
])
OTHER_STATS = attribute_stats(b"other", b"label", args=[
    (b"avg_width", b"7", b"integer"),
    (b"n_distinct", b"-1", b"real"),
    (b"most_common_vals", b"{keepme,keepyou}", b"text"),
    (b"most_common_freqs", b"{0.5,0.5}", b"real[]"),
    (b"correlation", b"1", b"real"),
])

USERS_STATS_SQL = relation_stats(b"users") + EMAIL_STATS + TAGS_STATS + STAY_STATS + NOTE_STATS
INDEX_STATS_SQL = relation_stats(b"users_lower_email_idx") + INDEX_STATS
OTHER_STATS_SQL = relation_stats(b"other") + OTHER_STATS


def _comment(name, kind):
    return b"--\n-- Name: " + name + b"; Type: " + kind + b"; Schema: public; Owner: -\n--\n\n"


def copy_block(table, columns, rows):
    out = b"COPY public." + table + b" (" + b", ".join(columns) + b") FROM stdin;\n"
    for row in rows:
        out += b"\t".join(str(v).encode() for v in row) + b"\n"
    return out + b"\\.\n\n\n"


def insert_block(table, columns, rows):
    out = b""
    for row in rows:
        vals = b", ".join(str(v).encode() if isinstance(v, int) else _lit(v.encode()) for v in row)
        out += b"INSERT INTO public." + table + b" VALUES (" + vals + b");\n"
    return out + b"\n\n"


def plain_dump(inserts=False):
    """A plain pg_dump 18 dump with statistics (--with-statistics)."""
    data = insert_block if inserts else copy_block
    return (
        HEAD
        + _comment(b"textrange", b"TYPE") + DDL_TYPE + b"\n\n"
        + _comment(b"other", b"TABLE") + DDL_OTHER + b"\n\n"
        + _comment(b"users", b"TABLE") + DDL_USERS + b"\n\n"
        + _comment(b"other", b"TABLE DATA") + data(b"other", [b"id", b"label"], OTHER_ROWS)
        + _comment(b"users", b"TABLE DATA")
        + data(b"users", [b"id", b"email", b"tags", b"stay", b"note"], USERS_ROWS)
        + _comment(b"other", b"STATISTICS DATA") + OTHER_STATS_SQL + b"\n\n"
        + _comment(b"users", b"STATISTICS DATA") + USERS_STATS_SQL + b"\n\n"
        + _comment(b"users_lower_email_idx", b"INDEX") + DDL_INDEX + b"\n\n"
        + _comment(b"users_lower_email_idx", b"STATISTICS DATA") + INDEX_STATS_SQL + b"\n\n"
        + b"--\n-- PostgreSQL database dump complete\n--\n\n"
    )


# ------------------------------------------------------------------ archives
# A version 1.14 archive (pg_dump 15's; pg_backup_archiver.c WriteHead/WriteToc,
# pg_backup_custom.c; shared docs/formats.md part B), uncompressed, ints of 4 bytes,
# offsets "not set" (as pg_dump writes to a pipe), with pg_dump 18's STATISTICS DATA
# entries: desc "STATISTICS DATA", the SQL in defn, no data, section SECTION_DATA for a
# table and SECTION_POST_DATA for an index (pg_dump.c dumpRelationStats).

SECTION_PRE_DATA, SECTION_DATA, SECTION_POST_DATA = 2, 3, 4


def _int(v):
    return bytes([1 if v < 0 else 0]) + struct.pack("<I", abs(v))


def _str(s):
    if s is None:
        return _int(-1)
    return _int(len(s)) + s


def _entry(dump_id, desc, tag, section, defn=b"", copy=None, deps=(), data=None, fmt="custom"):
    out = _int(dump_id) + _int(1 if data is not None else 0)
    out += _str(b"0") + _str(b"0")  # table oid, oid
    out += _str(tag) + _str(desc) + _int(section)
    out += _str(defn) + _str(b"") + _str(copy)
    out += _str(b"public" if desc not in (b"ENCODING", b"STDSTRINGS", b"SEARCHPATH") else None)
    out += _str(b"") + _str(b"heap" if desc == b"TABLE" else None)  # tablespace, tableam
    out += _str(b"postgres" if desc not in (b"ENCODING", b"STDSTRINGS", b"SEARCHPATH") else b"")
    out += _str(b"false")
    for d in deps:
        out += _str(str(d).encode())
    out += _str(None)
    if fmt == "custom":
        out += bytes([1 if data is not None else 3]) + b"\0" * 8
    else:
        out += _str(("%d.dat" % dump_id).encode() if data is not None else b"")
    return out


def _entries(inserts=False):
    """(dump_id, desc, tag, section, defn, copy_stmt, deps, data) as pg_dump orders them."""
    users_cols = b"id, email, tags, stay, note"
    return [
        (1, b"ENCODING", b"ENCODING", SECTION_PRE_DATA, b"SET client_encoding = 'UTF8';\n", None, (), None),
        (2, b"STDSTRINGS", b"STDSTRINGS", SECTION_PRE_DATA, b"SET standard_conforming_strings = 'on';\n", None, (),
         None),
        (3, b"TYPE", b"textrange", SECTION_PRE_DATA, DDL_TYPE, None, (), None),
        (4, b"TABLE", b"other", SECTION_PRE_DATA, DDL_OTHER, None, (), None),
        (5, b"TABLE", b"users", SECTION_PRE_DATA, DDL_USERS, None, (3,), None),
        (6, b"TABLE DATA", b"other", SECTION_DATA, b"", b"COPY public.other (id, label) FROM stdin;\n", (4,),
         copy_block(b"other", [b"id", b"label"], OTHER_ROWS).split(b"\n", 1)[1]),
        (7, b"TABLE DATA", b"users", SECTION_DATA, b"",
         b"COPY public.users (" + users_cols + b") FROM stdin;\n", (5,),
         copy_block(b"users", users_cols.split(b", "), USERS_ROWS).split(b"\n", 1)[1]),
        (8, b"STATISTICS DATA", b"other", SECTION_DATA, OTHER_STATS_SQL, None, (4,), None),
        (9, b"STATISTICS DATA", b"users", SECTION_DATA, USERS_STATS_SQL, None, (5,), None),
        (10, b"INDEX", b"users_lower_email_idx", SECTION_POST_DATA, DDL_INDEX, None, (5,), None),
        (11, b"STATISTICS DATA", b"users_lower_email_idx", SECTION_POST_DATA, INDEX_STATS_SQL, None, (10,), None),
    ]


def archive_head(fmt="custom"):
    out = b"PGDMP" + bytes([1, 14, 0, 4, 8, 1 if fmt == "custom" else 3])
    out += _int(0)  # compression level: none
    for v in (0, 0, 12, 5, 11, 126, 0):  # creation time
        out += _int(v)
    out += _str(b"leak") + _str(b"18.3") + _str(b"18.3")
    entries = _entries()
    out += _int(len(entries))
    for dump_id, desc, tag, section, defn, copy, deps, data in entries:
        out += _entry(dump_id, desc, tag, section, defn, copy, deps, data, fmt)
    return out


def make_custom(tmp: pathlib.Path) -> pathlib.Path:
    out = archive_head("custom")
    for dump_id, _, _, _, _, _, _, data in _entries():
        if data is None:
            continue
        out += bytes([1]) + _int(dump_id) + _int(len(data)) + data + _int(0)  # BLK_DATA, one chunk
    path = tmp / "in.dump"
    path.write_bytes(out)
    return path


def make_directory(tmp: pathlib.Path) -> pathlib.Path:
    folder = tmp / "in.dir"
    folder.mkdir()
    (folder / "toc.dat").write_bytes(archive_head("directory"))
    for dump_id, _, _, _, _, _, _, data in _entries():
        if data is not None:
            (folder / ("%d.dat" % dump_id)).write_bytes(data)
    return folder


CASES = [
    {
        "name": "pg_dump 18 statistics of configured columns lose their values in a plain dump",
        "dump": plain_dump(),
        "config": CONFIG,
    },
    {
        "name": "pg_dump 18 statistics of configured columns lose their values in an --inserts dump",
        "dump": plain_dump(inserts=True),
        "config": CONFIG,
    },
    {
        "name": "pg_dump 18 statistics of an expression index on a configured table lose their values",
        "dump": HEAD + DDL_USERS + b"\n" + DDL_INDEX + b"\n" + INDEX_STATS_SQL,
        "config": CONFIG,
    },
    {
        "name": "pg_dump 18 statistics of a relation dbanon cannot place lose their values",
        "dump": HEAD + relation_stats(b"users_mv") + attribute_stats(b"users_mv", b"email", args=[
            (b"most_common_vals", b"{zqxmarker@example.org}", b"text"),
            (b"most_common_freqs", b"{1}", b"real[]"),
        ]),
        "config": CONFIG,
        "args": ["--allow-missing"],
    },
    {
        "name": "a pg_restore_attribute_stats call in a shape dbanon does not read is refused",
        "dump": HEAD + DDL_USERS + b"\nSELECT 1 FROM pg_catalog.pg_restore_attribute_stats('schemaname', 'public', "
                b"'relname', 'users', 'attname', 'email', 'most_common_vals', '{zqxmarker}'::text);\n",
        "config": CONFIG,
        "expect": "refuse",
    },
    {
        "name": "pg_dump 18 STATISTICS DATA entries of configured columns lose their values in a -Fc archive",
        "make": make_custom,
        "config": CONFIG,
        "output": "out.dump",
    },
    {
        "name": "pg_dump 18 STATISTICS DATA entries of configured columns lose their values in a -Fd archive",
        "make": make_directory,
        "config": CONFIG,
        "output": "out",
    },
]
