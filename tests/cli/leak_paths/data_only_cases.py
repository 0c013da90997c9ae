"""Leak paths: a data-only dump (pg_dump -a) of a configured table and its INHERITS children.

A new user's `pg_dump -a` (plain and -Fc) held contact_log (configured) and two INHERITS
children, legacy_contacts and contact_log_archive: without DDL dbanon could not know they
were children, the parent had rows of its own (so the "configured table without data"
guard did not fire), and the children's e-mails went out in clear with exit 0. A child
has every column of its parent: data of a table the dump does not create, that no config
names, with every anonymized column of a configured table the dump does not create, is
now refused (name it, or pass --schema).
"""

HEAD = (b"--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\nSET client_encoding = 'UTF8';\n"
        b"SET standard_conforming_strings = on;\n"
        b"SELECT pg_catalog.set_config('search_path', '', false);\n\n")
PARENT = (b"COPY public.contact_log (id, email, message) FROM stdin;\n"
          b"1\tparent@corp.example\thello\n\\.\n\n")
CHILD = (b"COPY public.legacy_contacts (id, email, message, source) FROM stdin;\n"
         b"2\tzqxmarker@corp.example\told\tcrm\n\\.\n\n")
OTHER = (b"COPY public.orders (id, total) FROM stdin;\n3\t12.50\n\\.\n\n")
CFG = '[tables."public.contact_log"]\nemail = "email"\n'

CASES = [
    {"name": "pg_dump -a: an unnamed table whose data has every anonymized column of a configured table is refused",
     "dump": HEAD + PARENT + CHILD + OTHER, "config": CFG, "expect": "refuse"},
    {"name": "pg_dump -a: the child named in the config is rewritten",
     "dump": HEAD + PARENT + CHILD + OTHER,
     "config": CFG + '[tables."public.legacy_contacts"]\nemail = "email"\n', "expect": "clean"},
    {"name": "pg_dump -a: a table without the configured columns passes",
     "dump": HEAD + PARENT + OTHER, "config": CFG, "markers": [b"parent@corp.example"], "expect": "clean"},
]
