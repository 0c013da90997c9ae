"""Leak paths: rows whose values dbanon cannot put in their columns for certain.

Three dumps found by a new user (exit 0 with a configured value in clear, before):
  * pg_dump 15 --inserts --load-via-partition-root of a partitioned table p whose
    partition p1 was created with another column order and then attached: pg_dump writes
    p1's values, in p1's order (a, note, email), as `INSERT INTO public.p VALUES`;
  * pg_dump 15 --inserts of employee INHERITS (person) after `ALTER TABLE person ADD COLUMN
    phone`: the values are (id, email, name, badge, phone), the CREATE TABLE says only badge;
  * mariadb-dump 10.11 --no-create-info --complete-insert of a table with generated columns
    (email_upper AS (UPPER(email)) STORED, email_domain VIRTUAL): without the CREATE TABLE
    dbanon cannot know that email_upper holds UPPER(email).
Each is refused (positioned message, nothing at -o); their --column-inserts, COPY and
CREATE TABLE forms stay clean. The same dumps through the real pg_dump and mariadb-dump:
tests/integration/pg_partitions_test.py and tests/integration/mariadb_roundtrip_test.py.
"""

import subprocess

# pg_dump 15.18 --inserts --load-via-partition-root (the per-run \\restrict lines left out).
PT_LVPR = (
    b'--\n'
    b'-- PostgreSQL database dump\n'
    b'--\n'
    b'\n'
    b'-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)\n'
    b'-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)\n'
    b'\n'
    b'SET statement_timeout = 0;\n'
    b'SET lock_timeout = 0;\n'
    b'SET idle_in_transaction_session_timeout = 0;\n'
    b"SET client_encoding = 'UTF8';\n"
    b'SET standard_conforming_strings = on;\n'
    b"SELECT pg_catalog.set_config('search_path', '', false);\n"
    b'SET check_function_bodies = false;\n'
    b'SET xmloption = content;\n'
    b'SET client_min_messages = warning;\n'
    b'SET row_security = off;\n'
    b'\n'
    b"SET default_tablespace = '';\n"
    b'\n'
    b'--\n'
    b'-- Name: p; Type: TABLE; Schema: public; Owner: postgres\n'
    b'--\n'
    b'\n'
    b'CREATE TABLE public.p (\n'
    b'    a text,\n'
    b'    email text,\n'
    b'    note text\n'
    b')\n'
    b'PARTITION BY LIST (a);\n'
    b'\n'
    b'\n'
    b'ALTER TABLE public.p OWNER TO postgres;\n'
    b'\n'
    b'SET default_table_access_method = heap;\n'
    b'\n'
    b'--\n'
    b'-- Name: p1; Type: TABLE; Schema: public; Owner: postgres\n'
    b'--\n'
    b'\n'
    b'CREATE TABLE public.p1 (\n'
    b'    a text,\n'
    b'    note text,\n'
    b'    email text\n'
    b');\n'
    b'\n'
    b'\n'
    b'ALTER TABLE public.p1 OWNER TO postgres;\n'
    b'\n'
    b'--\n'
    b'-- Name: p1; Type: TABLE ATTACH; Schema: public; Owner: postgres\n'
    b'--\n'
    b'\n'
    b"ALTER TABLE ONLY public.p ATTACH PARTITION public.p1 FOR VALUES IN ('x');\n"
    b'\n'
    b'\n'
    b'--\n'
    b'-- Data for Name: p1; Type: TABLE DATA; Schema: public; Owner: postgres\n'
    b'--\n'
    b'\n'
    b'-- load via partition root public.p\n'
    b'\n'
    b"INSERT INTO public.p VALUES ('x', 'hello', 'secret.person@pt.example');\n"
    b'\n'
    b'\n'
    b'--\n'
    b'-- PostgreSQL database dump complete\n'
    b'--\n'
    b'\n'
)

# pg_dump 15.18 --inserts (the per-run \\restrict lines left out).
INH_INSERTS = (
    b'--\n'
    b'-- PostgreSQL database dump\n'
    b'--\n'
    b'\n'
    b'-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)\n'
    b'-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)\n'
    b'\n'
    b'SET statement_timeout = 0;\n'
    b'SET lock_timeout = 0;\n'
    b'SET idle_in_transaction_session_timeout = 0;\n'
    b"SET client_encoding = 'UTF8';\n"
    b'SET standard_conforming_strings = on;\n'
    b"SELECT pg_catalog.set_config('search_path', '', false);\n"
    b'SET check_function_bodies = false;\n'
    b'SET xmloption = content;\n'
    b'SET client_min_messages = warning;\n'
    b'SET row_security = off;\n'
    b'\n'
    b"SET default_tablespace = '';\n"
    b'\n'
    b'SET default_table_access_method = heap;\n'
    b'\n'
    b'--\n'
    b'-- Name: person; Type: TABLE; Schema: public; Owner: postgres\n'
    b'--\n'
    b'\n'
    b'CREATE TABLE public.person (\n'
    b'    id integer,\n'
    b'    email text,\n'
    b'    name text,\n'
    b'    phone text\n'
    b');\n'
    b'\n'
    b'\n'
    b'ALTER TABLE public.person OWNER TO postgres;\n'
    b'\n'
    b'--\n'
    b'-- Name: employee; Type: TABLE; Schema: public; Owner: postgres\n'
    b'--\n'
    b'\n'
    b'CREATE TABLE public.employee (\n'
    b'    badge text\n'
    b')\n'
    b'INHERITS (public.person);\n'
    b'\n'
    b'\n'
    b'ALTER TABLE public.employee OWNER TO postgres;\n'
    b'\n'
    b'--\n'
    b'-- Data for Name: employee; Type: TABLE DATA; Schema: public; Owner: postgres\n'
    b'--\n'
    b'\n'
    b"INSERT INTO public.employee VALUES (2, 'child.employee@inh.example', 'Child Employee', 'B-42', '+1 202 555 0111');\n"
    b'\n'
    b'\n'
    b'--\n'
    b'-- Data for Name: person; Type: TABLE DATA; Schema: public; Owner: postgres\n'
    b'--\n'
    b'\n'
    b'\n'
    b'\n'
    b'--\n'
    b'-- PostgreSQL database dump complete\n'
    b'--\n'
    b'\n'
)

# mariadb-dump 10.11.19 --no-create-info --complete-insert shop.
MY_NOCREATE = (
    b'/*M!999999\\- enable the sandbox mode */ \n'
    b'-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)\n'
    b'--\n'
    b'-- Host: localhost    Database: shop\n'
    b'-- ------------------------------------------------------\n'
    b'-- Server version\t10.11.19-MariaDB-0+deb12u1\n'
    b'\n'
    b'/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n'
    b'/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;\n'
    b'/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;\n'
    b'/*!40101 SET NAMES utf8mb4 */;\n'
    b'/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;\n'
    b"/*!40103 SET TIME_ZONE='+00:00' */;\n"
    b'/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;\n'
    b"/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n"
    b'/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;\n'
    b'\n'
    b'--\n'
    b'-- Dumping data for table `customer`\n'
    b'--\n'
    b'\n'
    b'LOCK TABLES `customer` WRITE;\n'
    b'/*!40000 ALTER TABLE `customer` DISABLE KEYS */;\n'
    b'INSERT INTO `customer` (`id`, `email`, `first_name`, `last_name`, `phone`, `iban`, `street`, `city`, `zip`, `profile`, `notes`, `avatar`, `email_upper`, `email_domain`) VALUES (1,\'alice.martin@gmail.com\',\'Alice\',\'Martin\',\'+33 6 12 34 56 78\',\'FR7630006000011234567890189\',\'12 rue de la Paix\',\'Paris\',\'75002\',\'{\\"email\\":\\"alice.martin@gmail.com\\",\\"phone\\":\\"+33612345678\\",\\"nested\\":{\\"ssn\\":\\"1850575123456\\"}}\',\'likes \\"quotes\\"\',\'\\0\xff\\\'\\"\\\\\\n\',\'ALICE.MARTIN@GMAIL.COM\',\'gmail.com\'),\n'
    b'(2,\'bob.o\\\'connor@yahoo.co.uk\',\'Bob\',\'O\\\'Connor\',\'(212) 555-0199\',\'GB82WEST12345698765432\',\'221B Baker\\\\Street\',\'London\',\'NW1 6XE\',\'{\\"email\\":\\"bob.o\\\'connor@yahoo.co.uk\\",\\"name\\":\\"Bob \\\\\\"Bobby\\\\\\" O\\\'Connor\\"}\',\'line1\\nline2\ttabbed\\\\back\',NULL,\'BOB.O\\\'CONNOR@YAHOO.CO.UK\',\'yahoo.co.uk\'),\n'
    b'(3,\'zo\xc3\xab.d\xc3\xbcrr@m\xc3\xbcller.de\',\'Zo\xc3\xab\',\'D\xc3\xbcrr-M\xc3\xbcller\',\'+49 30 1234567\',\'DE89370400440532013000\',\'Stra\xc3\x9fe 5\\nHinterhaus\',\'Berlin\',\'10115\',\'{\\"email\\":\\"zo\xc3\xab.d\xc3\xbcrr@m\xc3\xbcller.de\\",\\"emoji\\":\\"\xf0\x9f\x98\x80\\"}\',\'unicode \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\',\'\',\'ZO\xc3\x8b.D\xc3\x9cRR@M\xc3\x9cLLER.DE\',\'m\xc3\xbcller.de\'),\n'
    b"(4,'nullguy@example.org',NULL,'',NULL,NULL,'','',NULL,NULL,NULL,NULL,'NULLGUY@EXAMPLE.ORG','example.org'),\n"
    b'(5,\'tab\there@weird.com\',\'Tab\',\'Back\\\\slash\',\'555 0100\',\'NL91ABNA0417164300\',\'C:\\\\path\\\\to\',\'Amster\\\'dam\',\'1000AA\',\'{\\"email\\":\\"tab\\\\there@weird.com\\"}\',\'crlf\\r\\nend\',\'\\\'\',\'TAB\tHERE@WEIRD.COM\',\'weird.com\');\n'
    b'/*!40000 ALTER TABLE `customer` ENABLE KEYS */;\n'
    b'UNLOCK TABLES;\n'
    b'\n'
    b'--\n'
    b'-- Dumping data for table `events`\n'
    b'--\n'
    b'\n'
    b'LOCK TABLES `events` WRITE;\n'
    b'/*!40000 ALTER TABLE `events` DISABLE KEYS */;\n'
    b"INSERT INTO `events` (`id`, `happened`, `actor_email`) VALUES (1,'2024-06-01','alice.martin@gmail.com'),\n"
    b"(2,'2025-03-03','bob.o\\'connor@yahoo.co.uk');\n"
    b'/*!40000 ALTER TABLE `events` ENABLE KEYS */;\n'
    b'UNLOCK TABLES;\n'
    b'\n'
    b'--\n'
    b'-- Dumping data for table `orders`\n'
    b'--\n'
    b'\n'
    b'LOCK TABLES `orders` WRITE;\n'
    b'/*!40000 ALTER TABLE `orders` DISABLE KEYS */;\n'
    b"INSERT INTO `orders` (`id`, `customer_id`, `ship_name`, `amount`) VALUES (1,1,'Alice Martin',10.50),\n"
    b"(2,2,'Bob O\\'Connor',99.99),\n"
    b"(3,3,'Zo\xc3\xab D\xc3\xbcrr-M\xc3\xbcller',1.00),\n"
    b'(4,5,NULL,0.00);\n'
    b'/*!40000 ALTER TABLE `orders` ENABLE KEYS */;\n'
    b'UNLOCK TABLES;\n'
    b'\n'
    b'--\n'
    b'-- Dumping data for table `settings`\n'
    b'--\n'
    b'\n'
    b'LOCK TABLES `settings` WRITE;\n'
    b'/*!40000 ALTER TABLE `settings` DISABLE KEYS */;\n'
    b"INSERT INTO `settings` (`k`, `v`) VALUES ('motd','Hello\\\\nWorld\ttab'),\n"
    b"('support_mail','help@company.example');\n"
    b'/*!40000 ALTER TABLE `settings` ENABLE KEYS */;\n'
    b'UNLOCK TABLES;\n'
    b'/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;\n'
    b'\n'
    b'/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n'
    b'/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;\n'
    b'/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;\n'
    b'/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;\n'
    b'/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;\n'
    b'/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;\n'
    b'\n'
    b'-- Dump completed on 2026-12-05 19:43:52\n'
)

PT_CONFIG = """
[tables.p]
email = "email"
"""

PT_STRICT = """
strict = true
[tables.p]
a = "keep"
email = "email"
note = "keep"
"""

INH_CONFIG = """
[tables.person]
email = "email"
name = "lastname"
phone = "phone"
"""

INH_STRICT = """
strict = true
[tables.person]
id = "keep"
email = "email"
name = "lastname"
phone = "phone"
[tables.employee]
badge = "keep"
"""

MY_CONFIG = """
[tables.customer]
email = { anonymizer = "email", options = { unique = true } }
first_name = "firstname"
last_name = "lastname"
phone = { anonymizer = "phone", options = { locale = "fr-fr" } }
notes = { anonymizer = "constant", options = { value = "redacted" } }
profile = { anonymizer = "json", options = { paths = { "$.email" = "email", "$.phone" = "phone", "$.name" = "lastname", "$.nested.ssn" = "hash" } } }

[tables.customer.bank]
anonymizer = "iban-bic"
options = { iban = "iban" }

[tables.customer.postal]
anonymizer = "address"
options = { street_address = "street", postal_code = "zip", locality = "city" }

[tables.orders]
ship_name = { anonymizer = "pattern", options = { pattern = "{firstname} {lastname}" } }

[tables.events]
actor_email = "email"
"""

# Every column of customer named: its rows are rewritten (email_upper and email_domain
# keep their dumped values: the config says so).
MY_ALL_NAMED = MY_CONFIG.replace('"$.nested.ssn" = "hash" } } }\n', """"$.nested.ssn" = "hash" } } }
id = "keep"
avatar = "keep"
email_upper = "email"
email_domain = "null"
""").replace("[tables.orders]\n", """[tables.orders]
id = "keep"
customer_id = "keep"
amount = "keep"
""").replace("[tables.events]\n", """[tables.events]
id = "keep"
happened = "keep"
""")

PT_MARKERS = [b"secret.person@pt.example"]
INH_MARKERS = [b"child.employee@inh.example", b"Child Employee", b"+1 202 555 0111"]
MY_MARKERS = [b"alice.martin@gmail.com", b"ALICE.MARTIN@GMAIL.COM", b"NULLGUY@EXAMPLE.ORG"]


def pt_column_inserts(tmp):
    """The same dump with --column-inserts: the column list says p1's order."""
    path = tmp / "in.sql"
    path.write_bytes(PT_LVPR.replace(b"INSERT INTO public.p VALUES", b"INSERT INTO public.p (a, note, email) VALUES"))
    return path


def inh_copy(tmp):
    """The same rows as pg_dump's COPY writes them: the header names the columns."""
    path = tmp / "in.sql"
    path.write_bytes(INH_INSERTS.replace(
        b"INSERT INTO public.employee VALUES (2, 'child.employee@inh.example', 'Child Employee', 'B-42', "
        b"'+1 202 555 0111');\n",
        b"COPY public.employee (id, email, name, badge, phone) FROM stdin;\n"
        b"2\tchild.employee@inh.example\tChild Employee\tB-42\t+1 202 555 0111\n\\.\n"))
    return path


def sqlite_generated(tmp):
    """sqlite3 `.mode insert` with headers: column lists, no CREATE TABLE, a STORED column."""
    db = tmp / "g.db"
    subprocess.run(["sqlite3", "-bail", str(db)], check=True, capture_output=True, input=(
        b"CREATE TABLE customer (id INTEGER, email TEXT, up TEXT AS (upper(email)) STORED);\n"
        b"INSERT INTO customer (id, email) VALUES (1, 'zqxmarker@example.org');\n"))
    out = subprocess.run(["sqlite3", str(db)], check=True, capture_output=True,
                         input=b".headers on\n.mode insert customer\nSELECT * FROM customer;\n").stdout
    path = tmp / "in.sql"
    path.write_bytes(out)
    return path


CASES = [
    {"name": "pg --inserts --load-via-partition-root of a partition with another column order is refused",
     "dump": PT_LVPR, "config": PT_CONFIG, "markers": PT_MARKERS, "expect": "refuse"},
    {"name": "pg --inserts --load-via-partition-root of a partition with another column order is refused in strict mode",
     "dump": PT_LVPR, "config": PT_STRICT, "markers": PT_MARKERS, "expect": "refuse"},
    {"name": "pg --column-inserts --load-via-partition-root of a partition with another column order is rewritten",
     "make": pt_column_inserts, "config": PT_CONFIG, "markers": PT_MARKERS, "expect": "clean"},
    {"name": "pg --inserts of an INHERITS child whose parent gained a column is refused",
     "dump": INH_INSERTS, "config": INH_CONFIG, "markers": INH_MARKERS, "expect": "refuse"},
    {"name": "pg --inserts of an INHERITS child whose parent gained a column is refused in strict mode",
     "dump": INH_INSERTS, "config": INH_STRICT, "markers": INH_MARKERS, "expect": "refuse"},
    {"name": "pg COPY of an INHERITS child whose parent gained a column is rewritten",
     "make": inh_copy, "config": INH_CONFIG, "markers": INH_MARKERS, "expect": "clean"},
    {"name": "mariadb-dump --no-create-info --complete-insert with generated columns the config does not name is refused",
     "dump": MY_NOCREATE, "config": MY_CONFIG, "markers": MY_MARKERS, "expect": "refuse"},
    {"name": "mariadb-dump --no-create-info --complete-insert with every column named in the config is rewritten",
     "dump": MY_NOCREATE, "config": MY_ALL_NAMED, "markers": MY_MARKERS, "expect": "clean"},
    {"name": "sqlite3 .mode insert with a generated column and no CREATE TABLE is refused",
     "make": sqlite_generated, "config": '[tables.customer]\nemail = "email"\n', "args": ["--format", "sqlite"],
     "expect": "refuse"},
    {"name": "sqlite3 .mode insert with a generated column, no CREATE TABLE and no --format (read as PostgreSQL of unknown origin) is refused",
     "make": sqlite_generated, "config": '[tables.customer]\nemail = "email"\n', "expect": "refuse"},
    {"name": "sqlite3 .mode insert read as PostgreSQL under --format pg, no sign of pg_dump, is refused",
     "make": sqlite_generated, "config": '[tables.customer]\nemail = "email"\n', "args": ["--format", "pg"],
     "expect": "refuse"},
    {"name": "sqlite3 .mode insert with every column named in the config and no --format is rewritten",
     "make": sqlite_generated, "config": '[tables.customer]\nid = "keep"\nemail = "email"\nup = "email"\n',
     "markers": [b"zqxmarker", b"ZQXMARKER"], "expect": "clean"},
]
