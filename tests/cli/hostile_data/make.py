#!/usr/bin/env python3
"""Writes the real dumps of marked.sql that hostile_test.py cuts and flips.

    python3 tests/cli/hostile_data/make.py

Starts throwaway PostgreSQL and MariaDB servers in a temporary folder (see
tests/fuzz/make_seeds.py) and writes, next to this script:
    copy.sql      pg_dump -Fp (COPY)          inserts.sql  pg_dump --inserts
    mysql.sql     mariadb-dump                 sqlite.sql   sqlite3 .dump
    custom.dump   pg_dump -Fc -Z0              custom-gz.dump  pg_dump -Fc (zlib)
    dir.dump/     pg_dump -Fd -Z0
The outputs are committed; run this again only to refresh them.
"""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'fuzz'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))

import make_seeds  # noqa: E402
from pg_harness import PgCluster  # noqa: E402


def write(name, data):
    with open(os.path.join(HERE, name), 'wb') as f:
        f.write(data)
    print(f'{name}: {len(data)} bytes')


def main():
    with open(os.path.join(HERE, 'marked.sql')) as f:
        sql = f.read()
    with PgCluster() as pg:
        pg.createdb('marked')
        pg.psql('marked', sql=sql)
        # pg_dump 15.14+ writes a random \restrict key: fix it so the files
        # stay the same from one run to the next.
        fix = lambda b: re.sub(rb'(\\(?:un)?restrict) \S+', rb'\1 hostiletestkey', b)
        write('copy.sql', fix(pg.pg_dump('marked', ['-Fp'])))
        write('inserts.sql', fix(pg.pg_dump('marked', ['-Fp', '--inserts'])))
        write('custom.dump', pg.pg_dump('marked', ['-Fc', '-Z', '0']))
        write('custom-gz.dump', pg.pg_dump('marked', ['-Fc']))
        # A directory archive: toc.dat and one data file per table.
        import shutil
        out = os.path.join(HERE, 'dir.dump')
        shutil.rmtree(out, ignore_errors=True)
        pg.pg_dump('marked', ['-Fd', '-Z', '0', '-f', out])
    dumps = {}
    make_seeds.add = lambda target, data, tag='': dumps.setdefault(target, []).append(data)
    make_seeds.mariadb_dump(sql)
    make_seeds.sqlite_dump(sql)
    mysql = [d for d in dumps.get('mysql_insert', []) if b'--compact' not in d]
    if mysql:
        write('mysql.sql', re.sub(rb'-- Dump completed on .*', b'-- Dump completed', mysql[0]))
    if dumps.get('sqlite_insert'):
        write('sqlite.sql', dumps['sqlite_insert'][0])


if __name__ == '__main__':
    main()
