#!/usr/bin/env python3
"""A config on a partitioned table or an INHERITS parent reaches its partitions and children.

Usage: pg_partitions_test.py DBANON_BINARY

One PostgreSQL 15 database (pg_harness.py) holds:
  measurements            partitioned by range, configured (email = "email")
    measurements_2024     a partition, itself partitioned (sub-partitions)
      measurements_2024m01  a leaf (PARTITION OF)
      measurements_2024m02  a leaf with a config entry of its own (email = "md5": it wins)
    measurements_old      a plain table, then ALTER TABLE ... ATTACH PARTITION
  person                  configured (email = "email")
    employee              INHERITS (person), with a column of its own
  note                    not configured
pg_dump 15 writes each leaf's rows under the leaf's name (COPY, INSERT, its own TOC entry)
and the links as ALTER TABLE ONLY ... ATTACH PARTITION and INHERITS (...).

Dumped as plain (COPY), --inserts, --load-via-partition-root (plain and -Fc), -Fc, -Fd, and
data-only (pg_dump -a, plain and -Fc) with --schema (pg_dump -s, plain and -Fc); each output
goes through dbanon and is checked, printing `ok - ...` / `not ok - ...`:
  * dbanon exits 0; no original value of a configured column is in the output (every value
    holds the marker "zqxm", so any escaped form holds it too), nor in pg_restore -f - of an
    archive;
  * the output restores (psql -v ON_ERROR_STOP=1, or pg_restore) into a fresh database with
    the same rows per table; configured columns hold the parent's anonymizer's shape, the
    leaf with its own entry the leaf's (with --load-via-partition-root the rows are the
    root's, whose config they get: the partition a row goes to is decided by the server);
    unconfigured columns are unchanged.
A data-only dump without --schema is refused: exit 2, the message names --schema, nothing
at -o.

Exit status: 0 all passed, 1 some failed, 77 PostgreSQL is not installed (skipped).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import pg_harness  # noqa: E402

MARKER = b"zqxm"

SCHEMA = """
CREATE TABLE measurements (id int, email text, city text, logdate date) PARTITION BY RANGE (logdate);
CREATE TABLE measurements_2024 PARTITION OF measurements
  FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY RANGE (logdate);
CREATE TABLE measurements_2024m01 PARTITION OF measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
CREATE TABLE measurements_2024m02 PARTITION OF measurements_2024 FOR VALUES FROM ('2024-02-01') TO ('2025-01-01');
CREATE TABLE measurements_old (id int, email text, city text, logdate date);
ALTER TABLE measurements ATTACH PARTITION measurements_old FOR VALUES FROM ('2000-01-01') TO ('2024-01-01');
CREATE TABLE person (id int, email text);
CREATE TABLE employee (salary int) INHERITS (person);
CREATE TABLE note (id int, body text);
INSERT INTO measurements SELECT i, 'zqxm' || i || '.o''neil\\t@example.org', 'city' || i,
  DATE '2023-12-20' + (i * 3) FROM generate_series(1, 30) i;
INSERT INTO person VALUES (1, 'zqxm-person@example.org');
INSERT INTO employee VALUES (2, 'zqxm-employee@example.org', 1234);
INSERT INTO note VALUES (1, 'kept as is');
"""

CONFIG = """
salt = "partitions of a configured table"
[tables.measurements]
email = "email"
[tables.measurements_2024m02]
email = "md5"
[tables.person]
email = "email"
"""

TABLES = ["measurements_2024m01", "measurements_2024m02", "measurements_old", "person", "employee", "note"]


class Report:
    def __init__(self):
        self.failed = 0

    def check(self, ok, name, detail=""):
        print(("ok - %s" % name) if ok else ("not ok - %s: %s" % (name, detail)), flush=True)
        if not ok:
            self.failed += 1


def rows(pg, db, table):
    out = pg.psql(db, "COPY (SELECT * FROM ONLY public.%s ORDER BY 1) TO STDOUT" % table).stdout
    return pg_harness.parse_copy_text(out)


def check_restored(pg, db, source, rep, name, via_root):
    for t in TABLES:
        got, want = rows(pg, db, t), source[t]
        rep.check(len(got) == len(want), "%s: %s has its %d rows" % (name, t, len(want)), "%d rows" % len(got))
        if len(got) != len(want):
            continue
        for g, w in zip(got, want):
            if t == "note":
                ok = g == w
            else:
                email = g[1]
                if t == "measurements_2024m02" and not via_root:
                    ok = re.fullmatch(r"[0-9a-f]{32}", email or "") is not None  # the leaf's own entry wins
                else:
                    ok = re.fullmatch(r"anon-[0-9a-f]{32}@example\.com", email or "") is not None
                ok = ok and g[0] == w[0] and g[2:] == w[2:]  # unconfigured columns unchanged
            if not ok:
                rep.check(False, "%s: %s rows anonymized as configured" % (name, t), "row %s" % g[0])
                break
        else:
            rep.check(True, "%s: %s rows anonymized as configured" % (name, t))


def run_dbanon(binary, cfg, args):
    return subprocess.run([binary, "-c", cfg] + args, capture_output=True)


def main(argv):
    binary = os.path.abspath(argv[1])
    try:
        pg_harness.find_bindir()
    except RuntimeError:
        print("1..0 # SKIP PostgreSQL not installed")
        return 77
    rep = Report()
    work = tempfile.mkdtemp(prefix="dbanon-partitions-")
    try:
        cfg = os.path.join(work, "dbanon.toml")
        with open(cfg, "w") as f:
            f.write(CONFIG)
        with pg_harness.PgCluster() as pg:
            pg.createdb("src")
            pg.psql("src", SCHEMA)
            source = {t: rows(pg, "src", t) for t in TABLES}
            schema_plain = os.path.join(work, "schema.sql")
            with open(schema_plain, "wb") as f:
                f.write(pg.pg_dump("src", ["-s"]))
            schema_fc = os.path.join(work, "schema.dump")
            with open(schema_fc, "wb") as f:
                f.write(pg.pg_dump("src", ["-Fc", "-s"]))
            # name, pg_dump arguments, kind (plain/archive/dir), extra dbanon arguments, schema to pre-load
            variants = [
                ("plain", [], "plain", [], None),
                ("inserts", ["--inserts"], "plain", [], None),
                ("plain-root", ["--load-via-partition-root"], "plain", [], None),
                ("fc", ["-Fc"], "archive", [], None),
                ("fc-root", ["-Fc", "--load-via-partition-root"], "archive", [], None),
                ("fd", ["-Fd"], "dir", [], None),
                ("data-only-schema", ["-a"], "plain", ["--schema", schema_plain], schema_plain),
                ("fc-data-only-schema-fc", ["-Fc", "-a"], "archive", ["--schema", schema_fc], schema_plain),
            ]
            for i, (name, dump_args, kind, extra, preload) in enumerate(variants):
                src = os.path.join(work, name + ".in")
                out = os.path.join(work, name + ".out")
                if kind == "dir":
                    pg.pg_dump("src", dump_args + ["-f", src])
                else:
                    with open(src, "wb") as f:
                        f.write(pg.pg_dump("src", dump_args))
                r = run_dbanon(binary, cfg, extra + [src, "-o", out])
                rep.check(r.returncode == 0, "%s: dbanon exits 0" % name, r.stderr.decode(errors="replace"))
                if r.returncode != 0:
                    continue
                if kind == "plain":
                    with open(out, "rb") as f:
                        text = f.read()
                else:
                    text = pg.pg_restore(["-f", "-", out]).stdout
                    if kind == "archive":
                        with open(out, "rb") as f:
                            text += f.read()
                rep.check(MARKER not in text, "%s: no original value in the output" % name)
                db = "dst%d" % i
                pg.createdb(db)
                if preload:
                    pg.psql(db, file=preload)
                if kind == "plain":
                    pg.psql(db, file=out)
                else:
                    pg.pg_restore(["-d", db, out])
                check_restored(pg, db, source, rep, name, "--load-via-partition-root" in dump_args)
            # Data-only without --schema: the leaves are unknown, refused.
            for name, dump_args in [("data-only", ["-a"]), ("fc-data-only", ["-Fc", "-a"])]:
                src = os.path.join(work, name + ".in")
                out = os.path.join(work, name + ".out")
                with open(src, "wb") as f:
                    f.write(pg.pg_dump("src", dump_args))
                r = run_dbanon(binary, cfg, [src, "-o", out])
                err = r.stderr.decode(errors="replace")
                rep.check(r.returncode == 2 and "--schema" in err and not os.path.exists(out) and "zqxm" not in err,
                          "%s: refused without --schema (exit 2, says --schema, no output)" % name,
                          "exit %d: %s" % (r.returncode, err))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d failed" % rep.failed)
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
