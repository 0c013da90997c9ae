#!/usr/bin/env python3
"""Hostile inputs and faults for the dbanon command line.

A dump anonymizer runs unattended on files nobody reads, so on any input it
must give a clean error (exit 2-4 with a "FILE:..." message) or a correct
dump, and never crash, hang, grow without bound, leave a temporary file, or
write a configured value in clear. Every case here is one such input or
fault with its expected outcome:

  * real dumps (tests/cli/hostile_data/, written by pg_dump, mariadb-dump
    and sqlite3) cut at every byte offset and with random byte flips;
  * huge inputs generated on the fly into a pipe: a 2 GiB line, a 2 GiB row
    of a configured table, 10,000 columns, a 10 KB identifier, 100,000
    tables, JSON nested a million deep, invalid UTF-8 and NUL bytes, a file
    of zeros, an empty file, gzip bombs;
  * faults: a full disk (ulimit -f, and a 1 MiB tmpfs when mount works), an
    unwritable output folder, a read error in the middle of the input,
    SIGINT/SIGTERM/SIGHUP mid-run, -o onto a FIFO or a device;
  * every error path over dumps whose values carry a marker, with stderr
    searched for it.

Usage:
    tests/cli/hostile_test.py DBANON_BINARY [-k SUBSTRING ...] [-v]

Sizes: by default the big inputs use their full size (2 GiB) on a release
build and a smaller one (256 MiB) on a sanitizer build, where they would
take minutes; DBANON_HOSTILE_FULL=1 forces the full sizes,
DBANON_HOSTILE_FULL=0 the small ones. Memory limits are looser under
sanitizers (their shadow memory and quarantine count in the RSS).

Output: one `ok - NAME` or `not ok - NAME: detail` line per case; exit
status 1 when any case failed.
"""

import concurrent.futures
import gzip
import hashlib
import os
import random
import re
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import zlib

import dbanon_cli as cli

BIN = None
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, 'hostile_data')
SALT = 'hostile-test-salt-0123'
SECRET = b'SECRETMARKER'        # in every value of the marked dumps
SECRET_CFG = b'SECRETMARKERCFG'  # in every value of a configured column
TIMEOUT = 60
SANITIZED = False
FULL = True
CRASH_WORDS = cli.CRASH_WORDS

CUSTOMER_CFG = f'salt = "{SALT}"\n[tables.customer]\nemail = "email"\n'
# Configures nothing the dumps hold (run with --allow-missing; an empty config is an error).
EMPTY_CFG = '[tables.zz_absent_table]\ntruncate = true\n'


# ---------------------------------------------------------------------------
# Running the binary
# ---------------------------------------------------------------------------

class Result:
    def __init__(self):
        self.rc = None          # exit code, -SIG for a signal, 'timeout'
        self.out = b''          # stdout (or its first `keep` bytes)
        self.out_len = 0
        self.out_sha = None
        self.err = b''
        self.maxrss_mb = 0.0
        self.seconds = 0.0
        self.cmd = []
        self.cfg_leak = False   # SECRETMARKERCFG seen in stdout

    def show(self):
        return ' '.join(shlex.quote(a) for a in ['dbanon'] + self.cmd[1:])


child_env = cli.child_env


def run(args, cwd, stdin=None, env=None, timeout=TIMEOUT, keep=1 << 20, sha=False, prefix=None,
        on_start=None, stdout_path=None):
    """Runs dbanon. `stdin`: bytes, a generator of bytes chunks, a path
    (str), or None (/dev/null). stdout is read as it comes: the first `keep`
    bytes are kept, its length counted, optionally hashed, and searched for
    SECRETMARKERCFG across chunk boundaries. `on_start(proc)` runs in a
    thread once the process has started (to send signals)."""
    r = Result()
    r.cmd = (prefix or []) + [BIN] + list(args)
    stdin_file = None
    if isinstance(stdin, str):
        stdin_file = open(stdin, 'rb')
        stdin_arg = stdin_file
    elif stdin is None:
        stdin_arg = subprocess.DEVNULL
    else:
        stdin_arg = subprocess.PIPE
    out_file = open(stdout_path, 'wb') if stdout_path else None
    t0 = time.time()
    p = subprocess.Popen(r.cmd, cwd=cwd, stdin=stdin_arg, stdout=out_file or subprocess.PIPE,
                         stderr=subprocess.PIPE, env=child_env(env))
    if stdin_file:
        stdin_file.close()
    if out_file:
        out_file.close()
    threads = []

    def feed():
        try:
            if isinstance(stdin, (bytes, bytearray)):
                p.stdin.write(stdin)
            else:
                for chunk in stdin:
                    p.stdin.write(chunk)
        except (BrokenPipeError, ConnectionResetError, ValueError, OSError):
            pass  # dbanon stopped reading: that is its right
        finally:
            try:
                p.stdin.close()
            except OSError:
                pass

    def drain_out():
        h = hashlib.sha256() if sha else None
        tail = b''
        kept = []
        kept_len = 0
        while True:
            chunk = p.stdout.read(1 << 20)
            if not chunk:
                break
            r.out_len += len(chunk)
            if h:
                h.update(chunk)
            if kept_len < keep:
                kept.append(chunk[:keep - kept_len])
                kept_len += len(kept[-1])
            if SECRET_CFG in tail + chunk[:len(SECRET_CFG)] or SECRET_CFG in chunk:
                r.cfg_leak = True
            tail = chunk[-len(SECRET_CFG):]
        r.out = b''.join(kept)
        r.out_sha = h.hexdigest() if h else None

    def drain_err():
        r.err = p.stderr.read()

    if stdin_arg is subprocess.PIPE:
        threads.append(threading.Thread(target=feed, daemon=True))
    if not out_file:
        threads.append(threading.Thread(target=drain_out, daemon=True))
    threads.append(threading.Thread(target=drain_err, daemon=True))
    if on_start:
        threads.append(threading.Thread(target=on_start, args=(p,), daemon=True))
    for t in threads:
        t.start()
    # Wait without polling (a run of a small dump takes a few ms; thousands
    # of them run per suite); a timer kills a run that hangs.
    lock = threading.Lock()
    state = {'reaped': False, 'killed': False}

    def on_timeout():
        with lock:
            if not state['reaped']:
                state['killed'] = True
                p.kill()
    timer = threading.Timer(timeout, on_timeout)
    timer.start()
    _, status, usage = os.wait4(p.pid, 0)
    with lock:
        state['reaped'] = True
    timer.cancel()
    p.returncode = -1  # reaped here: keep Popen from waiting again
    if state['killed']:
        r.rc = 'timeout'
    r.seconds = time.time() - t0
    r.maxrss_mb = usage.ru_maxrss / 1024.0
    if r.rc is None:
        r.rc = os.waitstatus_to_exitcode(status)
    for t in threads:
        t.join(timeout=30)
    return r


def common_errors(r, cfg_values_secret=True, exits=(0, 2, 3, 4)):
    """What no run may ever do, whatever the input."""
    errs = cli.crash_errors(r)
    if r.rc != 'timeout' and r.rc >= 0 and r.rc not in exits:
        errs.insert(0, f'exit {r.rc} (expected one of {exits})')
    if SECRET in r.err:
        errs.append('stderr contains a cell value (SECRETMARKER)')
    if cfg_values_secret and r.rc == 0 and (r.cfg_leak or SECRET_CFG in r.out):
        errs.append('a configured value is in the output in clear (SECRETMARKERCFG)')
    if r.rc in (2, 3, 4) and not r.err.strip():
        errs.append(f'exit {r.rc} without a message')
    return errs


# A clean error: "NAME:LINE:COL: message", "NAME:byte N: message" (archives)
# or "NAME: message" (compressed data, I/O), one line.
POSITIONED = cli.POSITIONED
# A position is welcome too: a byte offset, or a line and column (an archive
# cut inside its first 5 bytes is not recognised as one: it is read as SQL).
NAMED = re.compile(rb'^[^\n:]+:(?:byte \d+:|\d+:\d+:)? \S.*$', re.M)


def write(path, data):
    cli.write(os.path.dirname(path), os.path.basename(path), data)


read = cli.read


def no_temp_files(d, allowed):
    left = sorted(set(os.listdir(d)) - set(allowed))
    return [f'left in the output folder: {left}'] if left else []


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

CASES = []


def case(name):
    def deco(f):
        CASES.append((name, f))
        return f
    return deco


def parallel_map(fn, items):
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(2, (os.cpu_count() or 2))) as ex:
        return list(ex.map(fn, items))


# Real dumps, each with the name dbanon sees and what a clean error there
# looks like (archives and compressed data give byte offsets or no position).
REAL_DUMPS = [
    ('copy.sql', 'in.sql', POSITIONED),
    ('inserts.sql', 'in.sql', POSITIONED),
    ('mysql.sql', 'in.sql', POSITIONED),
    ('sqlite.sql', 'in.sql', POSITIONED),
    ('custom.dump', 'in.dump', POSITIONED),
    ('custom-gz.dump', 'in.dump', NAMED),
]


# A flip may rename the configured table or column. Both are config/dump
# mismatches (exit 2): an absent configured table (its data, under another
# name, is not configured) and a configured column missing from the dump's
# column list.
TABLE_ABSENT = b'is configured but the dump holds no such table'
COLUMN_ABSENT = b"is not in the dump's column list"
TABLE_NAME = re.compile(rb'customer|public')  # the configured table's name and schema


def check_variant(d, name, data, err_re, plain, newline_flips=0, renamed=False):
    """Runs dbanon on one cut or flipped dump; returns error strings.
    `newline_flips`: how many flips wrote a LF byte (a LF inside a value that
    is replaced disappears with it); `renamed`: a flip changed a byte of the
    configured table's name or schema somewhere."""
    path = os.path.join(d, name)
    write(path, data)
    r = run(['-j2', '-c', 'cfg.toml', name], d, timeout=30)
    # A configured value in clear is acceptable only when a flip renamed the
    # table and dbanon warned that the configured table does not appear in
    # the dump (the warning alone would also excuse a damaged statement that
    # hid the table's data).
    errs = common_errors(r, cfg_values_secret=not (renamed and TABLE_ABSENT in r.err))
    lines_in, lines_out = data.count(b'\n'), r.out.count(b'\n')
    if r.rc == 0 and plain and abs(lines_in - lines_out) > newline_flips:
        errs.append(f'output has {lines_out} lines, input {lines_in}')
    if r.rc in (3, 4) and not err_re.search(r.err):
        errs.append(f'error without a position: {r.err[:200]!r}')
    if r.rc == 2 and COLUMN_ABSENT not in r.err and TABLE_ABSENT not in r.err:
        errs.append(f'exit 2 (usage/config) for a data problem: {r.err[:200]!r}')
    return errs


def variant_case(dump, variants):
    """Runs every variant of `dump` ((label, data) or (label, data,
    newline_flips, renamed)); returns the first failures."""
    src, name, err_re = dump
    plain = name.endswith('.sql')

    def one(item):
        label, data = item[0], item[1]
        newline_flips, renamed = item[2:4] if len(item) > 2 else (0, False)
        with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
            write(os.path.join(d, 'cfg.toml'), CUSTOMER_CFG)
            errs = check_variant(d, name, data, err_re, plain, newline_flips, renamed)
            return [f'{label}: {e}' for e in errs]
    failures = [e for errs in parallel_map(one, variants) for e in errs]
    return failures[:8]


# Every offset and 400 flips per dump on release builds. Under sanitizers
# (the second pass of the suite in .ci/run, where a run costs ~5x and the
# fuzz targets search the same parsers in process) every offset of the first
# and last EDGE bytes (headers, preambles, trailers), every STRIDE-th in
# between, and 40 flips: about 1,500 runs instead of 4,900.
EDGE = 48


def stride():
    return 23 if SANITIZED else 1


def flips():
    return 40 if SANITIZED else 400


for _dump in REAL_DUMPS:
    def _cut(dump=_dump):
        data = read(os.path.join(DATA, dump[0]))
        s = stride()
        offsets = [k for k in range(len(data) + 1) if s == 1 or k < EDGE or k > len(data) - EDGE or k % s == 0]
        return variant_case(dump, [(f'cut at byte {k}', data[:k]) for k in offsets])
    case(f'{_dump[0]} cut at every byte offset: a clean error with a position or a valid dump')(_cut)

    def _flip(dump=_dump):
        data = read(os.path.join(DATA, dump[0]))
        rng = random.Random(dump[0])
        special = b'\t\n\r\\\'";(),$-/*\x00\xff\x80 0N.'
        names = [range(m.start(), m.end()) for m in TABLE_NAME.finditer(data)]
        variants = []
        for i in range(flips()):
            b = bytearray(data)
            newline_flips = 0
            renamed = False
            for _ in range(rng.randint(1, 3)):
                k = rng.randrange(len(b))
                b[k] = rng.choice(special) if rng.random() < 0.7 else rng.randrange(256)
                newline_flips += b[k] == 0x0a
                renamed = renamed or (b[k] != data[k] and any(k in span for span in names))
            variants.append((f'flip variant {i}', bytes(b), newline_flips, renamed))
        return variant_case(dump, variants)
    case(f'{_dump[0]} with random byte flips: a clean error or a valid dump')(_flip)


def _gz_copy_cut():
    data = gzip.compress(read(os.path.join(DATA, 'copy.sql')), 6, mtime=0)
    offsets = range(0, len(data) + 1, stride())
    return variant_case(('copy.sql.gz', 'in.sql.gz', NAMED), [(f'cut at byte {k}', data[:k]) for k in offsets])


case('a gzip-compressed dump cut at every byte offset: a clean error or a valid dump')(_gz_copy_cut)


def dir_archive_case(victim):
    """The directory archive with `victim` (toc.dat or a data file) cut at
    every offset: a clean error, no output folder and no temporary folder
    left; or a valid archive."""
    def f():
        src = os.path.join(DATA, 'dir.dump')
        files = sorted(os.listdir(src))
        name = victim if victim != 'data' else max((n for n in files if n.endswith('.dat') and n != 'toc.dat'),
                                                     key=lambda n: os.path.getsize(os.path.join(src, n)))
        data = read(os.path.join(src, name))

        def one(k):
            with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
                shutil.copytree(src, os.path.join(d, 'in.dir'))
                write(os.path.join(d, 'in.dir', name), data[:k])
                write(os.path.join(d, 'cfg.toml'), CUSTOMER_CFG)
                r = run(['-j2', '-c', 'cfg.toml', '-o', 'out.dir', 'in.dir'], d, timeout=30)
                errs = common_errors(r)
                if r.rc in (3, 4) and not NAMED.search(r.err):
                    errs.append(f'error without the file named: {r.err[:200]!r}')
                if r.rc != 0:
                    errs += no_temp_files(d, ['in.dir', 'cfg.toml'])
                else:
                    for n in os.listdir(os.path.join(d, 'out.dir')):
                        if SECRET_CFG in read(os.path.join(d, 'out.dir', n)):
                            errs.append(f'out.dir/{n} holds a configured value in clear')
                return [f'{name} cut at byte {k}: {e}' for e in errs]
        offsets = range(0, len(data) + 1, stride())
        return [e for errs in parallel_map(one, offsets) for e in errs][:8]
    return f


case('directory archive with toc.dat cut at every byte offset: a clean error, nothing left')(
    dir_archive_case('toc.dat'))
case('directory archive with a data file cut at every byte offset: a clean error, nothing left')(
    dir_archive_case('data'))


# --- Huge inputs -----------------------------------------------------------

def big_size():
    return (2 << 30) if FULL else (256 << 20)


def rss_limit_mb():
    return 1500 if SANITIZED else 400


def repeat(piece, total, head=b'', tail=b''):
    """Yields head, then `piece` repeated to `total` bytes, then tail."""
    yield head
    block = piece * max(1, (1 << 20) // len(piece))
    left = total
    while left > 0:
        n = min(left, len(block))
        yield block[:n]
        left -= n
    yield tail


def sha_of(gen_fn):
    h = hashlib.sha256()
    n = 0
    for c in gen_fn():
        h.update(c)
        n += len(c)
    return h.hexdigest(), n


def big_line_case(head, tail, configured):
    size = big_size()

    def gen():
        return repeat(b'x', size, head, tail)

    def f():
        with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
            write(os.path.join(d, 'cfg.toml'), CUSTOMER_CFG)
            # An unconfigured input: the config's table is absent (--allow-missing).
            args = ['-c', 'cfg.toml'] + ([] if configured else ['--allow-missing'])
            r = run(args, d, stdin=gen(), sha=not configured, keep=4096, timeout=600)
            errs = common_errors(r)
            if configured:
                # Cut field by field (parsers/pg_copy.h CopyRowCutter): the
                # long field streams through, the e-mail is rewritten.
                if r.rc != 0:
                    errs.append(f'exit {r.rc}, expected 0: {r.err[:200]!r}')
                elif r.out_len < size:
                    errs.append(f'output of {r.out_len} bytes, shorter than the row')
            else:
                want_sha, want_len = sha_of(gen)
                if r.rc != 0:
                    errs.append(f'exit {r.rc}, expected 0: {r.err[:200]!r}')
                elif r.out_len != want_len or r.out_sha != want_sha:
                    errs.append(f'output differs from the input ({r.out_len} bytes, expected {want_len})')
            if r.maxrss_mb > rss_limit_mb():
                errs.append(f'peak RSS {r.maxrss_mb:.0f} MB, limit {rss_limit_mb()} MB')
            return errs
    return f


case('a 2 GiB line in an unconfigured COPY block passes through in bounded memory')(big_line_case(
    b'COPY public.other (id, payload) FROM stdin;\n1\t', b'\n\\.\n', False))
case('a 2 GiB SQL comment line passes through in bounded memory')(big_line_case(b'-- ', b'\nSELECT 1;\n', False))
case('a 2 GiB row of a configured table is anonymized in bounded memory')(big_line_case(
    b'COPY public.customer (id, email, name, note) FROM stdin;\n1\tSECRETMARKERCFG@x\tn\t', b'\n\\.\n', True))
def big_insert_case(head, tail):
    def f():
        size = big_size()
        with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
            write(os.path.join(d, 'cfg.toml'), CUSTOMER_CFG)
            r = run(['-c', 'cfg.toml'], d, stdin=repeat(b'y', size, head, tail), keep=4096, timeout=600)
            errs = common_errors(r)
            if r.rc not in (0, 3):
                errs.append(f'exit {r.rc}, expected 0 or 3')
            if r.rc == 0 and r.out_len < size:
                errs.append(f'output of {r.out_len} bytes lost the long value')
            if r.maxrss_mb > rss_limit_mb():
                errs.append(f'peak RSS {r.maxrss_mb:.0f} MB, limit {rss_limit_mb()} MB')
            return errs
    return f


case('a 2 GiB value in a pg INSERT of a configured table: rewritten or refused, in bounded memory')(big_insert_case(
    b'CREATE TABLE public.customer (id integer, email text, name text, note text);\n'
    b"INSERT INTO public.customer VALUES (1, 'SECRETMARKERCFG1@x', 'n', '", b"');\n"))
case('a 2 GiB value in a MySQL INSERT of a configured table: rewritten or refused, in bounded memory')(
    big_insert_case(b'-- MySQL dump 10.19  Distrib 10.11.6-MariaDB\n'
                    b'CREATE TABLE `customer` (\n  `id` int(11),\n  `email` varchar(200),\n  `name` text,\n'
                    b"  `note` longtext\n);\nINSERT INTO `customer` VALUES (1,'SECRETMARKERCFG1@x','n','",
                    b"'),(2,'SECRETMARKERCFG2@x','n','short');\n"))
case('a 2 GiB value in a SQLite INSERT of a configured table: rewritten or refused, in bounded memory')(
    big_insert_case(b'PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n'
                    b'CREATE TABLE customer (id integer, email text, name text, note text);\n'
                    b"INSERT INTO customer VALUES(1,'SECRETMARKERCFG1@x','n','", b"');\nCOMMIT;\n"))


def unclosed_held_case(head, fmt):
    """A statement dbanon holds whole (to read it) whose literal, quoted name
    or comment the input never closes: refused once past the statement's
    limit, without holding the rest of the input."""
    def f():
        size = big_size()
        with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
            write(os.path.join(d, 'cfg.toml'), CUSTOMER_CFG)
            r = run(['-c', 'cfg.toml', '--format', fmt], d, stdin=repeat(b'z', size, head), keep=4096, timeout=600)
            errs = common_errors(r)
            if r.rc != 3:
                errs.append(f'exit {r.rc}, expected 3: {r.err[:200]!r}')
            # The statements' limits are 1 to 4 MiB; holding the input to its
            # end (2 GiB with FULL) is far past the limit.
            if r.maxrss_mb > rss_limit_mb():
                errs.append(f'peak RSS {r.maxrss_mb:.0f} MB, limit {rss_limit_mb()} MB: the statement was held '
                            'to the end of the input')
            return errs
    return f


for _name, _head, _fmt in [
        ('MySQL USE with an unclosed quoted name', b'USE `', 'mysql'),
        ('MySQL INSERT head with an unclosed quoted name', b'INSERT INTO `customer` (`', 'mysql'),
        ('MySQL SET with an unclosed string', b"SET sql_mode = '", 'mysql'),
        ('MySQL CREATE TABLE with an unclosed DEFAULT string',
         b"CREATE TABLE `t` (`a` text DEFAULT '", 'mysql'),
        ('MySQL ALTER TABLE with an unclosed comment', b'ALTER TABLE `customer` ADD COLUMN `x` int /* ', 'mysql'),
        ('SQLite CREATE TABLE with an unclosed DEFAULT string',
         b"PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE t (a text DEFAULT '", 'sqlite'),
        ('PostgreSQL INSERT head with an unclosed quoted name', b'INSERT INTO public.customer (id, "', 'postgres'),
        ('PostgreSQL INSERT ... SELECT with an unclosed string',
         b"INSERT INTO public.customer (id, email) SELECT 1, '", 'postgres')]:
    case(f'{_name}, never closed: refused in bounded memory')(unclosed_held_case(_head, _fmt))


def copy_dump(table, columns, rows):
    hdr = f'COPY {table} ({", ".join(columns)}) FROM stdin;\n'.encode()
    return hdr + b''.join(rows) + b'\\.\n'


def archive_first_toc_string():
    """The offset, in hostile_data/custom.dump, of the length of the first
    TOC entry's first string (pg_backup_archiver.c ReadHead, ReadToc)."""
    data = read(os.path.join(DATA, 'custom.dump'))
    int_size = data[8]
    pos = 11
    version = (data[5], data[6])
    pos += 1 if version >= (1, 15) else 1 + int_size   # compression
    pos += 7 * (1 + int_size)                           # creation time

    def skip_str(p):
        n = int.from_bytes(data[p + 1:p + 1 + int_size], 'little')
        return p + 1 + int_size + (0 if data[p] else n)
    for _ in range(3):                                  # dbname, versions
        pos = skip_str(pos)
    pos += 1 + int_size                                 # TOC entry count
    pos += 2 * (1 + int_size)                           # dumpId, hadDumper
    return data, int_size, pos


@case('a custom archive whose TOC claims a 3 GiB string: refused in bounded memory')
def _huge_toc_string():
    data, int_size, at = archive_first_toc_string()
    claimed = 3 << 30
    patched = data[:at] + b'\0' + claimed.to_bytes(int_size, 'little') + data[at + 1 + int_size:]
    size = claimed + (256 << 20) if FULL else (512 << 20)
    with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
        write(os.path.join(d, 'cfg.toml'), CUSTOMER_CFG)
        r = run(['-c', 'cfg.toml', '-o', 'out.dump'], d, stdin=repeat(b'\0', size, patched), timeout=600)
        errs = common_errors(r)
        if r.rc not in (3, 4):
            errs.append(f'exit {r.rc}, expected 3 (refused) or 4: {r.err[:200]!r}')
        # The header and TOC are held whole, up to a limit of 1 GiB (real ones
        # are at most a few hundred MB); more is refused.
        limit = rss_limit_mb() + 2200
        if r.maxrss_mb > limit:
            errs.append(f'peak RSS {r.maxrss_mb:.0f} MB, limit {limit} MB: the TOC is read without bound')
        return errs + no_temp_files(d, ['cfg.toml'])


@case('10,000 columns in one table: the configured ones are rewritten, the rest kept')
def _wide():
    n = 10000
    cols = [f'c{i}' for i in range(n)]
    rows = []
    for r_ in range(50):
        vals = [f'SECRETMARKERCFG{r_}@x.invalid' if i in (0, n - 1) else f'v{r_}_{i}' for i in range(n)]
        rows.append(('\t'.join(vals) + '\n').encode())
    dump = copy_dump('public.wide', cols, rows)
    with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
        write(os.path.join(d, 'in.sql'), dump)
        write(os.path.join(d, 'cfg.toml'), f'salt = "{SALT}"\n[tables.wide]\nc0 = "email"\nc9999 = "md5"\n')
        r = run(['-c', 'cfg.toml', 'in.sql'], d, keep=1 << 30)
        errs = common_errors(r)
        if r.rc != 0:
            return errs + [f'exit {r.rc}: {r.err[:200]!r}']
        in_rows, out_rows = dump.split(b'\n'), r.out.split(b'\n')
        if len(in_rows) != len(out_rows):
            return errs + ['line count changed']
        for a, b in zip(in_rows[1:-2], out_rows[1:-2]):
            fa, fb = a.split(b'\t'), b.split(b'\t')
            if len(fa) != n or len(fb) != n or fa[1:-1] != fb[1:-1] or fa[0] == fb[0] or fa[-1] == fb[-1]:
                return errs + ['a row was not rewritten field for field']
        return errs


@case('a 10 KB table and column name: configured by name and rewritten')
def _long_ident():
    tname = 'T' * 10240
    cname = 'c' * 10240
    dump = copy_dump(f'public."{tname}"', ['id', f'"{cname}"'],
                     [f'{i}\tSECRETMARKERCFG{i}@x.invalid\n'.encode() for i in range(10)])
    with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
        write(os.path.join(d, 'in.sql'), dump)
        write(os.path.join(d, 'cfg.toml'), f'salt = "{SALT}"\n[tables."{tname}"]\n{cname} = "email"\n')
        r = run(['-c', 'cfg.toml', 'in.sql'], d)
        errs = common_errors(r)
        if r.rc != 0:
            errs.append(f'exit {r.rc}: {r.err[:200]!r}')
        elif r.out.count(b'@example.com') != 10:
            errs.append('not every row was rewritten')
        return errs


@case('a 2 MiB identifier in a COPY statement is refused (exit 3), not held without bound')
def _huge_ident():
    dump = copy_dump('public."' + 'T' * (2 << 20) + '"', ['id'], [b'1\n'])
    with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
        write(os.path.join(d, 'in.sql'), dump)
        write(os.path.join(d, 'cfg.toml'), CUSTOMER_CFG)
        r = run(['-c', 'cfg.toml', 'in.sql'], d)
        errs = common_errors(r)
        if r.rc != 3:
            errs.append(f'exit {r.rc}, expected 3: {r.err[:200]!r}')
        return errs


@case('100,000 tables: every block framed, the configured one rewritten, in reasonable time')
def _many_tables():
    n = 100000
    parts = []
    for i in range(n):
        parts.append(f'COPY public.t{i} (id, email) FROM stdin;\n{i}\tv{i}@x.invalid\n\\.\n\n'.encode())
    parts.insert(n // 2, b'COPY public.customer (id, email) FROM stdin;\n1\tSECRETMARKERCFG1@x.invalid\n\\.\n\n')
    # Every table's CREATE TABLE: in a data-only dump, unconfigured tables
    # with the configured ones' columns may be their INHERITS children, and
    # the run is refused (RunPlan::Finish).
    ddl = [b'CREATE TABLE public.customer (id integer, email text);\n']
    ddl += [f'CREATE TABLE public.t{i} (id integer, email text);\n'.encode() for i in range(n)]
    dump = b''.join(ddl) + b'\n' + b''.join(parts)
    with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
        write(os.path.join(d, 'in.sql'), dump)
        cfg = CUSTOMER_CFG + ''.join(f'[tables.t{i}]\nemail = "md5"\n' for i in range(0, n, 100))
        write(os.path.join(d, 'cfg.toml'), cfg)
        r = run(['-c', 'cfg.toml', 'in.sql'], d, keep=1 << 30, timeout=300)
        errs = common_errors(r)
        if r.rc != 0:
            return errs + [f'exit {r.rc}: {r.err[:200]!r}']
        if r.out.count(b'\n') != dump.count(b'\n'):
            errs.append('line count changed')
        if b'v100@x.invalid' in r.out or b'v101@x.invalid' not in r.out:
            errs.append('configured tables t0, t100, ... not rewritten or others changed')
        if r.seconds > (120 if SANITIZED else 30):
            errs.append(f'took {r.seconds:.0f}s')
        return errs


@case('JSON nested a million deep in a json column: null or unchanged, no crash')
def _deep_json():
    deep = b'[' * 1000000 + b']' * 1000000
    ok_deep = b'{"a":' * 50000 + b'"SECRETMARKERCFG@x"' + b'}' * 50000
    rows = [b'1\t' + deep + b'\n', b'2\t' + ok_deep + b'\n', b'3\t{"a":"SECRETMARKERCFG@y"}\n']
    dump = copy_dump('public.docs', ['id', 'doc'], rows)
    with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
        write(os.path.join(d, 'in.sql'), dump)
        write(os.path.join(d, 'cfg.toml'),
              f'salt = "{SALT}"\n[tables.docs]\ndoc = {{ anonymizer = "json", options = {{ paths = '
              '{ "$.a" = "email", "$.a.a" = "md5" } } }\n')
        r = run(['-c', 'cfg.toml', 'in.sql'], d, keep=1 << 30)
        errs = common_errors(r)
        if r.rc != 0:
            return errs + [f'exit {r.rc}: {r.err[:200]!r}']
        lines = r.out.split(b'\n')
        if lines[1] != b'1\tnull':
            errs.append('a value nested beyond the limit did not become null')
        if not lines[2].startswith(b'2\t{"a":{"a":'):
            errs.append('a deep but valid value lost its structure')
        if b'SECRETMARKERCFG@y' in r.out:
            errs.append('the configured JSON path was not rewritten')
        return errs


@case('invalid UTF-8 and NUL bytes in values and SQL: passed through or rewritten, never mangled')
def _bytes():
    raw = b'\xff\xfe\x00\xc3\x28 \xed\xa0\x80 \x00'
    dump = (b'SELECT \'' + raw + b'\';\n-- ' + raw + b'\n' +
            copy_dump('public.customer', ['id', 'email', 'note'],
                      [b'1\tSECRETMARKERCFG' + raw + b'@x\t' + raw + b'\n', b'2\t' + raw + b'\tn\n']) +
            b"INSERT INTO public.other VALUES (1, '" + raw + b"');\n")
    with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
        write(os.path.join(d, 'in.sql'), dump)
        write(os.path.join(d, 'cfg.toml'), CUSTOMER_CFG)
        r = run(['-c', 'cfg.toml', 'in.sql'], d)
        errs = common_errors(r)
        if r.rc != 0:
            return errs + [f'exit {r.rc}: {r.err[:200]!r}']
        a, b = dump.split(b'\n'), r.out.split(b'\n')
        if len(a) != len(b):
            return errs + ['line count changed']
        for i, (x, y) in enumerate(zip(a, b)):
            if i in (3, 4):  # the two COPY rows: only the email field may change
                fx, fy = x.split(b'\t'), y.split(b'\t')
                if fx[0] != fy[0] or fx[2] != fy[2] or fx[1] == fy[1]:
                    errs.append(f'row {i + 1} not rewritten field for field')
            elif x != y:
                errs.append(f'line {i + 1} changed')
        return errs


@case('a 16 MiB file of zeros: passed through or refused, bounded')
def _zeros():
    with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
        write(os.path.join(d, 'in.sql'), b'\0' * (16 << 20))
        write(os.path.join(d, 'cfg.toml'), CUSTOMER_CFG)
        r = run(['-c', 'cfg.toml', 'in.sql'], d, sha=True, keep=0)
        errs = common_errors(r)
        if r.rc == 0 and r.out_sha != hashlib.sha256(b'\0' * (16 << 20)).hexdigest():
            errs.append('output differs from the input')
        if r.rc not in (0, 3):
            errs.append(f'exit {r.rc}, expected 0 or 3')
        if r.maxrss_mb > rss_limit_mb():
            errs.append(f'peak RSS {r.maxrss_mb:.0f} MB')
        return errs


@case('an empty file with a config: refused (exit 3), nothing at -o')
def _empty():
    with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
        write(os.path.join(d, 'in.sql'), b'')
        write(os.path.join(d, 'cfg.toml'), CUSTOMER_CFG)
        r = run(['-c', 'cfg.toml', 'in.sql', '-o', 'out.sql'], d)
        errs = common_errors(r)
        if r.rc != 3:
            errs.append(f'exit {r.rc}, expected 3')
        if b'in.sql:1:1: the input is empty' not in r.err:
            errs.append(f'no positioned message: {r.err[:200]!r}')
        return errs + no_temp_files(d, ['in.sql', 'cfg.toml'])


def gzip_bomb(path, size, head=b'', piece=b'\0'):
    """Writes a gzip file that expands to head + `size` bytes of `piece`."""
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    with open(path, 'wb') as f:
        f.write(c.compress(head))
        block = piece * ((8 << 20) // len(piece))
        left = size
        while left > 0:
            n = min(left, len(block))
            f.write(c.compress(block[:n]))
            left -= n
        f.write(c.flush())


@case('a gzip bomb of zeros: streamed in bounded memory, or refused')
def _bomb():
    size = (5 << 30) if FULL else (1 << 30)  # past 4 GiB: 32-bit sizes wrap
    with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
        gzip_bomb(os.path.join(d, 'in.sql.gz'), size)
        write(os.path.join(d, 'cfg.toml'), CUSTOMER_CFG)
        r = run(['-c', 'cfg.toml', 'in.sql.gz'], d, keep=0, timeout=900)
        errs = common_errors(r)
        if r.rc not in (0, 3):
            errs.append(f'exit {r.rc}, expected 0 or 3')
        if r.rc == 0 and r.out_len != size:
            errs.append(f'output of {r.out_len} bytes, expected {size}')
        if r.maxrss_mb > rss_limit_mb():
            errs.append(f'peak RSS {r.maxrss_mb:.0f} MB, limit {rss_limit_mb()} MB')
        return errs


@case('a gzip bomb inside a configured row: refused quickly (exit 3) in bounded memory')
def _bomb_row():
    with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
        gzip_bomb(os.path.join(d, 'in.sql.gz'), 4 << 30,
                  b'COPY public.customer (id, email) FROM stdin;\n1\tSECRETMARKERCFG', b'a')
        write(os.path.join(d, 'cfg.toml'), CUSTOMER_CFG)
        r = run(['-c', 'cfg.toml', 'in.sql.gz', '-o', 'out.sql'], d, timeout=300)
        errs = common_errors(r)
        if r.rc != 3:
            errs.append(f'exit {r.rc}, expected 3: {r.err[:200]!r}')
        if r.maxrss_mb > rss_limit_mb():
            errs.append(f'peak RSS {r.maxrss_mb:.0f} MB, limit {rss_limit_mb()} MB')
        return errs + no_temp_files(d, ['in.sql.gz', 'cfg.toml'])


# --- Faults ----------------------------------------------------------------

def medium_dump(rows=40000):
    parts = [b'COPY public.customer (id, email, note) FROM stdin;\n']
    for i in range(rows):
        parts.append(f'{i}\tSECRETMARKERCFG{i}@x.invalid\tnote SECRETMARKER {i} {"z" * 40}\n'.encode())
    parts.append(b'\\.\n')
    return b''.join(parts)


PREVIOUS = b'previous output, must survive a failed run\n'


def fault_setup(d, dump=None):
    write(os.path.join(d, 'in.sql'), dump if dump is not None else medium_dump())
    write(os.path.join(d, 'cfg.toml'), CUSTOMER_CFG)
    write(os.path.join(d, 'out.sql'), PREVIOUS)


def fault_checks(d, r, rc, message, allowed=('in.sql', 'cfg.toml', 'out.sql')):
    errs = common_errors(r, exits=(rc,))
    if r.rc != rc:
        errs.append(f'exit {r.rc}, expected {rc}: {r.err[:300]!r}')
    if message and message.encode() not in r.err:
        errs.append(f'stderr does not say {message!r}: {r.err[:300]!r}')
    if os.path.exists(os.path.join(d, 'out.sql')) and read(os.path.join(d, 'out.sql')) != PREVIOUS:
        errs.append('the existing out.sql was changed')
    return errs + no_temp_files(d, allowed)


@case('disk full (ulimit -f) with -o: exit 4, temp file removed, existing output untouched')
def _ulimit_o():
    with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
        fault_setup(d)
        r = run(['-c', 'cfg.toml', '-o', 'out.sql', 'in.sql'], d,
                prefix=['bash', '-c', 'ulimit -f 256 && exec "$@"', 'bash'])
        return fault_checks(d, r, 4, 'File too large')


@case('disk full (ulimit -f) on redirected stdout: exit 4 with a message')
def _ulimit_stdout():
    with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
        fault_setup(d)
        r = run(['-c', 'cfg.toml', 'in.sql'], d, prefix=['bash', '-c', 'ulimit -f 256 && exec "$@"', 'bash'],
                stdout_path=os.path.join(d, 'redirected.sql'))
        errs = common_errors(r)
        if r.rc != 4:
            errs.append(f'exit {r.rc}, expected 4: {r.err[:300]!r}')
        if b'File too large' not in r.err:
            errs.append(f'stderr does not name the error: {r.err[:300]!r}')
        return errs


@case('disk full on a 1 MiB tmpfs with -o: exit 4, temp file removed, existing output untouched')
def _tmpfs():
    with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
        mnt = os.path.join(d, 'small')
        os.mkdir(mnt)
        if subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt],
                          capture_output=True).returncode != 0:
            return 'SKIP mount not permitted here (ulimit -f covers disk full)'
        try:
            write(os.path.join(d, 'in.sql'), medium_dump())
            write(os.path.join(d, 'cfg.toml'), CUSTOMER_CFG)
            write(os.path.join(mnt, 'out.sql'), PREVIOUS)
            r = run(['-c', 'cfg.toml', '-o', os.path.join(mnt, 'out.sql'), 'in.sql'], d)
            errs = common_errors(r)
            if r.rc != 4:
                errs.append(f'exit {r.rc}, expected 4: {r.err[:300]!r}')
            if b'No space left on device' not in r.err:
                errs.append(f'stderr does not name the error: {r.err[:300]!r}')
            if read(os.path.join(mnt, 'out.sql')) != PREVIOUS:
                errs.append('the existing out.sql was changed')
            return errs + no_temp_files(mnt, ['out.sql'])
        finally:
            subprocess.run(['umount', mnt], capture_output=True)


def as_unprivileged(d):
    """A command prefix that drops root, so that file modes apply; the
    folder and the binary must be reachable by `nobody`."""
    if os.geteuid() != 0:
        return []
    if not shutil.which('setpriv'):
        return None
    os.chmod(d, 0o755)
    return ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']


@case('unwritable output folder: exit 4 naming it, nothing created')
def _unwritable():
    with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
        fault_setup(d)
        ro = os.path.join(d, 'ro')
        os.mkdir(ro)
        write(os.path.join(ro, 'out.sql'), PREVIOUS)
        os.chmod(ro, 0o555)
        for f in ('in.sql', 'cfg.toml'):
            os.chmod(os.path.join(d, f), 0o644)
        prefix = as_unprivileged(d)
        if prefix is None:
            return 'SKIP running as root without setpriv'
        r = run(['-c', 'cfg.toml', '-o', 'ro/out.sql', 'in.sql'], d, prefix=prefix)
        if prefix and r.rc in (126, 127):
            return [f'cannot run the binary as nobody (its folders must be world-readable): {r.err[:200]!r}']
        errs = common_errors(r)
        if r.rc != 4:
            errs.append(f'exit {r.rc}, expected 4: {r.err[:300]!r}')
        if b'ro/out.sql' not in r.err:
            errs.append(f'stderr does not name the output: {r.err[:300]!r}')
        os.chmod(ro, 0o755)
        if read(os.path.join(ro, 'out.sql')) != PREVIOUS:
            errs.append('the existing ro/out.sql was changed')
        return errs + no_temp_files(ro, ['out.sql'])


READ_FAULT_C = r'''
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>
/* read() on descriptor 0 fails with EIO once DBANON_TEST_READ_LIMIT bytes
   were read: a disk error in the middle of the input. */
static ssize_t (*real_read)(int, void*, size_t);
static long long done;
ssize_t read(int fd, void* buf, size_t n) {
  if (!real_read) real_read = (ssize_t (*)(int, void*, size_t))dlsym(RTLD_NEXT, "read");
  if (fd == 0) {
    const char* lim = getenv("DBANON_TEST_READ_LIMIT");
    if (lim && done >= atoll(lim)) { errno = EIO; return -1; }
    ssize_t r = real_read(fd, buf, n);
    if (r > 0) done += r;
    return r;
  }
  return real_read(fd, buf, n);
}
'''


@case('read error in the middle of the input: exit 4, temp file removed, existing output untouched')
def _read_error():
    cc = shutil.which('cc') or shutil.which('gcc') or shutil.which('clang')
    if not cc:
        return 'SKIP no C compiler for the read-fault shim'
    with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
        fault_setup(d, medium_dump(200000))
        write(os.path.join(d, 'shim.c'), READ_FAULT_C)
        c = subprocess.run([cc, '-shared', '-fPIC', '-O1', '-o', os.path.join(d, 'shim.so'),
                            os.path.join(d, 'shim.c'), '-ldl'], capture_output=True)
        if c.returncode != 0:
            return [f'cannot build the shim: {c.stderr[:300]!r}']
        env = {'LD_PRELOAD': os.path.join(d, 'shim.so'), 'DBANON_TEST_READ_LIMIT': str(3 << 20),
               # ASan wants to be first in the library list; the shim goes first.
               'ASAN_OPTIONS': os.environ.get('ASAN_OPTIONS', '') + ':verify_asan_link_order=0'}
        r = run(['-c', 'cfg.toml', '-o', 'out.sql'], d, stdin=os.path.join(d, 'in.sql'), env=env)
        return fault_checks(d, r, 4, 'Input/output error',
                            allowed=('in.sql', 'cfg.toml', 'out.sql', 'shim.c', 'shim.so'))


def slow_feed(dump, first):
    """Sends `first` bytes, then the rest very slowly: the run is mid-way
    when the test signals it."""
    yield dump[:first]
    for i in range(first, len(dump), 4096):
        time.sleep(0.05)
        yield dump[i:i + 4096]


def signal_case(sig, rc, with_output=True, extra=()):
    def f():
        with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
            dump = medium_dump()
            fault_setup(d, dump)

            def killer(p):
                # Wait until the run is under way (the temp file exists or
                # some output came out), then signal it.
                for _ in range(400):
                    if any(n.startswith('.out.sql.dbanon') for n in os.listdir(d)) or not with_output:
                        break
                    time.sleep(0.01)
                time.sleep(0.3)
                try:
                    p.send_signal(sig)
                except ProcessLookupError:
                    pass
            args = list(extra) + ['-c', 'cfg.toml'] + (['-o', 'out.sql'] if with_output else [])
            r = run(args, d, stdin=slow_feed(dump, 1 << 20), on_start=killer, keep=1 << 30)
            errs = fault_checks(d, r, rc, None)
            if SECRET in r.err:
                errs.append('stderr contains a value')
            return errs
    return f


case('SIGINT mid-run with -o: exit 130, temp file removed, existing output untouched')(
    signal_case(signal.SIGINT, 130))
case('SIGTERM mid-run with -o: exit 143, temp file removed, existing output untouched')(
    signal_case(signal.SIGTERM, 143))
case('SIGHUP mid-run with -o: exit 129, temp file removed, existing output untouched')(
    signal_case(signal.SIGHUP, 129))
case('SIGINT mid-run on stdout: exit 130')(signal_case(signal.SIGINT, 130, with_output=False))
case('SIGTERM mid-run with -o out.sql.gz (compressed output): exit 143, nothing left')(
    lambda: signal_gz())


def signal_gz():
    with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
        dump = medium_dump()
        write(os.path.join(d, 'in.sql'), dump)
        write(os.path.join(d, 'cfg.toml'), CUSTOMER_CFG)

        def killer(p):
            for _ in range(400):
                if any(n.startswith('.out.sql.gz.dbanon') for n in os.listdir(d)):
                    break
                time.sleep(0.01)
            time.sleep(0.3)
            p.send_signal(signal.SIGTERM)
        r = run(['-c', 'cfg.toml', '-o', 'out.sql.gz'], d, stdin=slow_feed(dump, 1 << 20), on_start=killer)
        errs = common_errors(r, exits=(143,))
        if r.rc != 143:
            errs.append(f'exit {r.rc}, expected 143')
        return errs + no_temp_files(d, ['in.sql', 'cfg.toml'])


@case('-o onto a FIFO writes into it and leaves the FIFO in place')
def _fifo():
    with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
        dump = read(os.path.join(DATA, 'copy.sql'))
        write(os.path.join(d, 'in.sql'), dump)
        write(os.path.join(d, 'cfg.toml'), EMPTY_CFG)
        fifo = os.path.join(d, 'out.fifo')
        os.mkfifo(fifo)
        got = []

        def reader():
            with open(fifo, 'rb') as f:
                got.append(f.read())
        t = threading.Thread(target=reader, daemon=True)
        t.start()
        r = run(['--allow-missing', '-c', 'cfg.toml', '-o', 'out.fifo', 'in.sql'], d)
        t.join(timeout=2)
        if t.is_alive():
            # dbanon never opened the FIFO: unblock the reader. Non-blocking:
            # a reader that finished meanwhile leaves no partner (ENXIO), and a
            # blocking open would wait forever (it hung CI's ASan stage).
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
        t.join(timeout=10)
        errs = common_errors(r, cfg_values_secret=False)
        if r.rc != 0:
            errs.append(f'exit {r.rc}: {r.err[:300]!r}')
        if not stat.S_ISFIFO(os.lstat(fifo).st_mode):
            errs.append('out.fifo was replaced by a regular file')
        if not got or got[0] != dump:
            errs.append('the FIFO reader did not get the dump')
        return errs + no_temp_files(d, ['in.sql', 'cfg.toml', 'out.fifo'])


@case('-o onto a character device (a null device node) writes to it and keeps the node')
def _device():
    with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
        node = os.path.join(d, 'null')
        try:
            os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        except (PermissionError, OSError):
            return 'SKIP mknod not permitted here'
        write(os.path.join(d, 'in.sql'), read(os.path.join(DATA, 'copy.sql')))
        write(os.path.join(d, 'cfg.toml'), EMPTY_CFG)
        r = run(['--allow-missing', '-c', 'cfg.toml', '-o', 'null', 'in.sql'], d)
        errs = common_errors(r, cfg_values_secret=False)
        if r.rc != 0:
            errs.append(f'exit {r.rc}: {r.err[:300]!r}')
        if not stat.S_ISCHR(os.lstat(node).st_mode):
            errs.append('the device node was replaced by a regular file (as -o /dev/null would be)')
        return errs + no_temp_files(d, ['in.sql', 'cfg.toml', 'null'])


# --- No value in any message ----------------------------------------------

M = 'SECRETMARKER'
MC = 'SECRETMARKERCFG'
PG_CUSTOMER = 'CREATE TABLE public.customer (id integer, email text, note text);\n'
MY_HEAD = '-- MySQL dump 10.19  Distrib 10.11.6-MariaDB\n'
MY_CUSTOMER = 'CREATE TABLE `customer` (\n  `id` int(11),\n  `email` varchar(200),\n  `note` text\n);\n'
SQ_HEAD = 'PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n'
SQ_CUSTOMER = 'CREATE TABLE customer (id integer, email text, note text);\n'
COPY_HDR = 'COPY public.customer (id, email, note) FROM stdin;\n'

# (label, dump text, config or None for CUSTOMER_CFG[, 'ok']): every run
# fails, or with 'ok' succeeds (exit 0) with no marker in stdout or stderr.
ERROR_PATHS = [
    ('COPY row with too many fields', COPY_HDR + f'1\t{MC}@x\t{M}\t{M}\n\\.\n'),
    ('COPY row with too few fields', COPY_HDR + f'1\t{MC}@x\n\\.\n'),
    ('COPY row ending in a backslash', COPY_HDR + f'1\t{MC}@x\t{M}\\\n\\.\n'),
    # Rows ending in CR LF are read (issue 15); a block mixing endings is not, as COPY.
    ('COPY rows mixing LF and CR LF', COPY_HDR + f'1\t{MC}@x\t{M}\n2\t{MC}@y\t{M}\r\n\\.\n'),
    ('COPY block cut off mid-row', COPY_HDR + f'1\t{MC}@x\t{M}'),
    ('COPY block cut off before \\.', COPY_HDR + f'1\t{MC}@x\t{M}\n'),
    ('text after the COPY statement', COPY_HDR.replace(';\n', f'; {M}\n') + f'1\t{MC}@x\t{M}\n\\.\n'),
    ('COPY in CSV of a configured table',
     f"COPY public.customer (id, email, note) FROM stdin WITH (FORMAT csv);\n1,{MC}@x,{M}\n\\.\n"),
    ('configured column missing from the COPY list',
     f'COPY public.customer (id, note) FROM stdin;\n1\t{M}\n\\.\n'),
    ('unterminated string literal', f"SELECT '{M}"),
    ('unterminated quoted identifier', f'SELECT "{M}'),
    ('unterminated dollar quote', f'SELECT $$ {M}'),
    ('unterminated comment', f'/* {M}'),
    ('INSERT tuple with a wrong value count', PG_CUSTOMER + f"INSERT INTO public.customer VALUES (1, '{MC}@x');\n"),
    ('INSERT tuple with too many values',
     PG_CUSTOMER + f"INSERT INTO public.customer VALUES (1, '{MC}@x', '{M}', '{M}');\n"),
    ('INSERT with an unterminated string', PG_CUSTOMER + f"INSERT INTO public.customer VALUES (1, '{MC}@x, '{M});\n"),
    ('INSERT with an expression value', PG_CUSTOMER + f"INSERT INTO public.customer VALUES (1, lower('{MC}@x'), '{M}');\n"),
    ('INSERT into a configured table with unknown columns', f"INSERT INTO public.customer VALUES (1, '{MC}@x', '{M}');\n"),
    ('INSERT ... SELECT into a configured table', PG_CUSTOMER + f"INSERT INTO public.customer SELECT 1, '{MC}@x', '{M}';\n"),
    ('INSERT cut off inside a tuple', PG_CUSTOMER + f"INSERT INTO public.customer VALUES (1, '{MC}@x', '{M}'"),
    ('INSERT garbage between tuples', PG_CUSTOMER + f"INSERT INTO public.customer VALUES (1, '{MC}@x', '{M}') {M} (2, 'a', 'b');\n"),
    ('MySQL tuple with a wrong value count', MY_HEAD + MY_CUSTOMER + f"INSERT INTO `customer` VALUES (1,'{MC}@x');\n"),
    ('MySQL unterminated string', MY_HEAD + MY_CUSTOMER + f"INSERT INTO `customer` VALUES (1,'{MC}@x\\',' {M});\n"),
    ('MySQL bad hex literal', MY_HEAD + MY_CUSTOMER + f"INSERT INTO `customer` VALUES (1,0x{M},'{M}');\n"),
    ('MySQL cut off', MY_HEAD + MY_CUSTOMER + f"INSERT INTO `customer` VALUES (1,'{MC}@x','{M}'"),
    ('SQLite tuple with a wrong value count', SQ_HEAD + SQ_CUSTOMER + f"INSERT INTO customer VALUES(1,'{MC}@x');\nCOMMIT;\n"),
    ('SQLite unterminated string', SQ_HEAD + SQ_CUSTOMER + f"INSERT INTO customer VALUES(1,'{MC}@x,'{M});\n"),
    ('SQLite expression value', SQ_HEAD + SQ_CUSTOMER + f"INSERT INTO customer VALUES(1,upper('{MC}@x'),'{M}');\n"),
    # By design the json anonymizer turns a document that is not JSON into
    # the JSON literal null: the run succeeds and nothing of it remains.
    ('json column with a configured path, invalid doc', f'COPY public.docs (id, doc) FROM stdin;\n1\t{{"a": "{MC}", {M}\n\\.\n',
     f'salt = "hostile-test-salt-0123"\n[tables.docs]\ndoc = {{ anonymizer = "json", options = {{ paths = {{ "$.a" = "email" }} }} }}\n',
     'ok'),
    # Cut field by field: the long note streams through, the e-mail goes.
    ('a row longer than 64 MiB', COPY_HDR + f'1\t{MC}@x\t' + 'x' * (65 << 20) + '\n\\.\n', None, 'ok'),
    ('gzip data corrupt', None),
    ('custom archive corrupt', None),
    ('config error naming a column', COPY_HDR + f'1\t{MC}@x\t{M}\n\\.\n',
     f'salt = "hostile-test-salt-0123"\n[tables.customer]\nemail = "no_such_anonymizer"\n'),
    ('INSERT of a table configured with a missing column',
     PG_CUSTOMER + f"INSERT INTO public.customer VALUES (1, '{MC}@x', '{M}');\n",
     f'salt = "hostile-test-salt-0123"\n[tables.customer]\nmissing = "email"\n'),
]


def error_path_case(label, text, config=None, expect='fail'):
    def f():
        with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
            name = 'in.sql'
            if label == 'gzip data corrupt':
                data = bytearray(gzip.compress((COPY_HDR + f'1\t{MC}@x\t{M}\n\\.\n').encode() * 50, mtime=0))
                data[30:40] = b'\xff' * 10
                name, data = 'in.sql.gz', bytes(data)
            elif label == 'custom archive corrupt':
                data = bytearray(read(os.path.join(DATA, 'custom.dump')))
                i = data.find(b'SECRETMARKERCFG1')
                data[i - 40:i - 30] = b'\x7f' * 10  # break the data block structure
                name, data = 'in.dump', bytes(data)
            else:
                data = text.encode('utf-8', 'surrogateescape')
            write(os.path.join(d, name), data)
            write(os.path.join(d, 'cfg.toml'), config or CUSTOMER_CFG)
            errs = []
            for extra in ([], ['-v'], ['-o', 'out.sql']):
                r = run(extra + ['-c', 'cfg.toml', name], d, keep=1 << 20)
                e = common_errors(r)
                if expect == 'ok':
                    out = read(os.path.join(d, 'out.sql')) if extra[:1] == ['-o'] else r.out
                    if r.rc != 0:
                        e.append(f'exit {r.rc}, expected 0: {r.err[:200]!r}')
                    elif SECRET in out:
                        e.append('the output holds a marked value (SECRETMARKER)')
                elif r.rc == 0:
                    e.append('exit 0: this input was expected to fail')
                errs += [f'{" ".join(extra) or "stdout"}: {x}' for x in e]
            return errs
    return f


for _e in ERROR_PATHS:
    case(f'no value in the message: {_e[0]}')(error_path_case(*_e))


@case('no value in warnings and the -v summary of a successful run')
def _warnings():
    with tempfile.TemporaryDirectory(prefix='dbanon-hostile-') as d:
        dump = (COPY_HDR + f'1\t{MC}@x\t{M}\n\\.').encode()  # last \. without a newline: a warning
        write(os.path.join(d, 'in.sql'), dump)
        write(os.path.join(d, 'cfg.toml'), CUSTOMER_CFG + '[tables.absent]\nemail = "email"\n')
        r = run(['-v', '--allow-missing', '-c', 'cfg.toml', 'in.sql'], d)
        errs = common_errors(r)
        if r.rc != 0:
            errs.append(f'exit {r.rc}')
        if b'warning' not in r.err:
            errs.append('no warning printed')
        return errs


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

def main():
    global BIN, SANITIZED, FULL
    a = cli.parse_args(__doc__)
    BIN = cli.BIN
    SANITIZED = cli.is_sanitized()
    full = os.environ.get('DBANON_HOSTILE_FULL')
    FULL = (full == '1') if full in ('0', '1') else not SANITIZED
    return cli.main(CASES, lambda c: c[1](), args=a,
                    header=lambda: f'sanitized build: {SANITIZED}; big inputs: {big_size() >> 20} MiB')


if __name__ == '__main__':
    sys.exit(main())
