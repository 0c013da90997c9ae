"""The paths every format has always covered: a COPY row or INSERT tuple of exactly
the configured table. They anchor the runner: if these leak, nothing else matters."""

import pathlib
import shutil

SAMPLES = pathlib.Path(__file__).resolve().parents[3] / "samples"

PG_HEAD = b"""--
-- PostgreSQL database dump
--

SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;

CREATE TABLE public.users (
    id integer NOT NULL,
    email text,
    note text
);

"""

MYSQL_HEAD = b"""-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: shop
-- ------------------------------------------------------
/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET NAMES utf8mb4 */;

DROP TABLE IF EXISTS `users`;
CREATE TABLE `users` (
  `id` int(11) NOT NULL,
  `email` varchar(255) DEFAULT NULL,
  `note` text DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

"""

CONFIG = """
[tables.users]
email = "email"
"""


def copy_sample(name):
    def make(tmp):
        dst = tmp / name
        shutil.copy(SAMPLES / name, dst)
        return dst
    return make


CASES = [
    dict(name="a COPY row of a configured table (pg_dump plain)",
         dump=PG_HEAD + b"COPY public.users (id, email, note) FROM stdin;\n"
                        b"1\tzqxmarker@example.com\tkept\n\\.\n\n",
         config=CONFIG),
    dict(name="an INSERT tuple of a configured table (pg_dump --column-inserts)",
         dump=PG_HEAD + b"INSERT INTO public.users (id, email, note) VALUES (1, 'zqxmarker@example.com', 'kept');\n",
         config=CONFIG),
    dict(name="an extended INSERT of a configured table (mariadb-dump)",
         dump=MYSQL_HEAD + b"LOCK TABLES `users` WRITE;\n"
                           b"INSERT INTO `users` VALUES (1,'zqxmarker@example.com','kept'),(2,'b@x.org',NULL);\n"
                           b"UNLOCK TABLES;\n",
         config=CONFIG),
    dict(name="an INSERT of a configured table (sqlite3 .dump)",
         dump=b"PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"
              b"CREATE TABLE users (id integer primary key, email text, note text);\n"
              b"INSERT INTO users VALUES(1,'zqxmarker@example.com','kept');\nCOMMIT;\n",
         config=CONFIG),
    dict(name="a data block of a configured table in a pg_dump -Fc archive",
         make=copy_sample("shop.dump"), output="out.dump",
         markers=[b"ann.lee@example.invalid", b"bo.smith@example.invalid"],
         config="""
[tables.customer]
email = "email"

[tables.orders]
customer_email = "email"
"""),
]
