#!/usr/bin/env python3
"""A DbToolsBundle user's nightly job (issue 14), end to end through the dbanon binary.

Usage: tests/cli/nightly_test.py DBANON_BINARY [-k SUBSTRING]

Each test is a function registered with @test("behaviour sentence"); it runs in
its own temporary folder and returns a list of failures (empty: passed).
Covers the salt (--salt-file, salt_file, DBANON_SALT, refusals, the random
salt's warning). Output: `ok - NAME` / `not ok - NAME: detail`; exit 1 on any
failure.
"""

import os
import subprocess
import sys
import tempfile

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
    e = {k: v for k, v in os.environ.items() if not k.startswith('DBANON_')}
    e['LC_ALL'] = 'C'
    e.update(env or {})
    return subprocess.run([BIN] + args, cwd=cwd, env=e, capture_output=True, timeout=60,
                          input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL)


def write(d, name, data):
    path = os.path.join(d, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb' if isinstance(data, bytes) else 'w') as f:
        f.write(data)
    return path


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


def main():
    global BIN
    BIN = os.path.abspath(sys.argv[1])
    only = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == '-k' else None
    failed = 0
    for name, f in TESTS:
        if only and only not in name:
            continue
        with tempfile.TemporaryDirectory(prefix='dbanon-nightly-') as d:
            try:
                errs = f(d)
            except Exception as e:  # a runner bug must not hide the other tests
                errs = [f'runner exception: {e!r}']
        if errs == 'SKIP':
            print(f'ok - {name} # SKIP')
        elif errs:
            failed += 1
            print(f'not ok - {name}: {errs[0]}')
            for e in errs[1:]:
                print(f'#     {e}')
        else:
            print(f'ok - {name}')
        sys.stdout.flush()
    print(f'# {len(TESTS) - failed}/{len(TESTS)} passed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
