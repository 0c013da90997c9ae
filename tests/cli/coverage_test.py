#!/usr/bin/env python3
"""Coverage you can trust (issue 13): config/dump mismatches are errors naming
the closest name the dump holds, strict coverage, and the -v table listing.

Usage: tests/cli/coverage_test.py DBANON_BINARY [-k SUBSTRING ...]
Each case writes its dump and config into a temporary folder, runs dbanon
with -o, and checks the exit code, the message and that nothing is left at
-o on failure. No value of the dump is ever expected in a message.
"""

import os
import pty
import subprocess
import sys
import tempfile

import dbanon_cli as cli

TAP = cli.Tap.from_argv(__doc__)
BIN = cli.BIN

PG = b"""--
-- PostgreSQL database dump
--

SET standard_conforming_strings = on;

CREATE TABLE app.users (
    id integer NOT NULL,
    email text,
    phone_2 text
);

COPY app.users (id, email, phone_2) FROM stdin;
1\tzqxmarker@example.com\tzqxmarker-phone
\\.

"""

PG_PUBLIC = PG.replace(b'app.users', b'public.customer')
# Two tables as pg_dump writes them: every CREATE TABLE before the first COPY.
_DDL = PG[:PG.index(b'COPY')]
TWO = (_DDL + _DDL[_DDL.index(b'CREATE'):].replace(b'app.users', b'public.customer') + PG[PG.index(b'COPY'):] +
       PG[PG.index(b'COPY'):].replace(b'app.users', b'public.customer'))

MYSQL = b"""-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)
/*!40101 SET NAMES utf8mb4 */;

CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;

USE `shop`;
CREATE TABLE `users` (
  `id` int(11) NOT NULL,
  `email` varchar(100) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO `users` VALUES
(1,'zqxmarker@example.com');
"""


def run(name, dump, config, args=(), rc=0, has=(), lacks=(b'zqxmarker',), stdin=None, check_out=True):
    if not TAP.wanted(name):
        return
    with tempfile.TemporaryDirectory(prefix='dbanon-cov-') as d:
        if dump is not None:
            with open(os.path.join(d, 'in.sql'), 'wb') as f:
                f.write(dump)
        if config is not None:
            with open(os.path.join(d, 'cfg.toml'), 'w') as f:
                f.write(config)
        cmd = [BIN] + list(args)
        if '-c' not in args:
            cmd += ['-c', 'cfg.toml']
        if stdin is None:
            cmd += ['-o', 'out.sql', 'in.sql']
        p = subprocess.run(cmd, cwd=d, capture_output=stdin is None, stdin=stdin, timeout=60, env=cli.child_env(),
                           stdout=None if stdin is None else subprocess.PIPE,
                           stderr=None if stdin is None else subprocess.PIPE)
        errs = []
        if p.returncode != rc:
            errs.append(f'exit {p.returncode}, expected {rc}')
        for h in has:
            if h.encode() not in p.stderr:
                errs.append(f'stderr lacks {h!r}')
        out = b''
        if os.path.exists(os.path.join(d, 'out.sql')):
            with open(os.path.join(d, 'out.sql'), 'rb') as f:
                out = f.read()
            if rc != 0:
                errs.append('output left at -o after a failure')
        for l in lacks:
            if l in p.stderr:
                errs.append(f'stderr holds a value ({l!r})')
            if rc == 0 and check_out and l in out:
                errs.append(f'output holds {l!r}')
        TAP.report(name, errs + ['stderr: ' + repr(p.stderr[:600])] if errs else [])


# 1. Mismatches are errors naming the closest name the dump holds.
run('a table configured without its schema (users vs app.users) fails with exit 2: did you mean app.users?',
    PG, '[tables.users]\nemail = "email"\nphone_2 = "null"\n', rc=2, has=['cfg.toml:1:1:', 'did you mean app.users?'])
run('a table configured in another case (Users vs users) fails with exit 2 naming users',
    PG_PUBLIC.replace(b'public.customer', b'public.users'), '[tables.Users]\nemail = "email"\n', rc=2,
    has=['did you mean public.users?'])
run('a table misspelt by a letter (custmer) fails with exit 2: did you mean public.customer?',
    PG_PUBLIC, '[tables.custmer]\nemail = "email"\n', rc=2, has=['did you mean public.customer?'])
run('a misspelt column fails with exit 2 naming the closest column',
    PG_PUBLIC, '[tables.customer]\nemial = "email"\n', rc=2, has=["did you mean 'email'?"])
run('--allow-missing turns a missing table into a warning (partial dumps)',
    PG_PUBLIC, '[tables.customer]\nemail = "email"\nphone_2 = "null"\n[tables.gone]\nx = "null"\n',
    args=['--allow-missing'], has=["warning: table 'gone'"])
run('MySQL USE shop; then users matches the key shop.users', MYSQL, '[tables."shop.users"]\nemail = "email"\n',
    args=['-v'], has=['shop.users: 1 row, anonymized'])
run('MySQL USE shop; then users still matches the key users', MYSQL, '[tables.users]\nemail = "email"\n')
run('MySQL USE shop; a misspelt shop.usres fails with exit 2 naming shop.users', MYSQL,
    '[tables."shop.usres"]\nemail = "email"\n', rc=2, has=['did you mean shop.users?'])
run('an empty config fails with exit 2', PG_PUBLIC, '', rc=2, has=['cfg.toml:1:1: the config configures no table'])
run('a config holding only salt fails with exit 2', PG_PUBLIC, 'salt = "0123456789abcdef0123456789abcdef"\n', rc=2,
    has=['the config configures no table'])
run('a config path that is a folder (-c .) fails with exit 2', PG_PUBLIC, None, args=['-c', '.'], rc=2,
    has=['.: the config is not a regular file'])
run('an empty input (a failed pg_dump upstream) fails with exit 3', b'', '[tables.customer]\nemail = "email"\n',
    rc=3, has=['in.sql:1:1: the input is empty'])
master, slave = pty.openpty()
run('standard input on a terminal is refused at once with exit 2', None, '[tables.customer]\nemail = "email"\n',
    rc=2, stdin=slave, has=['standard input is a terminal'])
os.close(master)
os.close(slave)

# 2. Strict coverage.
COVERED = '[tables."app.users"]\nid = "keep"\nemail = "email"\nphone_2 = "null"\n'
run('strict = true: every column covered anonymizes as usual', PG, 'strict = true\n' + COVERED)
run('strict = true: a column added after the config was written fails at the DDL, exit 2, nothing written',
    PG, 'strict = true\n[tables."app.users"]\nid = "keep"\nemail = "email"\n', rc=2,
    has=['in.sql:13:1: strict mode: 1 column is not covered', 'app.users.phone_2'])
run('--strict does the same as strict = true and lists every uncovered column at once',
    TWO,
    '[tables."app.users"]\nemail = "email"\n[tables.customer]\nemail = "email"\n', args=['--strict'], rc=2,
    has=['4 columns are not covered', 'app.users.id, app.users.phone_2, public.customer.id, public.customer.phone_2'])
run('strict: table keep = true and truncate = true cover every column', TWO,
    'strict = true\n[tables."app.users"]\ntruncate = true\n[tables.customer]\nkeep = true\n', lacks=(), check_out=False)
run('strict on a MySQL INSERT dump: an uncovered column fails with exit 2', MYSQL,
    'strict = true\n[tables."shop.users"]\nemail = "email"\n', rc=2, has=['shop.users.id'])
run('strict on a MySQL INSERT dump: covered runs', MYSQL,
    'strict = true\n[tables."shop.users"]\nemail = "email"\nid = "keep"\n')

# 5. -v lists every table.
run('-v lists every table with rows and anonymized, kept, truncated or uncovered',
    TWO, '[tables."app.users"]\nemail = "email"\nphone_2 = "null"\n',
    args=['-v'], has=['app.users: 1 row, anonymized (uncovered: id)', 'public.customer: 1 row, uncovered'],
    lacks=())

sys.exit(TAP.finish())
