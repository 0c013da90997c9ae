"""The words of a MySQL SET statement that change the client character set
(SqlScriptFramer::ReadCharset reads them in place, token by token): `:=` for
`=`, versioned comments around the statement, a comment inside it. A SET the
framer misread would leave the rows after it read as utf8mb4, where the SJIS
second byte 0x5C of '表' (0x95 0x5C) is a backslash that escapes the closing
quote, and the configured e-mail after it would be read as part of the note."""

HYO = b"\x95\x5c"  # SJIS '表'

CONFIG = """
[tables.users]
email = "email"
"""


def dump(set_statement):
    return (b"-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)\n--\n"
            b"/*!40101 SET NAMES utf8mb4 */;\n"
            b"DROP TABLE IF EXISTS `users`;\n"
            b"CREATE TABLE `users` (\n  `id` int(11) NOT NULL,\n  `note` varchar(40) DEFAULT NULL,\n"
            b"  `email` varchar(255) DEFAULT NULL\n) ENGINE=InnoDB DEFAULT CHARSET=sjis;\n"
            + set_statement + b"\n"
            b"INSERT INTO `users` VALUES (1,'" + HYO + b"','zqxmarker@example.com');\n")


CASES = [
    dict(name="mysql: SET character_set_client := sjis reads the rows after it as sjis",
         dump=dump(b"SET character_set_client := sjis;"), config=CONFIG),
    dict(name="mysql: SET NAMES sjis with a comment inside reads the rows as sjis (the comment holds no words)",
         dump=dump(b"SET /* client */ NAMES sjis;"), config=CONFIG),
    dict(name="mysql: SET NAMES sjis after a line comment inside the statement reads the rows as sjis",
         dump=dump(b"SET -- client\nNAMES sjis;"), config=CONFIG),
    dict(name="mysql: a commented-out SET NAMES sjis leaves the rows read as utf8mb4 (refused here, never a leak)",
         dump=dump(b"SET @x = 1 /* , NAMES sjis */;"), config=CONFIG, expect="either"),
    dict(name="mysql: SET NAMES sjis in a versioned comment reads the rows as sjis",
         dump=dump(b"/*!40101 SET NAMES sjis */;"), config=CONFIG),
    dict(name="mysql: SET @@session.character_set_client:=sjis without spaces reads the rows as sjis",
         dump=dump(b"SET @@session.character_set_client:=sjis;"), config=CONFIG),
]
