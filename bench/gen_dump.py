#!/usr/bin/env python3
"""Writes a synthetic dump of one 8-column `users` table to standard output, for the
throughput benchmarks of INSERT dumps.

    bench/gen_dump.py --format mysql --size 1073741824 > users-mysql.sql
    bench/gen_dump.py --format mysql8 --size 100000000 > users-mysql8.sql

Columns: id, email, first_name, last_name, phone, address, created_at, bio; names with
quotes (O'Connell), addresses and bios with the escapes mysql_real_escape_string
writes (\\n, \\', \\", \\\\, a raw TAB). Shaped like the real tools' output, compared
with mariadb-dump 10.11 (docs/formats.md C.1, C.2, C.4):

  mysql   mariadb-dump: header with the sandbox line and versioned SETs, DROP/CREATE
          TABLE, LOCK TABLES, extended INSERTs with one row per line, split before
          net_buffer_length (1046528 bytes) as client/mysqldump.c does, trailer.
  mysql8  MySQL 8 mysqldump: the same statements on one line each.

Same seed, same bytes; stops after the row that crosses --size.
"""

import argparse
import random
import sys

NET_BUFFER_LENGTH = 1046528

FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
         "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
         "Zoë", "Chloé", "José", "Renée", "Anaïs", "Siobhán", "Łukasz", "Ümit"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "O'Brien", "O'Connell", "Müller", "Dubois",
        "Nguyen", "Kowalski", "Rossi", "D'Angelo", "van der Berg"]
STREETS = ["Main Street", "Oak Avenue", "Pine Road", "Maple Lane", "Cedar Court", "Elm Street", "rue de la Paix",
           "Hauptstraße", "King's Road"]
WORDS = ["lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do", "eiusmod",
         "tempor", "incididunt", "ut", "labore", "et", "dolore", "magna", "aliqua", "enim", "minim", "veniam",
         "quis", "nostrud", "\"quoted\"", "it's", "back\\slash", "tab\there", "semi;colon", "(paren)", "😀"]
DOMAINS = ["example.com", "mail.example.org", "corp.example.net", "example.co.uk"]

ESCAPE = str.maketrans({"\0": "\\0", "\n": "\\n", "\r": "\\r", "\\": "\\\\", "'": "\\'", '"': '\\"', "\x1a": "\\Z"})

HEADER = """/*M!999999\\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: bench
-- ------------------------------------------------------
-- Server version\t10.11.19-MariaDB-0+deb12u1

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;

--
-- Table structure for table `users`
--

DROP TABLE IF EXISTS `users`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `users` (
  `id` int(11) NOT NULL,
  `email` varchar(255) NOT NULL,
  `first_name` varchar(100) DEFAULT NULL,
  `last_name` varchar(100) DEFAULT NULL,
  `phone` varchar(40) DEFAULT NULL,
  `address` varchar(255) DEFAULT NULL,
  `created_at` datetime NOT NULL,
  `bio` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `email` (`email`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `users`
--

LOCK TABLES `users` WRITE;
/*!40000 ALTER TABLE `users` DISABLE KEYS */;
"""

TRAILER = """/*!40000 ALTER TABLE `users` ENABLE KEYS */;
UNLOCK TABLES;
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

-- Dump completed on 2026-11-30  8:36:21
"""


def q(s):
    return "'" + s.translate(ESCAPE) + "'"


def rows(rng):
    """Row texts `(...)`, one per user, forever."""
    # Pools of pre-escaped pieces keep the generator fast; the mix stays varied.
    firsts = [q(f) for f in FIRST]
    lasts = [q(s) for s in LAST]
    bios = []
    for _ in range(4096):
        n = rng.randint(4, 40)
        text = " ".join(rng.choice(WORDS) for _ in range(n))
        if rng.random() < 0.1:
            text += "\nsecond line\r\nthird"
        bios.append(q(text))
    addresses = []
    for _ in range(4096):
        a = "%d %s" % (rng.randint(1, 9999), rng.choice(STREETS))
        if rng.random() < 0.2:
            a += "\nApt %d" % rng.randint(1, 99)
        addresses.append(q(a))
    i = 0
    while True:
        i += 1
        f = rng.randrange(len(FIRST))
        s = rng.randrange(len(LAST))
        email = "%s.%s%d@%s" % (FIRST[f].lower(), LAST[s].lower().replace(" ", ""), i, DOMAINS[i % 4])
        phone = "NULL" if i % 17 == 0 else "'+1-555-%04d'" % rng.randrange(10000)
        bio = "NULL" if i % 11 == 0 else bios[rng.randrange(4096)]
        yield "(%d,%s,%s,%s,%s,%s,'20%02d-%02d-%02d %02d:%02d:%02d',%s)" % (
            i, q(email), firsts[f], lasts[s], phone, addresses[rng.randrange(4096)], rng.randrange(10, 25),
            rng.randrange(1, 13), rng.randrange(1, 29), rng.randrange(24), rng.randrange(60), rng.randrange(60), bio)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--format", choices=["mysql", "mysql8"], default="mysql")
    ap.add_argument("--size", type=int, required=True, help="stop after the row that crosses this many bytes")
    ap.add_argument("--seed", type=int, default=20261130)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    out = sys.stdout.buffer
    prefix = b"INSERT INTO `users` VALUES" + (b"\n" if a.format == "mysql" else b" ")
    sep = b",\n" if a.format == "mysql" else b","
    header = HEADER if a.format == "mysql" else HEADER.replace("/*M!999999\\- enable the sandbox mode */ \n", "")
    written = len(header.encode())
    out.write(header.encode())
    chunk = []
    total = 0  # mysqldump's total_length of the open statement, 0 when none
    for text in rows(rng):
        row = text.encode()  # mysqldump counts bytes
        row_length = 2 + len(row)
        if total and total + row_length < NET_BUFFER_LENGTH:
            chunk.append(sep)
            total += row_length
        else:
            if total:
                chunk.append(b";\n")
            chunk.append(prefix)
            total = row_length + len(prefix) + 4
        chunk.append(row)
        if len(chunk) > 4096:
            data = b"".join(chunk)
            out.write(data)
            written += len(data)
            chunk = []
            if written >= a.size:
                break
    data = b"".join(chunk) + b";\n" + TRAILER.encode()
    out.write(data)


if __name__ == "__main__":
    main()
