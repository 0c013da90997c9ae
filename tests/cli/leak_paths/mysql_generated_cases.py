"""Leak paths of MySQL/MariaDB generated columns (issue 11, part 2), for tests/cli/leak_paths_test.py.

mariadb-dump writes the values of VIRTUAL and STORED generated columns; one computed from a
configured column holds the original value (upper-cased, cut, concatenated). dbanon writes
DEFAULT there in every INSERT form, so the server recomputes it. The dumps are in
mariadb-dump 10.11's exact shape (made by tests/integration/mariadb_leak_paths_test.py's
server); MySQL 8's mysqldump leaves generated columns out of its column list.
"""

CONFIG = '[tables.person]\nemail = "email"\n'

HEAD = (b"/*M!999999\\- enable the sandbox mode */ \n"
        b"-- MariaDB dump 10.19-11.4.2-MariaDB, for debian-linux-gnu (x86_64)\n"
        b"/*!40101 SET NAMES utf8mb4 */;\n"
        b"DROP TABLE IF EXISTS `person`;\n"
        b"CREATE TABLE `person` (\n"
        b"  `id` int(11) NOT NULL,\n"
        b"  `email` varchar(100) DEFAULT NULL,\n"
        b"  `name` varchar(50) DEFAULT NULL,\n"
        b"  `domain` varchar(100) GENERATED ALWAYS AS (substring_index(`email`,'@',-1)) VIRTUAL,\n"
        b"  `upper_email` varchar(100) GENERATED ALWAYS AS (ucase(`email`)) STORED,\n"
        b"  `tag` varchar(120) GENERATED ALWAYS AS (concat(`upper_email`,'#')) STORED,\n"
        b"  `nlen` int(11) GENERATED ALWAYS AS (octet_length(`name`)) VIRTUAL,\n"
        b"  PRIMARY KEY (`id`)\n"
        b") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;\n"
        b"LOCK TABLES `person` WRITE;\n")
TAIL = b"UNLOCK TABLES;\n"
COLS = b"(`id`, `email`, `name`, `domain`, `upper_email`, `tag`, `nlen`)"
ROW1 = b"(1,'zqxmarker1@zqxmarker.test','Ann','zqxmarker.test','ZQXMARKER1@ZQXMARKER.TEST','ZQXMARKER1@ZQXMARKER.TEST#',3)"
ROW2 = b"(2,'b@x.test','Bob','x.test','B@X.TEST','B@X.TEST#',3)"
# --hex-blob writes binary columns as 0x literals: upper_email as a varbinary.
HEX_HEAD = HEAD.replace(b"`upper_email` varchar(100)", b"`upper_email` varbinary(100)")
ROW1_HEX = ROW1.replace(b"'ZQXMARKER1@ZQXMARKER.TEST',", b"0x" + b"ZQXMARKER1@ZQXMARKER.TEST".hex().upper().encode() + b",")
MARKERS = [b"zqxmarker", b"ZQXMARKER"]  # the runner also looks for their hex forms

CASES = [
    {"name": "mariadb-dump default: generated columns derived from a configured column",
     "dump": HEAD + b"INSERT INTO `person` VALUES " + ROW1 + b",\n" + ROW2 + b";\n" + TAIL,
     "config": CONFIG, "markers": MARKERS, "expect": "clean"},
    {"name": "mariadb-dump --hex-blob: generated columns derived from a configured column",
     "dump": HEX_HEAD + b"INSERT INTO `person` VALUES " + ROW1_HEX + b";\n" + TAIL,
     "config": CONFIG, "markers": MARKERS, "expect": "clean"},
    {"name": "mariadb-dump --complete-insert: generated columns derived from a configured column",
     "dump": HEAD + b"INSERT INTO `person` " + COLS + b" VALUES " + ROW1 + b",\n" + ROW2 + b";\n" + TAIL,
     "config": CONFIG, "markers": MARKERS, "expect": "clean"},
    {"name": "mariadb-dump --skip-extended-insert --complete-insert: generated columns derived from a configured column",
     "dump": HEAD + b"INSERT INTO `person` " + COLS + b" VALUES " + ROW1 + b";\nINSERT INTO `person` " + COLS +
             b" VALUES " + ROW2 + b";\n" + TAIL,
     "config": CONFIG, "markers": MARKERS, "expect": "clean"},
    {"name": "mariadb-dump --skip-extended-insert: generated columns derived from a configured column",
     "dump": HEAD + b"INSERT INTO `person` VALUES " + ROW1 + b";\nINSERT INTO `person` VALUES " + ROW2 + b";\n" + TAIL,
     "config": CONFIG, "markers": MARKERS, "expect": "clean"},
    {"name": "MySQL 8 mysqldump: generated columns left out of the column list",
     "dump": b"-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n" + HEAD.split(b"\n", 2)[2] +
             b"INSERT INTO `person` (`id`, `email`, `name`) VALUES (1,'zqxmarker1@zqxmarker.test','Ann');\n" + TAIL,
     "config": CONFIG, "markers": [b"zqxmarker"], "expect": "clean"},
]
