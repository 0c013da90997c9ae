#!/usr/bin/env python3
"""End-to-end tests of the dbanon command line, in the style of zstd's cli-tests.

Usage:
    tests/cli/cli_test.py DBANON_BINARY [-k SUBSTRING ...] [-v] [-j WORKERS]

Every case is one row of a table: an input dump, a config file, the command
arguments, the expected exit code and a list of checks on stdout, stderr and the
files left in the case's scratch folder. Each case runs in its own temporary
folder (the current directory of the child), with the dump written to `in.sql`
and the config to `cfg.toml` unless the case says otherwise.

Dumps are written in the notation of the project's catalogue of cases that broke
other anonymizers (CASES.md, kept outside this tree; the notation is all here):
    ⇥        one TAB byte (the COPY column separator)
    ␍        one CR byte
    ⟨HH HH⟩  raw bytes given in hex (e.g. invalid UTF-8)
and one more marker for this runner:
    «T|text» a COPY field whose column is configured; `text` is the raw field as
             it appears in the dump and T says what must happen to it:
               e  email: NULL stays NULL, otherwise changed and of the form
                  local@example.com; the same input gives the same output
                  everywhere in the run, different inputs give different outputs
               m  md5: NULL stays NULL, otherwise 32 lowercase hex digits,
                  deterministic like `e`
               c  changed (unless the original is the empty string); NULL kept
               f  firstname / lastname: non-empty, no raw TAB/LF/CR; NULL kept
               n  the `null` anonymizer: always \\N
               k  the `keep` anonymizer: byte-identical
               x  configured, only NULL-ness must be preserved
             Cases may define more tags (constant value, sample membership...).
Anonymized values depend on the salt and the hash, so they are never hard-coded:
the checks assert structure instead (the line and field layout is identical,
unconfigured bytes are identical, configured fields changed and well escaped).

Output: one `ok - NAME` or `not ok - NAME: detail` line per case; exit status 1 if
any case failed. Runs in well under a minute.
"""

import hashlib
import os
import re
import shlex
import subprocess
import sys
import tempfile
import textwrap
import time

import dbanon_cli as cli

BIN = None
SALT = 'cli-test-salt-0123456789'
NULL = b'\\N'
SECRET = b'SECRETMARKER'            # put in every value of error-case dumps
SECRET_CFG = b'SECRETMARKERCFG'     # ... and this in values of configured columns
LQ = '«'.encode()
RQ = '»'.encode()
TIMEOUT = 40
PAGILA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'data', 'pagila')


# ---------------------------------------------------------------------------
# Dump templates
# ---------------------------------------------------------------------------

_HEX = re.compile(r'⟨([0-9A-Fa-f]{2}(?: [0-9A-Fa-f]{2})*)⟩')


def _to_bytes(text):
    out = bytearray()
    pos = 0
    for m in _HEX.finditer(text):
        out += text[pos:m.start()].replace('⇥', '\t').replace('␍', '\r').encode('utf-8')
        out += bytes.fromhex(m.group(1))
        pos = m.end()
    out += text[pos:].replace('⇥', '\t').replace('␍', '\r').encode('utf-8')
    return bytes(out)


def parse_marks(raw):
    """Strips «T|v» markers. Returns (clean bytes, {line index: {field index: (tag, orig)}})."""
    lines = raw.split(b'\n')
    clean_lines = []
    marks = {}
    for i, line in enumerate(lines):
        if LQ not in line:
            clean_lines.append(line)
            continue
        clean = bytearray()
        fm = {}
        pos = 0
        while True:
            s = line.find(LQ, pos)
            if s < 0:
                clean += line[pos:]
                break
            clean += line[pos:s]
            bar = line.index(b'|', s)
            e = line.index(RQ, bar)
            tag = line[s + len(LQ):bar].decode()
            val = line[bar + 1:e]
            assert not clean or clean.endswith(b'\t'), f'marker not at field start: {line!r}'
            rest = line[e + len(RQ):]
            assert not rest or rest.startswith(b'\t'), f'marker not at field end: {line!r}'
            fm[clean.count(b'\t')] = (tag, val)
            clean += val
            pos = e + len(RQ)
        marks[i] = fm
        clean_lines.append(bytes(clean))
    return b'\n'.join(clean_lines), marks


class Dump:
    """An input dump: its bytes and where its configured fields are."""

    def __init__(self, text=None, data=None, marks=None):
        if text is not None:
            if text.startswith('\n'):
                text = text[1:]
            data, marks = parse_marks(_to_bytes(text))
        self.data = data
        self.marks = marks or {}

    def secrets(self):
        """Original values of configured fields that must not appear in the output."""
        out = set()
        for fm in self.marks.values():
            for tag, orig in fm.values():
                if tag in ('k', 'x', 'f', 'l') or orig == NULL or len(orig) < 6:
                    continue
                out.add(orig)
        return out


def D(text):
    return Dump(text)


def cfg(body=''):
    """A config with the fixed test salt followed by `body` (dedented)."""
    return f'salt = "{SALT}"\n' + textwrap.dedent(body).lstrip('\n')


PRE = r"""
--
-- PostgreSQL database dump
--

\restrict fjI9j6fQqJtnO8mkc6KEdpXymfM5x7XsgIJRnglUQglDTgXA2wHyKQhonDr9te8

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

"""

POST = r"""
--
-- PostgreSQL database dump complete
--

\unrestrict fjI9j6fQqJtnO8mkc6KEdpXymfM5x7XsgIJRnglUQglDTgXA2wHyKQhonDr9te8

"""


def PD(body):
    """A dump with a real pg_dump preamble and trailer around `body`."""
    return Dump(PRE + body.lstrip('\n') + POST.lstrip('\n'))


# ---------------------------------------------------------------------------
# COPY text helpers
# ---------------------------------------------------------------------------

_SIMPLE_ESC = {ord('b'): 8, ord('f'): 12, ord('n'): 10, ord('r'): 13, ord('t'): 9, ord('v'): 11}


def copy_decode(raw):
    """Decodes one non-NULL COPY text field (PostgreSQL docs, COPY "File Formats")."""
    out = bytearray()
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c != 0x5C:
            out.append(c)
            i += 1
            continue
        if i + 1 >= n:
            raise ValueError('backslash at end of field')
        d = raw[i + 1]
        if 0x30 <= d <= 0x37:
            j = i + 1
            v = 0
            while j < n and j < i + 4 and 0x30 <= raw[j] <= 0x37:
                v = v * 8 + raw[j] - 0x30
                j += 1
            out.append(v & 0xFF)
            i = j
        elif d == ord('x') and i + 2 < n and chr(raw[i + 2]) in '0123456789abcdefABCDEF':
            j = i + 2
            v = 0
            while j < n and j < i + 4 and chr(raw[j]) in '0123456789abcdefABCDEF':
                v = v * 16 + int(chr(raw[j]), 16)
                j += 1
            out.append(v)
            i = j
        else:
            out.append(_SIMPLE_ESC.get(d, d))
            i += 2
    return bytes(out)


# ---------------------------------------------------------------------------
# Field predicates (for «T|...» markers)
# ---------------------------------------------------------------------------

EMAIL_RE = re.compile(rb'[^@\s]+@example\.com')
MD5_RE = re.compile(rb'[0-9a-f]{32}')


def _consistent(ctx, tag, orig, out, injective):
    fwd = ctx.setdefault(('fwd', tag), {})
    rev = ctx.setdefault(('rev', tag), {})
    if orig in fwd and fwd[orig] != out:
        return f'same input {orig!r} gave different outputs {fwd[orig]!r} and {out!r}'
    fwd[orig] = out
    if injective:
        if out in rev and rev[out] != orig:
            return f'different inputs {rev[out]!r} and {orig!r} gave the same output {out!r}'
        rev[out] = orig
    return None


def p_email(domain=b'example.com'):
    rx = re.compile(rb'[^@\s]+@' + re.escape(domain))

    def pred(orig, out, dec, ctx, tag):
        if orig == b'':
            return None
        if out == orig:
            return f'not changed: {orig!r}'
        if not rx.fullmatch(dec):
            return f'{out!r} is not an e-mail at {domain.decode()}'
        return _consistent(ctx, tag, orig, out, True)
    return pred


def p_md5(orig, out, dec, ctx, tag):
    if out == orig:
        return f'not changed: {orig!r}'
    if not MD5_RE.fullmatch(out):
        return f'{out!r} is not 32 lowercase hex digits'
    return _consistent(ctx, tag, orig, out, True)


def p_changed(orig, out, dec, ctx, tag):
    if orig != b'' and out == orig:
        return f'not changed: {orig!r}'
    return None


def p_name(orig, out, dec, ctx, tag):
    if not dec.strip():
        return f'empty name {out!r}'
    if re.search(rb'[\t\n\r]', dec):
        return f'name {out!r} holds a control character'
    return None


def p_any(orig, out, dec, ctx, tag):
    return None


def p_const(value):
    def pred(orig, out, dec, ctx, tag):
        return None if dec == value else f'constant field {out!r} decodes to {dec!r}, expected {value!r}'
    return pred


def p_sample(values):
    values = set(values)

    def pred(orig, out, dec, ctx, tag):
        return None if dec in values else f'{out!r} decodes to {dec!r}, not one of the sample values'
    return pred


DEFAULT_TAGS = {'e': p_email(), 'm': p_md5, 'c': p_changed, 'f': p_name, 'l': p_name, 'x': p_any}


def check_field(tag, orig, out, tags, ctx):
    if tag == 'k':
        return None if out == orig else f'keep column changed: {orig!r} -> {out!r}'
    if tag == 'n':
        return None if out == NULL else f'null anonymizer gave {out!r}'
    if orig == NULL:
        return None if out == NULL else f'NULL became {out!r}'
    if orig == b'' and out == b'':
        return None  # P18: an empty string may stay empty, but never becomes NULL
    if out == NULL:
        return f'non-NULL {orig!r} became NULL'
    if b'\r' in out:
        return f'raw CR in replaced field {out!r}'
    try:
        dec = copy_decode(out)
    except ValueError as e:
        return f'replaced field {out!r} is not valid COPY text: {e}'
    pred = tags.get(tag) or DEFAULT_TAGS.get(tag)
    if pred is None:
        return f'runner bug: unknown tag {tag!r}'
    return pred(orig, out, dec, ctx, tag)


def structure_errors(dump, output, tags, max_errors=6):
    """Compares output with the dump line by line and field by field."""
    errs = []
    in_lines = dump.data.split(b'\n')
    out_lines = output.split(b'\n')
    if len(in_lines) != len(out_lines):
        lf_note = ' (final LF differs)' if dump.data.endswith(b'\n') != output.endswith(b'\n') else ''
        errs.append(f'{len(out_lines)} output lines (split on LF), expected {len(in_lines)}{lf_note}')
    ctx = {}
    for i, (a, b) in enumerate(zip(in_lines, out_lines)):
        if len(errs) >= max_errors:
            errs.append('...')
            break
        fm = dump.marks.get(i)
        if not fm:
            if a != b:
                errs.append(f'line {i + 1} changed: {a[:120]!r} -> {b[:120]!r}')
            continue
        fa = a.split(b'\t')
        fb = b.split(b'\t')
        if len(fa) != len(fb):
            errs.append(f'line {i + 1}: {len(fb)} fields, expected {len(fa)}: {b[:160]!r}')
            continue
        for j, (x, y) in enumerate(zip(fa, fb)):
            if j in fm:
                tag, orig = fm[j]
                e = check_field(tag, orig, y, tags, ctx)
                if e:
                    errs.append(f'line {i + 1} field {j + 1}: {e}')
            elif x != y:
                errs.append(f'line {i + 1} field {j + 1} (not configured) changed: {x[:80]!r} -> {y[:80]!r}')
    return errs


# ---------------------------------------------------------------------------
# Running the binary
# ---------------------------------------------------------------------------

Result = cli.Result
child_env = cli.child_env


def run(args, cwd, stdin=None, env=None):
    return cli.run(args, cwd, stdin=stdin, env=env, timeout=TIMEOUT)


def show_cmd(res, stdin_used, env=None):
    s = ' '.join(shlex.quote(a) for a in ['dbanon'] + res.cmd[1:])
    if env:
        s = ' '.join(f'{k}={shlex.quote(v)}' for k, v in env.items()) + ' ' + s
    if stdin_used:
        s += ' < in.sql'
    return s


class Case:
    def __init__(self, name, dump=None, config=None, args=None, rc=0, checks=(), stdin=False,
                 env=None, tags=None, setup=None, custom=None, output=None, cfg_name='cfg.toml',
                 structure=None, stdout_secrets=True, doc=''):
        self.name = name
        self.dump = dump
        self.config = config
        self.cfg_name = cfg_name
        if args is None:
            args = ['-c', cfg_name] + ([] if stdin else ['in.sql'])
        self.args = args
        self.rc = rc
        self.checks = list(checks)
        self.stdin = stdin
        self.env = env
        self.tags = tags or {}
        self.setup = setup
        self.custom = custom
        self.output = output      # None: stdout; else a file name in the scratch folder
        self.structure = structure if structure is not None else (rc == 0 and dump is not None)
        self.stdout_secrets = stdout_secrets
        self.doc = doc


CASES = []


def case(*a, **kw):
    CASES.append(Case(*a, **kw))


def prepare(c, d):
    if c.dump is not None:
        with open(os.path.join(d, 'in.sql'), 'wb') as f:
            f.write(c.dump.data)
    if c.config is not None:
        with open(os.path.join(d, c.cfg_name), 'w', encoding='utf-8') as f:
            f.write(c.config)
    if c.setup:
        c.setup(d)


def execute(c):
    with tempfile.TemporaryDirectory(prefix='dbanon-cli-') as d:
        prepare(c, d)
        if c.custom:
            try:
                return c.custom(c, d)
            except Exception as e:  # a runner bug must not hide the other cases
                return [f'runner exception: {e!r}']
        res = run(c.args, d, stdin=c.dump.data if c.stdin else None, env=c.env)
        errs = []
        if res.rc != c.rc:
            errs.append(f'exit {res.rc}, expected {c.rc}')
        for chk in c.checks:
            errs += chk(c, res) or []
        errs += global_checks(c, res)
        if errs:
            errs.append(f'command: {show_cmd(res, c.stdin, c.env)}')
            errs.append(f'stderr: {res.err[:600]!r}')
        return errs


def global_checks(c, res):
    errs = []
    if c.structure and res.rc == 0:
        out = res.out
        if c.output:
            p = os.path.join(res.cwd, c.output)
            if not os.path.exists(p):
                return [f'{c.output} was not written']
            with open(p, 'rb') as f:
                out = f.read()
        errs += structure_errors(c.dump, out, c.tags)
    if SECRET in res.err:
        errs.append('stderr contains a cell value (SECRETMARKER)')
    if c.dump is not None:
        for s in c.dump.secrets():
            if s in res.err:
                errs.append(f'stderr contains the configured value {s!r}')
            if c.stdout_secrets and s in res.out:
                errs.append(f'stdout contains the original configured value {s!r}')
    if res.rc in (-11, -6, -8, -4, -7):
        errs.append(f'crashed with signal {-res.rc}')
    return errs


# ---------------------------------------------------------------------------
# Check builders: each returns f(case, result) -> [error strings]
# ---------------------------------------------------------------------------

def stdout_empty():
    return lambda c, r: [] if r.out == b'' else [f'stdout not empty: {r.out[:100]!r}']


def stderr_empty():
    return lambda c, r: [] if r.err == b'' else ['stderr not empty']


def stderr_nonempty(what='a message'):
    return lambda c, r: [] if r.err.strip() else [f'stderr is empty, expected {what}']


def stderr_has(*subs):
    def chk(c, r):
        return [f'stderr does not mention {s!r}' for s in subs if s.encode() not in r.err]
    return chk


def stdout_has(*subs, ci=False):
    def chk(c, r):
        out = r.out.lower() if ci else r.out
        return [f'stdout does not contain {s!r}' for s in subs
                if (s.lower() if ci else s).encode() not in out]
    return chk


def stdout_re(rx):
    return lambda c, r: [] if re.search(rx.encode(), r.out) else [f'stdout does not match /{rx}/: {r.out[:200]!r}']


def stdout_lacks(*subs):
    return lambda c, r: [f'stdout contains {s!r}' for s in subs if s in r.out]


def output_identical():
    return lambda c, r: [] if r.out == c.dump.data else ['output differs from input']


def err_at(prefix, line=None, contains=(), number=None):
    """stderr has a line PREFIX:LINE:COL: message (LINE exact if given) that mentions
    every string in `contains` and, if `number` is given, that number as a word."""
    rx = re.compile(rb'^' + re.escape(prefix.encode()) + rb':(\d+):(\d+): (.+)$', re.M)

    def chk(c, r):
        ms = list(rx.finditer(r.err))
        if not ms:
            return [f'stderr has no line "{prefix}:LINE:COL: message"']
        problems = []
        for m in ms:
            p = []
            if line is not None and int(m.group(1)) != line:
                p.append(f'line {m.group(1).decode()}, expected {line}')
            msg = m.group(3)
            for s in contains:
                if s.encode() not in msg:
                    p.append(f'message does not mention {s!r}')
            if number is not None and not re.search(rb'(?<![0-9])' + str(number).encode() + rb'(?![0-9])', msg):
                p.append(f'message does not mention line {number}')
            if not p:
                return []
            problems.append(f'{m.group(0).decode(errors="replace")!r}: ' + '; '.join(p))
        return problems[:2]
    return chk


def files_in_dir(expected):
    def chk(c, r):
        got = set(os.listdir(r.cwd))
        if got != set(expected):
            return [f'folder holds {sorted(got)}, expected {sorted(expected)}']
        return []
    return chk


def file_content(name, content):
    def chk(c, r):
        p = os.path.join(r.cwd, name)
        if not os.path.exists(p):
            return [f'{name} missing']
        with open(p, 'rb') as f:
            got = f.read()
        return [] if got == content else [f'{name} content changed: {got[:80]!r}']
    return chk


# ---------------------------------------------------------------------------
# Shared dumps
# ---------------------------------------------------------------------------

CUSTOMER = PD(r"""
--
-- Data for Name: customer; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.customer (id, email, note) FROM stdin;
1⇥«e|ann.lee@example.invalid»⇥first customer
2⇥«e|\N»⇥\N
3⇥«e|bo.chan@example.invalid»⇥note with \\ backslash and \t tab
\.


""")
CUSTOMER_CFG = cfg("""
[tables.customer]
email = "email"
""")

# Error-case dumps: every value holds SECRETMARKER, configured ones SECRETMARKERCFG.
CUT_COPY = Dump(data=(
    b'--\n'                                                            # 1
    b'-- PostgreSQL database dump\n'                                   # 2
    b'--\n'                                                            # 3
    b'\n'                                                              # 4
    b'SET standard_conforming_strings = on;\n'                         # 5
    b'\n'                                                              # 6
    b'COPY public.customer (id, email) FROM stdin;\n'                  # 7
    b'1SECRETMARKER\ta.SECRETMARKERCFG1@example.invalid\n'             # 8
    b'2SECRETMARKER\tb.SECRETMARKERCFG2@example.invalid\n'))           # 9
ERR_CFG = cfg("""
[tables.customer]
email = "email"
""")


def bad_row_dump(row7, header=b'COPY public.customer (id, email) FROM stdin;'):
    return Dump(data=(
        b'--\n'                                                        # 1
        b'-- PostgreSQL database dump\n'                               # 2
        b'--\n'                                                        # 3
        b'\n'                                                          # 4
        + header + b'\n'                                               # 5
        b'1SECRETMARKER\tSECRETMARKERCFG1@example.invalid\n'           # 6
        + row7 + b'\n'                                                 # 7
        b'3SECRETMARKER\tSECRETMARKERCFG4@example.invalid\n'           # 8
        b'\\.\n'                                                       # 9
        b'\n'))


def no_cfg_secret_in_stdout():
    return stdout_lacks(SECRET_CFG)


# ---------------------------------------------------------------------------
# CLI basics
# ---------------------------------------------------------------------------

case('help prints usage to stdout and exits 0', args=['--help'],
     checks=[stdout_has('usage', ci=True), stdout_has('-c', '-o', '-j')])
case('version prints "dbanon VERSION" and exits 0', args=['--version'],
     checks=[stdout_re(r'^dbanon \d+\.\d+')])
case('version names the version of every library dbanon is built with', args=['--version'],
     checks=[stdout_re(r'\n  RE2 2\d{7}\n'), stdout_re(r'\n  Abseil 2\d{7}\.\d+\n'),
             stdout_re(r'\n  OpenSSL 3\.\d+\.\d+\n'), stdout_re(r'\n  zlib \d+\.\d+\.\d+\n'),
             stdout_re(r'\n  zstd 1\.\d+\.\d+\n'), stdout_re(r'\n  lz4 1\.\d+\.\d+\n'),
             stdout_re(r'\n  xxHash 0\.\d+\.\d+\n'), stdout_re(r'\n  toml\+\+ 3\.\d+\.\d+\n'),
             stdout_re(r'\n  yaml-cpp 0\.\d+\.\d+\n')])
case('unknown flag is a usage error (exit 2)', dump=CUSTOMER, config=CUSTOMER_CFG,
     args=['--frobnicate', '-c', 'cfg.toml', 'in.sql'], rc=2, checks=[stderr_nonempty(), stdout_empty()])
for bad in (['-j0'], ['-j', 'abc'], ['-j', '-3'], ['-j']):
    case(f'bad thread count {" ".join(bad)!r} is a usage error (exit 2)', dump=CUSTOMER, config=CUSTOMER_CFG,
         args=['-c', 'cfg.toml'] + bad + ['in.sql'] if bad != ['-j'] else ['-c', 'cfg.toml', '-j'],
         rc=2, checks=[stderr_nonempty(), stdout_empty()])
case('two input files is a usage error (exit 2)', dump=CUSTOMER, config=CUSTOMER_CFG,
     args=['-c', 'cfg.toml', 'in.sql', 'in.sql'], rc=2, checks=[stderr_nonempty()])

case('config defaults to ./dbanon.toml', dump=CUSTOMER, config=CUSTOMER_CFG, cfg_name='dbanon.toml',
     args=['in.sql'])
case('missing default ./dbanon.toml is a config error (exit 2)', dump=CUSTOMER, args=['in.sql'], rc=2,
     checks=[stderr_has('dbanon.toml'), stdout_empty()])
case('missing -c config file is a config error (exit 2)', dump=CUSTOMER, args=['-c', 'nope.toml', 'in.sql'],
     rc=2, checks=[stderr_has('nope.toml'), stdout_empty()])
case('input defaults to stdin', dump=CUSTOMER, config=CUSTOMER_CFG, stdin=True)
case('input "-" is stdin', dump=CUSTOMER, config=CUSTOMER_CFG, stdin=True, args=['-c', 'cfg.toml', '-'])
case('list prints every anonymizer', args=['list'],
     checks=[stdout_has('null', 'constant', 'md5', 'email', 'firstname', 'lastname', 'string', 'keep')])
case('-v reports rows per table on stderr', dump=CUSTOMER, config=CUSTOMER_CFG,
     args=['-v', '-c', 'cfg.toml', 'in.sql'],
     checks=[stderr_has('customer'), lambda c, r: [] if re.search(rb'(?<![0-9])3(?![0-9])', r.err)
             else ['stderr does not mention the row count 3']])
case('-j1 works', dump=CUSTOMER, config=CUSTOMER_CFG, args=['-j1', '-c', 'cfg.toml', 'in.sql'])
case('-j 4 (separate argument) works', dump=CUSTOMER, config=CUSTOMER_CFG,
     args=['-j', '4', '-c', 'cfg.toml', 'in.sql'])

# -o
case('-o writes the file, nothing on stdout, no temp files left', dump=CUSTOMER, config=CUSTOMER_CFG,
     args=['-c', 'cfg.toml', '-o', 'out.sql', 'in.sql'], output='out.sql',
     checks=[stdout_empty(), files_in_dir({'in.sql', 'cfg.toml', 'out.sql'})])


def _write_previous(d):
    with open(os.path.join(d, 'out.sql'), 'wb') as f:
        f.write(b'PREVIOUS CONTENT\n')
    with open(os.path.join(d, '.inode'), 'w') as f:
        f.write(str(os.stat(os.path.join(d, 'out.sql')).st_ino))


def inode_same(name='out.sql'):
    def chk(c, r):
        p = os.path.join(r.cwd, name)
        with open(os.path.join(r.cwd, '.inode')) as f:
            ino = int(f.read())
        if not os.path.exists(p):
            return [f'{name} removed']
        return [] if os.stat(p).st_ino == ino else [f'{name} replaced (inode changed)']
    return chk


case('options may follow the input, as in "dbanon -c cfg in.sql -o out.sql"', dump=CUSTOMER, config=CUSTOMER_CFG,
     args=['-c', 'cfg.toml', 'in.sql', '-o', 'out.sql', '-j', '2'], output='out.sql',
     checks=[stdout_empty(), files_in_dir({'in.sql', 'cfg.toml', 'out.sql'})])
case('-o replaces an existing file on success', dump=CUSTOMER, config=CUSTOMER_CFG, setup=_write_previous,
     args=['-c', 'cfg.toml', '-o', 'out.sql', 'in.sql'], output='out.sql',
     checks=[stdout_empty(), files_in_dir({'in.sql', 'cfg.toml', 'out.sql', '.inode'})])
case('-o on malformed input leaves no file and no temp file', dump=CUT_COPY, config=ERR_CFG,
     args=['-c', 'cfg.toml', '-o', 'out.sql', 'in.sql'], rc=3,
     checks=[files_in_dir({'in.sql', 'cfg.toml'})])
case('-o on malformed input leaves an existing file untouched', dump=CUT_COPY, config=ERR_CFG,
     setup=_write_previous, args=['-c', 'cfg.toml', '-o', 'out.sql', 'in.sql'], rc=3,
     checks=[file_content('out.sql', b'PREVIOUS CONTENT\n'), inode_same(),
             files_in_dir({'in.sql', 'cfg.toml', 'out.sql', '.inode'})])
case('-o on a row with a wrong field count leaves an existing file untouched',
     dump=bad_row_dump(b'2SECRETMARKER\tSECRETMARKERCFG2@example.invalid\tSECRETMARKERCFG3'),
     config=ERR_CFG, setup=_write_previous, args=['-c', 'cfg.toml', '-o', 'out.sql', 'in.sql'], rc=3,
     checks=[file_content('out.sql', b'PREVIOUS CONTENT\n'), inode_same(),
             files_in_dir({'in.sql', 'cfg.toml', 'out.sql', '.inode'})])
case('-o with a config error leaves an existing file untouched', dump=CUSTOMER,
     config=cfg('[tables.customer]\nemail = "no_such_anonymizer"\n'), setup=_write_previous,
     args=['-c', 'cfg.toml', '-o', 'out.sql', 'in.sql'], rc=2,
     checks=[file_content('out.sql', b'PREVIOUS CONTENT\n'), inode_same(),
             files_in_dir({'in.sql', 'cfg.toml', 'out.sql', '.inode'})])
case('-o into a missing folder is an I/O error (exit 4)', dump=CUSTOMER, config=CUSTOMER_CFG,
     args=['-c', 'cfg.toml', '-o', 'no/such/dir/out.sql', 'in.sql'], rc=4,
     checks=[stderr_nonempty(), files_in_dir({'in.sql', 'cfg.toml'})])
case('missing input file is an I/O error (exit 4)', config=CUSTOMER_CFG,
     args=['-c', 'cfg.toml', 'missing.sql'], rc=4, checks=[stderr_has('missing.sql'), stdout_empty()])
case('input folder that is not a pg_dump directory archive is refused (exit 3), nothing written',
     config=CUSTOMER_CFG, setup=lambda d: os.mkdir(os.path.join(d, 'adir')),
     args=['-c', 'cfg.toml', 'adir', '-o', 'outdir'], rc=3,
     checks=[stderr_has('adir', 'toc.dat'), files_in_dir({'cfg.toml', 'adir'})])
case('input folder without -o is a usage error (exit 2)', config=CUSTOMER_CFG,
     setup=lambda d: os.mkdir(os.path.join(d, 'adir')),
     args=['-c', 'cfg.toml', 'adir'], rc=2, checks=[stderr_has('adir')])

GHOST_CFG = cfg("""
    [tables.customer]
    email = "email"
    [tables.ghost_table]
    email = "email"
    """)
case('configured table absent from the dump: exit 2 naming it, nothing left at -o', dump=CUSTOMER,
     config=GHOST_CFG, rc=2, args=['-c', 'cfg.toml', '-o', 'out.sql', 'in.sql'],
     checks=[stderr_has("cfg.toml:4:1: table 'ghost_table'"), files_in_dir(['cfg.toml', 'in.sql'])])
case('configured table absent from the dump with --allow-missing: exit 0 and a warning naming it', dump=CUSTOMER,
     config=GHOST_CFG, args=['--allow-missing', '-c', 'cfg.toml', 'in.sql'],
     checks=[stderr_has('warning', 'ghost_table')])

# ---------------------------------------------------------------------------
# Config errors (exit 2, CONFIG:LINE:COL: message naming the key)
# ---------------------------------------------------------------------------

case('config: unknown anonymizer is reported at its line', dump=CUSTOMER, config=(
     '# test config\n'                       # 1
     f'salt = "{SALT}"\n'                    # 2
     '[tables.customer]\n'                   # 3
     'email = "emial"\n'),                   # 4
     rc=2, checks=[err_at('cfg.toml', 4, ['email']), stdout_empty()])
case('config: TOML syntax error is reported at its line', dump=CUSTOMER, config=(
     f'salt = "{SALT}"\n'                    # 1
     '[tables.customer]\n'                   # 2
     'email = "email\n'                      # 3
     'note = "md5"\n'),                      # 4
     rc=2, checks=[err_at('cfg.toml', 3), stdout_empty()])
case('config: unknown top-level key is reported at its line', dump=CUSTOMER, config=(
     f'salt = "{SALT}"\n'                    # 1
     'bogus_setting = 4\n'                   # 2
     '[tables.customer]\n'                   # 3
     'email = "email"\n'),                   # 4
     rc=2, checks=[err_at('cfg.toml', 2, ['bogus_setting']), stdout_empty()])
case('config: unknown key in a column table is reported at its line', dump=CUSTOMER, config=(
     f'salt = "{SALT}"\n'                                                   # 1
     '\n'                                                                   # 2
     '[tables.customer]\n'                                                  # 3
     'id = "keep"\n'                                                        # 4
     'email = { anonymizer = "email", opts = { domain = "x.test" } }\n'),   # 5
     rc=2, checks=[err_at('cfg.toml', 5, ['opts']), stdout_empty()])
case('config: unknown anonymizer option is reported at its line', dump=CUSTOMER, config=(
     f'salt = "{SALT}"\n'                                                      # 1
     '\n'                                                                      # 2
     '[tables.customer]\n'                                                     # 3
     'id = "keep"\n'                                                           # 4
     'email = { anonymizer = "email", options = { domian = "x.test" } }\n'),   # 5
     rc=2, checks=[err_at('cfg.toml', 5, ['domian']), stdout_empty()])
case('config: option of the wrong type is reported at its line', dump=CUSTOMER, config=(
     f'salt = "{SALT}"\n'                                                 # 1
     '\n'                                                                 # 2
     '[tables.customer]\n'                                                # 3
     'id = "keep"\n'                                                      # 4
     'email = { anonymizer = "email", options = { domain = 5 } }\n'),     # 5
     rc=2, checks=[err_at('cfg.toml', 5, ['domain']), stdout_empty()])
case('config: constant without value is an error naming the option', dump=CUSTOMER, config=(
     f'salt = "{SALT}"\n'                                   # 1
     '[tables.customer]\n'                                  # 2
     'note = { anonymizer = "constant" }\n'),               # 3
     rc=2, checks=[err_at('cfg.toml', 3, ['value']), stdout_empty()])
case('config: string without sample is an error naming the option', dump=CUSTOMER, config=(
     f'salt = "{SALT}"\n'                                   # 1
     '[tables.customer]\n'                                  # 2
     'note = { anonymizer = "string" }\n'),                 # 3
     rc=2, checks=[err_at('cfg.toml', 3, ['sample']), stdout_empty()])
case('config: a column value that is neither string nor table is an error', dump=CUSTOMER, config=(
     f'salt = "{SALT}"\n'                                   # 1
     '[tables.customer]\n'                                  # 2
     'email = 5\n'),                                        # 3
     rc=2, checks=[err_at('cfg.toml', 3, ['email']), stdout_empty()])
case('config: inline table without anonymizer is an error', dump=CUSTOMER, config=(
     f'salt = "{SALT}"\n'                                   # 1
     '[tables.customer]\n'                                  # 2
     'email = { options = { domain = "x.test" } }\n'),      # 3
     rc=2, checks=[err_at('cfg.toml', 3, ['anonymizer']), stdout_empty()])
case('config: configured column missing from the COPY column list (exit 2)',
     dump=bad_row_dump(b'2SECRETMARKER\tSECRETMARKERCFG2@example.invalid'),
     config=cfg("""
        [tables.customer]
        email = "email"
        phone_number = "md5"
     """), rc=2, checks=[stderr_has('phone_number', 'customer'), no_cfg_secret_in_stdout()])

# ---------------------------------------------------------------------------
# Malformed input (exit 3, INPUT:LINE:COL: message naming the table)
# ---------------------------------------------------------------------------

case('P25c COPY block cut off before \\. names the table and its start line', dump=CUT_COPY, config=ERR_CFG,
     rc=3, checks=[err_at('in.sql', None, ['customer'], number=7), no_cfg_secret_in_stdout()])
case('P25c cut-off COPY block from stdin is reported as <stdin>', dump=CUT_COPY, config=ERR_CFG, stdin=True,
     rc=3, checks=[err_at('<stdin>', None, ['customer'], number=7), no_cfg_secret_in_stdout()])
case('P25c cut-off COPY block of an unconfigured table is still an error', dump=CUT_COPY,
     config=cfg('[tables.other]\nemail = "email"\n'), rc=3,
     checks=[err_at('in.sql', None, ['customer'], number=7)])
case('COPY block cut off in the middle of a row (no final LF)',
     dump=Dump(data=CUT_COPY.data + b'3SECRETMARKER\tc.SECRETMARKERCFG3@exa'), config=ERR_CFG, rc=3,
     checks=[err_at('in.sql', None, ['customer'], number=7), no_cfg_secret_in_stdout()])
case('row with too many fields is reported at its line',
     dump=bad_row_dump(b'2SECRETMARKER\tSECRETMARKERCFG2@example.invalid\tSECRETMARKERCFG3'),
     config=ERR_CFG, rc=3, checks=[err_at('in.sql', 7, ['customer']), no_cfg_secret_in_stdout()])
case('row with too few fields is reported at its line',
     dump=bad_row_dump(b'2SECRETMARKERCFG2'),
     config=ERR_CFG, rc=3, checks=[err_at('in.sql', 7, ['customer']), no_cfg_secret_in_stdout()])
case('row with a wrong field count read from stdin is reported as <stdin>',
     dump=bad_row_dump(b'2SECRETMARKER\tSECRETMARKERCFG2@example.invalid\tSECRETMARKERCFG3'), stdin=True,
     config=ERR_CFG, rc=3, checks=[err_at('<stdin>', 7, ['customer']), no_cfg_secret_in_stdout()])
case('backslash at the end of a row (configured last column) is reported at its line',
     dump=bad_row_dump(b'2SECRETMARKER\tSECRETMARKERCFG2@example.invalid\\'),
     config=ERR_CFG, rc=3, checks=[err_at('in.sql', 7, ['customer']), no_cfg_secret_in_stdout()])
case('backslash at the end of a row (unconfigured last column) is reported at its line',
     dump=Dump(data=bad_row_dump(
         b'2SECRETMARKER\tSECRETMARKERCFG2@example.invalid\tSECRETMARKER note\\',
         header=b'COPY public.customer (id, email, note) FROM stdin;').data
         .replace(b'@example.invalid\n', b'@example.invalid\tSECRETMARKER\n')),
     config=ERR_CFG, rc=3, checks=[err_at('in.sql', 7, ['customer']), no_cfg_secret_in_stdout()])

# ---------------------------------------------------------------------------
# Pass-through: a config that configures nothing of the dump (a table it
# lacks, with --allow-missing; an empty config is an error) gives
# byte-identical output
# ---------------------------------------------------------------------------

PASS_CFG = '[tables.zz_absent_table]\ntruncate = true\n'
PASS_ARGS = ['--allow-missing', '-c', 'cfg.toml']

RAW_MIX = D(r"""
--␍
-- raw bytes ⟨FF FE⟩ and invalid UTF-8 ⟨C3 28⟩ in a comment␍
--␍
SET client_encoding = 'SQL_ASCII';␍
SET standard_conforming_strings = on;␍

COPY public.lat (t, u) FROM stdin;
caf⟨E9⟩ ⟨FC⟩⇥⟨C3 28⟩⟨80⟩
\N⇥
\.

SELECT 'x⟨FF⟩y';␍
SELECT pg_catalog.setval('public.lat_id_seq', 2, true);""")

case('nothing configured: CRLF, non-UTF-8 bytes, no final newline pass through', dump=RAW_MIX,
     config=PASS_CFG, args=PASS_ARGS + ['in.sql'], checks=[output_identical()])
case('nothing configured, on stdin: byte-identical', dump=RAW_MIX, config=PASS_CFG, stdin=True,
     args=PASS_ARGS, checks=[output_identical()])
case('an empty input (a failed pg_dump upstream) is refused: exit 3, nothing at -o', dump=Dump(data=b''),
     config=CUSTOMER_CFG, args=['-c', 'cfg.toml', '-o', 'out.sql', 'in.sql'], rc=3,
     checks=[stderr_has('in.sql:1:1: the input is empty'), files_in_dir(['cfg.toml', 'in.sql'])])
case('an XML dump (mariadb-dump --xml) is refused as such: exit 3, nothing at -o',
     dump=Dump(data=b'<?xml version="1.0"?>\n<mysqldump xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
               b'<database name="shop">\n\t<table_data name="customer">\n\t<row>\n'
               b'\t\t<field name="email">zqxmarker@example.com</field>\n\t</row>\n'),
     config=CUSTOMER_CFG, args=['-c', 'cfg.toml', '-o', 'out.sql', 'in.sql'], rc=3,
     checks=[stderr_has('in.sql:1:1: an XML dump (mariadb-dump --xml) is not supported'),
             files_in_dir(['cfg.toml', 'in.sql'])])
case('no final newline after an SQL comment', dump=Dump(data=b'SELECT 1;\n-- last comment'),
     config=CUSTOMER_CFG, args=['--allow-missing', '-c', 'cfg.toml', 'in.sql'], checks=[output_identical()])
case('configured table next to CRLF SQL and non-UTF-8 bytes', dump=D(r"""
SET client_encoding = 'SQL_ASCII';␍
-- comment with ⟨FF FE⟩ bytes and a ' quote␍
COPY public.customer (id, email, note) FROM stdin;
1⇥«e|crlf.case@example.invalid»⇥caf⟨E9⟩ ⟨C3 28⟩
2⇥«e|caf⟨E9⟩.latin1@example.invalid»⇥⟨FF⟩
\.
␍
SELECT 1;␍
"""), config=cfg("""
[tables.customer]
email = "email"
"""))

# ---------------------------------------------------------------------------
# Anonymizers through the CLI
# ---------------------------------------------------------------------------

ANON = PD(r"""
COPY public.person (id, email, hash, first, last, nul, kept, const, pick, other) FROM stdin;
1⇥«e|p1.person@example.invalid»⇥«m|hash-one-value»⇥«f|Zyxwvuta»⇥«l|Qwertyuiop»⇥«n|gone-value-1»⇥«k|kept value 1»⇥«C|const-orig-1»⇥«S|pick-orig-1»⇥untouched 1
2⇥«e|\N»⇥«m|\N»⇥«f|\N»⇥«l|\N»⇥«n|\N»⇥«k|\N»⇥«C|\N»⇥«S|\N»⇥\N
3⇥«e|p1.person@example.invalid»⇥«m|hash-one-value»⇥«f|Abcdefgh»⇥«l|Hgfedcba»⇥«n|gone-value-3»⇥«k|tab\there»⇥«C|const-orig-3»⇥«S|pick-orig-3»⇥with\\backslash
4⇥«e|p4.person@example.invalid»⇥«m|hash-four-value»⇥«f|Mnbvcxzl»⇥«l|Lkjhgfds»⇥«n|»⇥«k|»⇥«C|»⇥«S|»⇥
\.

""")
case('anonymizers: email md5 firstname lastname null keep constant string', dump=ANON, config=cfg(r"""
    [tables.person]
    email = "email"
    hash = "md5"
    first = "firstname"
    last = "lastname"
    nul = "null"
    kept = "keep"
    const = { anonymizer = "constant", options = { value = "tab\there, newline\nthere, back\\slash, cr\rend" } }
    pick = { anonymizer = "string", options = { sample = ["tab\tx", "line1\nline2", "back\\slash", "plain"] } }
    """), tags={'C': p_const(b'tab\there, newline\nthere, back\\slash, cr\rend'),
                'S': p_sample([b'tab\tx', b'line1\nline2', b'back\\slash', b'plain'])})
case('email anonymizer honours the domain option', dump=D(r"""
COPY public.customer (id, email) FROM stdin;
1⇥«d|dom.one@example.invalid»
2⇥«d|\N»
\.
"""), config=cfg("""
    [tables.customer]
    email = { anonymizer = "email", options = { domain = "corp.test" } }
    """), tags={'d': p_email(b'corp.test')})

def p_plain_md5(orig, out, dec, ctx, tag):
    want = hashlib.md5(copy_decode(orig)).hexdigest().encode()
    return None if out == want else f'{out!r} is not the MD5 of the decoded value ({want!r})'


def p_plain_email(orig, out, dec, ctx, tag):
    h = hashlib.md5(copy_decode(orig)).hexdigest().encode()
    ok = dec in (b'anon-' + h + b'@example.com', h + b'@example.com')
    return None if ok else f'{out!r} is not anon-MD5(decoded value)@example.com (MD5 {h!r})'


case('use_salt = false: md5 and email hash the COPY-decoded value with plain MD5', dump=D(r"""
COPY public.h (id, v, e) FROM stdin;
1⇥«M|plain value»⇥«E|a.plain@example.invalid»
2⇥«M|tab\there\\back\nnl»⇥«E|\N»
3⇥«M|oct\101 hex\x42»⇥«E|caf⟨C3 A9⟩@example.invalid»
4⇥«M|\N»⇥«E|\\N»
\.
"""), config=cfg("""
    [tables.h]
    v = { anonymizer = "md5", options = { use_salt = false } }
    e = { anonymizer = "email", options = { use_salt = false } }
    """), tags={'M': p_plain_md5, 'E': p_plain_email})
case('config: invalid e-mail domain is an error naming the option', dump=CUSTOMER, config=(
     f'salt = "{SALT}"\n'                                                     # 1
     '[tables.customer]\n'                                                    # 2
     'email = { anonymizer = "email", options = { domain = "not a domain" } }\n'),  # 3
     rc=2, checks=[err_at('cfg.toml', 3, ['domain']), stdout_empty()])

# ---------------------------------------------------------------------------
# CASES.md regressions (PostgreSQL plain format)
# ---------------------------------------------------------------------------

case('P06 \\. and lines ending in . inside COPY data', dump=PD(r"""
COPY public.review (id, note, reviewer_email) FROM stdin;
1⇥Great service.⇥«e|r1@example.invalid»
2⇥.⇥«e|r2@example.invalid»
3⇥\\.⇥«e|r3@example.invalid»
\.


COPY public.memo (txt) FROM stdin;
«c|\\.»
«c|ends with dot.»
\.


"""), config=cfg("""
    [tables.review]
    reviewer_email = "email"
    [tables.memo]
    txt = "md5"
    """))
case('P06 a first column replaced by the constant \\. is escaped, not a terminator', dump=PD(r"""
COPY public.memo (txt, n) FROM stdin;
«C|ends with dot.»⇥1
«C|\\.»⇥2
\.


COPY public.review (id, reviewer_email) FROM stdin;
1⇥«e|after.memo@example.invalid»
\.


"""), config=cfg(r"""
    [tables.memo]
    txt = { anonymizer = "constant", options = { value = '\.' } }
    [tables.review]
    reviewer_email = "email"
    """), tags={'C': p_const(b'\\.')})
case('P07 COPY block with no rows and a zero-column table', dump=PD(r"""
COPY public.audit_event (id, actor_email, payload) FROM stdin;
\.


COPY public.flags  FROM stdin;


\.


COPY public.customer (id, email) FROM stdin;
1⇥«e|after.zero.cols@example.invalid»
\.


"""), config=cfg("""
    [tables.audit_event]
    actor_email = "email"
    [tables.customer]
    email = "email"
    """))
case('P07 pg_dump zero-column layout (public.nocols, double space, empty-line rows)', dump=PD(r"""
--
-- Data for Name: nocols; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.nocols  FROM stdin;



\.


--
-- Data for Name: customer; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.customer (id, email) FROM stdin;
1⇥«e|after.nocols@example.invalid»
2⇥«e|second.nocols@example.invalid»
\.


"""), config=cfg("""
    [tables.customer]
    email = "email"
    """))
case('P08 quoted identifiers with spaces, dots, commas, quotes', dump=PD(r'''
COPY public."Order Items" (id, "e.mail", "note, extra", """q""") FROM stdin;
1⇥«e|x.order@example.invalid»⇥«c|note, extra text»⇥q
2⇥«e|\N»⇥«c|\N»⇥"q"
\.


COPY "my.schema"."user""s" (id, email) FROM stdin;
1⇥«e|y.users@example.invalid»
\.


COPY public."Client List" (id, email) FROM stdin;
1⇥«e|z.client@example.invalid»
\.


'''), config=cfg('''
    [tables."Order Items"]
    "e.mail" = "email"
    "note, extra" = "md5"
    [tables.'"my.schema"."user""s"']
    email = "email"
    [tables."Client List"]
    email = "email"
    '''))
P09_DUMP = r"""
CREATE TABLE crm."Customer" (id integer, "eMail" text, email text);
CREATE TABLE public.customer (id integer, email text);
CREATE TABLE sales.customer (id integer, email text);

COPY crm."Customer" (id, "eMail", email) FROM stdin;
1⇥«e|Upper@example.invalid»⇥lower@example.invalid
\.


COPY public.customer (id, email) FROM stdin;
1⇥other@example.invalid
\.


COPY sales.customer (id, email) FROM stdin;
1⇥sales@example.invalid
\.


"""
case('P09 schema-qualified, mixed-case names (schema.table key)', dump=PD(P09_DUMP), config=cfg("""
    [tables."crm.Customer"]
    eMail = "email"
    """))
case('P09 schema-qualified, mixed-case names (SQL-quoted key)', dump=PD(P09_DUMP), config=cfg("""
    [tables.'crm."Customer"']
    eMail = "email"
    """))
case('P09 unqualified key means schema public only',
     dump=PD(P09_DUMP.replace('⇥other@example.invalid', '⇥«e|other@example.invalid»')
             .replace('«e|Upper@example.invalid»', 'Upper@example.invalid')), config=cfg("""
    [tables.customer]
    email = "email"
    """))
case('P09 sales.customer key matches only schema sales',
     dump=PD(P09_DUMP.replace('⇥sales@example.invalid', '⇥«e|sales@example.invalid»')
             .replace('«e|Upper@example.invalid»', 'Upper@example.invalid')), config=cfg("""
    [tables."sales.customer"]
    email = "email"
    """))
case('P09 no case folding: crm.customer does not match crm."Customer": exit 2 naming the closest table',
     dump=PD(P09_DUMP.replace('«e|Upper@example.invalid»', 'Upper@example.invalid')), config=cfg("""
    [tables."crm.customer"]
    eMail = "email"
    """), rc=2, checks=[stderr_has('did you mean crm."Customer"?')])
case('P10 table and column names that are keywords', dump=PD(r"""
COPY public."user" (id, email, "order") FROM stdin;
1⇥«e|k.user@example.invalid»⇥«m|order-seven»
\.


"""), config=cfg("""
    [tables.user]
    email = "email"
    order = "md5"
    """))
P17 = PD(r"""
COPY public.doc (id, path, bin, note, owner) FROM stdin;
1⇥C:\\temp\\new⇥\\x0001ff⇥«S|line1\nline2\ttab \\200»⇥«e|o1@example.invalid»
2⇥\\N⇥\N⇥«S|\r\n only»⇥«e|o2@example.invalid»
3⇥x⇥\\x⇥«S|\\N»⇥«e|\\N»
4⇥y⇥\\x5c4e⇥«S|»⇥«e|\N»
\.


""")
case('P17 COPY escapes: generated values with TAB LF CR backslash are escaped', dump=P17, config=cfg(r"""
    [tables.doc]
    note = { anonymizer = "string", options = { sample = ["a\tb", "c\nd", "e\rf", "g\\h", "\\N"] } }
    owner = "email"
    """), tags={'S': p_sample([b'a\tb', b'c\nd', b'e\rf', b'g\\h', b'\\N'])})
case('P17 COPY escapes: md5 of escaped text', dump=P17, config=cfg(r"""
    [tables.doc]
    note = "md5"
    owner = "email"
    """), tags={'S': p_md5})
case('P18 NULL vs the string NULL vs empty string', dump=PD(r"""
COPY public.t (id, email, note, extra) FROM stdin;
1⇥«e|\N»⇥«m|NULL»⇥«x|»
2⇥«e|real@example.invalid»⇥«m|\N»⇥«x|x»
3⇥«e|»⇥«m|»⇥«x|\\N»
\.


"""), config=cfg("""
    [tables.t]
    email = "email"
    note = "md5"
    extra = "firstname"
    """))
case('P18 null anonymizer turns every value into \\N', dump=PD(r"""
COPY public.t (id, email, note, extra) FROM stdin;
1⇥«n|\N»⇥NULL⇥
2⇥«n|real.null@example.invalid»⇥\N⇥x
3⇥«n|»⇥⇥\\N
\.


"""), config=cfg("""
    [tables.t]
    email = "null"
    """))
P20 = r"""
COPY public.account (id, emails, tags) FROM stdin;
1⇥{a@example.invalid,"b,c@example.invalid"}⇥{"x y",NULL,"q\\"uote"}
2⇥{}⇥\N
3⇥\N⇥{NULL}
\.


COPY public.customer (id, email) FROM stdin;
1⇥«e|arr.case@example.invalid»
\.


"""
case('P20 arrays pass through byte-identical when not configured', dump=PD(P20), config=cfg("""
    [tables.customer]
    email = "email"
    """))
case('P20 a configured array column is replaced as a whole value',
     dump=PD(P20.replace('1⇥{a@example.invalid,"b,c@example.invalid"}',
                         '1⇥«c|{a@example.invalid,"b,c@example.invalid"}»')
             .replace('2⇥{}', '2⇥«c|{}»').replace('3⇥\\N', '3⇥«c|\\N»')), config=cfg("""
    [tables.customer]
    email = "email"
    [tables.account]
    emails = "md5"
    """))
case('P22 the same e-mail in two tables maps to the same value', dump=PD(r"""
COPY public.customer (id, email) FROM stdin;
10⇥«e|c10@example.invalid»
11⇥«e|c11@example.invalid»
\.


COPY public.orders (id, customer_email) FROM stdin;
501⇥«e|c10@example.invalid»
502⇥«e|c10@example.invalid»
503⇥«e|c11@example.invalid»
\.


"""), config=cfg("""
    [tables.customer]
    email = "email"
    [tables.orders]
    customer_email = "email"
    """))
case('P25d COPY dump whose last statement has no final LF', dump=D(PRE + r"""
COPY public.customer (id, email) FROM stdin;
1⇥«e|a.d@example.invalid»
\.


SELECT pg_catalog.setval('public.customer_id_seq', 1, true);"""), config=CUSTOMER_CFG)
case('P25e complete COPY block without LF after \\. : kept as is, with a warning', dump=D(r"""
SET standard_conforming_strings = on;

COPY public.customer (id, email) FROM stdin;
1⇥«e|a.e@example.invalid»
\."""), config=CUSTOMER_CFG, checks=[stderr_nonempty('a warning about the missing LF after \\.')])

# ---------------------------------------------------------------------------
# formats.md part A: SQL that looks like COPY, psql meta-commands
# ---------------------------------------------------------------------------

A9 = r"""
CREATE TABLE public."evil
\.
COPY x FROM stdin;" (
    "col
nl" text
);


--
-- Data for Name: evil \. COPY x FROM stdin;; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public."evil
\.
COPY x FROM stdin;" ("col
nl") FROM stdin;
«m|1»
«m|2»
\.


COPY public.customer (id, email) FROM stdin;
1⇥«e|after.evil@example.invalid»
\.


"""
case('A.9 identifier holding \\. , COPY x FROM stdin; and newlines (configured)', dump=PD(A9), config=cfg(r'''
    [tables."\"evil\n\\.\nCOPY x FROM stdin;\""]
    "col\nnl" = "md5"
    [tables.customer]
    email = "email"
    '''))
case('A.9 identifier holding \\. , COPY x FROM stdin; and newlines (unconfigured)',
     dump=PD(A9.replace('«m|1»', '1').replace('«m|2»', '2')), config=cfg('''
    [tables.customer]
    email = "email"
    '''))
case('A.5 COMMENT ON TABLE literal holding COPY ... FROM stdin; and \\.', dump=PD(r"""
--
-- Name: TABLE customer; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.customer IS 'COPY public.customer (id, email) FROM stdin;
1⇥fake.in.comment@example.invalid
\.
not data';


COPY public.customer (id, email) FROM stdin;
1⇥«e|real.after.comment@example.invalid»
\.


"""), config=CUSTOMER_CFG)
case('A.5 dollar-quoted function bodies holding COPY lines', dump=PD(r"""
CREATE FUNCTION public.f_dollar() RETURNS text
    LANGUAGE plpgsql
    AS $_$
BEGIN
  -- COPY public.customer (id, email) FROM stdin;
  RETURN E'a\nb' || $$x$$ || 'it''s';
END;
$_$;


CREATE FUNCTION public.f_copy() RETURNS void
    LANGUAGE sql
    AS $fn$
COPY public.customer (id, email) FROM stdin;
7⇥fake.in.body@example.invalid
\.
$fn$;


CREATE FUNCTION public.f_atomic(a integer) RETURNS integer
    LANGUAGE sql
    BEGIN ATOMIC
 SELECT (a + 1);
 SELECT (a + 2);
END;


CREATE RULE r_multi AS
    ON INSERT TO public."MixedCase" DO ( INSERT INTO public.log (x)
  VALUES (1);
 INSERT INTO public.log (x)
  VALUES (2);
);


COPY public.customer (id, email) FROM stdin;
1⇥«e|real.after.function@example.invalid»
\.


"""), config=CUSTOMER_CFG)
case('A.1 \\restrict / \\unrestrict and \\connect lines are kept', dump=D(r"""
--
-- PostgreSQL database dump
--

\restrict mBAQ7QAb0VUNcVtCyEXa9cMHTp6Qi3Szc2YqHTHETX0vHdkxgFVkKmn8O7mwcJ8

SET standard_conforming_strings = on;

CREATE DATABASE tricky WITH TEMPLATE = template0 ENCODING = 'UTF8' LOCALE_PROVIDER = libc LOCALE = 'C.UTF-8';


ALTER DATABASE tricky OWNER TO postgres;

\unrestrict mBAQ7QAb0VUNcVtCyEXa9cMHTp6Qi3Szc2YqHTHETX0vHdkxgFVkKmn8O7mwcJ8
\connect tricky
\restrict mBAQ7QAb0VUNcVtCyEXa9cMHTp6Qi3Szc2YqHTHETX0vHdkxgFVkKmn8O7mwcJ8

SET statement_timeout = 0;

COPY public.customer (id, email) FROM stdin;
1⇥«e|restrict.case@example.invalid»
\.


--
-- PostgreSQL database dump complete
--

\unrestrict mBAQ7QAb0VUNcVtCyEXa9cMHTp6Qi3Szc2YqHTHETX0vHdkxgFVkKmn8O7mwcJ8

"""), config=CUSTOMER_CFG)
case("A.5 E'...' strings with \\' and standard strings ending in a backslash", dump=PD(r"""
ALTER TABLE ONLY public.customer ALTER COLUMN note SET DEFAULT E'it\'s; COPY public.customer (id, email) FROM stdin;\n';
SELECT E'\'';
SELECT E'\\';
SELECT e'a\\\'b', 'C:\temp\';
SELECT U&'d\0061t\+000061', B'1010', X'1F';

COPY public.customer (id, email) FROM stdin;
1⇥«e|estring.case@example.invalid»
\.


"""), config=CUSTOMER_CFG)
case('A.5 nested /* /* */ */ comments', dump=PD(r"""
/* outer /* inner */ still comment; COPY public.customer (id, email) FROM stdin; */
SELECT 1;
/* a */ /* b /* c /* d */ */ 'not a string */
SELECT 2;

COPY public.customer (id, email) FROM stdin;
1⇥«e|nested.comment@example.invalid»
\.


"""), config=CUSTOMER_CFG)
case('A.5 -- comments holding quotes, dollars and comment openers', dump=PD(r"""
-- it's a comment with an odd ' quote and a "double
-- and $$ a dollar and /* an open comment
SELECT 1; -- trailing comment with a ' quote
SELECT '--not a comment', "col--x" FROM t; -- ;COPY public.customer (id, email) FROM stdin;

COPY public.customer (id, email) FROM stdin;
1⇥«e|dash.comment@example.invalid»
\.


"""), config=CUSTOMER_CFG)
case('A.5 statements spanning lines before a COPY header split over lines', dump=PD(r"""
SELECT 'multi
line; string', "multi
line ident";
COPY public.customer (
    id, email
) FROM stdin;
1⇥«e|split.header@example.invalid»
\.


"""), config=CUSTOMER_CFG)
case('A.7 --disable-triggers wrapping and --load-via-partition-root comment', dump=PD(r"""
--
-- Data for Name: part_a; Type: TABLE DATA; Schema: public; Owner: postgres
--

-- load via partition root public.parent

SET SESSION AUTHORIZATION DEFAULT;

ALTER TABLE public.parent DISABLE TRIGGER ALL;

COPY public.parent (id, k, email) FROM stdin;
1⇥a⇥«e|part.a@example.invalid»
3⇥a⇥«e|\N»
\.


ALTER TABLE public.parent ENABLE TRIGGER ALL;

"""), config=cfg("""
    [tables.parent]
    email = "email"
    """))

# The whole real sample of formats.md A.2 (plus A.5 statements), configured.
TRICKY_BODY = r"""
--
-- Name: f_dollar(); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.f_dollar() RETURNS text
    LANGUAGE plpgsql
    AS $_$
BEGIN
  -- COPY public.plain (id) FROM stdin;
  RETURN E'a\nb' || $$x$$ || 'it''s';
END;
$_$;


ALTER FUNCTION public.f_dollar() OWNER TO postgres;

--
-- Name: TABLE plain; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.plain IS 'COPY public.plain (id) FROM stdin;
\.
not data';


--
-- Data for Name: Table "Quoted" Name; Type: TABLE DATA; Schema: My Schema; Owner: postgres
--

COPY "My Schema"."Table ""Quoted"" Name" ("Col A", "UPPER", "we""ird col", lower, "select", "日本") FROM stdin;
«m|1»⟨09⟩x⟨09⟩y⟨09⟩z⟨09⟩kw⟨09⟩«f|ja»
«m|2»⟨09⟩\N⟨09⟩a\tb⟨09⟩⟨09⟩kw2⟨09⟩«f|\N»
\.


--
-- Data for Name: MixedCase; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public."MixedCase" ("Id", "Name") FROM stdin;
1⟨09⟩«l|Alice»
2⟨09⟩«l|O'Brien»
\.


--
-- Data for Name: emptytab; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.emptytab (a, b) FROM stdin;
\.


--
-- Data for Name: lat; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.lat (t) FROM stdin;
café ü
\.


--
-- Data for Name: misc; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.misc (mo, iv, bi, vb, pt, bx, ip, mac, u, d, tm, x, r, tsv, c, o, "numeric", ha) FROM stdin;
$1,234.56⟨09⟩1 day 02:03:04⟨09⟩1010⟨09⟩101⟨09⟩(1,2)⟨09⟩(1,1),(0,0)⟨09⟩192.168.0.1/24⟨09⟩08:00:2b:01:02:03⟨09⟩a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11⟨09⟩2024-02-29⟨09⟩12:34:56⟨09⟩<a b="c">x &amp; y</a>⟨09⟩[1,10)⟨09⟩'a' 'cat' 'fat'⟨09⟩ab   ⟨09⟩42⟨09⟩12.30⟨09⟩{9223372036854775807}
\.


--
-- Data for Name: nocols; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.nocols  FROM stdin;


\.


--
-- Data for Name: plain; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.plain (id, t, vc, b, arr, iarr, j, jb, n, f, ts, flag, m) FROM stdin;
1⟨09⟩«c|simple»⟨09⟩«C|abc»⟨09⟩\\x00ff5c0a⟨09⟩{a,"b c","d,e","f\\"g","h\\\\i","{x}","",NULL,"NULL"}⟨09⟩{{1,2},{3,NULL}}⟨09⟩{"k": "v\\n\\"q\\"", "u": "\\u00e9"}⟨09⟩{"k": "v\\n", "n": null, "arr": [1, 2.50, true]}⟨09⟩123.4500⟨09⟩NaN⟨09⟩2024-01-02 03:04:05.678+00⟨09⟩t⟨09⟩happy
2⟨09⟩«c|tab\there\nnewline\rcr\\backslash»⟨09⟩«C|quote's "dq"»⟨09⟩\\x⟨09⟩{}⟨09⟩\N⟨09⟩null⟨09⟩"str"⟨09⟩0.0⟨09⟩-Infinity⟨09⟩infinity⟨09⟩f⟨09⟩sad 'quoted'
3⟨09⟩«c|»⟨09⟩«C|\N»⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩0⟨09⟩\N⟨09⟩\N⟨09⟩\N
4⟨09⟩«c|\N»⟨09⟩«C|»⟨09⟩\\x5c4e⟨09⟩{NULL}⟨09⟩{}⟨09⟩[]⟨09⟩{}⟨09⟩0.00000000000000000001⟨09⟩1.5e+300⟨09⟩-infinity⟨09⟩\N⟨09⟩\N
5⟨09⟩«c|\\N»⟨09⟩«C|\\.»⟨09⟩\\x2e⟨09⟩{"back\\\\slash","new\nline","tab\tx"}⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩NaN⟨09⟩3.14159⟨09⟩\N⟨09⟩\N⟨09⟩\N
6⟨09⟩«c|\\.»⟨09⟩«C|line1\n\\.\nline3»⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N
7⟨09⟩«c|unicode: é ü 日本語 😀  nbsp»⟨09⟩«C|ctl⟨01⟩⟨02⟩⟨7F⟩»⟨09⟩\N⟨09⟩{日本}⟨09⟩\N⟨09⟩\N⟨09⟩{"ctl": "\\u0001", "emoji": "😀"}⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N
8⟨09⟩«c|bs\\b\bff\fvtvend»⟨09⟩«C|COPY x FROM stdin;»⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N
9⟨09⟩«c|--comment\n/* c */ $$dollar$$ 'q' ;»⟨09⟩«C|E'x'»⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N
10⟨09⟩«c|vt\vbs\besc⟨1B⟩del⟨7F⟩ff\fcr\rlf\nend»⟨09⟩«C|a\\b»⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N⟨09⟩\N
\.


--
-- Data for Name: t1; Type: TABLE DATA; Schema: we"ird; Owner: postgres
--

COPY "we""ird".t1 (a) FROM stdin;
«k|1»
«k|2»
«k|3»
\.


--
-- Name: MixedCase r_multi; Type: RULE; Schema: public; Owner: postgres
--

CREATE RULE r_multi AS
    ON INSERT TO public."MixedCase" DO ( INSERT INTO public.log (x)
  VALUES (1);
 INSERT INTO public.log (x)
  VALUES (2);
);


"""
TRICKY = PD(TRICKY_BODY)
TRICKY_CFG = cfg(r'''
    [tables.'"My Schema"."Table ""Quoted"" Name"']
    "Col A" = "md5"
    "日本" = "firstname"
    [tables.MixedCase]
    Name = "lastname"
    [tables.plain]
    t = "md5"
    vc = { anonymizer = "constant", options = { value = "x\ty" } }
    [tables.'"we""ird".t1']
    a = "keep"
    ''')
case('A.2 real pg_dump sample of a tricky database, configured', dump=TRICKY, config=TRICKY_CFG,
     tags={'C': p_const(b'x\ty')})
case('A.2 real pg_dump sample of a tricky database, empty config is byte-identical',
     dump=Dump(data=TRICKY.data), config=PASS_CFG, args=PASS_ARGS + ['in.sql'], checks=[output_identical()])

# ---------------------------------------------------------------------------
# More edge cases
# ---------------------------------------------------------------------------

case('-o - writes to stdout', dump=CUSTOMER, config=CUSTOMER_CFG, args=['-c', 'cfg.toml', '-o', '-', 'in.sql'],
     checks=[files_in_dir({'in.sql', 'cfg.toml'})])
case('two COPY blocks of the same configured table are both anonymized', dump=PD(r"""
COPY public.customer (id, email) FROM stdin;
1⇥«e|first.block@example.invalid»
\.


COPY public.customer (id, email) FROM stdin;
2⇥«e|second.block@example.invalid»
3⇥«e|first.block@example.invalid»
\.


"""), config=CUSTOMER_CFG)
case('column names match exactly: Email does not match column email (exit 2)', dump=CUSTOMER, config=cfg("""
    [tables.customer]
    Email = "email"
    """), rc=2, checks=[stderr_has('Email')])
case('config: salt of the wrong type is an error', dump=CUSTOMER, config=(
     'salt = 5\n'                            # 1
     '[tables.customer]\n'                   # 2
     'email = "email"\n'),                   # 3
     rc=2, checks=[err_at('cfg.toml', 1, ['salt']), stdout_empty()])
case('config: table key with an unterminated SQL quote is an error', dump=CUSTOMER, config=(
     f'salt = "{SALT}"\n'                    # 1
     '[tables.\'"customer\']\n'              # 2
     'email = "email"\n'),                   # 3
     rc=2, checks=[err_at('cfg.toml', 2), stdout_empty()])
case('one-column configured table: an empty line is a row holding the empty string', dump=PD(r"""
COPY public.memo (txt) FROM stdin;
«c|first memo line»
«x|»
«c|\N»
\.


"""), config=cfg("""
    [tables.memo]
    txt = "md5"
    """))
case('two-column configured table: an empty line is a row with a wrong field count',
     dump=bad_row_dump(b''), config=ERR_CFG, rc=3,
     checks=[err_at('in.sql', 7, ['customer']), no_cfg_secret_in_stdout()])
BIG_FIELD = 'z' * (3 << 20)
case('multi-megabyte fields in configured and unconfigured columns', dump=D(r"""
COPY public.customer (id, email, note) FROM stdin;
1⇥«m|long.line@example.invalid»⇥""" + BIG_FIELD + r"""
2⇥«m|""" + 'q' * (2 << 20) + r"""»⇥x
3⇥«m|after.long@example.invalid»⇥""" + BIG_FIELD[:100000] + r"""\\t
\.
"""), config=cfg("""
    [tables.customer]
    email = "md5"
    """))


case('INSERT rows of a configured table are anonymized, never passed through (more in insert_cases_test.py)',
     dump=Dump(data=(
         b'SET standard_conforming_strings = on;\n'
         b"INSERT INTO public.customer (id, email) VALUES (1, 'SECRETMARKERCFG1@example.invalid');\n")),
     config=ERR_CFG, structure=False,
     checks=[stdout_re(r"VALUES \(1, 'anon-[0-9a-f]{32}@example\.com'\);\n$"), no_cfg_secret_in_stdout()])
case('INSERT rows of an unconfigured table pass through', dump=D(r"""
SET standard_conforming_strings = on;
INSERT INTO public.other (id, body) VALUES (1, 'C:\temp\'), (2, 'it''s
multi-line; -- not a comment');
COPY public.customer (id, email) FROM stdin;
1⇥«e|after.insert@example.invalid»
\.
"""), config=CUSTOMER_CFG)
case('COPY in CSV format of a configured table is refused (exit 3)', dump=Dump(data=(
     b'COPY public.customer (id, email) FROM stdin WITH (FORMAT csv);\n'
     b'1SECRETMARKER,SECRETMARKERCFG1@example.invalid\n'
     b'\\.\n')), config=ERR_CFG, rc=3, checks=[err_at('in.sql', 1, ['customer']), no_cfg_secret_in_stdout()])
case('CRLF row ends in a configured COPY block are read and written back with CR LF (issue 15)', dump=Dump(data=(
     b'COPY public.customer (id, email) FROM stdin;\r\n'
     b'1SECRETMARKER\tSECRETMARKERCFG1@example.invalid\r\n'
     b'\\.\r\n')), config=ERR_CFG, rc=0, structure=False,
     checks=[no_cfg_secret_in_stdout(), stdout_re(r'^COPY public.customer \(id, email\) FROM stdin;\r\n'
                                                  r'1SECRETMARKER\t[^\t\r\n]+@[^\t\r\n]+\r\n\\\.\r\n$')])
case('a configured COPY block mixing CR LF and LF rows is refused at the row that differs (exit 3), as COPY does',
     dump=Dump(data=(
     b'COPY public.customer (id, email) FROM stdin;\n'
     b'1SECRETMARKER\tSECRETMARKERCFG1@example.invalid\r\n'
     b'2SECRETMARKER\tSECRETMARKERCFG1@example.invalid\n'
     b'\\.\n')), config=ERR_CFG, rc=3, checks=[err_at('in.sql', 3, ['customer']), no_cfg_secret_in_stdout()])
case('COPY header spellings: lower case, STDIN, quoted names, columns in another order', dump=D(r"""
copy public.customer (id, email) from stdin;
1⇥«e|lower.case@example.invalid»
\.
COPY public.customer (id, email) FROM STDIN;
2⇥«e|upper.stdin@example.invalid»
\.
COPY "public"."customer" ("id", "email") FROM stdin;
3⇥«e|all.quoted@example.invalid»
\.
COPY public.customer (email, id) FROM stdin;
«e|\N»⇥4
«e|reordered@example.invalid»⇥5
\.
"""), config=CUSTOMER_CFG)


def custom_sigterm(c, d):
    """SIGTERM while writing with -o: exit 143 and no temp file left behind."""
    import signal
    write(d, 'cfg.toml', CUSTOMER_CFG)
    head = CUSTOMER.data.split(b'COPY public.customer')[0] + b'COPY public.customer (id, email, note) FROM stdin;\n'
    p = subprocess.Popen([BIN, '-c', 'cfg.toml', '-o', 'out.sql'], cwd=d, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env())
    p.stdin.write(head + b'1\tsig.term@example.invalid\tx\n' * 2000)
    p.stdin.flush()
    time.sleep(0.3)
    p.send_signal(signal.SIGTERM)
    try:
        out, err = p.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        p.kill()
        return ['did not exit after SIGTERM']
    errs = []
    if p.returncode not in (143, -15):
        errs.append(f'exit {p.returncode}, expected 143')
    left = sorted(set(os.listdir(d)) - {'cfg.toml'})
    if left:
        errs.append(f'files left after SIGTERM: {left}')
    return errs


case('SIGTERM during -o: exit 143, no temp file left', custom=custom_sigterm)

# ---------------------------------------------------------------------------
# Multi-run cases: threads, salt, SIGPIPE
# ---------------------------------------------------------------------------


def big_dump(rows=40000):
    parts = [PRE.lstrip('\n')]
    parts.append('COPY public.customer (id, email, first_name, note, created) FROM stdin;\n')
    for i in range(rows):
        email = '\\N' if i % 97 == 0 else f'user{i % 7919}@example.invalid'
        parts.append(f'{i}⇥«e|{email}»⇥«f|Nm{i % 501}x»⇥row {i} text with \\t escapes and \\\\ '
                     f'{"x" * (i % 40)}⇥2024-01-{1 + i % 28:02d} 10:00:00+00\n')
    parts.append('\\.\n\n\n')
    parts.append('COPY public.orders (id, customer_email, amount) FROM stdin;\n')
    for i in range(rows):
        parts.append(f'{i}⇥«e|user{(i * 31) % 7919}@example.invalid»⇥{i % 1000}.{i % 100:02d}\n')
    parts.append('\\.\n\n\n')
    parts.append('COPY public.untouched (id, payload) FROM stdin;\n')
    for i in range(rows // 2):
        parts.append(f'{i}⇥payload {i} ⟨FF⟩ {"y" * (i % 60)}\n')
    parts.append('\\.\n\n\n')
    parts.append(POST.lstrip('\n'))
    return Dump(''.join(parts))


BIG = None
BIG_CFG = cfg("""
    [tables.customer]
    email = "email"
    first_name = "firstname"
    [tables.orders]
    customer_email = "email"
    """)


def get_big():
    global BIG
    if BIG is None:
        BIG = big_dump()
    return BIG


def write(d, name, data):
    with open(os.path.join(d, name), 'wb' if isinstance(data, bytes) else 'w') as f:
        f.write(data)


def custom_threads(c, d):
    big = get_big()
    write(d, 'in.sql', big.data)
    write(d, 'cfg.toml', BIG_CFG)
    errs = []
    outs = {}
    for j in ('-j1', '-j2', '-j8'):
        r = run(['-c', 'cfg.toml', j, 'in.sql'], d)
        if r.rc != 0:
            errs.append(f'dbanon -c cfg.toml {j} in.sql: exit {r.rc}, stderr {r.err[:300]!r}')
        outs[j] = r.out
    if errs:
        return errs
    if outs['-j1'] != outs['-j2']:
        errs.append('-j1 and -j2 outputs differ')
    if outs['-j1'] != outs['-j8']:
        errs.append('-j1 and -j8 outputs differ')
    r = run(['-c', 'cfg.toml', '-j8', 'in.sql'], d)
    if r.out != outs['-j8']:
        errs.append('two -j8 runs with the same salt differ')
    errs += structure_errors(big, outs['-j8'], {})
    return errs


def custom_salt(c, d):
    write(d, 'in.sql', CUSTOMER.data)
    write(d, 'a.toml', CUSTOMER_CFG)
    write(d, 'b.toml', CUSTOMER_CFG.replace(SALT, 'another salt, long enough'))
    ra = run(['-c', 'a.toml', 'in.sql'], d)
    renv = run(['-c', 'a.toml', 'in.sql'], d, env={'DBANON_SALT': 'another salt, long enough'})
    rb = run(['-c', 'b.toml', 'in.sql'], d)
    errs = [f'{n}: exit {r.rc}, stderr {r.err[:200]!r}' for n, r in
            (('config salt', ra), ('DBANON_SALT', renv), ('other config salt', rb)) if r.rc != 0]
    if errs:
        return errs
    if renv.out == ra.out:
        errs.append('DBANON_SALT=another salt gives the same output as the config salt')
    if renv.out != rb.out:
        errs.append('DBANON_SALT=another salt differs from salt = "another salt" in the config')
    errs += structure_errors(CUSTOMER, renv.out, {})
    return errs


def custom_sigpipe(extra_args, config):
    def f(c, d):
        big = get_big()
        write(d, 'in.sql', big.data)
        write(d, 'cfg.toml', config)
        cmd = (f'{shlex.quote(BIN)} -c cfg.toml {" ".join(extra_args)} in.sql 2>err.txt | head -c 10 >/dev/null; '
               'echo "${PIPESTATUS[0]}"')
        try:
            p = subprocess.run(['bash', '-c', cmd], cwd=d, capture_output=True, env=child_env(), timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return [f'timeout (hang after the reader went away): {cmd}']
        rc = p.stdout.decode().strip()
        with open(os.path.join(d, 'err.txt'), 'rb') as fh:
            err = fh.read()
        errs = []
        if rc != '141':
            errs.append(f'exit {rc}, expected 141')
        if err:
            errs.append(f'stderr not empty: {err[:300]!r}')
        if errs:
            errs.append(f'command: dbanon -c cfg.toml {" ".join(extra_args)} in.sql | head -c 10')
        return errs
    return f


case('-j1, -j2, -j8 give byte-identical output (40k-row tables)', custom=custom_threads)
case('DBANON_SALT overrides the config salt', custom=custom_salt)
case('stdout closed early (| head -c 10): exit 141, quiet', custom=custom_sigpipe([], BIG_CFG))
case('stdout closed early with -j8: exit 141, quiet', custom=custom_sigpipe(['-j8'], BIG_CFG))
case('stdout closed early, pass-through config: exit 141, quiet', custom=custom_sigpipe(['--allow-missing'], PASS_CFG))

# ---------------------------------------------------------------------------
# The pagila sample database (real pg_dump output, tests/data/pagila)
# ---------------------------------------------------------------------------

PAGILA_COLS = {
    'public.customer': {'email': 'e', 'first_name': 'f', 'last_name': 'l'},
    'public.staff': {'email': 'e', 'password': 'm'},
    'public.address': {'phone': 'c'},
}
PAGILA_CFG = cfg("""
    [tables.customer]
    email = "email"
    first_name = "firstname"
    last_name = "lastname"
    [tables.staff]
    email = "email"
    password = "md5"
    [tables.address]
    phone = "md5"
    """)


def pagila_dump():
    with open(os.path.join(PAGILA_DIR, 'pagila-schema.sql'), 'rb') as f:
        data = f.read()
    with open(os.path.join(PAGILA_DIR, 'pagila-data.sql'), 'rb') as f:
        data += f.read()
    marks = {}
    in_copy = None
    hdr = re.compile(rb'^COPY (\S+) \((.*)\) FROM stdin;$')
    for i, line in enumerate(data.split(b'\n')):
        if in_copy is not None:
            if line == b'\\.':
                in_copy = None
            elif in_copy:
                fields = line.split(b'\t')
                marks[i] = {k: (t, fields[k]) for k, t in in_copy.items()}
            continue
        m = hdr.match(line)
        if m:
            cols = [x.strip().decode() for x in m.group(2).split(b',')]
            conf = PAGILA_COLS.get(m.group(1).decode(), {})
            in_copy = {cols.index(cn): t for cn, t in conf.items()}
    return Dump(data=data, marks=marks)


def custom_pagila(c, d):
    dump = pagila_dump()
    write(d, 'in.sql', dump.data)
    write(d, 'cfg.toml', PAGILA_CFG)
    write(d, 'empty.toml', PASS_CFG)
    errs = []
    r0 = run(['--allow-missing', '-c', 'empty.toml', 'in.sql'], d)
    if r0.rc != 0 or r0.out != dump.data:
        errs.append(f'empty config: exit {r0.rc}, output {"identical" if r0.out == dump.data else "differs"}')
    r1 = run(['-c', 'cfg.toml', '-j1', 'in.sql'], d)
    r8 = run(['-c', 'cfg.toml', '-j8', 'in.sql'], d)
    if r1.rc != 0:
        return errs + [f'configured -j1: exit {r1.rc}, stderr {r1.err[:300]!r}']
    if r8.out != r1.out:
        errs.append('configured -j1 and -j8 outputs differ')
    errs += structure_errors(dump, r1.out, {})
    for s in dump.secrets():
        if s in r1.out:
            errs.append(f'stdout contains the original configured value {s!r}')
            break
    return errs


case('pagila (real pg_dump): pass-through identical, configured run well-formed', custom=custom_pagila)


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

def main():
    global BIN
    a = cli.parse_args(__doc__, jobs=max(2, min(8, os.cpu_count() or 2)))
    BIN = cli.BIN
    return cli.main(CASES, execute, args=a)


if __name__ == '__main__':
    sys.exit(main())
