"""Leak paths: a config entry that names only a partition, and a dump whose partitions'
rows arrive as rows of the root (pg_dump --load-via-partition-root writes every partition's
COPY or INSERTs under the root's name, pg_dump.c getRootTableInfo). The partition's config
does not reach those rows: dbanon refuses, naming the root and the partition, unless the
root's own config rewrites every column the partition's does. Without
--load-via-partition-root the rows are the partition's own and its config applies.
"""

SALT = 'salt = "partition-root-cases-salt"\n'

HEAD = (
    b'--\n-- PostgreSQL database dump\n--\n\n'
    b'SET statement_timeout = 0;\n'
    b"SET client_encoding = 'UTF8';\n"
    b'SET standard_conforming_strings = on;\n'
    b"SELECT pg_catalog.set_config('search_path', '', false);\n\n"
    b'CREATE TABLE public.p (\n    a text,\n    email text,\n    note text\n)\nPARTITION BY LIST (a);\n\n'
    b'CREATE TABLE public.p1 (\n    a text,\n    email text,\n    note text\n);\n\n'
    b"ALTER TABLE ONLY public.p ATTACH PARTITION public.p1 FOR VALUES IN ('x');\n\n"
)
ROW = b'x\tzqxmarker@pt.example\thello\n'

# pg_dump --load-via-partition-root: p1's rows under p's name.
VIA_ROOT_COPY = (HEAD + b'--\n-- Data for Name: p1; Type: TABLE DATA; Schema: public; Owner: postgres\n--\n\n'
                 b'-- load via partition root public.p\n'
                 b'COPY public.p (a, email, note) FROM stdin;\n' + ROW + b'\\.\n\n')
VIA_ROOT_INSERTS = (HEAD + b'-- load via partition root public.p\n'
                    b"INSERT INTO public.p (a, email, note) VALUES ('x', 'zqxmarker@pt.example', 'hello');\n")
# pg_dump's default: the partition's own name.
OWN_COPY = HEAD + b'COPY public.p1 (a, email, note) FROM stdin;\n' + ROW + b'\\.\n\n'

ONLY_PART = SALT + '[tables.p1]\nemail = "email"\n'
ROOT = SALT + '[tables.p]\nemail = "email"\n'
BOTH = SALT + '[tables.p]\nemail = "email"\n[tables.p1]\nemail = { anonymizer = "email", options = { domain = "example.org" } }\n'
ROOT_NOTE_PART_EMAIL = SALT + '[tables.p]\nnote = "lorem"\n[tables.p1]\nemail = "email"\n'
ONLY_PART_TRUNCATE = SALT + '[tables.p1]\ntruncate = true\n'

CASES = [
    {"name": "a config on a partition only, rows via the partition root (COPY): refused", "dump": VIA_ROOT_COPY,
     "config": ONLY_PART, "expect": "refuse"},
    {"name": "a config on a partition only, rows via the partition root (INSERT): refused",
     "dump": VIA_ROOT_INSERTS, "config": ONLY_PART, "expect": "refuse"},
    {"name": "a config on a partition only, truncate, rows via the partition root: refused", "dump": VIA_ROOT_COPY,
     "config": ONLY_PART_TRUNCATE, "expect": "refuse"},
    {"name": "the root configured for another column, the partition for the e-mail, rows via the root: refused",
     "dump": VIA_ROOT_COPY, "config": ROOT_NOTE_PART_EMAIL, "expect": "refuse"},
    {"name": "a config on the root, rows via the partition root: rewritten", "dump": VIA_ROOT_COPY, "config": ROOT,
     "expect": "clean"},
    {"name": "the same column on the root and the partition, rows via the root: rewritten", "dump": VIA_ROOT_COPY,
     "config": BOTH, "expect": "clean"},
    {"name": "a config on a partition only, rows under the partition's own name: rewritten", "dump": OWN_COPY,
     "config": ONLY_PART, "expect": "clean"},
]
