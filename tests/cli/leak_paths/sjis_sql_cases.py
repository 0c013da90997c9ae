"""MySQL dumps in `SET NAMES sjis` (cp932, gbk, big5) and pg_dump --inserts in
SJIS (issue 15, item 13): the second byte of a character may be 0x5C (a
backslash in ASCII: SJIS '表' is 0x95 0x5C) or 0x60 (a backquote), which the
server reads as part of the character. A lexer that takes it for an escape
misreads where the literal ends, and the configured value after it. The
markers sit right after such a byte. Dumps in mariadb-dump's exact shape (the
shape of `mariadb-dump --default-character-set=sjis` of MariaDB 10.11: the
CREATE TABLE between `SET character_set_client = utf8mb4` and its restore)."""

import gzip

HYO = b"\x95\x5c"   # SJIS '表'
SO = b"\x83\x5c"    # SJIS 'ソ'
GBK = b"\x81\x5c"   # GBK: 0x81 0x5C
BIG5 = b"\xa4\x5c"  # BIG5 '許'


def mysql(charset, rows, create_comment=b"", extra_set=b""):
    return (b"/*M!999999\\- enable the sandbox mode */ \n"
            b"-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)\n"
            b"--\n-- Host: localhost    Database: shop\n"
            b"-- ------------------------------------------------------\n\n"
            b"/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
            b"/*!40101 SET NAMES " + charset + b" */;\n" + extra_set +
            b"/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n\n"
            b"DROP TABLE IF EXISTS `users`;\n"
            b"/*!40101 SET @saved_cs_client     = @@character_set_client */;\n"
            b"/*!40101 SET character_set_client = utf8mb4 */;\n"
            b"CREATE TABLE `users` (\n"
            b"  `id` int(11) NOT NULL,\n"
            b"  `note` varchar(40) DEFAULT NULL" + create_comment + b",\n"
            b"  `email` varchar(255) DEFAULT NULL,\n"
            b"  PRIMARY KEY (`id`)\n"
            b") ENGINE=InnoDB DEFAULT CHARSET=" + charset + b";\n"
            b"/*!40101 SET character_set_client = @saved_cs_client */;\n\n"
            b"LOCK TABLES `users` WRITE;\n"
            b"INSERT INTO `users` VALUES " + rows + b";\n"
            b"UNLOCK TABLES;\n"
            b"/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n"
            b"/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;\n")


CONFIG = """
[tables.users]
email = "email"
"""

# The value after the 0x5C: with the 0x5C read as an escape, `','` is inside
# the note and the e-mail's text is code.
AFTER = b"(1,'" + HYO + b"','zqxmarker@example.com'),(2,'" + SO + b"\\\\','zqxmarker2@example.com')"

PG_HEAD = (b"--\n-- PostgreSQL database dump\n--\n\n"
           b"SET client_encoding = 'SJIS';\n"
           b"SET standard_conforming_strings = %s;\n\n"
           b"CREATE TABLE public.users (\n    id integer NOT NULL,\n    note text,\n    email text\n);\n\n")

CASES = [
    dict(name="mysql sjis: a configured value right after a value ending in a 0x5C second byte",
         dump=mysql(b"sjis", AFTER), config=CONFIG),
    dict(name="mysql cp932: the same in cp932",
         dump=mysql(b"cp932", AFTER), config=CONFIG),
    dict(name="mysql sjis: a configured value holding 0x5C second bytes is replaced whole",
         dump=mysql(b"sjis", b"(1,'a','" + HYO + b"zqxmarker" + SO + b"@example.com" + HYO + b"')"),
         config=CONFIG),
    dict(name="mysql sjis: a lone first byte escaped by mysqldump before the configured value",
         dump=mysql(b"sjis", b"(1,'\xfd\\\\\\\x81\\'','zqxmarker@example.com')"), config=CONFIG),
    dict(name="mysql gbk: a configured value right after a 0x5C second byte",
         dump=mysql(b"gbk", b"(1,'" + GBK + b"','zqxmarker@example.com')"), config=CONFIG),
    dict(name="mysql big5: a configured value right after a 0x5C second byte",
         dump=mysql(b"big5", b"(1,'" + BIG5 + b"','zqxmarker@example.com')"), config=CONFIG),
    dict(name="mysql sjis: a UTF-8 comment in the CREATE TABLE read as utf8mb4, the rows as sjis",
         # UTF-8 'あ' (E3 81 82) then a backquote: as SJIS, 0x82 0x60 would be one character.
         dump=mysql(b"sjis", AFTER, create_comment=b" COMMENT '\xe3\x81\x82' /* `\xe3\x81\x82` */"),
         config=CONFIG),
    dict(name="mysql: SET NAMES of a character set that is not ASCII-compatible is refused",
         dump=mysql(b"ucs2", b"(1,'a','zqxmarker@example.com')"), config=CONFIG, expect="refuse"),
    dict(name="mysql: SET NAMES of an unknown character set is refused",
         dump=mysql(b"klingon", b"(1,'a','zqxmarker@example.com')"), config=CONFIG, expect="refuse"),
    dict(name="mysql: character_set_client restored from a variable the dump never set is refused",
         dump=mysql(b"sjis", AFTER, extra_set=b"SET character_set_client = @nowhere;\n"), config=CONFIG,
         expect="refuse"),
    dict(name="mysql: SET CHARACTER SET sjis reads the rows as sjis",
         dump=mysql(b"utf8mb4", AFTER).replace(b"\nLOCK TABLES", b"\nSET CHARACTER SET sjis;\nLOCK TABLES"),
         config=CONFIG),
    dict(name="pg --inserts in SJIS with standard_conforming_strings off: a 0x5C second byte before the value",
         dump=PG_HEAD % b"off" + b"INSERT INTO public.users VALUES (1, '" + HYO +
         b"', 'zqxmarker@example.com');\n", config=CONFIG),
    dict(name="pg --inserts in SJIS: an E'' string ending in a 0x5C second byte before the value",
         dump=PG_HEAD % b"on" + b"INSERT INTO public.users VALUES (1, E'" + HYO +
         b"', 'zqxmarker@example.com');\n", config=CONFIG),
    dict(name="pg: SET client_encoding of an encoding PostgreSQL does not know is refused",
         dump=(PG_HEAD % b"on").replace(b"'SJIS'", b"'KLINGON'") +
         b"INSERT INTO public.users VALUES (1, 'a', 'zqxmarker@example.com');\n", config=CONFIG, expect="refuse"),
    dict(name="mysql sjis, gzip-compressed: a configured value right after a 0x5C second byte",
         make=lambda tmp: _write(tmp / "in.sql.gz", gzip.compress(mysql(b"sjis", AFTER))), config=CONFIG),
]


def _write(path, data):
    path.write_bytes(data)
    return path
