"""Leak paths: JSON paths written the way PostgreSQL and MySQL write them.

A new user (a DbToolsBundle team) wrote `$."phone"` and `$."email"`, the quoted member
names of PostgreSQL's jsonpath and MySQL's JSON_VALUE: dbanon read the quotes as part of
the key, matched nothing, and the values went out in clear with exit 0. `$.email[0]`
(which PostgreSQL's lax mode matches on a plain string) matched nothing too. Now quoted
member names are read, array steps wrap a value that is not an array as lax mode does,
and a key that needs quotes but has none is a config error.
"""

PG = (b"--\n-- PostgreSQL database dump\n--\n\nSET standard_conforming_strings = on;\n"
      b"CREATE TABLE public.users (\n    id integer NOT NULL,\n    doc jsonb\n);\n\n"
      b"COPY public.users (id, doc) FROM stdin;\n"
      b'1\t{"email": "zqxmarker@corp.example", "phone": "+33 6 12 zqxmarker"}\n'
      b'2\t{"email": ["zqxmarker2@corp.example"], "first name": "zqxmarkername"}\n'
      b"\\.\n\n")
MY = (b"-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)\n"
      b"/*!40101 SET NAMES utf8mb4 */;\n"
      b"CREATE TABLE `users` (\n  `id` int(11) NOT NULL,\n  `doc` longtext CHECK (json_valid(`doc`))\n)"
      b" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
      b"INSERT INTO `users` VALUES (1,'{\\\"email\\\": \\\"zqxmarker@corp.example\\\", \\\"first name\\\": \\\"zqxmarkername\\\"}');\n")


def cfg(table, paths):
    body = ", ".join('%s = "md5"' % p for p in paths)
    return '[tables.%s]\ndoc = { anonymizer = "json", options = { paths = { %s } } }\n' % (table, body)


CASES = [
    {"name": "psql dump: jsonpath quoted member names $.\"email\" and $.\"first name\" reach the values",
     "dump": PG, "config": cfg('"public.users"', ["'$.\"email\"'", "'$.\"phone\"'", "'$.\"first name\"'"]),
     "expect": "clean"},
    {"name": "psql dump: $.email[0] reaches a plain string and an array's first element (lax mode)",
     "dump": PG, "config": cfg('"public.users"', ["'$.email[0]'", "'$.phone'", "'$[\"first name\"]'"]),
     "expect": "clean"},
    {"name": "psql dump: an unquoted key with a space is a config error, not a key that matches nothing",
     "dump": PG, "config": cfg('"public.users"', ["'$.first name'", "'$.email'", "'$.phone'"]),
     "expect": "refuse"},
    {"name": "mariadb-dump: JSON_VALUE's quoted member names reach the values",
     "dump": MY, "config": cfg("users", ["'$.\"email\"'", "'$.\"first name\"'"]), "expect": "clean"},
]
