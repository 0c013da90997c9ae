"""Valid input that the clients accept, read so that no configured value is missed, for
tests/cli/leak_paths_test.py.

MySQL/MariaDB column names are case-insensitive (MariaDB docs, "Identifier
Case-sensitivity"): `INSERT INTO users (EMAIL)` loads users.email, and a config key `Email`
names it too. The rows are rewritten (a generated column named `Email_LC` computed from it is
written DEFAULT); a column list naming a configured column twice, and a config whose keys
differ only in case, are refused. The dumps are in mariadb-dump 10.11's shape.
"""

MY_HEAD = (b"-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)\n--\n"
           b"/*!40101 SET NAMES utf8mb4 */;\n"
           b"DROP TABLE IF EXISTS `users`;\n"
           b"CREATE TABLE `users` (\n  `id` int(11) NOT NULL,\n  `email` varchar(120) DEFAULT NULL,\n"
           b"  `email_lc` varchar(120) GENERATED ALWAYS AS (lcase(`EMAIL`)) VIRTUAL,\n"
           b"  `name` varchar(50) DEFAULT NULL,\n  PRIMARY KEY (`ID`)\n"
           b") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n")
MY_CONFIG = '[tables.users]\nemail = "email"\n'


def my(insert):
    return MY_HEAD + insert + b"\n"


CASES = [
    dict(name="mysql: a column list in another case (ID, EMAIL) is rewritten, its generated column DEFAULT",
         dump=my(b"INSERT INTO `users` (`ID`, `EMAIL`, `Email_LC`, `NAME`) VALUES "
                 b"(1,'zqxmarker@example.com','zqxmarker@example.com','Smith');"),
         config=MY_CONFIG),
    dict(name="mysql: config keys in another case (Email) name the column",
         dump=my(b"INSERT INTO `users` VALUES (1,'zqxmarker@example.com','zqxmarker@example.com','Smith');"),
         config='[tables.users]\nEmail = "email"\n'),
    dict(name="mysql: without CREATE TABLE, a column list in another case meets config keys in another",
         dump=b"/*!40101 SET NAMES utf8mb4 */;\n"
              b"INSERT INTO `users` (`ID`, `EMAIL`) VALUES (1,'zqxmarker@example.com');\n",
         config='[tables.users]\nId = "keep"\nEmail = "email"\n'),
    dict(name="mysql: a column list naming a configured column twice, in two cases, is refused",
         dump=my(b"INSERT INTO `users` (`id`, `email`, `EMAIL`) VALUES (1,'a@example.com','zqxmarker@example.com');"),
         config=MY_CONFIG, expect="refuse"),
    dict(name="mysql: config keys that differ only in case (email, EMAIL) are refused",
         dump=my(b"INSERT INTO `users` VALUES (1,'zqxmarker@example.com','zqxmarker@example.com','Smith');"),
         config='[tables.users]\nemail = "email"\nEMAIL = "md5"\n', expect="refuse"),
]

# MariaDB INVISIBLE columns (MariaDB docs, "Invisible Columns"): an INSERT without a column
# list carries no value for them; mariadb-dump writes a column list naming them.
INV_HEAD = (b"/*!40101 SET NAMES utf8mb4 */;\n"
            b"CREATE TABLE `inv` (\n  `id` int(11) NOT NULL,\n  `secret` varchar(50) INVISIBLE DEFAULT NULL,\n"
            b"  `email` varchar(100) DEFAULT NULL,\n"
            b"  `elc` varchar(100) GENERATED ALWAYS AS (lcase(`email`)) VIRTUAL INVISIBLE,\n"
            b"  `note` varchar(100) DEFAULT NULL,\n  PRIMARY KEY (`id`)\n"
            b") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n")
INV_CONFIG = '[tables.inv]\nemail = "email"\nsecret = "lastname"\n'

CASES += [
    dict(name="mariadb: VALUES without a column list skip INVISIBLE columns (id, email, note)",
         dump=INV_HEAD + b"INSERT INTO `inv` VALUES (1,'zqxmarker@example.com','n/a'),(2,'b@example.com','n');\n",
         config=INV_CONFIG),
    dict(name="mariadb: a column list naming INVISIBLE columns rewrites the configured one, DEFAULT for elc",
         dump=INV_HEAD + b"INSERT INTO `inv` (`id`, `secret`, `email`, `elc`, `note`) VALUES "
                         b"(1,'zqxmarkersecret','zqxmarker@example.com','zqxmarker@example.com','n/a');\n",
         config=INV_CONFIG),
    dict(name="mysql: VALUES without a column list into a table with /*!80023 INVISIBLE */ are refused",
         dump=INV_HEAD.replace(b"varchar(50) INVISIBLE", b"varchar(50) /*!80023 INVISIBLE */") +
         b"INSERT INTO `inv` VALUES (1,'zqxmarker@example.com','n/a');\n",
         config=INV_CONFIG, expect="refuse"),
]

# PostgreSQL typed tables (CREATE TABLE t OF type): the columns are the composite type's
# attributes, in its order (pg_dump 15 --inserts shape).
PG_TYPED = (b"--\n-- PostgreSQL database dump\n--\n\nSET client_encoding = 'UTF8';\n"
            b"SET standard_conforming_strings = on;\n"
            b"SELECT pg_catalog.set_config('search_path', '', false);\n\n"
            b"CREATE TYPE public.person AS (\n\tid integer,\n\temail text,\n\tnote text\n);\n\n"
            b"CREATE TABLE public.users OF public.person (\n    id NOT NULL\n);\n\n")
PG_TYPED_CONFIG = '[tables.users]\nemail = "email"\n'

CASES += [
    dict(name="pg --inserts: rows of a typed table (OF a composite type) are read in the type's order",
         dump=PG_TYPED + b"INSERT INTO public.users VALUES (1, 'zqxmarker@example.com', 'n/a');\n",
         config=PG_TYPED_CONFIG),
    dict(name="pg --column-inserts: rows of a typed table are rewritten",
         dump=PG_TYPED + b"INSERT INTO public.users (id, email, note) VALUES (1, 'zqxmarker@example.com', 'n/a');\n",
         config=PG_TYPED_CONFIG),
    dict(name="pg --inserts: a typed table whose type the dump does not define is refused",
         dump=PG_TYPED.replace(b"CREATE TYPE public.person", b"CREATE TYPE public.other") +
         b"INSERT INTO public.users VALUES (1, 'zqxmarker@example.com', 'n/a');\n",
         config=PG_TYPED_CONFIG, expect="refuse"),
    dict(name="pg --inserts: after ALTER TYPE ... ADD ATTRIBUTE CASCADE a typed table's rows are refused",
         dump=PG_TYPED + b"ALTER TYPE public.person ADD ATTRIBUTE nick text CASCADE;\n"
         b"INSERT INTO public.users VALUES (1, 'zqxmarker@example.com', 'n/a', 'x');\n",
         config=PG_TYPED_CONFIG, expect="refuse"),
]
