#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/NAME/.

    python3 tests/fuzz/make_seeds.py [--no-servers]

Sources: the dumps and configs of tests/cli/cli_test.py's cases, samples/,
and real dumps of tests/fuzz/seed_db.sql written by pg_dump (plain COPY,
--inserts, --column-inserts, --rows-per-insert, custom archives with each
compression), mariadb-dump and sqlite3 .dump, from throwaway servers started
in a temporary folder (skipped with --no-servers or when the programs are
missing). Hand-written seeds for the value-level targets (json, sql_value,
decompress) complete them. Files are named by content hash, so running it
again only adds what changed; inputs that once crashed a target are kept as
regression-* files and never removed by this script.
"""

import argparse
import glob
import gzip
import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, 'corpus')
# The CLI suites import their shared runner (tests/cli/dbanon_cli.py) from their folder.
sys.path.insert(0, os.path.join(ROOT, 'tests', 'cli'))
MAX_SEED = 64 << 10  # larger seeds slow every execution down


def add(target, data, tag=''):
    if isinstance(data, str):
        data = data.encode()
    # pg_dump 15.14+ writes a random \restrict key: fix it, so that seeds
    # do not change from one run to the next.
    if target not in ('archive', 'decompress'):
        data = re.sub(rb'(\\(?:un)?restrict) [A-Za-z0-9]+', rb'\1 seedkey', data)
        data = re.sub(rb'-- Dump completed on [^\n]*', b'-- Dump completed', data)
    if len(data) > MAX_SEED:
        return
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    name = (tag + '-' if tag else '') + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def from_cli_tests():
    spec = importlib.util.spec_from_file_location('cli_test', os.path.join(ROOT, 'tests', 'cli', 'cli_test.py'))
    cli = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cli)
    for c in cli.CASES:
        if c.dump is not None:
            data = c.dump.data
            head = data[:200]
            if head.startswith(b'PGDMP'):
                add('archive', data, 'cli')
            elif b'-- MySQL dump' in head or b'-- MariaDB dump' in head or b'/*!40' in data[:2000]:
                add('mysql_insert', data, 'cli')
            elif head.startswith(b'PRAGMA foreign_keys=OFF;'):
                add('sqlite_insert', data, 'cli')
            elif b'INSERT INTO' in data:
                add('pg_insert', data, 'cli')
            else:
                add('pg_copy', data, 'cli')
        if c.config:
            add('config', c.config, 'cli')


def from_insert_cases():
    path = os.path.join(ROOT, 'tests', 'cli', 'insert_cases_test.py')
    if not os.path.exists(path):
        return
    spec = importlib.util.spec_from_file_location('insert_cases_test', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for c in mod.CASES:
        data = c.dump or b''
        head = data[:300]
        if head.startswith(b'PRAGMA') or b'BEGIN TRANSACTION;' in head or 'sqlite' in ' '.join(c.args):
            add('sqlite_insert', data, 'cli')
        elif b'MySQL dump' in head or b'MariaDB dump' in head or b'`' in data[:4000] or 'mysql' in ' '.join(c.args):
            add('mysql_insert', data, 'cli')
        else:
            add('pg_insert', data, 'cli')
        if c.cfg:
            add('config', c.cfg, 'cli')


def from_samples():
    for path in glob.glob(os.path.join(ROOT, 'samples', '*')):
        with open(path, 'rb') as f:
            data = f.read()
        if path.endswith('.toml'):
            add('config', data, 'sample')
        elif path.endswith('.sql'):
            add('pg_copy', data, 'sample')


def pg_dumps(sql):
    sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))
    from pg_harness import PgCluster
    with PgCluster() as pg:
        pg.createdb('seed')
        pg.psql('seed', sql=sql)
        add('pg_copy', pg.pg_dump('seed', ['-Fp']), 'pg')
        add('pg_copy', pg.pg_dump('seed', ['-Fp', '--data-only']), 'pg')
        add('pg_insert', pg.pg_dump('seed', ['-Fp', '--inserts']), 'pg')
        add('pg_insert', pg.pg_dump('seed', ['-Fp', '--column-inserts']), 'pg')
        add('pg_insert', pg.pg_dump('seed', ['-Fp', '--rows-per-insert=2', '--data-only']), 'pg')
        for z in ('0', '6', 'lz4', 'zstd'):  # lz4 and zstd need pg_dump 16
            try:
                add('archive', pg.pg_dump('seed', ['-Fc', '-Z', z]), 'pg')
            except Exception:
                print(f'pg_dump -Fc -Z {z} failed: skipped')
        add('archive', pg.pg_dump('seed', ['-Fc', '-Z', '0', '--inserts']), 'pg')


def mariadb_dump(sql):
    if not shutil.which('mariadbd') or not shutil.which('mariadb-install-db'):
        print('mariadb not installed: no MySQL seeds from a server')
        return
    with tempfile.TemporaryDirectory(prefix='dbanon-seed-my-') as d:
        data, sock = os.path.join(d, 'data'), os.path.join(d, 'sock')
        subprocess.run(['mariadb-install-db', '--no-defaults', f'--datadir={data}', '--user=root',
                        '--auth-root-authentication-method=normal'], check=True, capture_output=True)
        server = subprocess.Popen(['mariadbd', '--no-defaults', f'--datadir={data}', f'--socket={sock}',
                                   '--skip-networking', '--user=root', f'--pid-file={d}/pid'],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                if os.path.exists(sock):
                    break
                time.sleep(0.1)
            client = ['mariadb', '--no-defaults', f'--socket={sock}', '-uroot', '--default-character-set=utf8mb4']
            subprocess.run(client + ['-e', 'CREATE DATABASE seed CHARACTER SET utf8mb4'], check=True)
            subprocess.run(client + ['seed'], input=("SET sql_mode = 'ANSI_QUOTES';\n" + sql).encode(), check=True)
            dump = ['mariadb-dump', '--no-defaults', f'--socket={sock}', '-uroot']
            for extra in ([], ['--skip-extended-insert'], ['--complete-insert', '--hex-blob'], ['--compact']):
                add('mysql_insert', subprocess.run(dump + extra + ['seed'], check=True, capture_output=True).stdout,
                    'mariadb')
        finally:
            server.terminate()
            server.wait(timeout=60)


def sqlite_dump(sql):
    if not shutil.which('sqlite3'):
        print('sqlite3 not installed: no SQLite seeds')
        return
    with tempfile.TemporaryDirectory(prefix='dbanon-seed-sq-') as d:
        db = os.path.join(d, 'seed.db')
        extra = ("CREATE TABLE ctl (id integer, v text);\n"
                 "INSERT INTO ctl VALUES (1, 'line1' || char(10) || 'line2'), (2, 'nul' || char(0) || 'x');\n"
                 "CREATE TRIGGER t AFTER INSERT ON ctl BEGIN UPDATE ctl SET v = 'a;b' WHERE id = 1; END;\n"
                 "CREATE TABLE blobs (id integer, b blob);\nINSERT INTO blobs VALUES (1, x'00ff41');\n")
        subprocess.run(['sqlite3', db], input=(sql + extra).encode(), check=True)
        add('sqlite_insert', subprocess.run(['sqlite3', db, '.dump'], check=True, capture_output=True).stdout,
            'sqlite')


def handwritten():
    for j in ['{}', '[]', '0', '"s"', 'null', 'true', '{"a":"x@example.com","b":[{"c":"deep"},{"c":1.5e10}]}',
              '{"x.y":"dotted","a":{"a":"nested"},"n":-0.0,"u":"\\u00e9\\ud83d\\ude00\\n"}',
              '[' * 200 + ']' * 200, '{"a":' * 50 + '1' + '}' * 50, '[1,2,', '{"a" 1}', '"\\x"',
              ' \t[ "spaces" , 1 ]\n', '["\xc3\xa9", "\xff\xfe"]']:
        add('json', j.encode('utf-8', 'surrogateescape'), 'hand')
    values = {
        0: ["'plain'", "'it''s'", "E'esc\\\\n\\''", "'a'::text", '12', '-1.5e3', 'NULL', 'DEFAULT', 'true',
            "B'0101'", "'x,y;z)'", '0x1F'],
        2: ["'a\\'b'", '"dq\\"s"', "_binary 'x\\0y'", "_utf8mb4'u' COLLATE utf8mb4_bin", '0x414243', "X'4142'",
            "b'101'", '0b11', "N'nat'", "'\\Z\\r\\n'"],
        3: ["'a''b'", "X'00FF'", "replace('a\\nb','\\n',char(10))", "'x'||char(0)||'y'", '3.25', 'NULL',
            "unistr('\\u00e9')"],
    }
    for dialect, vals in values.items():
        for v in vals:
            for numeric in (0, 4):
                add('sql_value', bytes([dialect | numeric]) + v.encode() + b'replacement, with \' and \\ ;', 'hand')
    payload = b'COPY t (a) FROM stdin;\nx\n\\.\n' * 20
    add('decompress', b'\x00' + gzip.compress(payload, mtime=0), 'hand')
    add('decompress', b'\x04' + gzip.compress(payload, mtime=0) + gzip.compress(payload, mtime=0), 'hand')
    import zlib
    add('decompress', b'\x01' + zlib.compress(payload), 'hand')
    for prog, code in (('zstd', 2), ('lz4', 3)):
        if shutil.which(prog):
            out = subprocess.run([prog, '-c'], input=payload, capture_output=True, check=True).stdout
            add('decompress', bytes([code]) + out, 'hand')
    # A small bomb: 32 MiB of zeros in a few KB.
    add('decompress', b'\x00' + gzip.compress(b'\0' * (32 << 20), 9, mtime=0), 'bomb')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--no-servers', action='store_true')
    a = ap.parse_args()
    from_cli_tests()
    from_insert_cases()
    from_samples()
    handwritten()
    if not a.no_servers:
        with open(os.path.join(HERE, 'seed_db.sql')) as f:
            sql = f.read()
        pg_dumps(sql)
        mariadb_dump(sql)
        sqlite_dump(sql)
    for name in sorted(os.listdir(CORPUS)):
        files = os.listdir(os.path.join(CORPUS, name))
        print(f'{name}: {len(files)} seeds, {sum(os.path.getsize(os.path.join(CORPUS, name, f)) for f in files)} bytes')


if __name__ == '__main__':
    main()
