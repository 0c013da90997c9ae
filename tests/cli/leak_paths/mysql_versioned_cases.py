"""MySQL versioned comments inside a table's definition and its rows (issue 15 item 4).

MySQL's sakila declares `/*!50705 location GEOMETRY NOT NULL,*/` in CREATE TABLE address and
writes each value the same way (`/*!50705 0x...,*/`). MySQL 5.7+ runs both; MariaDB 10.11
skips both (it runs /*!NNNNN below 50700 or up to its own 6-digit version only). dbanon
reads the text of every versioned comment as code and matches a value to its column only
when both sit in the same comment; otherwise it refuses."""

HEAD = b"""-- MySQL dump 10.13  Distrib 5.7.44, for Linux (x86_64)
--
-- Host: localhost    Database: sakila
-- ------------------------------------------------------
/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET NAMES utf8mb4 */;

"""

DDL = b"""CREATE TABLE `users` (
  `id` int(11) NOT NULL,
  /*!50705 `geo` varbinary(64) DEFAULT NULL,*/
  `email` varchar(255) DEFAULT NULL,
  `note` text DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

"""

CONFIG = """
[tables.users]
email = "email"
"""

CONFIG_GEO = """
[tables.users]
geo = "email"
"""


def dump(ddl, rows):
    return HEAD + ddl + b"LOCK TABLES `users` WRITE;\nINSERT INTO `users` VALUES " + rows + b";\nUNLOCK TABLES;\n"


def long_tuple(tmp):
    # A tuple longer than InsertValuesFramer::kMaxTupleBytes is framed value by value.
    path = tmp / "long.sql"
    path.write_bytes(dump(DDL, b"(1,/*!50705 0x00,*/'zqxmarker@x.org','" + b"n" * (9 << 20) + b"'),"
                                b"(2,/*!50705 0x01,*/'b@x.org','k')"))
    return path


def long_tuple_disagrees(tmp):
    path = tmp / "long_bad.sql"
    path.write_bytes(dump(DDL, b"(1,'zqxmarker@x.org',/*!50705 0x00,*/'" + b"n" * (9 << 20) + b"')"))
    return path


CASES = [
    dict(name="a column and its values in /*!50705 ...,*/ (sakila's address.location): the e-mail after it",
         dump=dump(DDL, b"(1,/*!50705 0x00,*/'zqxmarker@x.org','kept'),(2,/*!50705 0x01,*/'b@x.org',NULL)"),
         config=CONFIG, expect="clean"),
    dict(name="a versioned column whose value sits in the same comment, at the end of the tuple",
         dump=dump(b"CREATE TABLE `users` (\n  `id` int(11) NOT NULL,\n  `email` varchar(255),\n"
                   b"  `note` text /*!50705 ,\n  `geo` varbinary(64)*/\n) ENGINE=InnoDB;\n\n",
                   b"(1,'zqxmarker@x.org','k' /*!50705 ,0x00*/)"),
         config=CONFIG, expect="clean"),
    dict(name="a MariaDB-only column /*M!100000 ...,*/ and its values",
         dump=dump(DDL.replace(b"/*!50705", b"/*M!100000"),
                   b"(1,/*M!100000 0x00,*/'zqxmarker@x.org','kept')"),
         config=CONFIG, expect="clean"),
    dict(name="a configured column inside a versioned comment is refused",
         dump=dump(DDL, b"(1,/*!50705 'zqxmarker@x.org',*/'a@x.org','kept')"),
         config=CONFIG_GEO, expect="refuse"),
    dict(name="values in a versioned comment for a column declared outside one are refused",
         dump=dump(DDL.replace(b"/*!50705 `geo` varbinary(64) DEFAULT NULL,*/", b"`geo` varbinary(64),"),
                   b"(1,/*!50705 0x00,*/'zqxmarker@x.org','kept')"),
         config=CONFIG, expect="refuse"),
    dict(name="a value outside the versioned comment that declares its column is refused",
         dump=dump(DDL, b"(1,0x00,'zqxmarker@x.org','kept')"),
         config=CONFIG, expect="refuse"),
    dict(name="a configured value in another versioned comment than its column's is refused",
         dump=dump(DDL, b"(1,/*!50705 0x00,*//*!80000 'zqxmarker@x.org',*/'kept')"),
         config=CONFIG, expect="refuse"),
    dict(name="a whole tuple inside a versioned comment (a row for MySQL, not for MariaDB) is refused",
         dump=dump(DDL, b"(1,/*!50705 0x00,*/'a@x.org','k'),/*!50705 (2,/*!50705 0x00,*/'zqxmarker@x.org','k'),*/"
                        b"(3,/*!50705 0x00,*/'c@x.org','k')"),
         config=CONFIG, expect="refuse"),
    dict(name="a whole statement in a versioned comment is read as code", 
         dump=dump(DDL, b"(1,/*!50705 0x00,*/'a@x.org','k')").replace(
             b"UNLOCK TABLES;", b"/*!40000 INSERT INTO `users` VALUES (2,/*!50705 0x00,*/'zqxmarker@x.org','k') */;\n"
                                b"UNLOCK TABLES;"),
         config=CONFIG, expect="either"),
    dict(name="a tuple longer than 8 MiB with a versioned value is framed value by value",
         make=long_tuple, config=CONFIG, expect="clean"),
    dict(name="a tuple longer than 8 MiB whose versioned value is in the wrong place is refused",
         make=long_tuple_disagrees, config=CONFIG, expect="refuse"),
]
