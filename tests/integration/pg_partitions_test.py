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
at -o. The --inserts variant leaves out employee's rows: pg_dump --inserts of an INHERITS child
is refused (its column order is not in the dump).

A second database, `ord`, holds what pg_dump --inserts cannot say: p, partitioned, whose
partition p1 was created with another column order and then attached; q, partitioned on two
levels, all in q's order; employee INHERITS person, after person gained a column. Its
--inserts dumps whose values' order is unknown (--load-via-partition-root of p, person and
employee; plain and -Fc) are refused (exit 3, naming --column-inserts, nothing at -o, no
value in the message); q's --inserts --load-via-partition-root, and --column-inserts of the
whole database, pass, and restore with the values in their columns.

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

ORD_SCHEMA = """
CREATE TABLE p (a text, email text, note text) PARTITION BY LIST (a);
CREATE TABLE p1 (a text, note text, email text);
ALTER TABLE p ATTACH PARTITION p1 FOR VALUES IN ('x');
CREATE TABLE q (a text, email text) PARTITION BY LIST (a);
CREATE TABLE q1 PARTITION OF q FOR VALUES IN ('x', 'y') PARTITION BY LIST (a);
CREATE TABLE q11 PARTITION OF q1 FOR VALUES IN ('x');
CREATE TABLE person (id int, email text, name text);
CREATE TABLE employee (badge text) INHERITS (person);
ALTER TABLE person ADD COLUMN phone text;
INSERT INTO p VALUES ('x', 'zqxm.p@pt.example', 'hello');
INSERT INTO q VALUES ('x', 'zqxm.q@pt.example');
INSERT INTO employee (id, email, name, badge, phone) VALUES (2, 'zqxm.child@inh.example', 'Child', 'B-42', '555 0111');
"""

ORD_CONFIG = """
salt = "order of --inserts values"
[tables.p]
email = "email"
[tables.q]
email = "email"
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
        return ok


def rows(pg, db, table):
    out = pg.psql(db, "COPY (SELECT * FROM ONLY public.%s ORDER BY 1) TO STDOUT" % table).stdout
    return pg_harness.parse_copy_text(out)


def check_restored(pg, db, source, rep, name, via_root, skip=()):
    for t in TABLES:
        if t in skip:
            continue
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


def check_order(pg, binary, work, rep):
    """--inserts without column lists whose values' order the dump does not say."""
    cfg = os.path.join(work, "ord.toml")
    with open(cfg, "w") as f:
        f.write(ORD_CONFIG)
    q_cfg = os.path.join(work, "ord-q.toml")
    with open(q_cfg, "w") as f:
        f.write(ORD_CONFIG.split("[tables.p]")[0] + "[tables.q]\nemail = \"email\"\n")
    pg.createdb("ord")
    pg.psql("ord", ORD_SCHEMA)
    refused = [
        ("lvpr-other-order", ["--inserts", "--load-via-partition-root", "-t", "p", "-t", "p1"]),
        ("fc-lvpr-other-order", ["-Fc", "--inserts", "--load-via-partition-root", "-t", "p", "-t", "p1"]),
        ("inherits-child", ["--inserts", "-t", "person", "-t", "employee"]),
        ("fc-inherits-child", ["-Fc", "--inserts", "-t", "person", "-t", "employee"]),
    ]
    for name, dump_args in refused:
        src = os.path.join(work, name + ".in")
        out = os.path.join(work, name + ".out")
        with open(src, "wb") as f:
            f.write(pg.pg_dump("ord", dump_args))
        r = run_dbanon(binary, cfg, [src, "-o", out])
        err = r.stderr.decode(errors="replace")
        rep.check(r.returncode == 3 and re.search(r"\.in:(\d+:\d+|byte \d+): ", err) is not None
                  and ("--column-inserts" in err or "COPY" in err) and "zqxm" not in err
                  and not os.path.exists(out),
                  "ord %s: pg_dump %s is refused (exit 3, positioned, no value, nothing at -o)"
                  % (name, " ".join(dump_args)), "exit %d: %s" % (r.returncode, err))
    # A config on a leaf only: its rows, written under the root's name, are refused.
    leaf_cfg = os.path.join(work, "ord-leaf.toml")
    with open(leaf_cfg, "w") as f:
        f.write(ORD_CONFIG.split("[tables.p]")[0] + "[tables.q11]\nemail = \"email\"\n")
    for name, dump_args in [("leaf-config-lvpr", ["--load-via-partition-root", "-t", "q*"]),
                            ("fc-leaf-config-lvpr", ["-Fc", "--load-via-partition-root", "-t", "q*"])]:
        src = os.path.join(work, name + ".in")
        out = os.path.join(work, name + ".out")
        with open(src, "wb") as f:
            f.write(pg.pg_dump("ord", dump_args))
        r = run_dbanon(binary, leaf_cfg, [src, "-o", out])
        err = r.stderr.decode(errors="replace")
        rep.check(r.returncode == 3 and re.search(r"\.in:(\d+:\d+|byte \d+)", err) is not None
                  and "public.q11" in err and "zqxm" not in err and not os.path.exists(out),
                  "ord %s: a config on the leaf only, rows under the root's name: refused (exit 3, positioned, "
                  "names the leaf, nothing at -o)" % name, "exit %d: %s" % (r.returncode, err))
    for name, dump_args in [("q-lvpr", ["--inserts", "--load-via-partition-root", "-t", "q*"]),
                            ("column-inserts", ["--column-inserts", "--load-via-partition-root"])]:
        src = os.path.join(work, name + ".in")
        out = os.path.join(work, name + ".out")
        with open(src, "wb") as f:
            f.write(pg.pg_dump("ord", dump_args))
        r = run_dbanon(binary, q_cfg if name == "q-lvpr" else cfg, [src, "-o", out])
        if not rep.check(r.returncode == 0, "ord %s: dbanon exits 0" % name, r.stderr.decode(errors="replace")):
            continue
        with open(out, "rb") as f:
            rep.check(MARKER not in f.read(), "ord %s: no original value in the output" % name)
        db = "ord_" + name.replace("-", "_")
        pg.createdb(db)
        pg.psql(db, file=out)
        query = "SELECT a, email, '' FROM q"
        if name == "column-inserts":
            query = ("SELECT a, email, note FROM p UNION ALL " + query +
                     " UNION ALL SELECT badge, email, name || '/' || phone FROM employee")
        got = pg.psql(db, "COPY (%s) TO STDOUT" % query).stdout
        restored = pg_harness.parse_copy_text(got)
        want_rows = 1 if name == "q-lvpr" else 3
        ok = len(restored) == want_rows and all(
            re.fullmatch(r"anon-[0-9a-f]{32}@example\.com", r[1] or "") for r in restored)
        if name == "column-inserts":
            ok = ok and ["x", "hello"] in [[r[0], r[2]] for r in restored] and [
                "B-42", "Child/555 0111"] in [[r[0], r[2]] for r in restored]
        rep.check(ok, "ord %s: the restored rows hold every value in its column, e-mails anonymized" % name,
                  repr(restored))


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
                ("inserts", ["--inserts", "--exclude-table-data=employee"], "plain", [], None),
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
                check_restored(pg, db, source, rep, name, "--load-via-partition-root" in dump_args,
                               ["employee"] if "--exclude-table-data=employee" in dump_args else [])
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
            check_order(pg, binary, work, rep)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d failed" % rep.failed)
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
