"""Leak paths: a COPY column list that names a generated column of a configured table.

PostgreSQL refuses COPY into a generated column and pg_dump leaves them out of its COPY
lists, but a hand-written script can hold one, with a value computed from the original data
(lower(email)): dbanon passed it through with exit 0 (a new user's script). Now refused, on
the plain road; the INSERT form of the same table writes DEFAULT and stays clean.
"""

DDL = (b"SET client_encoding = 'UTF8';\n"
       b"CREATE TABLE public.users (id int, email text,\n"
       b"  g1 text GENERATED ALWAYS AS (lower(email)) STORED);\n")
COPY = DDL + b"COPY public.users (id, email, g1) FROM stdin;\n2\tZqxmarker@corp.example\tzqxmarker@corp.example\n\\.\n"
INSERT = DDL + (b"INSERT INTO public.users (id, email, g1) VALUES "
                b"(1, 'Zqxmarker@corp.example', 'zqxmarker@corp.example');\n")
CFG = 'strict = true\n[tables."public.users"]\nid = "keep"\nemail = "email"\n'

CASES = [
    {"name": "a COPY that lists a generated column of a configured table is refused",
     "dump": COPY, "config": CFG, "markers": [b"zqxmarker", b"Zqxmarker"], "expect": "refuse"},
    {"name": "an INSERT that lists a generated column of a configured table writes DEFAULT",
     "dump": INSERT, "config": CFG, "markers": [b"zqxmarker", b"Zqxmarker"], "expect": "clean"},
]
