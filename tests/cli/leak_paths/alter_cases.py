"""Leak paths: an ALTER TABLE between a table's CREATE TABLE and its rows.

Found by a new user in hand-written and migration SQL (psql, mariadb and sqlite3 run it):
after `ALTER TABLE users DROP COLUMN email; ADD COLUMN email` (PostgreSQL), `MODIFY email
... FIRST` (MariaDB) or `RENAME COLUMN` (SQLite), an INSERT without a column list holds
its values in the altered order, and dbanon read them by the CREATE TABLE: the e-mail went
out in clear in another column, exit 0, strict mode included. Now an ALTER TABLE that may
change a table's columns makes dbanon read the table as one without its CREATE TABLE
(refused without a column list; in MySQL/SQLite every column named). The ALTER TABLEs
pg_dump and mysqldump write (OWNER TO, ALTER COLUMN ... SET DEFAULT, ADD GENERATED ...
AS IDENTITY, ADD CONSTRAINT, DISABLE KEYS) leave a table as it was.
"""

CFG = '[tables.users]\nid = "keep"\nemail = "email"\nnote = "keep"\n'
STRICT = 'strict = true\n' + CFG

PG_DROP_ADD = (b"CREATE TABLE users (id int, email text, note text);\n"
               b"ALTER TABLE users DROP COLUMN email;\n"
               b"ALTER TABLE users ADD COLUMN email text;\n"
               b"INSERT INTO users VALUES (1, 'n/a', 'zqxmarker@corp.example');\n")
PG_RENAME = (b"CREATE TABLE users (id int, mail text, email text);\n"
             b"ALTER TABLE users RENAME COLUMN email TO note;\n"
             b"ALTER TABLE users RENAME mail TO email;\n"
             b"INSERT INTO users VALUES (1, 'zqxmarker@corp.example', 'n/a');\n")
PG_TYPE = (b"CREATE TABLE users (id int, email varchar(200), note text);\n"
           b"ALTER TABLE ONLY users ALTER COLUMN email TYPE text, ADD CONSTRAINT u_pk PRIMARY KEY (id);\n"
           b"INSERT INTO users VALUES (1, 'zqxmarker@corp.example', 'n/a');\n")
MY_FIRST = (b"/*!40101 SET NAMES utf8mb4 */;\n"
            b"CREATE TABLE `users` (`id` varchar(100), `email` varchar(100), `note` varchar(100));\n"
            b"ALTER TABLE `users` MODIFY `email` varchar(100) FIRST;\n"
            b"INSERT INTO `users` VALUES ('zqxmarker@corp.example','1','n/a');\n")
MY_CHANGE = (b"/*!40101 SET NAMES utf8mb4 */;\n"
             b"CREATE TABLE `users` (`id` int, `mail` varchar(100), `email` varchar(100), `note` text);\n"
             b"ALTER TABLE `users` DROP `email`, CHANGE `mail` `email` varchar(100);\n"
             b"INSERT INTO `users` (`id`,`email`,`note`) VALUES (1,'zqxmarker@corp.example','n/a');\n")
SQ_RENAME = (b"PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"
             b"CREATE TABLE users (id int, mail text, email text);\n"
             b"ALTER TABLE users RENAME COLUMN email TO note;\n"
             b"ALTER TABLE users RENAME COLUMN mail TO email;\n"
             b"INSERT INTO users VALUES(1,'zqxmarker@corp.example','n/a');\nCOMMIT;\n")
MY_INVISIBLE = (b"/*!40101 SET NAMES utf8mb4 */;\n"
                b"CREATE TABLE `users` (`id` varchar(100), `email` varchar(100), `note` varchar(100));\n"
                b"ALTER TABLE `users` ALTER COLUMN `email` SET INVISIBLE;\n"
                b"INSERT INTO `users` VALUES ('1','zqxmarker@corp.example');\n")
PG_GLUED = (b"CREATE TABLE users (id int, email text, note text);\n"
            b"ALTER TABLE ONLY \"users\"ADD CONSTRAINT c CHECK (id > 0),Drop\tCOLUMN email,\n  ADD email text;\n"
            b"INSERT INTO users VALUES (1, 'n/a', 'zqxmarker@corp.example');\n")
# What pg_dump --inserts writes between CREATE TABLE and the rows: the table stays readable.
PG_DUMP_ALTERS = (b"--\n-- PostgreSQL database dump\n--\n\nSET client_encoding = 'UTF8';\n"
                  b"SET standard_conforming_strings = on;\n"
                  b"SELECT pg_catalog.set_config('search_path', '', false);\n\n"
                  b"CREATE TABLE public.users (\n    id integer NOT NULL,\n    email text,\n    note text\n);\n\n"
                  b"ALTER TABLE public.users OWNER TO app;\n\n"
                  b"ALTER TABLE public.users ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (\n"
                  b"    SEQUENCE NAME public.users_id_seq\n    START WITH 1\n    INCREMENT BY 1\n    CACHE 1\n);\n\n"
                  b"ALTER TABLE ONLY public.users ALTER COLUMN note SET DEFAULT 'x'::text;\n"
                  b"ALTER TABLE ONLY public.users REPLICA IDENTITY FULL;\n\n"
                  b"INSERT INTO public.users OVERRIDING SYSTEM VALUE VALUES (1, 'zqxmarker@corp.example', 'n/a');\n\n"
                  b"ALTER TABLE ONLY public.users\n    ADD CONSTRAINT users_pkey PRIMARY KEY (id);\n")
MY_DUMP_ALTERS = (b"-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)\n"
                  b"/*!40101 SET NAMES utf8mb4 */;\n"
                  b"CREATE TABLE `users` (\n  `id` int(11) NOT NULL,\n  `email` varchar(100) DEFAULT NULL,\n"
                  b"  `note` text\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
                  b"/*!40000 ALTER TABLE `users` DISABLE KEYS */;\n"
                  b"ALTER TABLE `users` MODIFY `id` int(11) NOT NULL, ADD PRIMARY KEY (`id`), AUTO_INCREMENT=2;\n"
                  b"INSERT INTO `users` VALUES (1,'zqxmarker@corp.example','n/a');\n"
                  b"/*!40000 ALTER TABLE `users` ENABLE KEYS */;\n")

CASES = [
    {"name": "psql script: DROP and ADD COLUMN between CREATE TABLE and an INSERT without column list is refused",
     "dump": PG_DROP_ADD, "config": STRICT, "expect": "refuse"},
    {"name": "psql script: RENAME COLUMN between CREATE TABLE and an INSERT without column list is refused",
     "dump": PG_RENAME, "config": CFG, "expect": "refuse"},
    {"name": "psql script: ALTER COLUMN TYPE among other actions makes the table's CREATE TABLE unread, refused",
     "dump": PG_TYPE, "config": CFG, "expect": "refuse"},
    {"name": "mariadb script: MODIFY ... FIRST between CREATE TABLE and an INSERT without column list is refused",
     "dump": MY_FIRST, "config": STRICT, "expect": "refuse"},
    {"name": "mariadb script: DROP and CHANGE a column, then a column-list INSERT: every column must be named",
     "dump": MY_CHANGE, "config": '[tables.users]\nemail = "email"\n', "expect": "refuse"},
    # Since leak10 a CHANGE that renames a column onto (or off) a configured name is refused
    # whatever follows (rows before it would change columns); one that keeps the name is not.
    {"name": "mariadb script: DROP and CHANGE a column onto configured email's name is refused as a rename",
     "dump": MY_CHANGE, "config": CFG, "expect": "refuse"},
    {"name": "mariadb script: CHANGE keeping a column's name, then a column-list INSERT with every column named is rewritten",
     "dump": MY_CHANGE.replace(b"DROP `email`, CHANGE `mail` `email`", b"DROP `mail`, CHANGE `email` `EMAIL`"),
     "config": CFG, "expect": "clean"},
    {"name": "sqlite script: RENAME COLUMN between CREATE TABLE and an INSERT without column list is refused",
     "dump": SQ_RENAME, "config": STRICT, "expect": "refuse"},
    {"name": "mysql 8 script: ALTER COLUMN ... SET INVISIBLE before an INSERT without column list is refused",
     "dump": MY_INVISIBLE, "config": STRICT, "expect": "refuse"},
    {"name": "psql script: DROP/ADD after ADD CONSTRAINT, glued to a quoted name, in mixed case, is refused",
     "dump": PG_GLUED, "config": STRICT, "expect": "refuse"},
    {"name": "pg_dump --inserts: OWNER TO, ADD GENERATED AS IDENTITY, SET DEFAULT, REPLICA IDENTITY leave the table readable",
     "dump": PG_DUMP_ALTERS, "config": '[tables."public.users"]\nemail = "email"\n', "expect": "clean"},
    {"name": "mysqldump: DISABLE KEYS and MODIFY without FIRST/AFTER leave the table readable",
     "dump": MY_DUMP_ALTERS, "config": '[tables.users]\nemail = "email"\n', "expect": "clean"},
]
