#!/usr/bin/env python3
"""A DbToolsBundle user's nightly job (issue 14), end to end through the dbanon binary.

Usage: tests/cli/nightly_test.py DBANON_BINARY [-k SUBSTRING ...] [-v]

Each test is a function registered with @test("behaviour sentence"); it runs in
its own temporary folder and returns a list of failures (empty: passed).
Covers the salt (--salt-file, salt_file, DBANON_SALT, refusals, the random
salt's warning). Output: `ok - NAME` / `not ok - NAME: detail`; exit 1 on any
failure.
"""

import json
import os
import pty
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import dbanon_cli as cli

BIN = None
TESTS = []
SALT = 'nightly-test-salt-0123456789'
DUMP = (b'SET client_encoding = \'UTF8\';\n\n'
        b'CREATE TABLE public.customer (\n    id integer NOT NULL,\n    email text,\n    note text\n);\n\n'
        b'COPY public.customer (id, email, note) FROM stdin;\n'
        b'1\tzqxmarker1@example.invalid\tkept note\n'
        b'2\t\\N\tsecond\n'
        b'3\tzqxmarker3@example.invalid\tthird\n'
        b'\\.\n\n')
BODY = '[tables.customer]\nemail = "email"\n'


def test(name):
    def register(f):
        TESTS.append((name, f))
        return f
    return register


def run(args, cwd, env=None, stdin=None):
    return cli.run(args, cwd, stdin=stdin, env=env)


write = cli.write


def expect(cond, what, errs, p=None):
    if not cond:
        errs.append(what + (f' (exit {p.returncode}, stderr {p.stderr[:400]!r})' if p is not None else ''))


# --------------------------------------------------------------------------- salt

@test('--salt-file, salt_file and DBANON_SALT with the same salt give the same output as salt = "..."')
def _(d):
    errs = []
    write(d, 'in.sql', DUMP)
    write(d, 'inline.toml', f'salt = "{SALT}"\n' + BODY)
    write(d, 'secrets/salt.txt', SALT + '\n')   # `echo` adds a line break: dropped
    write(d, 'conf/file.toml', 'salt_file = "../secrets/salt.txt"\n' + BODY)
    write(d, 'nosalt.toml', BODY)
    ref = run(['-c', 'inline.toml', 'in.sql'], d)
    expect(ref.returncode == 0 and ref.stderr == b'', 'salt = "..." runs cleanly', errs, ref)
    for name, args, env in (('salt_file relative to the config', ['-c', 'conf/file.toml'], None),
                            ('--salt-file', ['-c', 'nosalt.toml', '--salt-file', 'secrets/salt.txt'], None),
                            ('DBANON_SALT', ['-c', 'nosalt.toml'], {'DBANON_SALT': SALT}),
                            ('--salt-file over DBANON_SALT', ['-c', 'nosalt.toml', '--salt-file', 'secrets/salt.txt'],
                             {'DBANON_SALT': 'another salt, long enough'})):
        p = run(args + ['in.sql'], d, env)
        expect(p.returncode == 0 and p.stdout == ref.stdout, f'{name}: same output as salt = "..."', errs, p)
    p = run(['-c', 'inline.toml', 'in.sql'], d, {'DBANON_SALT': 'another salt, long enough'})
    expect(p.returncode == 0 and p.stdout != ref.stdout, 'DBANON_SALT overrides the config salt', errs, p)
    return errs


@test('an empty or short salt is refused (exit 2) from every source, never quoting it, nothing written')
def _(d):
    errs = []
    write(d, 'in.sql', DUMP)
    write(d, 'empty.toml', 'salt = ""\n' + BODY)
    write(d, 'short.toml', 'salt = "tiny-salt-15byt"\n' + BODY)
    write(d, 'nosalt.toml', BODY)
    write(d, 'short.txt', 'tiny-salt-15byt\n')
    write(d, 'empty.txt', '')
    write(d, 'sfile.toml', 'salt_file = "short.txt"\n' + BODY)
    cases = (('salt = ""', ['-c', 'empty.toml'], None, b'empty.toml:1:8: '),
             ('salt of 15 bytes', ['-c', 'short.toml'], None, b'short.toml:1:8: '),
             ('salt_file of 15 bytes', ['-c', 'sfile.toml'], None, b'sfile.toml:1:13: '),
             ('--salt-file of 15 bytes', ['-c', 'nosalt.toml', '--salt-file', 'short.txt'], None, b'short.txt: '),
             ('--salt-file empty', ['-c', 'nosalt.toml', '--salt-file', 'empty.txt'], None, b'empty.txt: '),
             ('--salt-file missing', ['-c', 'nosalt.toml', '--salt-file', 'missing.txt'], None, b'missing.txt: '),
             ('DBANON_SALT empty (an undefined CI secret)', ['-c', 'nosalt.toml'], {'DBANON_SALT': ''}, b'dbanon: '),
             ('DBANON_SALT of 15 bytes', ['-c', 'nosalt.toml'], {'DBANON_SALT': 'tiny-salt-15byt'}, b'dbanon: '))
    for name, args, env, prefix in cases:
        p = run(args + ['-o', 'out.sql', 'in.sql'], d, env)
        expect(p.returncode == 2, f'{name}: exit 2', errs, p)
        expect(p.stderr.startswith(prefix), f'{name}: message starts with {prefix!r}', errs, p)
        expect(b'tiny-salt' not in p.stderr, f'{name}: the salt is not quoted', errs, p)
        expect(not os.path.exists(os.path.join(d, 'out.sql')), f'{name}: nothing at -o', errs)
    return errs


@test('without any salt a random one is used, with a warning naming the cost: two runs differ')
def _(d):
    errs = []
    write(d, 'in.sql', DUMP)
    write(d, 'nosalt.toml', BODY)
    a = run(['-c', 'nosalt.toml', 'in.sql'], d)
    b = run(['-c', 'nosalt.toml', 'in.sql'], d)
    expect(a.returncode == 0 and b.returncode == 0, 'exit 0', errs, a)
    expect(b'warning: no salt' in a.stderr and b'separate runs' in a.stderr, 'the warning says what it costs',
           errs, a)
    expect(a.stdout != b.stdout, 'two runs without a salt give different outputs', errs)
    expect(b'zqxmarker' not in a.stdout, 'no original value in the output', errs)
    return errs

# --------------------------------------------------------------------------- DbToolsBundle YAML

# DbToolsBundle's sample anonymization file (makinacorpus/DbToolsBundle
# config/anonymizations.sample.yaml), rewritten here from its documented shape: a
# bare file, table -> target -> spec, bare names and {anonymizer, options}, a
# multi-column address whose options map parts to columns.
SAMPLE_YAML = """\
# Anonymize a table named `user`
user:
    # anonymizers without options
    prenom: fr-fr.firstname
    nom: fr-fr.lastname
    # with options
    age:
        anonymizer: integer
        options: {min: 0, max: 99}
    email:
        anonymizer: email
        options: {domain: 'toto.com'}
    level:
        anonymizer: string
        options: {sample: ['none', 'bad', 'good', 'expert']}
    # columns street, zip_code, city and country filled with one coherent address
    address:
        anonymizer: address
        options:
            street_address: 'street'
            # secondary_address:
            postal_code: 'zip_code'
            locality: 'city'
            # region:
            country: 'country'
"""
SAMPLE_TOML = """\
[tables.user]
prenom = "fr-fr.firstname"
nom = "fr-fr.lastname"
age = { anonymizer = "integer", options = { min = 0, max = 99 } }
email = { anonymizer = "email", options = { domain = "toto.com" } }
level = { anonymizer = "string", options = { sample = ["none", "bad", "good", "expert"] } }
[tables.user.address]
anonymizer = "address"
options = { street_address = "street", postal_code = "zip_code", locality = "city", country = "country" }
"""
SAMPLE_SQL = """\
CREATE TABLE user (id integer PRIMARY KEY, prenom text, nom text, age integer, email text, level text,
                   street text, zip_code text, city text, country text, other text);
INSERT INTO user VALUES (1, 'zqxmarkerA', 'zqxmarkerB', 41, 'zqxmarker1@mail.invalid', 'zqxmarkerL',
                         'zqxmarkerS', 'zqxmarkerZ', 'zqxmarkerC', 'zqxmarkerK', 'kept as is');
INSERT INTO user VALUES (2, NULL, 'Dupont', NULL, NULL, 'good', '1 rue X', '75001', 'Paris', 'France', NULL);
"""

# The realistic example of shared/docs/dbtoolsbundle.md (standalone flavour), with
# the backup-side keys that dbanon ignores.
REAL_YAML = """\
connections: "pgsql://app:secret@db:5432/shop?version=16.0"
backup_excluded_tables: ['audit_log']
anonymization:
  default:
    customer:
      email: email                                  # bare form
      first_name: firstname
      last_name: fr-fr.lastname
      password: {anonymizer: password, options: {algorithm: auto, password: 'dev'}}
      birth_date: {anonymizer: date, options: {delta: '2 month', format: date}}
      loyalty_points: {anonymizer: integer, options: {percent: 20}}
      postal: {anonymizer: address, options: {street_address: street, postal_code: zip, locality: city, country: country}}
      bank: {anonymizer: iban-bic, options: {iban: iban, bic: bic, country: DE, sample_size: 5000}}
    order:
      note: {anonymizer: lorem, options: {words: 8}}
      gift_message: {anonymizer: pattern, options: {pattern: 'Hi {firstname}, [1,9] items shipped to {address:locality}'}}
      level: {anonymizer: string, options: {sample: [bronze, silver, gold]}}
"""
REAL_TOML = """\
[tables.customer]
email = "email"
first_name = "firstname"
last_name = "fr-fr.lastname"
password = { anonymizer = "password", options = { algorithm = "auto", password = "dev" } }
birth_date = { anonymizer = "date", options = { delta = "2 month", format = "date" } }
loyalty_points = { anonymizer = "integer", options = { percent = 20 } }
postal = { anonymizer = "address", options = { street_address = "street", postal_code = "zip", locality = "city", country = "country" } }
bank = { anonymizer = "iban-bic", options = { iban = "iban", bic = "bic", country = "DE", sample_size = 5000 } }
[tables.order]
note = { anonymizer = "lorem", options = { words = 8 } }
gift_message = { anonymizer = "pattern", options = { pattern = "Hi {firstname}, [1,9] items shipped to {address:locality}" } }
level = { anonymizer = "string", options = { sample = ["bronze", "silver", "gold"] } }
"""
REAL_SQL = """\
CREATE TABLE customer (id integer PRIMARY KEY, email text, first_name text, last_name text, password text,
  birth_date text, loyalty_points integer, street text, zip text, city text, country text, iban text, bic text);
INSERT INTO customer VALUES (1, 'zqxmarker1@shop.invalid', 'zqxmarkerF', 'zqxmarkerL', 'zqxmarkerP', '1980-02-29',
  1234, 'zqxmarkerS', 'zqxmarkerZ', 'zqxmarkerC', 'zqxmarkerK', 'FR7630006000011234567890189', 'zqxmarkerB');
INSERT INTO customer VALUES (2, NULL, 'Ann', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE TABLE "order" (id integer PRIMARY KEY, customer_id integer, note text, gift_message text, level text);
INSERT INTO "order" VALUES (1, 1, 'zqxmarkerN', 'zqxmarkerG', 'zqxmarkerV');
"""


def sqlite_dump(d, name, sql):
    db = os.path.join(d, name + '.db')
    subprocess.run(['sqlite3', db], input=sql.encode(), check=True)
    return write(d, name + '.sql', subprocess.run(['sqlite3', db, '.dump'], check=True, capture_output=True).stdout)


def same_output(d, dump, toml_name, yaml_args, markers_from, errs, env=None):
    env = dict(env or {}, DBANON_SALT=SALT)
    ref = run(['-c', toml_name, dump], d, env)
    expect(ref.returncode == 0, f'{toml_name}: exit 0', errs, ref)
    got = run(yaml_args + [dump], d, env)
    expect(got.returncode == 0 and got.stderr == b'', f'{" ".join(yaml_args)}: exit 0, no message', errs, got)
    expect(got.stdout == ref.stdout, f'{" ".join(yaml_args)}: the same output as {toml_name}', errs)
    expect(b'zqxmarker' not in got.stdout, f'{" ".join(yaml_args)}: no original value in the output', errs)
    restored = subprocess.run(['sqlite3', os.path.join(d, 'restored-%d.db' % len(os.listdir(d)))],
                              input=got.stdout, capture_output=True)
    expect(restored.returncode == 0 and restored.stderr == b'', 'the output restores with sqlite3', errs)
    return got


@test('DbToolsBundle\'s sample anonymization file (YAML) gives the same output as the equivalent TOML (sqlite3 .dump)')
def _(d):
    if not shutil.which('sqlite3'):
        return 'SKIP'
    errs = []
    dump = sqlite_dump(d, 'user', SAMPLE_SQL)
    write(d, 'anon.toml', SAMPLE_TOML)
    write(d, 'config/anonymizations.sample.yaml', SAMPLE_YAML)
    write(d, 'anonymization.conf', SAMPLE_YAML)   # no extension: recognised by its content
    same_output(d, dump, 'anon.toml', ['-c', 'config/anonymizations.sample.yaml'], None, errs)
    same_output(d, dump, 'anon.toml', ['-c', 'anonymization.conf'], None, errs)
    return errs


@test('the realistic DbToolsBundle config, in its three shapes and with --connection, gives the TOML output')
def _(d):
    if not shutil.which('sqlite3'):
        return 'SKIP'
    errs = []
    dump = sqlite_dump(d, 'shop', REAL_SQL)
    write(d, 'anon.toml', REAL_TOML)
    write(d, 'db_tools.config.yaml', REAL_YAML)
    tables = REAL_YAML.split('  default:\n', 1)[1]
    bare = ''.join(line[4:] + '\n' for line in tables.splitlines())
    write(d, 'anon/shop.yaml', bare)
    write(d, 'files.config.yaml', 'anonymization_files: anon/shop.yaml\n')
    write(d, 'map.config.yaml', 'anonymization_files:\n  default: anon/none.yaml\n  shop: anon/shop.yaml\n')
    sym = 'db_tools:\n' + ''.join('    ' + line + '\n' for line in REAL_YAML.splitlines())
    write(d, 'config/packages/db_tools.yaml', sym)
    two = REAL_YAML.replace('  default:\n', '  shop:\n') + '  other:\n    customer:\n      email: md5\n'
    write(d, 'two.yml', two)
    for args in (['-c', 'db_tools.config.yaml'], ['-c', 'anon/shop.yaml'], ['-c', 'files.config.yaml'],
                 ['-c', 'map.config.yaml', '--connection', 'shop'], ['-c', 'config/packages/db_tools.yaml'],
                 ['-c', 'two.yml', '--connection', 'shop']):
        same_output(d, dump, 'anon.toml', args, None, errs)
    p = run(['-c', 'two.yml', dump], d, {'DBANON_SALT': SALT})
    expect(p.returncode == 2 and p.stderr.startswith(b'two.yml:4:3: ') and b'--connection' in p.stderr,
           'two connections and no --connection: exit 2, the choice asked for', errs, p)
    p = run(['-c', 'two.yml', '--connection', 'prod', dump], d, {'DBANON_SALT': SALT})
    expect(p.returncode == 2 and b"connection 'prod'" in p.stderr, 'an unknown --connection: exit 2', errs, p)
    return errs


@test('what dbanon cannot do in a DbToolsBundle YAML config is an error at FILE:LINE:COL naming table and target')
def _(d):
    errs = []
    write(d, 'in.sql', DUMP)
    cases = (
        ('faker.* with a suggestion', 'customer:\n  email: {anonymizer: faker.method, options: {method: safeEmail}}\n',
         b"c.yaml:2:23: table 'customer', target 'email': anonymizer 'faker.method'", b"replace with 'email'"),
        ('a custom PHP anonymizer', 'customer:\n  note:\n    anonymizer: my_company_name\n',
         b"c.yaml:3:17: table 'customer', target 'note': anonymizer 'my_company_name' is not built in", b'PHP'),
        ('an option DbToolsBundle ignores (typo)', 'customer:\n  note: {anonymizer: lorem, options: {paragaphs: 2}}\n',
         b"c.yaml:2:9: table 'customer', key 'note': unknown option 'paragaphs'", b''),
        ('a key besides anonymizer and options', 'customer:\n  note: {anonymizer: lorem, target: table}\n',
         b"c.yaml:2:29: table 'customer', target 'note': unknown key 'target'", b''),
        ('a target given twice', 'customer:\n  email: email\n  email: md5\n',
         b"c.yaml:3:3: table 'customer': target 'email' is given twice", b''),
        ('a YAML syntax error', 'customer:\n  email: [email\n', b'c.yaml:', b'invalid YAML'),
        ('an unknown top-level key of a config', 'anonymisation:\n  default: {}\nconnections: x\n',
         b"c.yaml:1:1: unknown key 'anonymisation'", b''),
        ('a column missing from the dump', 'customer:\n  emial: email\n', b'in.sql:9:1: ', b"configured (c.yaml:2)"),
    )
    for name, text, prefix, extra in cases:
        write(d, 'c.yaml', text)
        p = run(['-c', 'c.yaml', '-o', 'out.sql', 'in.sql'], d, {'DBANON_SALT': SALT})
        expect(p.returncode == 2, f'{name}: exit 2', errs, p)
        expect(p.stderr.startswith(prefix) and extra in p.stderr, f'{name}: message {prefix!r}...{extra!r}', errs, p)
        expect(b'zqxmarker' not in p.stderr and not os.path.exists(os.path.join(d, 'out.sql')),
               f'{name}: no value quoted, nothing at -o', errs)
    return errs

# --------------------------------------------------------------------------- --report, progress

@test('--report writes JSON: version, formats, bytes, seconds, rows and action per table, counts per column, a salt id')
def _(d):
    errs = []
    write(d, 'in.sql', DUMP + b'COPY public.other (id) FROM stdin;\n1\n2\n\\.\n\n')
    write(d, 'c.toml', BODY + '[tables.gone]\nx = "md5"\n')
    p = run(['-c', 'c.toml', '-o', 'out.sql.gz', '--report', 'r.json', '--allow-missing', 'in.sql'], d,
            {'DBANON_SALT': SALT})
    expect(p.returncode == 0, 'exit 0', errs, p)
    with open(os.path.join(d, 'r.json'), 'rb') as f:
        raw = f.read()
    expect(b'zqxmarker' not in raw and SALT.encode() not in raw, 'no value and no salt in the report', errs)
    r = json.loads(raw)
    expect(r['dbanon_version'] and r['input']['format'] == 'pg plain' and r['output']['format'] == 'pg plain, gzip',
           f'formats: {r["input"]} {r["output"]}', errs)
    expect(r['bytes_in'] == len(DUMP) + 43 and r['bytes_out'] == os.path.getsize(os.path.join(d, 'out.sql.gz')),
           f'bytes in/out {r["bytes_in"]} {r["bytes_out"]}', errs)
    expect(r['wall_seconds'] >= 0 and r['cpu_seconds'] >= 0, 'seconds', errs)
    tables = {t['table']: t for t in r['tables']}
    expect(tables.get('public.customer', {}).get('rows') == 3 and tables['public.customer']['action'] == 'anonymized',
           f'customer: 3 rows anonymized ({tables.get("public.customer")})', errs)
    expect(tables['public.customer']['columns'] == [{'column': 'email', 'anonymizer': 'email', 'values_rewritten': 2,
                                                     'values_kept': 0, 'nulls_kept': 1}], 'email: 2 rewritten, 1 NULL kept', errs)
    expect(tables.get('public.other', {}).get('action') == 'unconfigured' and tables['public.other']['rows'] == 2,
           'other: 2 rows, unconfigured (not "kept": no config decided it)', errs)
    expect(tables.get('public.gone', {}).get('action') == 'absent', 'gone: configured, absent', errs)
    ids = []
    for salt in (SALT, SALT, 'another salt, long enough'):
        p = run(['-c', 'c.toml', '-o', 'o.sql', '--report', 'r2.json', '--allow-missing', 'in.sql'], d,
                {'DBANON_SALT': salt})
        with open(os.path.join(d, 'r2.json')) as f:
            ids.append(json.load(f)['salt']['id'])
    expect(ids[0] == ids[1] and ids[0] != ids[2] and len(ids[0]) == 16, f'salt ids {ids}', errs)
    return errs


@test('--report tells an unconfigured table ("unconfigured") from an explicit keep ("kept") and counts keep columns as values_kept')
def _(d):
    errs = []
    write(d, 'in.sql', DUMP + b'COPY public.other (id) FROM stdin;\n1\n2\n\\.\n\n'
          b'COPY public.safe (id) FROM stdin;\n1\n\\.\n\n')
    write(d, 'c.toml', '[tables.customer]\nemail = "email"\nnote = "keep"\nid = "keep"\n\n[tables.safe]\nkeep = true\n')
    p = run(['-c', 'c.toml', '-o', 'out.sql', '--report', 'r.json', 'in.sql'], d, {'DBANON_SALT': SALT})
    expect(p.returncode == 0, 'exit 0', errs, p)
    if p.returncode != 0:
        return errs
    with open(os.path.join(d, 'r.json')) as f:
        r = json.load(f)
    tables = {t['table']: t for t in r['tables']}
    expect(tables['public.other']['action'] == 'unconfigured', f'other: unconfigured ({tables["public.other"]})', errs)
    expect(tables['public.safe']['action'] == 'kept', f'safe (keep = true): kept ({tables["public.safe"]})', errs)
    cols = {c['column']: c for c in tables['public.customer']['columns']}
    expect(cols['email']['values_rewritten'] == 2 and cols['email']['values_kept'] == 0 and
           cols['note']['values_rewritten'] == 0 and cols['note']['values_kept'] == 3 and cols['note']['nulls_kept'] == 0,
           f'email: 2 rewritten; note (keep): 3 kept, none rewritten ({cols})', errs)
    return errs


MYSQL = b"""-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)
/*!40101 SET NAMES utf8mb4 */;

CREATE TABLE `customer` (
  `id` int(11) NOT NULL,
  `email` varchar(100) DEFAULT NULL,
  `note` text,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO `customer` VALUES (1,'zqxmarker1@example.invalid','a'),(2,NULL,'b'),(3,'zqxmarker3@example.invalid','c');
"""
SAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'samples')


@test('--report on every road: a MariaDB INSERT dump, a sqlite3 .dump, pg --inserts and a real pg_dump -Fc archive')
def _(d):
    errs = []
    write(d, 'c.toml', f'salt = "{SALT}"\n' + BODY)
    sqlite = subprocess.run(['sqlite3', ':memory:'], check=True, capture_output=True, input=(
        b"CREATE TABLE customer (id integer PRIMARY KEY, email text, note text);\n"
        b"INSERT INTO customer VALUES (1,'zqxmarker1@example.invalid','a'),(2,NULL,'b'),"
        b"(3,'zqxmarker3@example.invalid','c');\n.dump\n")).stdout
    inserts = DUMP.split(b'COPY')[0] + (b"INSERT INTO public.customer VALUES (1, 'zqxmarker1@example.invalid', 'a');\n"
                                         b"INSERT INTO public.customer VALUES (2, NULL, 'b');\n"
                                         b"INSERT INTO public.customer VALUES (3, 'zqxmarker3@example.invalid', 'c');\n")
    for name, dump, fmt, table in (('mysql', MYSQL, 'mysql plain', 'customer'),
                                   ('sqlite', sqlite, 'sqlite plain', 'customer'),
                                   ('pg-inserts', inserts, 'pg plain', 'public.customer')):
        write(d, name + '.sql', dump)
        p = run(['-c', 'c.toml', '-o', name + '.out', '--report', name + '.json', name + '.sql'], d)
        if not expect(p.returncode == 0, f'{name}: exit 0', errs, p):
            continue
        with open(os.path.join(d, name + '.json'), 'rb') as f:
            raw = f.read()
        r = json.loads(raw)
        t = {x['table']: x for x in r['tables']}.get(table, {})
        expect(r['input']['format'] == fmt and r['bytes_in'] == len(dump) and t.get('rows') == 3 and
               t.get('action') == 'anonymized' and t.get('columns') == [
                   {'column': 'email', 'anonymizer': 'email', 'values_rewritten': 2, 'values_kept': 0,
                    'nulls_kept': 1}],
               f'{name}: format, bytes in, 3 rows, 2 rewritten and 1 NULL kept ({r})', errs)
        expect(b'zqxmarker' not in raw, f'{name}: no value in the report', errs)
    p = run(['-c', os.path.join(SAMPLES, 'dbanon.toml'), '-o', 'shop.dump', '--report', 'fc.json',
             os.path.join(SAMPLES, 'shop.dump')], d)
    if expect(p.returncode == 0, 'pg_dump -Fc: exit 0', errs, p):
        with open(os.path.join(d, 'fc.json')) as f:
            r = json.load(f)
        t = {x['table']: x for x in r['tables']}.get('public.customer', {})
        cols = {c['column']: c for c in t.get('columns', [])}
        expect(r['input']['format'] == 'pg_dump -Fc' and r['output']['format'] == 'pg_dump -Fc' and
               r['bytes_in'] == os.path.getsize(os.path.join(SAMPLES, 'shop.dump')) and
               r['bytes_out'] == os.path.getsize(os.path.join(d, 'shop.dump')) and t.get('action') == 'anonymized' and
               t.get('rows', 0) > 0 and cols.get('email', {}).get('values_rewritten', 0) > 0,
               f'pg_dump -Fc: formats, bytes, customer anonymized with counts ({r})', errs)
    return errs


def slow_writer(fd, chunks):
    """Writes chunks [(bytes, seconds to wait after)] to fd, then closes it."""
    def go():
        with os.fdopen(fd, 'wb') as w:
            for data, wait in chunks:
                w.write(data)
                w.flush()
                time.sleep(wait)
    t = threading.Thread(target=go)
    t.start()
    return t


def big_copy(rows):
    out = [DUMP.split(b'COPY')[0], b'COPY public.customer (id, email, note) FROM stdin;\n']
    out += [b'%d\tzqxmarker%d@example.invalid\tnote\n' % (i, i) for i in range(rows)]
    out.append(b'\\.\n\n')
    return b''.join(out)


@test('on a terminal a status line (bytes, MB/s, table) is redrawn at most 10 times a second and erased; --quiet prints nothing')
def _(d):
    errs = []
    write(d, 'c.toml', f'salt = "{SALT}"\n' + BODY)
    data = big_copy(120000)  # its first half is more than a 2 MiB batch: framed while the writer waits
    for quiet in (False, True):
        master, slave = pty.openpty()
        r, w = os.pipe()
        writer = slow_writer(w, [(data[:len(data) // 2], 1.0), (data[len(data) // 2:], 0)])
        e = {k: v for k, v in os.environ.items() if not k.startswith('DBANON_')}
        p = subprocess.Popen([BIN, '-c', 'c.toml'] + (['--quiet'] if quiet else []), cwd=d, env=e, stdin=r,
                             stdout=subprocess.PIPE, stderr=slave)
        os.close(r)
        os.close(slave)
        t0 = time.time()
        out = p.stdout.read()
        p.wait()
        elapsed = time.time() - t0
        writer.join()
        err = b''
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            err += chunk
        os.close(master)
        name = '--quiet' if quiet else 'terminal'
        expect(p.returncode == 0 and b'zqxmarker' not in out, f'{name}: exit 0, anonymized', errs)
        if quiet:
            expect(err == b'', f'--quiet: nothing on the terminal ({err[:200]!r})', errs)
            continue
        updates = err.count(b'\r\x1b[K')
        expect(b'table public.customer' in err and b'MB/s' in err, f'status line with MB/s and the table ({err[:300]!r})',
               errs)
        expect(2 <= updates <= 10 * elapsed + 2, f'{updates} redraws in {elapsed:.1f} s', errs)
        expect(err.endswith(b'\r\x1b[K'), 'the line is erased at the end', errs)
        expect(b'zqxmarker' not in err, 'no value in the status line', errs)
    return errs


@test('--progress prints a plain line every 10 s and one at the end (a pipe: bytes read, MB/s, table), never a value')
def _(d):
    errs = []
    write(d, 'c.toml', f'salt = "{SALT}"\n' + BODY)
    data = big_copy(2000)
    write(d, 'in.sql', data)
    r, w = os.pipe()
    writer = slow_writer(w, [(data[:len(data) // 2], 10.5), (data[len(data) // 2:], 0)])
    e = {k: v for k, v in os.environ.items() if not k.startswith('DBANON_')}
    p = subprocess.run([BIN, '-c', 'c.toml', '--progress'], cwd=d, env=e, stdin=r, capture_output=True)
    os.close(r)
    writer.join()
    lines = p.stderr.decode().splitlines()
    expect(p.returncode == 0 and len(lines) == 2, f'one line after 10 s of a 10.5 s run, one at the end ({lines})',
           errs, p)
    expect(all(l.startswith('dbanon: ') and 'MB/s' in l for l in lines) and '\r' not in p.stderr.decode(),
           'plain lines', errs)
    expect(lines and lines[-1].startswith('dbanon: %.1f KiB, ' % (len(data) / 1024)) and
           lines[-1].endswith('table public.customer'), f'the last line: every byte read, the last table ({lines})',
           errs)
    expect(b'zqxmarker' not in p.stderr, 'no value', errs)
    return errs


def main():
    global BIN
    a = cli.parse_args(__doc__)
    BIN = cli.BIN

    def run_one(t):
        with cli.scratch('dbanon-nightly-') as d:
            return t[1](d)
    return cli.main(TESTS, run_one, args=a)


if __name__ == '__main__':
    sys.exit(main())
