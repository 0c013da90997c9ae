#!/usr/bin/env python3
"""Round trip through a real PostgreSQL: load -> pg_dump -Fp -> dbanon -> psql restore -> compare.

Usage: pg_roundtrip_test.py DBANON_BINARY [PAGILA_DIR]

Databases: pagila (from PAGILA_DIR), tricky (tricky_schema.sql beside this script:
awkward names and values) and bulk (150k generated rows, ~20 MB of dump, so that -j4
spreads rows over many batches). PAGILA_DIR holds pagila-schema.sql and
pagila-data.sql; it defaults to tests/data/pagila in the repository.
Set PG_HARNESS_KEEP=1 to keep the cluster directory for inspection.

For each database the test checks, printing `ok - ...` or `not ok - ...: detail`:
  * dbanon exits 0 and its output restores with psql -v ON_ERROR_STOP=1;
  * pg_dump --schema-only of the restored database equals the source's (DDL, comments
    and function bodies that merely look like COPY blocks are left alone);
  * same tables, columns, sequence values and row counts as the source;
  * every unconfigured column equals the source, row by row (ordered by primary key,
    else by ctid, which is the COPY order);
  * every configured column is replaced on every non-NULL row (and has the anonymizer's
    shape), NULL stays NULL;
  * one input value maps to one output in every column with the same anonymizer and
    options, and distinct e-mails/md5 inputs stay distinct;
  * no original value of a configured column (length >= 6) is left in the output dump,
    beyond its occurrences outside configured cells in the source dump (for bulk, with
    too many values to search each, as a whole COPY field);
  * an empty config gives output byte-identical to the input;
  * -j1 (file in, -o out) and -j4 (stdin to stdout) outputs are byte-identical;
  * $DBANON_SALT overrides the config salt;
  * a dump cut off inside a COPY block is rejected with exit 3 without echoing values.
Failure details name table, column and row key, never a configured column's value.

Exit status: 0 all checks passed, 1 some failed, 77 PostgreSQL is not installed (skip).
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import pg_harness  # noqa: E402
from pg_harness import quote_ident  # noqa: E402

SALT = "integration-test-salt-7f3a"
OTHER_SALT = "another-salt-for-env-override"
DBANON_TIMEOUT = 300
LEAK_MIN_LEN = 6
LEAK_SUBSTRING_MAX = 20000  # beyond this many values, look for whole fields only

EXIT_MALFORMED = 3


# ---------------------------------------------------------------------------
# Datasets and their configured columns. Each table: (schema, table, toml key, {column: spec}).
# A spec is the anonymizer name or (name, options).

def email(domain=None):
    return ("email", {"domain": domain}) if domain else ("email", {})


PAGILA_CONFIG = [
    ("public", "customer", "customer", {
        "email": email(),
        "first_name": ("firstname", {}),
        "last_name": ("lastname", {}),
    }),
    ("public", "staff", "staff", {
        "email": email(),
        "password": ("md5", {}),
        "picture": ("null", {}),
    }),
    ("public", "address", "public.address", {
        "phone": ("constant", {"value": "555-0100"}),
        "address2": ("null", {}),
    }),
]


class Sql(str):
    """Inline SQL text in Dataset.loads (instead of a file path)."""


# Enough rows for many input batches (dbanon reads ~2 MiB per batch), so that -j4
# really spreads configured rows over several workers before the ordered write.
BULK_ROWS = 150000
BULK_SQL = Sql("""
SET client_min_messages = warning;
CREATE TABLE public.bulk_customer (
    id integer PRIMARY KEY,
    email text,
    name text NOT NULL,
    note text
);
INSERT INTO public.bulk_customer
SELECT i,
       CASE WHEN i %% 97 = 0 THEN NULL ELSE 'bulk' || i || '@example.invalid' END,
       'Bulk Person ' || i,
       CASE WHEN i %% 50 = 0 THEN E'tab\\there\\nnewline' ELSE repeat(md5(i::text), 2) END
FROM generate_series(1, %d) AS i;
CREATE TABLE public.bulk_plain AS
SELECT i AS id, md5(i::text) AS digest FROM generate_series(1, %d) AS i;
""" % (BULK_ROWS, BULK_ROWS // 2))

BULK_CONFIG = [
    ("public", "bulk_customer", "bulk_customer", {
        "email": email(),
        "name": ("lastname", {}),
    }),
]

TRICKY_CONFIG = [
    ("public", "customer", "customer", {
        "email": email(),
        "name": ("lastname", {}),
    }),
    ("sales", "customer", "sales.customer", {
        "email": email(),
        "region": ("constant", {"value": "ZZ"}),
    }),
    ("public", "orders", "public.orders", {
        "customer_email": email(),
    }),
    ("public", "Client List", "Client List", {
        "Full Name": ("firstname", {}),
        "e-mail": email("clients.test"),
    }),
    ("my.schema", 'user"s', '"my.schema"."user""s"', {
        "login name": ("string", {"sample": ["alpha-login", "beta-login"]}),
        "email": email(),
    }),
    ("crm", "Customer", "crm.Customer", {
        "eMail": email(),
    }),
    ("public", "order.items", '"order.items"', {
        "email": email(),
    }),
    ("public", "empty_table", "empty_table", {
        "email": email(),
    }),
    ("public", "COPY x FROM stdin;", "COPY x FROM stdin;", {
        "secret": ("md5", {}),
    }),
]


def spec_parts(spec):
    return (spec, {}) if isinstance(spec, str) else spec


def toml_string(s):
    # JSON string escapes (\" \\ \n \uXXXX) are valid TOML basic-string escapes.
    return json.dumps(s, ensure_ascii=False)


def toml_key(s):
    if re.fullmatch(r"[A-Za-z0-9_-]+", s):
        return s
    if '"' in s and "'" not in s and "\n" not in s:
        return "'" + s + "'"  # literal string: the key is taken verbatim
    return toml_string(s)


def toml_value(v):
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join("%s = %s" % (toml_key(k), toml_value(x)) for k, x in v.items()) + " }"
    raise TypeError(type(v))


def config_toml(config, salt=SALT):
    lines = ["# generated by pg_roundtrip_test.py"]
    if salt is not None:
        lines.append("salt = %s" % toml_string(salt))
    for _schema, _table, key, columns in config:
        lines.append("")
        lines.append("[tables.%s]" % toml_key(key))
        for col, spec in columns.items():
            name, options = spec_parts(spec)
            if options:
                value = toml_value({"anonymizer": name, "options": options})
            else:
                value = toml_string(name)
            lines.append("%s = %s" % (toml_key(col), value))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Reporting

class Reporter:
    """Prints one line per check and never lets a configured value into a detail."""

    def __init__(self):
        self.failed = 0
        self.passed = 0
        self.secrets = set()

    def scrub(self, text):
        text = str(text)
        # psql/PostgreSQL quote values in "..." and in Key (...)=(...).
        text = re.sub(r'(?<=: )"[^"\n]*"', '"<redacted>"', text)
        text = re.sub(r"=\([^)\n]*\)", "=(<redacted>)", text)
        for s in sorted(self.secrets, key=len, reverse=True):
            if s in text:
                text = text.replace(s, "<redacted>")
        text = " ".join(text.split())
        return text[:600] + ("..." if len(text) > 600 else "")

    def check(self, cond, desc, detail=""):
        if cond:
            self.passed += 1
            print("ok - %s" % desc, flush=True)
        else:
            self.failed += 1
            print("not ok - %s: %s" % (desc, self.scrub(detail) or "failed"), flush=True)
        return cond

    def note(self, text):
        print("# %s" % self.scrub(text), flush=True)


# ---------------------------------------------------------------------------
# Catalog helpers

def escape_copy(value):
    """A value as COPY text format writes it (PostgreSQL CopyAttributeOutText)."""
    return (value.replace("\\", "\\\\").replace("\b", "\\b").replace("\f", "\\f")
            .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t").replace("\v", "\\v"))


def qname(schema, table):
    return "%s.%s" % (quote_ident(schema), quote_ident(table))


def display(schema, table, column=None):
    s = "%s.%s" % (schema, table)
    return s + "." + column if column is not None else s


USER_NAMESPACES = ("n.nspname NOT IN ('pg_catalog', 'information_schema') "
                   "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'")


class Catalog:
    def __init__(self, pg, db):
        self.tables = {}  # (schema, table) -> relkind
        for s, t, k in pg.query(db, """
                SELECT n.nspname, c.relname, c.relkind FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND %s ORDER BY 1, 2""" % USER_NAMESPACES):
            self.tables[(s, t)] = k
        self.columns = {key: [] for key in self.tables}  # -> [(name, type, generated)]
        for s, t, name, typ, gen in pg.query(db, """
                SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                       a.attgenerated
                FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND %s
                ORDER BY n.nspname, c.relname, a.attnum""" % USER_NAMESPACES):
            self.columns[(s, t)].append((name, typ, gen))
        self.pkey = {key: [] for key in self.tables}
        for s, t, name in pg.query(db, """
                SELECT n.nspname, c.relname, a.attname
                FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                WHERE i.indisprimary AND %s ORDER BY 1, 2, k.ord""" % USER_NAMESPACES):
            self.pkey[(s, t)].append(name)
        self.sequences = pg.query(db, """
                SELECT schemaname, sequencename, last_value::text FROM pg_sequences
                WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2""")
        self.counts = {}
        plain = [key for key, kind in self.tables.items() if kind == "r"]
        if plain:
            sql = " UNION ALL ".join(
                "SELECT %d, count(*) FROM ONLY %s" % (i, qname(*key)) for i, key in enumerate(plain))
            for i, n in pg.query(db, sql):
                self.counts[plain[int(i)]] = int(n)


def fetch_rows(pg, db, schema, table, columns, pkey):
    """All rows of a table, in primary key order (else ctid order) as tuples of str/None."""
    order = ", ".join(quote_ident(c) for c in pkey) if pkey else "ctid"
    cols = ", ".join(quote_ident(c) for c in columns)
    return pg.query(db, "SELECT %s FROM ONLY %s ORDER BY %s" % (cols, qname(schema, table), order))


def row_keys(rows, columns, pkey):
    if pkey:
        idx = [columns.index(c) for c in pkey]
        return [tuple(r[i] for i in idx) for r in rows]
    return [("#%d" % (n + 1),) for n in range(len(rows))]


def key_text(pkey, key):
    if pkey:
        return ",".join("%s=%s" % (c, v) for c, v in zip(pkey, key))
    return "row " + key[0]


# ---------------------------------------------------------------------------
# Running dbanon

class Dbanon:
    def __init__(self, binary):
        self.binary = binary

    def run(self, args, stdin_path=None, stdout_path=None, salt_env=None):
        env = {k: v for k, v in os.environ.items() if k != "DBANON_SALT"}
        if salt_env is not None:
            env["DBANON_SALT"] = salt_env
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        stdout = open(stdout_path, "wb") if stdout_path else subprocess.PIPE
        t0 = time.monotonic()
        try:
            p = subprocess.run([self.binary] + list(args), stdin=stdin, stdout=stdout,
                               stderr=subprocess.PIPE, env=env, timeout=DBANON_TIMEOUT)
        except subprocess.TimeoutExpired:
            return None, b"timed out after %ds" % DBANON_TIMEOUT, 0.0
        finally:
            if stdin_path:
                stdin.close()
            if stdout_path:
                stdout.close()
        return p.returncode, p.stderr, time.monotonic() - t0


def first_difference(a, b):
    """1-based line and byte offset of the first difference between two byte strings."""
    n = min(len(a), len(b))
    i = 0
    step = 1 << 16
    while i < n and a[i:i + step] == b[i:i + step]:
        i += step
    i = min(i, n)
    while i < n and a[i] == b[i]:
        i += 1
    if i == n and len(a) == len(b):
        return None
    return "first difference at line %d (byte %d); sizes %d vs %d" % (
        a.count(b"\n", 0, i) + 1, i, len(a), len(b))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


# ---------------------------------------------------------------------------
# Per-anonymizer expectations on one non-NULL source value

EMAIL_LOCAL = r"anon-[0-9a-f]+"


def check_value(name, options, src, dst):
    """None when dst is an acceptable replacement for src, else a reason without values."""
    if name == "null":
        return None if dst is None else "not NULL"
    if src is None:
        return None if dst is None else "NULL became non-NULL"
    if dst is None:
        return "non-NULL became NULL"
    if name == "constant":
        return None if dst == options["value"] else "not the configured constant"
    if dst == src:
        return "unchanged"
    if name == "md5":
        return None if re.fullmatch(r"[0-9a-f]{32}", dst) else "not 32 lowercase hex digits"
    if name == "email":
        domain = options.get("domain", "example.com")
        ok = re.fullmatch(EMAIL_LOCAL + "@" + re.escape(domain), dst)
        return None if ok else "not of the form anon-<hex>@%s" % domain
    if name in ("firstname", "lastname"):
        return None if dst.strip() else "empty"
    if name == "string":
        return None if dst in options["sample"] else "not one of the sample values"
    return None


# ---------------------------------------------------------------------------

class Dataset:
    def __init__(self, name, loads, config):
        self.name = name
        self.loads = loads  # SQL files (paths) or SQL text (Sql), loaded in order
        self.config = config


def run_dataset(pg, ds, dbanon, work, rep):
    P = ds.name + ": "
    anon_db = ds.name + "_anon"
    d = os.path.join(work, ds.name)
    os.mkdir(d)
    dump_path = os.path.join(d, "source.sql")
    cfg_path = os.path.join(d, "dbanon.toml")
    out1 = os.path.join(d, "anon-j1.sql")

    # -- source database and dump ------------------------------------------
    try:
        t0 = time.monotonic()
        pg.createdb(ds.name)
        for f in ds.loads:
            if isinstance(f, Sql):
                pg.psql(ds.name, input=f)
            else:
                pg.psql(ds.name, file=f)
        with open(dump_path, "wb") as f:
            pg.run_client("pg_dump", ["-Fp", "-d", ds.name], stdout=f)
        rep.check(True, P + "source database loaded and dumped with pg_dump -Fp (%.1fs)"
                  % (time.monotonic() - t0))
    except (pg_harness.PgError, subprocess.TimeoutExpired) as e:
        rep.check(False, P + "source database loaded and dumped with pg_dump -Fp", e)
        return
    src = Catalog(pg, ds.name)
    source_dump = read(dump_path)

    # Configured columns must exist, else the config is testing nothing.
    missing = []
    for schema, table, _key, cols in ds.config:
        names = [c[0] for c in src.columns.get((schema, table), [])]
        if (schema, table) not in src.tables:
            missing.append(display(schema, table))
        missing += [display(schema, table, c) for c in cols if c not in names]
    rep.check(not missing, P + "every configured table and column exists in the source",
              "missing: " + ", ".join(missing))

    # Source values of configured columns, needed for scrubbing and for the leak check.
    src_rows = {}
    for key in src.tables:
        if src.tables[key] == "r" and src.columns[key]:
            src_rows[key] = fetch_rows(pg, ds.name, key[0], key[1],
                                       [c[0] for c in src.columns[key]], src.pkey[key])
    configured = {}  # (schema, table) -> {column: (name, options)}
    for schema, table, _key, cols in ds.config:
        configured[(schema, table)] = {c: spec_parts(s) for c, s in cols.items()}
    for key, cols in configured.items():
        names = [c[0] for c in src.columns.get(key, [])]
        for col in cols:
            if col in names and key in src_rows:
                i = names.index(col)
                for r in src_rows[key]:
                    if r[i] is not None and len(r[i]) >= 4:
                        rep.secrets.add(r[i])
                        rep.secrets.add(escape_copy(r[i]))

    write(cfg_path, config_toml(ds.config))

    # -- anonymize and restore ---------------------------------------------
    rc, err, secs = dbanon.run(["-c", cfg_path, "-j1", "-o", out1, dump_path])
    if not rep.check(rc == 0, P + "dbanon -j1 exits 0 (%.2fs for %d bytes)" % (secs, len(source_dump)),
                     "exit %s, stderr: %s" % (rc, err.decode("utf-8", "replace"))):
        run_output_independent_checks(ds, dbanon, d, dump_path, source_dump, src, rep, P)
        return
    anon_dump = read(out1)

    try:
        pg.createdb(anon_db)
        pg.psql(anon_db, file=out1)
        restored = True
    except (pg_harness.PgError, subprocess.TimeoutExpired) as e:
        restored = False
        detail = e
    rep.check(restored, P + "anonymized dump restores with psql -v ON_ERROR_STOP=1",
              "" if restored else detail)
    if restored:
        src_schema = schema_dump(pg, ds.name)
        diff = first_difference(src_schema, schema_dump(pg, anon_db))
        rep.check(diff is None, P + "schema-only dumps of source and restored databases are identical",
                  "%s (pg_dump -s)" % diff)
        dst = Catalog(pg, anon_db)
        compare_databases(pg, ds, src, dst, src_rows, configured, anon_db, rep, P)

    check_leaks(ds, src, src_rows, configured, source_dump, anon_dump, rep, P)

    # -- byte-level properties ---------------------------------------------
    out4 = os.path.join(d, "anon-j4.sql")
    rc, err, secs = dbanon.run(["-c", cfg_path, "-j4"], stdin_path=dump_path, stdout_path=out4)
    if rep.check(rc == 0, P + "dbanon -j4 (stdin to stdout) exits 0 (%.2fs)" % secs,
                 "exit %s, stderr: %s" % (rc, err.decode("utf-8", "replace"))):
        diff = first_difference(anon_dump, read(out4))
        rep.check(diff is None, P + "-j1 and -j4 outputs are byte-identical", diff)

    outs = os.path.join(d, "anon-env-same.sql")
    rc, err, _ = dbanon.run(["-c", cfg_path, "-j2", "-o", outs, dump_path], salt_env=SALT)
    if rep.check(rc == 0, P + "dbanon with DBANON_SALT exits 0",
                 "exit %s, stderr: %s" % (rc, err.decode("utf-8", "replace"))):
        diff = first_difference(anon_dump, read(outs))
        rep.check(diff is None, P + "DBANON_SALT equal to the config salt gives the same output", diff)
    outo = os.path.join(d, "anon-env-other.sql")
    rc, err, _ = dbanon.run(["-c", cfg_path, "-j2", "-o", outo, dump_path], salt_env=OTHER_SALT)
    if rep.check(rc == 0, P + "dbanon with another DBANON_SALT exits 0",
                 "exit %s, stderr: %s" % (rc, err.decode("utf-8", "replace"))):
        rep.check(read(outo) != anon_dump, P + "another DBANON_SALT overrides the config salt",
                  "output identical to the one made with the config salt")

    run_output_independent_checks(ds, dbanon, d, dump_path, source_dump, src, rep, P)


def run_output_independent_checks(ds, dbanon, d, dump_path, source_dump, src, rep, P):
    empty_cfg = os.path.join(d, "empty.toml")
    write(empty_cfg, "[tables.dbanon_absent_table]\nx = \"keep\"\n")  # configures nothing in the dump
    oute = os.path.join(d, "anon-empty.sql")
    rc, err, secs = dbanon.run(["-c", empty_cfg, "--allow-missing", "-o", oute, dump_path])
    if rep.check(rc == 0, P + "dbanon with an empty config exits 0 (%.2fs)" % secs,
                 "exit %s, stderr: %s" % (rc, err.decode("utf-8", "replace"))):
        diff = first_difference(source_dump, read(oute))
        rep.check(diff is None, P + "empty config output is byte-identical to the input", diff)

    # A dump cut off after the first row of the first non-empty COPY block of a configured table.
    cfg_path = os.path.join(d, "dbanon.toml")
    cut = None
    for schema, table, _key, _cols in ds.config:
        if src.counts.get((schema, table), 0) == 0:
            continue
        header = ("\nCOPY %s " % copy_name(schema, table)).encode("utf-8")
        at = source_dump.find(header)
        if at >= 0:
            first_row_end = source_dump.find(b"\n", source_dump.find(b"\n", at + 1) + 1)
            cut = source_dump[:first_row_end + 1]
            where = display(schema, table)
            break
    if cut is None:
        rep.check(False, P + "truncated dump test set up", "no COPY block of a configured table found")
        return
    trunc = os.path.join(d, "truncated.sql")
    write(trunc, cut)
    rc, err, _ = dbanon.run(["-c", cfg_path, "-o", os.path.join(d, "anon-trunc.sql"), trunc])
    rep.check(rc == EXIT_MALFORMED,
              P + "a dump cut inside the COPY block of %s is rejected with exit %d" % (where, EXIT_MALFORMED),
              "exit %s" % rc)
    text = err.decode("utf-8", "replace")
    leaked = [s for s in rep.secrets if len(s) >= LEAK_MIN_LEN and s in text]
    rep.check(not leaked, P + "the truncation error message holds no configured value",
              "%d configured values appear in stderr" % len(leaked))


def schema_dump(pg, db):
    """pg_dump --schema-only without the per-run \\restrict key lines."""
    text = pg.pg_dump(db, ["-Fp", "--schema-only"])
    return b"".join(l for l in text.splitlines(True)
                    if not (l.startswith(b"\\restrict ") or l.startswith(b"\\unrestrict ")))


def copy_name(schema, table):
    """Relation name as pg_dump writes it (fmtQualifiedId: quote only when needed)."""
    def fmt(ident):
        if re.fullmatch(r"[a-z_][a-z0-9_$]*", ident):
            return ident
        return quote_ident(ident)
    return "%s.%s" % (fmt(schema), fmt(table))


def compare_databases(pg, ds, src, dst, src_rows, configured, anon_db, rep, P):
    missing = sorted(set(src.tables) - set(dst.tables))
    extra = sorted(set(dst.tables) - set(src.tables))
    rep.check(not missing and not extra, P + "same %d tables after restore" % len(src.tables),
              "missing %s, extra %s" % ([display(*k) for k in missing], [display(*k) for k in extra]))

    coldiff = [display(*k) for k in src.tables if k in dst.tables and src.columns[k] != dst.columns[k]]
    rep.check(not coldiff, P + "same columns and types in every table", "differ: %s" % coldiff)

    rep.check(src.sequences == dst.sequences, P + "same %d sequence values" % len(src.sequences),
              "source %s, restored %s" % (src.sequences, dst.sequences))

    bad = ["%s: %d vs %d" % (display(*k), n, dst.counts.get(k, -1))
           for k, n in src.counts.items() if dst.counts.get(k) != n]
    rep.check(not bad, P + "same row count in every table (%d rows in %d tables)"
              % (sum(src.counts.values()), len(src.counts)), "; ".join(bad))

    # Values, table by table.
    unconfigured_bad = []
    n_compared = 0
    per_column = {}  # (schema, table, column) -> list of problems
    mapping = {}  # (anonymizer, options json) -> {source value: {outputs}}
    for key in sorted(src_rows):
        if key not in dst.tables or src.columns[key] != dst.columns[key]:
            continue
        columns = [c[0] for c in src.columns[key]]
        pkey = src.pkey[key]
        srows = src_rows[key]
        drows = fetch_rows(pg, anon_db, key[0], key[1], columns, pkey)
        skeys = row_keys(srows, columns, pkey)
        dkeys = row_keys(drows, columns, pkey)
        dmap = dict(zip(dkeys, drows))
        cfg = configured.get(key, {})
        for i, col in enumerate(columns):
            if col in cfg:
                continue
            n_compared += 1
            for k, sr in zip(skeys, srows):
                dr = dmap.get(k)
                if dr is None:
                    unconfigured_bad.append("%s: row %s missing" % (display(*key), key_text(pkey, k)))
                    break
                if sr[i] != dr[i]:
                    unconfigured_bad.append("%s differs at %s" % (display(key[0], key[1], col),
                                                                 key_text(pkey, k)))
                    break
        for col, (name, options) in cfg.items():
            if col not in columns:
                continue
            i = columns.index(col)
            problems = per_column.setdefault((key[0], key[1], col), [])
            group = mapping.setdefault((name, json.dumps(options, sort_keys=True)), {})
            for k, sr in zip(skeys, srows):
                dr = dmap.get(k)
                if dr is None:
                    problems.append("row %s missing" % key_text(pkey, k))
                    continue
                why = check_value(name, options, sr[i], dr[i])
                if why:
                    problems.append("%s at %s" % (why, key_text(pkey, k)))
                if sr[i] is not None and dr[i] is not None:
                    group.setdefault(sr[i], {}).setdefault(dr[i], []).append((key, col))
    rep.check(not unconfigured_bad,
              P + "every unconfigured column equals the source (%d columns)" % n_compared,
              "; ".join(unconfigured_bad[:10]) + (" (and %d more)" % (len(unconfigured_bad) - 10)
                                                  if len(unconfigured_bad) > 10 else ""))
    for (schema, table, col), problems in per_column.items():
        name, _ = configured[(schema, table)][col]
        nrows = len(src_rows.get((schema, table), []))
        rep.check(not problems, P + "%s is anonymized by %s on all %d rows, NULLs kept"
                  % (display(schema, table, col), name, nrows),
                  "%d problems, first: %s" % (len(problems), "; ".join(problems[:5])))

    # One input, one output: across tables, for the same anonymizer and options.
    for (name, opts), group in sorted(mapping.items()):
        if name in ("null", "constant") or not group:
            continue
        label = name + ("" if opts == "{}" else " " + opts)
        where_shared = [v for v in group.values() if len({t for outs in v.values() for t, _ in outs}) > 1]
        inconsistent = [v for v in group.values() if len(v) > 1]
        detail = ""
        if inconsistent:
            first = inconsistent[0]
            places = sorted({display(t[0], t[1], c) for outs in first.values() for t, c in outs})
            detail = "%d source values map to several outputs, e.g. one in %s" % (
                len(inconsistent), ", ".join(places))
        rep.check(not inconsistent,
                  P + "%s maps each source value to one output (%d values, %d shared by several tables)"
                  % (label, len(group), len(where_shared)), detail)
        if name in ("email", "md5"):
            outputs = {}
            for s, outs in group.items():
                for o in outs:
                    outputs.setdefault(o, set()).add(s)
            collisions = sum(1 for s in outputs.values() if len(s) > 1)
            rep.check(collisions == 0, P + "%s maps distinct source values to distinct outputs" % label,
                      "%d outputs come from several source values" % collisions)
    if ds.name == "tricky":
        # The data is built so that e-mails repeat across tables; make sure that stays so.
        group = mapping.get(("email", "{}"), {})
        shared = sum(1 for v in group.values()
                     if len({t for outs in v.values() for t, _ in outs}) > 1)
        rep.check(shared >= 10, P + "test data has e-mails shared across tables (%d)" % shared,
                  "only %d shared" % shared)


def check_leaks(ds, src, src_rows, configured, source_dump, anon_dump, rep, P):
    """No configured source value survives in the output, beyond its other occurrences."""
    t0 = time.monotonic()
    cells = []
    where = {}
    for key, cols in configured.items():
        if key not in src_rows:
            continue
        names = [c[0] for c in src.columns[key]]
        pkey = src.pkey[key]
        keys = row_keys(src_rows[key], names, pkey)
        for col in cols:
            if col not in names:
                continue
            i = names.index(col)
            for k, r in zip(keys, src_rows[key]):
                if r[i] is None:
                    continue
                e = escape_copy(r[i])
                cells.append(e)
                if len(r[i]) >= LEAK_MIN_LEN:
                    where.setdefault(e, "%s at %s" % (display(key[0], key[1], col), key_text(pkey, k)))
    leaks = []
    if len(where) > LEAK_SUBSTRING_MAX:
        # Too many values to search each one through the whole dump: look for them as
        # whole COPY fields instead.
        fields = set(anon_dump.replace(b"\n", b"\t").split(b"\t"))
        for e, place in where.items():
            if e.encode("utf-8") in fields:
                leaks.append("%s (as a whole field)" % place)
        rep.check(not leaks, P + "no original value of a configured column remains as a field of the "
                  "output (%d distinct values checked in %.1fs)" % (len(where), time.monotonic() - t0),
                  "%d values remain, e.g. %s" % (len(leaks), "; ".join(leaks[:5])))
        return
    joined = "\0".join(cells).encode("utf-8")
    for e, place in where.items():
        needle = e.encode("utf-8")
        if needle not in anon_dump:
            continue
        allowed = source_dump.count(needle) - joined.count(needle)
        found = anon_dump.count(needle)
        if found > max(allowed, 0):
            leaks.append("%s (%d times in output, %d expected from unconfigured places)"
                         % (place, found, max(allowed, 0)))
    rep.check(not leaks, P + "no original value of a configured column remains in the output "
              "(%d distinct values checked in %.1fs)" % (len(where), time.monotonic() - t0),
              "%d values remain, e.g. %s" % (len(leaks), "; ".join(leaks[:5])))


# ---------------------------------------------------------------------------

def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    binary = os.path.abspath(argv[1])
    pagila = os.path.abspath(argv[2] if len(argv) > 2 else os.path.join(REPO_ROOT, "tests", "data", "pagila"))
    rep = Reporter()

    if not os.access(binary, os.X_OK):
        rep.check(False, "dbanon binary is executable", "not found or not executable: %s" % binary)
        return 1
    try:
        bindir = pg_harness.find_bindir()
    except RuntimeError as e:
        print("# SKIP %s" % e)
        return 77

    datasets = []
    pagila_files = [os.path.join(pagila, "pagila-schema.sql"), os.path.join(pagila, "pagila-data.sql")]
    if not all(os.path.exists(f) for f in pagila_files):
        # The pagila files are part of the repository (tests/data/pagila).
        rep.check(False, "pagila dump is present", "%s not found" % pagila)
        return 1
    datasets.append(Dataset("pagila", pagila_files, PAGILA_CONFIG))
    datasets.append(Dataset("tricky", [os.path.join(HERE, "tricky_schema.sql")], TRICKY_CONFIG))
    datasets.append(Dataset("bulk", [BULK_SQL], BULK_CONFIG))

    t0 = time.monotonic()
    try:
        with pg_harness.PgCluster(bindir=bindir) as pg, \
                tempfile.TemporaryDirectory(prefix="dbanon-roundtrip-") as work:
            rep.note("PostgreSQL from %s, socket %s, port %d" % (bindir, pg.sockdir, pg.port))
            for ds in datasets:
                run_dataset(pg, ds, Dbanon(binary), work, rep)
    except pg_harness.PgError as e:
        rep.check(False, "test ran to the end", e)
    except BaseException as e:  # signal (pg_harness._Cleanup), Ctrl-C
        if isinstance(e, Exception):
            raise
        rep.check(False, "test ran to the end", "interrupted (%s)" % type(e).__name__)
        return 1
    rep.note("%d passed, %d failed in %.1fs" % (rep.passed, rep.failed, time.monotonic() - t0))
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
