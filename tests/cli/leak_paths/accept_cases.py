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
