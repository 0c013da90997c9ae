#!/usr/bin/env python3
"""Issue 15 (real-world variants), the I/O items: what dbanon does around the
rows rather than in them. Each test is a function whose docstring is the
behaviour it checks; run alone with
    python3 tests/cli/variants_io_test.py build/src/dbanon [-k WORD]
Prints TAP; exit 1 when a test fails."""

import os
import signal
import stat
import subprocess
import sys
import tempfile
import time

import dbanon_cli as cli

BIN = None
TIMEOUT = 60
TESTS = []

CFG = '[tables.customer]\nemail = "email"\n'
PG_DUMP = (b'SET client_encoding = \'UTF8\';\n'
           b'CREATE TABLE public.customer (id integer, email text);\n'
           b'COPY public.customer (id, email) FROM stdin;\n'
           b'1\tzqxmarker@example.invalid\n'
           b'\\.\n')


def test(fn):
    TESTS.append(fn)
    return fn


def env():
    return cli.child_env({'DBANON_SALT': 'variants-io-test-salt'})


def run(args, cwd, stdin=None):
    return cli.run(args, cwd, stdin=stdin, env={'DBANON_SALT': 'variants-io-test-salt'}, timeout=TIMEOUT)


def write(d, name, data):
    cli.write(d, name, data.encode() if isinstance(data, str) else data)


# ---------------------------------------------------------------------------
# Item 12: the output file keeps its owner's intent
# ---------------------------------------------------------------------------

@test
def an_existing_output_file_keeps_its_mode(d):
    """-o over an existing 0600 (and 0640) file leaves a file of the same mode"""
    write(d, 'cfg.toml', CFG)
    write(d, 'in.sql', PG_DUMP)
    errs = []
    for mode in (0o600, 0o640, 0o755):
        write(d, 'out.sql', b'old\n')
        os.chmod(os.path.join(d, 'out.sql'), mode)
        r = run(['-c', 'cfg.toml', '-o', 'out.sql', 'in.sql'], d)
        if r.returncode != 0:
            errs.append(f'exit {r.returncode}: {r.stderr!r}')
            continue
        got = stat.S_IMODE(os.stat(os.path.join(d, 'out.sql')).st_mode)
        if got != mode:
            errs.append(f'mode {oct(got)} after -o over a {oct(mode)} file')
    return errs


@test
def a_new_output_file_gets_0666_less_the_umask(d):
    """-o to a new file: 0666 less the umask, as a shell redirection would"""
    write(d, 'cfg.toml', CFG)
    write(d, 'in.sql', PG_DUMP)
    errs = []
    for mask in (0o022, 0o077):
        path = os.path.join(d, f'new{mask:o}.sql')
        r = subprocess.run(['sh', '-c', f'umask {mask:o} && exec "$0" "$@"', BIN, '-c', 'cfg.toml',
                            '-o', path, 'in.sql'], cwd=d, capture_output=True, env=env(), timeout=TIMEOUT)
        if r.returncode != 0:
            errs.append(f'exit {r.returncode}: {r.stderr!r}')
            continue
        got = stat.S_IMODE(os.stat(path).st_mode)
        if got != 0o666 & ~mask:
            errs.append(f'mode {oct(got)} under umask {oct(mask)}')
    return errs


def signal_leaves_nothing(d, sig):
    write(d, 'cfg.toml', CFG)
    head = PG_DUMP.split(b'1\tzqx')[0]
    p = subprocess.Popen([BIN, '-c', 'cfg.toml', '-j', '1', '-o', 'out.sql'], cwd=d,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env())
    p.stdin.write(head + b'1\tsig.nal@example.invalid\n' * 2000)
    p.stdin.flush()
    # Wait until the temporary file exists, so the signal lands mid-run.
    deadline = time.time() + 10
    while time.time() < deadline and not any('dbanon' in n for n in os.listdir(d)):
        time.sleep(0.02)
    p.send_signal(sig)
    try:
        p.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        return [f'did not exit after {sig.name}']
    errs = []
    if p.returncode != 128 + sig:
        errs.append(f'{sig.name}: exit {p.returncode}, expected {128 + sig}')
    left = sorted(set(os.listdir(d)) - {'cfg.toml'})
    if left:
        errs.append(f'files left after {sig.name}: {left}')
    return errs


@test
def every_catchable_terminating_signal_removes_the_temporary_file(d):
    """SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGPWR and a
    real-time signal during -o: exit 128+N and no temporary file left"""
    errs = []
    sigs = [signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGALRM,
            signal.SIGVTALRM, signal.SIGPROF, signal.SIGXCPU, signal.SIGPWR, signal.SIGRTMIN]
    for sig in sigs:
        sub = os.path.join(d, sig.name)
        os.mkdir(sub)
        errs += signal_leaves_nothing(sub, sig)
    return errs


# ---------------------------------------------------------------------------
# Item 10: every quoting of names that the sqlite3 shell writes
# ---------------------------------------------------------------------------

SQLITE_SCHEMA = """
CREATE TABLE 'u3' ('id' integer, 'email' text);
CREATE TABLE [u4] ([id] integer, [email] text);
CREATE TABLE `u5` (`id` integer, `e mail` text);
CREATE TABLE "u 6" ("id" integer, "em""ail" text);
CREATE TABLE 'it''s' ('id' int, 'e''mail' text);
CREATE TABLE main.'u7'(id, email);
CREATE TABLE "select"("from" text, email text);
"""
SQLITE_ROWS = [('u3', 'email'), ('u4', 'email'), ('u5', 'e mail'), ('u 6', 'em"ail'),
               ("it's", "e'mail"), ('u7', 'email'), ('select', 'email')]
SQLITE_CFG = """
[tables.u3]
email = "email"
[tables.u4]
email = "email"
[tables.u5]
"e mail" = "email"
[tables."u 6"]
'em"ail' = "email"
[tables."it's"]
"e'mail" = "email"
[tables.u7]
email = "email"
[tables.select]
email = "email"
"""


def sqlite(db, sql):
    return subprocess.run(['sqlite3', '-bail', db], input=sql.encode(), capture_output=True, timeout=TIMEOUT)


@test
def sqlite_names_in_every_quoting_the_shell_writes_are_read(d):
    """sqlite3 .dump of tables and columns named 'x', [x], `x`, "x" (CREATE TABLE IF NOT EXISTS 'u3'): rows anonymized, sqlite3 restores them"""
    db = os.path.join(d, 'in.db')
    ins = ''.join("INSERT INTO \"%s\" VALUES(%d, 'zqxmarker%d@example.invalid');\n" % (t.replace('"', '""'), i, i)
                  for i, (t, _) in enumerate(SQLITE_ROWS))
    r = sqlite(db, SQLITE_SCHEMA + ins)
    if r.returncode != 0:
        return [f'sqlite3 setup: {r.stderr!r}']
    dump = subprocess.run(['sqlite3', db, '.dump'], capture_output=True, timeout=TIMEOUT).stdout
    errs = []
    if b"CREATE TABLE IF NOT EXISTS 'u3'" not in dump:
        errs.append('sqlite3 no longer writes the quoted head this test is about')
    write(d, 'in.sql', dump)
    write(d, 'cfg.toml', SQLITE_CFG)
    r = run(['-c', 'cfg.toml', '--format', 'sqlite', 'in.sql', '-o', 'out.sql'], d)
    if r.returncode != 0:
        return errs + [f'exit {r.returncode}: {r.stderr.decode(errors="replace")}']
    out = open(os.path.join(d, 'out.sql'), 'rb').read()
    if b'zqxmarker' in out:
        errs.append('a configured value reached the output')
    r = sqlite(os.path.join(d, 'out.db'), out.decode())
    if r.returncode != 0:
        return errs + [f'sqlite3 refused the output: {r.stderr!r}']
    for t, c in SQLITE_ROWS:
        q = 'SELECT "%s" FROM "%s";' % (c.replace('"', '""'), t.replace('"', '""'))
        got = sqlite(os.path.join(d, 'out.db'), q).stdout.decode().strip()
        if not got.startswith('anon-') or not got.endswith('@example.com'):
            errs.append(f'table {t} column {c}: not anonymized after the restore')
    return errs


# ---------------------------------------------------------------------------
# Item 9: the dialect is decided on the dump, not on how the reads were cut
# ---------------------------------------------------------------------------

MYSQL_BODY = (b'/*!40101 SET NAMES utf8mb4 */;\n'
              b'DROP TABLE IF EXISTS `customer`;\n'
              b'CREATE TABLE `customer` (\n  `id` int(11) NOT NULL,\n  `email` varchar(255) DEFAULT NULL\n'
              b') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n'
              b'INSERT INTO `customer` VALUES (1,\'zqxmarker1@example.invalid\'),(2,\'it\\\'s.zqxmarker@example.invalid\');\n')


def mysql_with_comment_header(lines=40):
    head = b'-- phpMyAdmin SQL Dump\n-- version 5.2.1\n-- https://www.phpmyadmin.net/\n--\n'
    head += b''.join(b'-- comment line %d of the export header, long enough to matter\n' % i for i in range(lines))
    return head + b'\n' + MYSQL_BODY


@test
def the_dialect_is_the_same_through_a_pipe_that_delivers_100_bytes_at_a_time(d):
    """a MySQL dump with a 40-line comment header, read from a file or from a pipe 100 bytes at a time: the same output"""
    dump = mysql_with_comment_header()
    write(d, 'in.sql', dump)
    write(d, 'cfg.toml', CFG)
    whole = run(['-c', 'cfg.toml', '-j', '1', 'in.sql'], d)
    if whole.returncode != 0 or b'zqxmarker' in whole.stdout:
        return [f'from the file: exit {whole.returncode} {whole.stderr!r}']
    p = subprocess.Popen([BIN, '-c', 'cfg.toml', '-j', '1'], cwd=d, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env())
    import threading

    def feed():
        for i in range(0, len(dump), 100):
            p.stdin.write(dump[i:i + 100])
            p.stdin.flush()
            time.sleep(0.002)
        p.stdin.close()
    t = threading.Thread(target=feed)
    t.start()
    out, err = p.stdout.read(), p.stderr.read()
    t.join()
    p.wait(timeout=TIMEOUT)
    if p.returncode != 0:
        return [f'through the pipe: exit {p.returncode}: {err.decode(errors="replace")}']
    if out != whole.stdout:
        return ['through the pipe the output differs from the output read from the file']
    return []


# ---------------------------------------------------------------------------
# Item 11: the same bytes at every -j, compressed too
# ---------------------------------------------------------------------------

@test
def a_compressed_output_has_the_same_bytes_at_every_thread_count(d):
    """--compress zstd, gzip and lz4 (and -o out.sql.zst): the same bytes at -j1, -j2 and -j3"""
    rows = b''.join(b'%d\tuser%d@example.invalid\n' % (i, i * 7) for i in range(60000))
    write(d, 'in.sql', PG_DUMP.replace(b'1\tzqxmarker@example.invalid\n', rows))
    write(d, 'cfg.toml', CFG)
    errs = []
    for spec in ('zstd', 'zstd:1', 'gzip', 'lz4', 'suffix'):
        outs = []
        for j in (1, 2, 3):
            name = f'out{j}.sql.zst' if spec == 'suffix' else f'out{j}'
            args = [] if spec == 'suffix' else ['--compress', spec]
            r = run(['-c', 'cfg.toml', '-j', str(j), '-o', name, 'in.sql'] + args, d)
            if r.returncode != 0:
                errs.append(f'{spec} -j{j}: exit {r.returncode}: {r.stderr!r}')
                continue
            outs.append(open(os.path.join(d, name), 'rb').read())
        if len(set(outs)) != 1:
            errs.append(f'{spec}: {len(set(outs))} different outputs for -j1, -j2, -j3')
    return errs


# ---------------------------------------------------------------------------
# Item 8: messages
# ---------------------------------------------------------------------------

@test
def a_mysql_or_sqlite_table_is_named_without_a_schema(d):
    """a configured table missing from a MySQL or SQLite dump is named 'salarie', not 'public.salarie'"""
    write(d, 'cfg.toml', '[tables.salarie]\nemail = "email"\n')
    errs = []
    for name, dump in (('mysql', MYSQL_BODY), ('sqlite', b'PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n'
                                                          b'CREATE TABLE t(email text);\nCOMMIT;\n')):
        write(d, 'in.sql', dump)
        r = run(['--allow-missing', '-c', 'cfg.toml', 'in.sql', '-o', 'out.sql'], d)
        err = r.stderr.decode(errors='replace')
        if r.returncode != 0 or "table 'salarie' (salarie) is configured but the dump holds no such table" not in err:
            errs.append(f'{name}: exit {r.returncode}: {err!r}')
        if 'public.' in err:
            errs.append(f'{name}: a schema in a dump that has none: {err!r}')
    return errs


@test
def a_toml_syntax_error_shows_no_character_of_its_line(d):
    """a mistyped salt (bad escape, bad \\u, bare word, control character) is reported by position, quoting none of its characters"""
    write(d, 'in.sql', PG_DUMP)
    errs = []
    for i, line in enumerate([b'salt = "KQJ\\XZ"', b'salt = "KQJ\\uZXZ"', b'salt = KQJXZ',
                              b'salt = "KQJ\x01XZ"', b'salt = trKQJXZ', b'salt ? "KQJXZ"']):
        write(d, 'cfg.toml', b'# config\n' + line + b'\n[tables.customer]\nemail = "email"\n')
        r = run(['-c', 'cfg.toml', 'in.sql'], d)
        err = r.stderr.decode(errors='replace')
        if r.returncode != 2 or not err.startswith('cfg.toml:2:'):
            errs.append(f'case {i}: exit {r.returncode}: {err!r}')
        message = err.split('invalid TOML:', 1)[-1]
        for ch in 'KQJXZ':
            if ch in message:
                errs.append(f'case {i}: the message holds a character of the line: {err!r}')
                break
    return errs


# ---------------------------------------------------------------------------
# Item 7: tar archives (the pg_dump -Ft round trip is in tests/integration/pg_archive_test.py)
# ---------------------------------------------------------------------------

@test
def a_tar_that_is_not_a_pg_dump_archive_is_refused_as_such(d):
    """a tar archive without toc.dat, and a pg_dump tar cut off, are refused (exit 3, byte position, nothing at -o)"""
    import io
    import tarfile
    write(d, 'cfg.toml', CFG)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w', format=tarfile.USTAR_FORMAT) as t:
        data = PG_DUMP
        info = tarfile.TarInfo('dump.sql')
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    write(d, 'notpg.tar', buf.getvalue())
    errs = []
    r = run(['-c', 'cfg.toml', 'notpg.tar', '-o', 'out.tar'], d)
    err = r.stderr.decode(errors='replace')
    if r.returncode != 3 or 'notpg.tar:byte 0: not a pg_dump tar archive: no toc.dat' not in err:
        errs.append(f'exit {r.returncode}: {err!r}')
    if os.path.exists(os.path.join(d, 'out.tar')):
        errs.append('an output file was left')
    # A tar whose toc.dat member is cut off.
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w', format=tarfile.USTAR_FORMAT) as t:
        info = tarfile.TarInfo('toc.dat')
        info.size = 4000
        t.addfile(info, io.BytesIO(b'PGDMP' + b'\0' * 3995))
    write(d, 'cut.tar', buf.getvalue()[:2000])
    r = run(['-c', 'cfg.toml', 'cut.tar', '-o', 'out.tar'], d)
    err = r.stderr.decode(errors='replace')
    if r.returncode != 3 or 'cut.tar:byte ' not in err or 'cut off' not in err:
        errs.append(f'cut off: exit {r.returncode}: {err!r}')
    if os.path.exists(os.path.join(d, 'out.tar')) or any(n.startswith('.dbanon-tar') for n in os.listdir(d)):
        errs.append(f'files left: {os.listdir(d)}')
    return errs


# ---------------------------------------------------------------------------
# Runner
# ---------------------------------------------------------------------------

def main():
    global BIN
    a = cli.parse_args(__doc__)
    BIN = cli.BIN

    def run_one(t):
        with cli.scratch('dbanon-vio-') as d:
            return t(d)
    return cli.main(TESTS, run_one, args=a)


if __name__ == '__main__':
    sys.exit(main())
