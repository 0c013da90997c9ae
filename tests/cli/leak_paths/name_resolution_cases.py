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
