#!/usr/bin/env python3
"""CLI regression cases for INSERT dumps: the MySQL, INSERT and SQLite cases of
the project's catalogue of cases that broke other anonymizers (CASES.md; each
case here holds its whole input) (P01-P05, P08, P10-P16, P18, P19, P21-P24, P25), plus
truncated tables, --format and -j.

Usage:
    tests/cli/insert_cases_test.py DBANON_BINARY [-k SUBSTRING ...]

Each case writes a dump and a config into a fresh temporary folder, runs dbanon and
compares its exit code, standard output and standard error with what the case
expects. Outputs are exact: the anonymizers used are deterministic without a salt
(md5 and email with use_salt = false hash the decoded value with plain MD5,
`constant`, `string`), so every expected byte is computed here from the original
value. Every case also checks that no stderr line holds a value marked SECRET.

Output: `ok - NAME` or `not ok - NAME: detail` per case (TAP); exit 1 if any failed.
"""

import hashlib
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap

import dbanon_cli as cli

BIN = None
TIMEOUT = 120
CASES = []


def md5(value):
    """What md5 with use_salt = false writes for the decoded value (bytes or str)."""
    if isinstance(value, str):
        value = value.encode()
    return hashlib.md5(value).hexdigest()


MD5 = '{ anonymizer = "md5", options = { use_salt = false } }'
KEEP = 'keep'


def const(value):
    return '{ anonymizer = "constant", options = { value = %s } }' % toml_str(value)


def toml_str(s):
    out = '"'
    for ch in s:
        if ch in '"\\':
            out += '\\' + ch
        elif ord(ch) < 0x20 or ord(ch) == 0x7f:
            out += '\\u%04x' % ord(ch)
        else:
            out += ch
    return out + '"'


def config(tables):
    """TOML for {table key: {column: anonymizer TOML or 'truncate'}}."""
    lines = ['salt = "insert-cases-0123456789"']
    for table, cols in tables.items():
        key = table if re.fullmatch(r'[A-Za-z0-9_]+', table) else toml_str(table)
        lines.append('[tables.%s]' % key)
        if cols == 'truncate':
            lines.append('truncate = true')
            continue
        for col, spec in cols.items():
            ckey = col if re.fullmatch(r'[A-Za-z0-9_]+', col) else toml_str(col)
            lines.append('%s = %s' % (ckey, spec if spec.startswith('{') else toml_str(spec)))
    return '\n'.join(lines) + '\n'


class Case:
    def __init__(self, name, dump, cfg, expect=None, rc=0, args=(), stderr_has=(), stderr_lacks=(),
                 stdout_lacks=(), custom=None, sqlite_check=None):
        self.name = name
        self.dump = dump.encode() if isinstance(dump, str) else dump
        self.cfg = cfg
        self.expect = expect.encode() if isinstance(expect, str) else expect
        self.rc = rc
        self.args = list(args)
        self.stderr_has = stderr_has
        self.stderr_lacks = tuple(stderr_lacks) + ('SECRET',)
        self.stdout_lacks = stdout_lacks
        self.custom = custom
        self.sqlite_check = sqlite_check


def case(*a, **kw):
    CASES.append(Case(*a, **kw))


def run(args, cwd, stdin=None):
    r = cli.run(args, cwd, stdin=stdin, timeout=TIMEOUT)
    return r.rc, r.out, r.err


def first_diff(a, b):
    n = min(len(a), len(b))
    i = next((k for k in range(n) if a[k] != b[k]), n)
    return 'first difference at byte %d: %r vs %r' % (i, a[max(0, i - 30):i + 40], b[max(0, i - 30):i + 40])


def execute(c):
    with tempfile.TemporaryDirectory(prefix='dbanon-insert-') as d:
        with open(os.path.join(d, 'in.sql'), 'wb') as f:
            f.write(c.dump)
        with open(os.path.join(d, 'cfg.toml'), 'w') as f:
            f.write(c.cfg)
        if c.custom:
            return c.custom(c, d)
        rc, out, err = run(['-c', 'cfg.toml', '-v'] + c.args + ['in.sql'], d)
        errs = []
        if rc != c.rc:
            errs.append('exit %s, expected %s; stderr: %r' % (rc, c.rc, err[:500]))
        if c.expect is not None and rc == 0 and out != c.expect:
            errs.append('output differs: ' + first_diff(out, c.expect))
        for s in c.stderr_has:
            if re.search(s.encode(), err) is None:
                errs.append('stderr lacks /%s/: %r' % (s, err[:500]))
        for s in c.stderr_lacks:
            if s.encode() in err:
                errs.append('stderr holds %r' % s)
        for s in c.stdout_lacks:
            if s.encode() in out:
                errs.append('stdout holds %r' % s)
        if c.sqlite_check and rc == 0 and not errs:
            errs += c.sqlite_check(out, d)
        return errs


# ---------------------------------------------------------------------------
# MySQL / MariaDB cases

case('P01 MySQL backslash-escaped quote inside an extended INSERT', r"""CREATE TABLE `note` (`id` int NOT NULL, `name` varchar(100) NOT NULL, `body` text);
INSERT INTO `note` VALUES (1,'O\'Hara & Sons','it\'s \"quoted\", (ok)'),(2,'plain','x'),(3,'y','z');
""", config({'note': {'name': const("O'Connell \\ \"q\"")}}), r"""CREATE TABLE `note` (`id` int NOT NULL, `name` varchar(100) NOT NULL, `body` text);
INSERT INTO `note` VALUES (1,'O\'Connell \\ \"q\"','it\'s \"quoted\", (ok)'),(2,'O\'Connell \\ \"q\"','x'),(3,'O\'Connell \\ \"q\"','z');
""", stderr_has=[r'note: 3 rows, anonymized'])

case('P02 escaped backslash right before the closing quote', r"""CREATE TABLE `texts` (`id` int, `v` text);
INSERT INTO `texts` VALUES (18,'ends with backslash\\'),(19,'\\\',still inside'),(20,'ok');
""", config({'texts': {'v': MD5}}), r"""CREATE TABLE `texts` (`id` int, `v` text);
INSERT INTO `texts` VALUES (18,'%s'),(19,'%s'),(20,'%s');
""" % (md5('ends with backslash\\'), md5("\\',still inside"), md5('ok')))

case('P03 empty string versus doubled quote, in DDL and data', r"""CREATE TABLE `contact` (
  `id` char(36) NOT NULL DEFAULT '',
  `nick` varchar(30) DEFAULT '' COMMENT '',
  `label` varchar(30) NOT NULL DEFAULT '' COMMENT 'it''s a label'
) ENGINE=InnoDB COMMENT='';
INSERT INTO `contact` VALUES ('a1','',''),('a2','It''s','x'),('a3',NULL,'');
""", config({'contact': {'nick': MD5}}), r"""CREATE TABLE `contact` (
  `id` char(36) NOT NULL DEFAULT '',
  `nick` varchar(30) DEFAULT '' COMMENT '',
  `label` varchar(30) NOT NULL DEFAULT '' COMMENT 'it''s a label'
) ENGINE=InnoDB COMMENT='';
INSERT INTO `contact` VALUES ('a1','%s',''),('a2','%s','x'),('a3',NULL,'');
""" % (md5('')[:30], md5("It's")[:30]))  # varchar(30): the 32 hex digits are cut to fit

P04 = """SET standard_conforming_strings = on;
INSERT INTO public.posts (id, body, author) VALUES (1, 'First paragraph.

-- not a comment, still inside the string;
Second paragraph ends with a semicolon;
', 'writer-01');
INSERT INTO public.posts (id, body, author) VALUES (2, 'C:\\temp\\', 'writer-02');
"""
case('P04 newlines, blank lines, -- and ; inside values (pg_dump --inserts)', P04,
     config({'posts': {'author': MD5}}),
     P04.replace("'writer-01'", "'%s'" % md5('writer-01')).replace("'writer-02'", "'%s'" % md5('writer-02')),
     stderr_has=[r'public\.posts: 2 rows, anonymized'])

P05 = """CREATE TABLE `jobs` (`id` int, `blog_id` int, `name` varchar(40), `value` text, `created` datetime);
INSERT INTO `jobs` VALUES
(1,1,'version_check','a:0:{}','2017-08-24 08:15:12'),\r
(2,1,'update_plugins','a:0:{}','2017-08-24 08:15:12'),\r
(3,1,'update_themes','a:0:{}','2017-08-24 08:15:12');\r
"""
case('P05 rows of one INSERT on separate lines, CRLF, commas between rows', P05, config({'jobs': {'name': MD5}}),
     P05.replace("'version_check'", "'%s'" % md5('version_check'))
        .replace("'update_plugins'", "'%s'" % md5('update_plugins'))
        .replace("'update_themes'", "'%s'" % md5('update_themes')),
     stderr_has=[r'jobs: 3 rows'])

case('P08 backquoted names with a doubled backquote and a space', "INSERT INTO `odd``name` (`id`, `e mail`) VALUES "
     "(1,'z@example.invalid');\n", config({'odd`name': {'e mail': MD5, 'id': KEEP}}),
     "INSERT INTO `odd``name` (`id`, `e mail`) VALUES (1,'%s');\n" % md5('z@example.invalid'))

P10 = """INSERT INTO `groups` (`id`, `title`) VALUES
(1, 'Group One'),
(2, 'Group Two');
"""
case('P10 table and column names that are keywords', P10, config({'groups': {'title': MD5, 'id': KEEP}}),
     P10.replace("'Group One'", "'%s'" % md5('Group One')).replace("'Group Two'", "'%s'" % md5('Group Two')))

P11 = """CREATE TABLE `employee` (
  `employee_id` int NOT NULL,
  `first_name` varchar(50) DEFAULT NULL,
  `status` enum('active','on leave, paid','gone') NOT NULL DEFAULT 'active',
  `salary` decimal(10,2) DEFAULT NULL,
  `ext_ref` uuid DEFAULT NULL,
  `department_id` int DEFAULT NULL,
  PRIMARY KEY (`employee_id`),
  KEY `idx_name` (`first_name`),
  CONSTRAINT `fk_dep` FOREIGN KEY (`department_id`) REFERENCES `department` (`id`),
  CONSTRAINT `chk_id` CHECK ((`employee_id` > 0))
) ENGINE=InnoDB;
INSERT INTO `employee` VALUES (1,'Ann','on leave, paid',1234.50,NULL,10);
"""
case('P11 CREATE TABLE lines that are not columns; enum labels with commas', P11,
     config({'employee': {'first_name': MD5,
                          'status': '{ anonymizer = "string", options = { sample = ["gone"] } }'}}),
     P11.replace("(1,'Ann','on leave, paid'", "(1,'%s','gone'" % md5('Ann')))
case('P11 an ENUM column with a free-text anonymizer is refused at its CREATE TABLE', P11,
     config({'employee': {'status': 'firstname'}}), rc=2,
     stderr_has=[r'in\.sql:1:1: column status of table employee is an ENUM'])

P12_DDL = """CREATE TABLE `person` (
  `id` int NOT NULL,
  `first_name` varchar(50) DEFAULT NULL,
  `last_name` varchar(50) DEFAULT NULL,
  `full_name` varchar(101) GENERATED ALWAYS AS (concat(`first_name`,' ',`last_name`)) VIRTUAL,
  `email` varchar(100) DEFAULT NULL,
  PRIMARY KEY (`id`)
);
"""
case('P12 generated columns: values mapped through the column list', P12_DDL +
     "INSERT INTO `person` (`id`, `first_name`, `last_name`, `email`) VALUES (1,'Ann','Lee','a@example.invalid');\n",
     config({'person': {'first_name': MD5, 'email': MD5}}), P12_DDL +
     "INSERT INTO `person` (`id`, `first_name`, `last_name`, `email`) VALUES (1,'%s','Lee','%s');\n"
     % (md5('Ann'), md5('a@example.invalid')))
case('P12 MariaDB dumps the generated values: one derived from a configured column is written DEFAULT', P12_DDL +
     "INSERT INTO `person` VALUES (1,'Ann','Lee','Ann Lee','a@example.invalid');\n",
     config({'person': {'first_name': MD5}}), P12_DDL +
     "INSERT INTO `person` VALUES (1,'%s','Lee',DEFAULT,'a@example.invalid');\n" % md5('Ann'))
case('P12 configuring a generated column is an error', P12_DDL +
     "INSERT INTO `person` VALUES (1,'Ann','Lee','SECRET Lee','a@example.invalid');\n",
     config({'person': {'full_name': MD5}}), rc=2, stderr_has=[r'column full_name of table person is a generated'])

P13 = """/*!40101 SET NAMES utf8mb4 */;
/*!50001 DROP VIEW IF EXISTS `v_contact`*/;
/*!50001 CREATE ALGORITHM=UNDEFINED */
/*!50013 DEFINER=`app`@`%` SQL SECURITY DEFINER */
/*!50001 VIEW `v_contact` AS select `c`.`email` AS `email` from `contact` `c` */;
-- a comment with a ; semicolon and an odd ' quote
INSERT INTO `contact` (`id`, `note`, `email`) VALUES (1,'a -- b /* c */ d;','x@example.invalid');
"""
case('P13 comments, conditional comments, views, and -- /* ; inside strings', P13,
     config({'contact': {'email': MD5, 'id': KEEP, 'note': KEEP}}), P13.replace("'x@example.invalid'", "'%s'" % md5('x@example.invalid')))

case('P14 truncated table: quotes and ; in its values do not leak', """INSERT INTO `session` VALUES (1,'k=v; path=/; SECRET',_binary 'ab;cd'),(2,'tok;2',_binary ';');
INSERT INTO `visible` VALUES (1,'kept');
""", config({'session': 'truncate'}), "INSERT INTO `visible` VALUES (1,'kept');\n",
     stderr_has=[r'session: 2 rows, truncated'])

P15 = r"""CREATE TABLE `token` (`id` int, `secret` blob, `extra` blob, `email` varchar(80));
INSERT INTO `token` VALUES (1,_binary 'ab\0\n\'\\cd',_binary '','t1@example.invalid'),(2,NULL,_binary 'x','t2@example.invalid');
"""
case('P15 _binary introducer: one value, untouched binaries byte-identical', P15, config({'token': {'email': MD5}}),
     P15.replace("'t1@example.invalid'", "'%s'" % md5('t1@example.invalid'))
        .replace("'t2@example.invalid'", "'%s'" % md5('t2@example.invalid')))
case('P15 a rewritten binary column stays _binary with mysqldump escaping', P15,
     config({'token': {'secret': MD5}}),
     P15.replace(r"_binary 'ab\0\n\'\\cd'", "_binary '%s'" % md5(b"ab\0\n'\\cd")))

P16 = """CREATE TABLE `the_blobs` (`a` blob, `b` blob, `c` blob, `d` blob);
INSERT INTO `the_blobs` VALUES (
  0x68656c6c6f,
  0x68656c6c6f,
  '',
  NULL
);
INSERT INTO `the_blobs` VALUES (X'68656c6c6f',x'00',NULL,NULL);
"""
case('P16 hex literals from --hex-blob: the whole token is replaced', P16,
     config({'the_blobs': {'a': const('\0\0\0\0\0')}}),
     P16.replace('  0x68656c6c6f,\n  0x68656c6c6f', '  0x0000000000,\n  0x68656c6c6f')
        .replace("(X'68656c6c6f'", "(X'0000000000'"))

P18 = """CREATE TABLE `t` (`id` int, `email` text, `note` text, `extra` text);
INSERT INTO `t` VALUES (1,NULL,'NULL',''),(2,'real@example.invalid',NULL,'x');
"""
case('P18 NULL versus the string NULL versus the empty string', P18,
     config({'t': {'email': MD5, 'note': MD5, 'extra': MD5}}),
     "CREATE TABLE `t` (`id` int, `email` text, `note` text, `extra` text);\n"
     "INSERT INTO `t` VALUES (1,NULL,'%s','%s'),(2,'%s',NULL,'%s');\n"
     % (md5('NULL'), md5(''), md5('real@example.invalid'), md5('x')))
case('P18 the null anonymizer writes the bare word NULL', P18, config({'t': {'note': 'null'}}),
     P18.replace("'NULL',''", "NULL,''"))

P19 = r"""CREATE TABLE `profile` (`id` int NOT NULL, `meta` json DEFAULT NULL, `owner` text);
INSERT INTO `profile` VALUES (1,'{\"name\":\"Ann Example\",\"title\":\"It\'s time for \\\\fun\\\\!\"}','o1'),(2,'{\"name\":\"Bo\",\"q\":\"say \\\"hi\\\"\"}','o2');
"""
case('P19 JSON in a string passes through byte-identical', P19, config({'profile': {'owner': MD5}}),
     P19.replace("'o1'", "'%s'" % md5('o1')).replace("'o2'", "'%s'" % md5('o2')))

P21 = """CREATE TABLE `place` (`id` int, `geom` geometry, `addr` text);
INSERT INTO `place` VALUES (1,0x000000000101000000000000000000F03F000000000000F03F,'Main St 1'),\
(2,_binary '\\0\\0\\0\\0\x01\x01\\0\\0\\0\\0\\0\\0\\0\\0\\0\xf0?\\0\\0\\0\\0\\0\\0\xf0?','Main St 2');
"""
case('P21 geometry values stay byte-identical', P21.encode('latin-1'), config({'place': {'addr': MD5}}),
     P21.replace("'Main St 1'", "'%s'" % md5('Main St 1')).replace("'Main St 2'", "'%s'" % md5('Main St 2'))
        .encode('latin-1'))

P22 = """CREATE TABLE `customer` (`id` int NOT NULL, `email` varchar(100) NOT NULL, PRIMARY KEY (`id`), UNIQUE KEY (`email`));
CREATE TABLE `orders` (`id` int NOT NULL, `customer_email` varchar(100) NOT NULL,
  CONSTRAINT `fk_c` FOREIGN KEY (`customer_email`) REFERENCES `customer` (`email`));
INSERT INTO `customer` VALUES (10,'c10@example.invalid'),(11,'c11@example.invalid');
INSERT INTO `orders` VALUES (501,'c10@example.invalid'),(502,'c10@example.invalid'),(503,'c11@example.invalid');
"""


def custom_p22(c, d):
    """The keyed e-mail of a value is the same in both tables."""
    rc, out, err = run(['-c', 'cfg.toml', 'in.sql'], d)
    if rc != 0:
        return ['exit %s: %r' % (rc, err)]
    m = re.search(rb"VALUES \(10,'([^']+)'\),\(11,'([^']+)'\);\nINSERT INTO `orders` VALUES "
                  rb"\(501,'([^']+)'\),\(502,'([^']+)'\),\(503,'([^']+)'\);", out)
    if not m:
        return ['unexpected output %r' % out[-300:]]
    a10, a11, o501, o502, o503 = m.groups()
    errs = []
    if not (a10 == o501 == o502 and a11 == o503 and a10 != a11):
        errs.append('the same e-mail maps differently across tables')
    if b'@example.invalid' in out:
        errs.append('an original e-mail is left')
    return errs


case('P22 the same value in two tables maps the same way (keyed, salted)', P22,
     config({'customer': {'email': 'email'}, 'orders': {'customer_email': 'email'}}), custom=custom_p22)

P23 = """CREATE TABLE `user` (`id` int NOT NULL, `email` varchar(100) NOT NULL, `login` varchar(2) NOT NULL,
  PRIMARY KEY (`id`), UNIQUE KEY `uq_email` (`email`), UNIQUE KEY `uq_login` (`login`));
INSERT INTO `user` VALUES (1,'a@example.invalid','al'),(2,'b@example.invalid','bo'),(3,'c@example.invalid','cy');
"""
case('P23 a keyword table name with unique keys (uniqueness itself is not checked here)', P23,
     config({'user': {'email': MD5}}),
     P23.replace("'a@example.invalid'", "'%s'" % md5('a@example.invalid'))
        .replace("'b@example.invalid'", "'%s'" % md5('b@example.invalid'))
        .replace("'c@example.invalid'", "'%s'" % md5('c@example.invalid')))

case('P25a cut inside a string: error with the statement line, nothing unanonymized',
     "CREATE TABLE `customer` (`id` int, `email` text);\n"
     "INSERT INTO `customer` VALUES (1,'SECRET1@example.invalid'),(2,'SECRET2@exam",
     config({'customer': {'email': MD5}}), rc=3,
     stderr_has=[r'^in\.sql:2:\d+: unexpected end of input inside a string literal of table customer '
                 r'\(INSERT statement started at line 2\)'],
     stdout_lacks=['SECRET'])
case('P25b cut at a tuple boundary: error, not a short clean run',
     "CREATE TABLE `customer` (`id` int, `email` text);\n"
     "INSERT INTO `customer` VALUES (1,'SECRET1@example.invalid'),",
     config({'customer': {'email': MD5}}), rc=3,
     stderr_has=[r'^in\.sql:2:\d+: unexpected end of input inside the VALUES list'], stdout_lacks=['SECRET'])
case('P25d complete statement, no final LF: processed and still without LF',
     "CREATE TABLE `customer` (`id` int, `email` text);\nINSERT INTO `customer` VALUES (1,'a@example.invalid');",
     config({'customer': {'email': MD5}}),
     "CREATE TABLE `customer` (`id` int, `email` text);\nINSERT INTO `customer` VALUES (1,'%s');"
     % md5('a@example.invalid'))

# ---------------------------------------------------------------------------
# Dialect features beyond the cases

MARIADB = """/*M!999999\\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: shop
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET TIME_ZONE='+00:00' */;
DROP TABLE IF EXISTS `customer`;
CREATE TABLE `customer` (
  `id` int(11) NOT NULL,
  `email` varchar(100) DEFAULT NULL,
  `score` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
LOCK TABLES `customer` WRITE;
/*!40000 ALTER TABLE `customer` DISABLE KEYS */;
INSERT INTO `customer` VALUES
(1,'a@example.invalid',10),
(2,NULL,-5),
(3,'c@example.invalid',NULL);
/*!40000 ALTER TABLE `customer` ENABLE KEYS */;
UNLOCK TABLES;
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER trg BEFORE INSERT ON customer FOR EACH ROW BEGIN
  INSERT INTO `customer` VALUES (99,'SECRET-in-trigger@example.invalid',0); END */;;
DELIMITER ;
-- Dump completed on 2026-11-30  5:48:51
"""
case('MariaDB layout: sandbox line, versioned comments, DELIMITER, trigger body is code', MARIADB,
     config({'customer': {'email': MD5, 'score': '{ anonymizer = "integer", options = { min = 1, max = 9 } }'}}),
     custom=None, stderr_has=[r'customer: 3 rows, anonymized'])


def custom_mariadb(c, d):
    rc, out, err = run(['-c', 'cfg.toml', 'in.sql'], d)
    if rc != 0:
        return ['exit %s: %r' % (rc, err)]
    text = out.decode()
    errs = []
    m = re.search(r"\(1,'([0-9a-f]{32})',(\d)\),\n\(2,NULL,(\d)\),\n\(3,'([0-9a-f]{32})',NULL\);", text)
    if not m:
        return ['tuples not rewritten as expected: %r' % text[text.find('INSERT'):][:200]]
    if m.group(1) != md5('a@example.invalid') or m.group(4) != md5('c@example.invalid'):
        errs.append('e-mails are not the MD5 of their values')
    if 'SECRET-in-trigger@example.invalid' not in text:
        errs.append('the trigger body was rewritten')
    if text.replace(m.group(0), '') != MARIADB.replace(
            "(1,'a@example.invalid',10),\n(2,NULL,-5),\n(3,'c@example.invalid',NULL);", ''):
        errs.append('bytes outside the configured values changed')
    return errs


CASES[-1].custom = custom_mariadb

case('INSERT without a column list and without CREATE TABLE is an error that says so',
     "INSERT INTO `customer` VALUES (1,'SECRET@example.invalid');\n", config({'customer': {'email': MD5}}), rc=3,
     stderr_has=[r"in\.sql:1:1: table customer is configured but its INSERT statement has no column list and the "
                 r"dump has no CREATE TABLE for it"])
case('INSERT IGNORE, REPLACE and ON DUPLICATE KEY UPDATE', """INSERT IGNORE INTO `t` (`id`,`v`) VALUES (1,'a');
REPLACE INTO `t` (`id`,`v`) VALUES (2,'b');
INSERT INTO `t` (`id`,`v`) VALUES (3,'c') ON DUPLICATE KEY UPDATE `v`=VALUES(`v`);
""", config({'t': {'v': MD5, 'id': KEEP}}), """INSERT IGNORE INTO `t` (`id`,`v`) VALUES (1,'%s');
REPLACE INTO `t` (`id`,`v`) VALUES (2,'%s');
INSERT INTO `t` (`id`,`v`) VALUES (3,'%s') ON DUPLICATE KEY UPDATE `v`=VALUES(`v`);
""" % (md5('a'), md5('b'), md5('c')))
case('without its CREATE TABLE, a column of the column list the config does not name is refused (it may be generated)',
     "INSERT INTO `t` (`id`,`v`,`v_upper`) VALUES (1,'a@x','A@X');\n", config({'t': {'v': MD5, 'id': KEEP}}), rc=3,
     stderr_has=[r'in\.sql:1:1: table t is configured but the dump has no CREATE TABLE for it, and the config names '
                 r'neither an anonymizer nor "keep" for column v_upper: '])
case('a configured column missing from the column list is a config error (exit 2)',
     "INSERT INTO `t` (`id`) VALUES (1);\n", config({'t': {'v': MD5}}), rc=2,
     stderr_has=[r"in\.sql:1:1: column 'v' of table t is configured"])

# ---------------------------------------------------------------------------
# PostgreSQL INSERT modes (docs/formats.md A.4)

PG_SCHEMA = """SET standard_conforming_strings = on;
CREATE TABLE public.plain (
    id integer NOT NULL,
    t text,
    g integer GENERATED ALWAYS AS ((id * 2)) STORED
);
CREATE FUNCTION public.f() RETURNS void LANGUAGE plpgsql AS $_$
BEGIN
  INSERT INTO public.plain VALUES (1, 'SECRET in a body', DEFAULT);
END;
$_$;
"""
case('pg_dump --inserts, --column-inserts, --rows-per-insert: DEFAULT, OVERRIDING, ON CONFLICT', PG_SCHEMA + """
INSERT INTO public.plain VALUES (1, 'tab\there
newline\rcr\\backslash', DEFAULT);
INSERT INTO public.plain (id, t) OVERRIDING SYSTEM VALUE VALUES (2, 'O''Brien');
INSERT INTO public.plain VALUES
\t(3, NULL, DEFAULT),
\t(4, '', DEFAULT) ON CONFLICT DO NOTHING;
""", config({'plain': {'t': const("O'Connell \\ x")}}), PG_SCHEMA + """
INSERT INTO public.plain VALUES (1, 'O''Connell \\ x', DEFAULT);
INSERT INTO public.plain (id, t) OVERRIDING SYSTEM VALUE VALUES (2, 'O''Connell \\ x');
INSERT INTO public.plain VALUES
\t(3, NULL, DEFAULT),
\t(4, 'O''Connell \\ x', DEFAULT) ON CONFLICT DO NOTHING;
""", stderr_has=[r'public\.plain: 4 rows'])

case('truncate = true on a COPY table keeps the header and \\. only', """COPY public.session (id, token) FROM stdin;
1\tSECRET-1
2\tSECRET-2
\\.
SELECT 1;
""", config({'session': 'truncate'}), """COPY public.session (id, token) FROM stdin;
\\.
SELECT 1;
""", stderr_has=[r'public\.session: 2 rows, truncated'])
case('truncate = true with column rules is a config error', "SELECT 1;\n",
     'salt = "x-long-enough-salt-0123"\n[tables.session]\ntruncate = true\ntoken = "md5"\n', rc=2,
     stderr_has=[r"cfg\.toml:\d+:\d+: table 'session': truncate = true drops every row"])

# ---------------------------------------------------------------------------
# SQLite .dump (docs/formats.md D, real sqlite3 3.40 output)

SQLITE = """PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE IF NOT EXISTS "we""ird tab" ("col ""x"" y" INTEGER PRIMARY KEY, "UPPER" TEXT, [bracket col] BLOB, `bt col` REAL);
INSERT INTO "we""ird tab" VALUES(1,'it''s',X'00ff0a27',1.5);
INSERT INTO "we""ird tab" VALUES(2,replace(replace('line1\\nline2\\rcr\ttab\\back','\\r',char(13)),'\\n',char(10)),NULL,0.0);
INSERT INTO "we""ird tab" VALUES(3,'',X'',1e999);
CREATE TABLE g (a INTEGER, b INTEGER GENERATED ALWAYS AS (a*2) VIRTUAL, c TEXT AS (a||'!') STORED, d TEXT);
INSERT INTO g VALUES(3,'secret value');
CREATE TRIGGER trg AFTER INSERT ON g BEGIN INSERT INTO g(a, d) VALUES (1, 't;x'); END;
COMMIT;
"""


def sqlite_loads(expect_rows):
    """Loads the output with the sqlite3 CLI (when installed) and compares rows."""
    def check(out, d):
        if shutil.which('sqlite3') is None:
            return []
        db = os.path.join(d, 'out.db')
        p = subprocess.run(['sqlite3', '-bail', db], input=out, capture_output=True, timeout=60)
        if p.returncode != 0:
            return ['sqlite3 rejected the output: %r' % p.stderr[:300]]
        q = subprocess.run(['sqlite3', db, "SELECT quote(\"UPPER\"), quote([bracket col]) FROM \"we\"\"ird tab\" "
                            "ORDER BY 1; SELECT quote(d), b, c FROM g;"], capture_output=True, timeout=60)
        got = q.stdout.decode()
        return [] if got == expect_rows else ['restored rows %r, expected %r' % (got, expect_rows)]
    return check


case('SQLite .dump: replace() values, X\'\' blobs, generated columns left out, trigger body is code', SQLITE,
     config({'"we""ird tab"': {'UPPER': MD5, 'bracket col': const('AB')}, 'g': {'d': MD5}}),
     SQLITE.replace("VALUES(1,'it''s',X'00ff0a27'", "VALUES(1,'%s',X'4142'" % md5("it's"))
           .replace("VALUES(2,replace(replace('line1\\nline2\\rcr\ttab\\back','\\r',char(13)),'\\n',char(10)),NULL",
                    "VALUES(2,'%s',NULL" % md5('line1\nline2\rcr\ttab\\back'))
           .replace("VALUES(3,'',X''", "VALUES(3,'%s',X'4142'" % md5(''))
           .replace("'secret value'", "'%s'" % md5('secret value')),
     sqlite_check=sqlite_loads(''.join("'%s'|%s\n" % r for r in sorted([
         (md5("it's"), "X'4142'"), (md5('line1\nline2\rcr\ttab\\back'), 'NULL'), (md5(''), "X'4142'")]))
         + "'%s'|6|3!\n" % md5('secret value')))

# ---------------------------------------------------------------------------
# Format detection and --format

case('--format forces the dialect: MySQL rules on a dump without MySQL markers',
     "INSERT INTO t (id, v) VALUES (1,'it\\'s');\n", config({'t': {'v': MD5, 'id': KEEP}}),
     "INSERT INTO t (id, v) VALUES (1,'%s');\n" % md5("it's"), args=['--format', 'mysql'])
case('--format with an unknown name is a usage error', "SELECT 1;\n", config({}), rc=2, args=['--format', 'oracle'],
     stderr_has=[r'--format takes pg, mysql or sqlite'])
case('--help documents --format', "", config({}), custom=lambda c, d: (
    lambda r: [] if r[0] == 0 and b'--format FORMAT' in r[1] else ['--help lacks --format'])(run(['--help'], d)))


# ---------------------------------------------------------------------------
# Large inputs

def custom_threads(c, d):
    """A multi-megabyte extended INSERT: every -j gives the same bytes."""
    rows = []
    for i in range(120000):
        rows.append("(%d,'user%d@example.invalid','Name \\'%d\\'',%s)" % (i, i, i, 'NULL' if i % 7 == 0 else i * 3))
    dump = "CREATE TABLE `u` (`id` int, `email` text, `name` text, `n` int);\n"
    for k in range(0, len(rows), 40000):
        dump += "INSERT INTO `u` VALUES " + ",".join(rows[k:k + 40000]) + ";\n"
    with open(os.path.join(d, 'big.sql'), 'w') as f:
        f.write(dump)
    with open(os.path.join(d, 'cfg.toml'), 'w') as f:
        f.write(config({'u': {'email': 'email', 'name': 'lastname'}}))
    outs = []
    for j in ('1', '2', '4', '8'):
        rc, out, err = run(['-c', 'cfg.toml', '-j', j, 'big.sql'], d)
        if rc != 0:
            return ['-j%s: exit %s %r' % (j, rc, err[:300])]
        outs.append(out)
    errs = []
    if any(o != outs[0] for o in outs):
        errs.append('outputs differ between -j values')
    if b'@example.invalid' in outs[0]:
        errs.append('an original e-mail is left in the output')
    if outs[0].count(b'),(') != dump.count('),(') or len(outs[0].splitlines()) != len(dump.splitlines()):
        errs.append('tuple or line structure changed')
    return errs


case('-j1, -j2, -j4, -j8 give byte-identical output on a 10 MB extended INSERT', "", "", custom=custom_threads)


def custom_p24(c, d):
    """One tuple far longer than any buffer: the payload streams through."""
    size = 200 << 20
    path = os.path.join(d, 'big.sql')
    with open(path, 'wb') as f:
        f.write(b"CREATE TABLE `big` (`id` int, `payload` longtext, `email` text);\nINSERT INTO `big` VALUES (1,'")
        chunk = b'a' * (1 << 20)
        for _ in range(size >> 20):
            f.write(chunk)
        f.write(b"','e@example.invalid');\n")
    with open(os.path.join(d, 'cfg.toml'), 'w') as f:
        f.write(config({'big': {'email': MD5}}))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out_path = os.path.join(d, 'out.sql')
    p = subprocess.run([BIN, '-c', 'cfg.toml', '-j2', '-o', out_path, path], cwd=d, capture_output=True,
                       timeout=TIMEOUT)
    rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if p.returncode != 0:
        return ['exit %s: %r' % (p.returncode, p.stderr[:300])]
    errs = []
    with open(out_path, 'rb') as f:
        f.seek(0, 2)
        n = f.tell()
        f.seek(n - 60)
        tail = f.read()
    want = ("','%s');\n" % md5('e@example.invalid')).encode()
    if not tail.endswith(want):
        errs.append('the configured value after the payload was not rewritten: %r' % tail)
    if n != os.path.getsize(path) + 32 - len('e@example.invalid'):
        errs.append('output size %d, expected the input size adjusted for the e-mail' % n)
    if before < 150 * 1024 and rss_mib > 150:
        errs.append('peak memory %.0f MiB for a 200 MiB tuple' % rss_mib)
    return errs


case('P24 a single 200 MiB tuple: payload streams through, memory stays bounded', "", "", custom=custom_p24)


def main():
    global BIN
    a = cli.parse_args(__doc__)
    BIN = cli.BIN
    return cli.main(CASES, execute, args=a)


if __name__ == '__main__':
    sys.exit(main())
