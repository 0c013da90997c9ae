"""How dbanon resolves the table a hand-written INSERT names, for tests/cli/leak_paths_test.py.

SQLite compares table and column names without regard to ASCII case, and `main.` names the
same table: after `CREATE TABLE users`, the sqlite3 shell loads `INSERT INTO Users`,
`[USERS]` and `"main"."USERS"` into users, so their configured values must be rewritten (a
config key in another case names the same table). MySQL names keep their case
(lower_case_table_names=0), but a server with lower_case_table_names=1 loads `USERS` into
users: data for a table the dump does not create, whose name differs from a configured table's
only in case, is refused.
"""

SQLITE_HEAD = (b"PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"
               b"CREATE TABLE users (id int, email text, name text, email_lc text AS (lower(email)));\n"
               b"INSERT INTO users VALUES(1,'first@example.com','Smith');\n")
SQLITE_TAIL = b"COMMIT;\n"
USERS = '[tables.users]\nemail = "email"\n'


def sqlite(insert):
    return SQLITE_HEAD + insert + b"\n" + SQLITE_TAIL


MYSQL = (b"-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)\n--\n"
         b"/*!40101 SET NAMES utf8mb4 */;\n"
         b"DROP TABLE IF EXISTS `users`;\n"
         b"CREATE TABLE `users` (\n  `id` int(11) NOT NULL,\n  `email` varchar(255) DEFAULT NULL\n"
         b") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
         b"INSERT INTO `users` VALUES (1,'first@example.com');\n")

CASES = [
    dict(name="sqlite: INSERT INTO Users (another case) is rewritten as users",
         dump=sqlite(b"INSERT INTO Users VALUES(2,'zqxmarker@example.com','Jones');"), config=USERS),
    dict(name="sqlite: INSERT INTO [USERS] with a column list is rewritten as users",
         dump=sqlite(b"INSERT INTO [USERS](id,email,name) VALUES(3,'zqxmarker@example.com','Jones');"),
         config=USERS),
    dict(name="sqlite: INSERT INTO \"main\".\"USERS\" is rewritten as users",
         dump=sqlite(b"INSERT INTO \"main\".\"USERS\" VALUES(5,'zqxmarker@example.com','Jones');"), config=USERS),
    dict(name="sqlite: INSERT INTO `Main`.users is rewritten as users",
         dump=sqlite(b"INSERT INTO `Main`.users VALUES(6,'zqxmarker@example.com','Jones');"), config=USERS),
    dict(name="sqlite: a column list in another case (EMAIL) is rewritten",
         dump=sqlite(b"INSERT INTO users(ID,EMAIL,NAME) VALUES(7,'zqxmarker@example.com','Jones');"),
         config=USERS),
    dict(name="sqlite: a config key and column in another case (Users, Email) name users.email",
         dump=sqlite(b"INSERT INTO USERS VALUES(8,'zqxmarker@example.com','Jones');"),
         config='[tables.Users]\nEmail = "email"\n'),
    dict(name="mysql: data for `USERS`, which differs from configured users only in case, is refused",
         dump=MYSQL + b"INSERT INTO `USERS` VALUES (2,'zqxmarker@example.com');\n", config=USERS,
         expect="refuse"),
    dict(name="mysql: data for `Users` is refused the same way",
         dump=MYSQL + b"INSERT INTO `Users` VALUES (2,'zqxmarker@example.com');\n", config=USERS,
         expect="refuse"),
]

# PostgreSQL: an unqualified name is the table of the first schema of search_path in which
# the dump created it (PostgreSQL docs, "The Schema Search Path"); psql loads these rows
# into app.users.
PG_HEAD = (b"CREATE SCHEMA app;\nCREATE TABLE public.users (id int, email text);\n"
           b"CREATE TABLE app.users (id int, email text);\n")
APP_USERS = '[tables."app.users"]\nemail = "email"\n'
PG_ROW = b"INSERT INTO users VALUES (1, 'zqxmarker@example.com');\n"

CASES += [
    dict(name="pg: SET search_path = app sends unqualified INSERT rows to app.users",
         dump=PG_HEAD + b"SET search_path = app;\n" + PG_ROW, config=APP_USERS),
    dict(name="pg: SET search_path TO \"$user\", app, public sends them to app.users",
         dump=PG_HEAD + b"SET search_path TO \"$user\", app, public;\n" + PG_ROW, config=APP_USERS),
    dict(name="pg: set_config('search_path', 'app', false) sends them to app.users",
         dump=PG_HEAD + b"SELECT pg_catalog.set_config('search_path', 'app', false);\n" + PG_ROW, config=APP_USERS),
    dict(name="pg: SET search_path = app before an unqualified CREATE TABLE creates and fills app.users",
         dump=b"CREATE SCHEMA app;\nSET search_path = app, public;\nCREATE TABLE users (id int, email text);\n"
              + PG_ROW, config=APP_USERS),
    dict(name="pg: COPY into an unqualified name follows search_path",
         dump=PG_HEAD + b"SET search_path = app;\nCOPY users (id, email) FROM stdin;\n1\tzqxmarker@example.com\n\\.\n",
         config=APP_USERS),
    dict(name="pg: RESET search_path goes back to public",
         dump=PG_HEAD + b"SET search_path = app;\nRESET search_path;\n" + PG_ROW,
         config='[tables.users]\nemail = "email"\n'),
    dict(name="pg: a search_path dbanon cannot read refuses unqualified data into a configured table",
         dump=PG_HEAD + b"SELECT set_config('search_path', current_setting('my.path'), false);\n" + PG_ROW,
         config=APP_USERS, expect="refuse"),
]
