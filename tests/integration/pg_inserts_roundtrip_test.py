#!/usr/bin/env python3
"""Round trip of INSERT dumps through a real PostgreSQL: load -> pg_dump --inserts /
--column-inserts / --rows-per-insert=3 -> dbanon -> psql restore -> compare.

Usage: pg_inserts_roundtrip_test.py DBANON_BINARY [PAGILA_DIR]

The same databases, configs and comparisons as pg_roundtrip_test.py (whose helpers this
reuses): tricky (tricky_schema.sql: awkward names, values spanning lines, identity and
generated columns, which pg_dump writes as OVERRIDING SYSTEM VALUE and DEFAULT, a
zero-column table written as DEFAULT VALUES, functions whose bodies hold INSERT text),
dumped in all three INSERT modes, and pagila (from PAGILA_DIR, default tests/data/pagila) with
--inserts, where the column names come from the dump's CREATE TABLE statements. For
each: dbanon exits 0 and its output restores with psql -v ON_ERROR_STOP=1; same schema,
tables, row counts and sequences; unconfigured columns equal; configured columns changed
with their anonymizer's shape, NULLs kept, one input one output across tables; no
original configured value left in the output (as an SQL literal); -j1 and -j4 outputs
byte-identical; an empty config gives the input back; a dump cut inside an INSERT of a
configured table is rejected with exit 3 and no value in the message.

Exit status: 0 all passed, 1 some failed, 77 PostgreSQL is not installed (skipped).
"""

import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import pg_harness  # noqa: E402
import pg_roundtrip_test as rt  # noqa: E402

MODES = {
    "inserts": ["--inserts"],
    "column-inserts": ["--column-inserts"],
    "rows-per-insert-3": ["--rows-per-insert=3"],
}


def sql_literal_body(value):
    """A text value as pg_dump writes it inside '...' (standard_conforming_strings on)."""
    return value.replace("'", "''")


def check_leaks(src, src_rows, configured, source_dump, anon_dump, rep, P):
    cells = []
    where = {}
    for key, cols in configured.items():
        if key not in src_rows:
            continue
        names = [c[0] for c in src.columns[key]]
        pkey = src.pkey[key]
        keys = rt.row_keys(src_rows[key], names, pkey)
        for col in cols:
            if col not in names:
                continue
            i = names.index(col)
            for k, r in zip(keys, src_rows[key]):
                if r[i] is None:
                    continue
                lit = sql_literal_body(r[i])
                cells.append(lit)
                if len(r[i]) >= rt.LEAK_MIN_LEN:
                    where.setdefault(lit, "%s at %s" % (rt.display(key[0], key[1], col), rt.key_text(pkey, k)))
    joined = "\0".join(cells).encode("utf-8")
    leaks = []
    for lit, place in where.items():
        needle = lit.encode("utf-8")
        if needle not in anon_dump:
            continue
        allowed = source_dump.count(needle) - joined.count(needle)
        if anon_dump.count(needle) > max(allowed, 0):
            leaks.append(place)
    rep.check(not leaks, P + "no original value of a configured column is left in the output (%d values)"
              % len(where), "%d values remain, e.g. %s" % (len(leaks), "; ".join(leaks[:5])))


def run_mode(pg, ds, mode, dbanon, work, rep):
    P = "%s %s: " % (ds.name, mode)
    d = os.path.join(work, ds.name + "-" + mode)
    os.mkdir(d)
    dump_path = os.path.join(d, "source.sql")
    cfg_path = os.path.join(d, "dbanon.toml")
    out1 = os.path.join(d, "anon-j1.sql")
    with open(dump_path, "wb") as f:
        pg.run_client("pg_dump", ["-Fp"] + MODES[mode] + ["-d", ds.name], stdout=f)
    source_dump = rt.read(dump_path)
    rep.check(b"\nINSERT INTO " in source_dump,
              P + "pg_dump %s wrote INSERT statements (%d bytes)" % (" ".join(MODES[mode]), len(source_dump)))
    rt.write(cfg_path, rt.config_toml(ds.config))
    src = rt.Catalog(pg, ds.name)
    src_rows = {}
    for key in src.tables:
        if src.tables[key] == "r" and src.columns[key]:
            src_rows[key] = rt.fetch_rows(pg, ds.name, key[0], key[1], [c[0] for c in src.columns[key]],
                                          src.pkey[key])
    configured = {(s, t): {c: rt.spec_parts(x) for c, x in cols.items()} for s, t, _k, cols in ds.config}
    for key, cols in configured.items():
        names = [c[0] for c in src.columns.get(key, [])]
        for col in cols:
            if col in names and key in src_rows:
                i = names.index(col)
                for r in src_rows[key]:
                    if r[i] is not None and len(r[i]) >= 4:
                        rep.secrets.add(r[i])

    rc, err, secs = dbanon.run(["-c", cfg_path, "-j1", "-o", out1, dump_path])
    if not rep.check(rc == 0, P + "dbanon -j1 exits 0 (%.2fs)" % secs,
                     "exit %s, stderr: %s" % (rc, err.decode("utf-8", "replace"))):
        return
    anon_dump = rt.read(out1)
    anon_db = (ds.name + "_" + mode).replace("-", "_")
    try:
        pg.createdb(anon_db)
        pg.psql(anon_db, file=out1)
        restored, detail = True, ""
    except (pg_harness.PgError, subprocess.TimeoutExpired) as e:
        restored, detail = False, e
    if rep.check(restored, P + "the output restores with psql -v ON_ERROR_STOP=1", detail):
        diff = rt.first_difference(rt.schema_dump(pg, ds.name), rt.schema_dump(pg, anon_db))
        rep.check(diff is None, P + "schema-only dumps of source and restored databases are identical", diff)
        dst = rt.Catalog(pg, anon_db)
        rt.compare_databases(pg, ds, src, dst, src_rows, configured, anon_db, rep, P)
    check_leaks(src, src_rows, configured, source_dump, anon_dump, rep, P)

    out4 = os.path.join(d, "anon-j4.sql")
    rc, err, _ = dbanon.run(["-c", cfg_path, "-j4"], stdin_path=dump_path, stdout_path=out4)
    if rep.check(rc == 0, P + "dbanon -j4 (stdin to stdout) exits 0", "exit %s" % rc):
        rep.check(rt.first_difference(anon_dump, rt.read(out4)) is None, P + "-j1 and -j4 outputs are byte-identical",
                  rt.first_difference(anon_dump, rt.read(out4)))
    empty_cfg = os.path.join(d, "empty.toml")
    rt.write(empty_cfg, "[tables.dbanon_absent_table]\nx = \"keep\"\n")  # configures nothing in the dump
    oute = os.path.join(d, "anon-empty.sql")
    rc, err, _ = dbanon.run(["-c", empty_cfg, "--allow-missing", "-o", oute, dump_path])
    rep.check(rc == 0 and rt.read(oute) == source_dump, P + "an empty config gives the input back byte for byte",
              "exit %s" % rc)

    # Cut inside the first INSERT of the first configured table with rows.
    cut = None
    for schema, table, _k, _c in ds.config:
        if not src_rows.get((schema, table)):
            continue
        at = source_dump.find(("\nINSERT INTO %s " % rt.copy_name(schema, table)).encode())
        if at >= 0:
            cut = source_dump[:source_dump.find(b"'", at + 40) + 2]
            where = rt.display(schema, table)
            break
    if cut is not None:
        trunc = os.path.join(d, "truncated.sql")
        rt.write(trunc, cut)
        rc, err, _ = dbanon.run(["-c", cfg_path, "-o", os.path.join(d, "anon-trunc.sql"), trunc])
        text = err.decode("utf-8", "replace")
        rep.check(rc == rt.EXIT_MALFORMED and "unexpected end of input" in text,
                  P + "a dump cut inside an INSERT of %s is rejected with exit 3" % where, "exit %s: %s" % (rc, text))
        leaked = [s for s in rep.secrets if len(s) >= rt.LEAK_MIN_LEN and s in text]
        rep.check(not leaked, P + "the truncation error message holds no configured value",
                  "%d values in stderr" % len(leaked))


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[3], file=sys.stderr)
        return 2
    binary = os.path.abspath(argv[1])
    pagila = os.path.abspath(argv[2] if len(argv) > 2 else os.path.join(REPO_ROOT, "tests", "data", "pagila"))
    rep = rt.Reporter()
    try:
        bindir = pg_harness.find_bindir()
    except RuntimeError as e:
        print("# SKIP %s" % e)
        return 77
    runs = [(rt.Dataset("tricky", [os.path.join(HERE, "tricky_schema.sql")], rt.TRICKY_CONFIG), m) for m in MODES]
    files = [os.path.join(pagila, "pagila-schema.sql"), os.path.join(pagila, "pagila-data.sql")]
    if not all(os.path.exists(f) for f in files):
        rep.check(False, "pagila dump is present", "%s not found" % pagila)
        return 1
    runs.append((rt.Dataset("pagila", files, rt.PAGILA_CONFIG), "inserts"))
    t0 = time.monotonic()
    try:
        with pg_harness.PgCluster(bindir=bindir) as pg, tempfile.TemporaryDirectory(prefix="dbanon-pgins-") as work:
            rep.note("PostgreSQL from %s, socket %s" % (bindir, pg.sockdir))
            loaded = set()
            for ds, mode in runs:
                if ds.name not in loaded:
                    pg.createdb(ds.name)
                    for f in ds.loads:
                        pg.psql(ds.name, file=f)
                    loaded.add(ds.name)
                run_mode(pg, ds, mode, rt.Dbanon(binary), work, rep)
    except pg_harness.PgError as e:
        rep.check(False, "test ran to the end", e)
    except BaseException as e:
        if isinstance(e, Exception):
            raise
        rep.check(False, "test ran to the end", "interrupted (%s)" % type(e).__name__)
        return 1
    rep.note("%d passed, %d failed in %.1fs" % (rep.passed, rep.failed, time.monotonic() - t0))
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
