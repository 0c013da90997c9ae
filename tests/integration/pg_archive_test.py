#!/usr/bin/env python3
"""pg_dump archives through a real PostgreSQL: load -> pg_dump -Fc/-Fd -> dbanon -> pg_restore.

Usage: pg_archive_test.py DBANON_BINARY [PAGILA_DIR]

The databases and configs of pg_roundtrip_test.py (whose helpers this reuses): pagila (from
PAGILA_DIR, default tests/data/pagila) and tricky (tricky_schema.sql). Each is dumped six ways:

  fc        pg_dump -Fc (default compression), dbanon FILE -o OUT, pg_restore -d
  fc-z0     pg_dump -Fc -Z0, dbanon, pg_restore -j 2 --clean --if-exists --disable-triggers
            (DbToolsBundle's restore command)
  fc-z9     pg_dump -Fc -Z9, dbanon -j1 and -j2 (byte-identical), pg_restore -d
  fd        pg_dump -Fd, dbanon DIR -o OUTDIR, pg_restore -j 2 --clean --if-exists --disable-triggers
  fc-pipe   pg_dump -Fc -Z5 | dbanon | cat > OUT (data offsets "not set" on both sides),
            pg_restore -j 2 --clean --if-exists --disable-triggers
  ft        pg_dump -Ft (tar), dbanon FILE -o OUT, pg_restore -d

and for each the test checks, printing `ok - ...` or `not ok - ...: detail`:
  * dbanon exits 0;
  * on pagila (not through a pipe) its --report names the archive format in and out, the
    bytes of the input and output files (a -Fd folder: its files; -Ft: the tar, not the
    members unpacked beside it), customer's 599 rows anonymized and the cells per column;
  * pg_restore -l of the output equals pg_restore -l of the input;
  * pg_restore -f - of the output equals the plain dump (pg_dump -Fp) of the source run
    through dbanon (apart from the random \\restrict key lines);
  * the output restores, and the plain round trip's assertions hold on the restored
    database: same schema, tables, columns, sequences and row counts; unconfigured columns
    equal; configured columns anonymized with their anonymizer's shape, NULLs kept, one
    input one output; no configured value left in the output's text.
On pagila, `dbanon check` (issue 13) on its -Fp, -Fc and -Fd dumps (report, exit code, TOC
only unless --sample), and the config `check --suggest` writes, used with --strict, anonymizes
pagila and restores. Strict mode on real -Fp/--inserts/-Fc/-Fd dumps of a table that gains a
column after the config was written: exit 2 naming it, nothing at -o.
On pagila, the seed recipe of docs/ci/: a pg_dump -Fc -Z5 backup and a DbToolsBundle YAML config
through tools/anonymize-backup.sh (salt file, --progress, --report): the report's figures, the
same text as the plain round trip, pg_restore -d with DbToolsBundle's options, and nothing
written without a salt or from a cut backup.
Then, on tricky: an archive with an empty config comes out byte for byte (-Fc) or file for
file (-Fd), restores, and has the source's table data; an archive cut inside a configured
table's block, or with a corrupt byte there, is refused with exit 3, no output file and no
value in the message; and compressed plain dumps (.sql.gz in, .sql.gz and .sql.zst out)
give the plain output.

Exit status: 0 all passed, 1 some failed, 77 PostgreSQL is not installed (skipped).
"""

import gzip
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import pg_harness  # noqa: E402
import pg_roundtrip_test as rt  # noqa: E402

DBTOOLS_RESTORE = ["-j", "2", "--clean", "--if-exists", "--disable-triggers"]

# name: (pg_dump arguments, restore arguments, how dbanon is run)
VARIANTS = [
    ("fc", ["-Fc"], [], "file"),
    ("fc-z0", ["-Fc", "-Z0"], DBTOOLS_RESTORE, "file"),
    ("fc-z9", ["-Fc", "-Z9"], [], "file-j2"),
    ("fd", ["-Fd"], DBTOOLS_RESTORE, "dir"),
    ("fc-pipe", ["-Fc", "-Z5"], DBTOOLS_RESTORE, "pipe"),
    ("ft", ["-Ft"], [], "file"),  # tar: pg_restore reads it in order, no -j
]


def strip_restrict(script):
    """A plain script without psql's per-run \\restrict / \\unrestrict key lines."""
    return b"".join(l for l in script.splitlines(True)
                    if not (l.startswith(b"\\restrict ") or l.startswith(b"\\unrestrict ")))


def restore_list(pg, path):
    """pg_restore -l, as text (the header shows the archive's header fields)."""
    return pg.pg_restore(["-l", path]).stdout


def restore_script(pg, path):
    return strip_restrict(pg.pg_restore(["-f", "-", path]).stdout)


def files_equal(a, b):
    names = sorted(os.listdir(a))
    if names != sorted(os.listdir(b)):
        return "file lists differ: %s vs %s" % (names, sorted(os.listdir(b)))
    for n in names:
        if rt.read(os.path.join(a, n)) != rt.read(os.path.join(b, n)):
            return "%s differs" % n
    return None


def run_dbanon_pipe(binary, cfg, source_cmd, env, out_path):
    """source_cmd | dbanon -c cfg | cat > out_path; returns (dbanon exit, stderr, seconds)."""
    t0 = time.monotonic()
    with open(out_path, "wb") as out:
        src = subprocess.Popen(source_cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        dba = subprocess.Popen([binary, "-c", cfg], stdin=src.stdout, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
        src.stdout.close()
        cat = subprocess.Popen(["cat"], stdin=dba.stdout, stdout=out)
        dba.stdout.close()
        err = dba.stderr.read()
        rc = dba.wait(timeout=rt.DBANON_TIMEOUT)
        cat.wait(timeout=60)
        src.wait(timeout=60)
    return rc, err, time.monotonic() - t0


class Source:
    """A loaded source database and what every variant compares against."""

    def __init__(self, pg, ds, dbanon, work, rep):
        self.ds = ds
        self.d = os.path.join(work, ds.name)
        os.mkdir(self.d)
        self.cfg = os.path.join(self.d, "dbanon.toml")
        rt.write(self.cfg, rt.config_toml(ds.config))
        self.src = rt.Catalog(pg, ds.name)
        self.src_rows = {}
        for key in self.src.tables:
            if self.src.tables[key] == "r" and self.src.columns[key]:
                self.src_rows[key] = rt.fetch_rows(pg, ds.name, key[0], key[1],
                                                   [c[0] for c in self.src.columns[key]], self.src.pkey[key])
        self.configured = {(s, t): {c: rt.spec_parts(x) for c, x in cols.items()}
                           for s, t, _k, cols in ds.config}
        for key, cols in self.configured.items():
            names = [c[0] for c in self.src.columns.get(key, [])]
            for col in cols:
                if col in names and key in self.src_rows:
                    i = names.index(col)
                    for r in self.src_rows[key]:
                        if r[i] is not None and len(r[i]) >= 4:
                            rep.secrets.add(r[i])
                            rep.secrets.add(rt.escape_copy(r[i]))
        # The reference: the plain dump of the source through dbanon.
        self.plain = os.path.join(self.d, "source.sql")
        with open(self.plain, "wb") as f:
            pg.run_client("pg_dump", ["-Fp", "-d", ds.name], stdout=f)
        self.plain_anon = os.path.join(self.d, "anon.sql")
        rc, err, _ = dbanon.run(["-c", self.cfg, "-o", self.plain_anon, self.plain])
        self.ok = rep.check(rc == 0, "%s: the plain dump of the source goes through dbanon" % ds.name,
                            "exit %s, stderr: %s" % (rc, err.decode("utf-8", "replace")))
        self.source_text = strip_restrict(rt.read(self.plain))
        self.expected = strip_restrict(rt.read(self.plain_anon)) if self.ok else b""
        self.schema = rt.schema_dump(pg, ds.name)


def dir_size(path):
    if not os.path.isdir(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path))


def check_report(report, archive, out, fmt, rep, P):
    """--report on an archive road: formats, bytes, pagila's customer and staff counts."""
    try:
        r = json.loads(rt.read(report))
        tables = {t["table"]: t for t in r["tables"]}
        cols = {c["column"]: c for c in tables["public.customer"]["columns"]}
        staff = {c["column"]: c for c in tables["public.staff"]["columns"]}
        conds = {
            "formats": r["input"]["format"] == fmt and r["output"]["format"] == fmt,
            "bytes_in %d" % r["bytes_in"]: r["bytes_in"] == dir_size(archive),
            "bytes_out %d" % r["bytes_out"]: r["bytes_out"] == dir_size(out),
            "customer rows %s" % tables["public.customer"]["rows"]: tables["public.customer"]["rows"] == 599,
            "customer action": tables["public.customer"]["action"] == "anonymized",
            "email rewritten %d" % cols["email"]["values_rewritten"]: cols["email"]["values_rewritten"] == 599,
            "first_name anonymizer": cols["first_name"]["anonymizer"] == "firstname",
            "staff picture cells %s %s %s" % (staff["picture"]["nulls_kept"], staff["picture"]["values_rewritten"],
                                               tables["public.staff"]["rows"]): (staff["picture"]["nulls_kept"] + staff["picture"]["values_rewritten"]
                                    == tables["public.staff"]["rows"] > 0),
            "film unconfigured": tables["public.film"]["action"] == "unconfigured",
            "salt id": len(r["salt"]["id"]) == 16,
        }
        detail = "wrong: " + ", ".join(k for k, v in conds.items() if not v)
        ok = all(conds.values())
    except (OSError, ValueError, KeyError) as e:
        ok, detail = False, repr(e)
    rep.check(ok, P + "--report: formats, bytes in and out, customer 599 rows and 599 e-mails rewritten", detail)


def run_variant(pg, s, variant, binary, dbanon, rep):
    name, dump_args, restore_args, how = variant
    ds = s.ds
    P = "%s %s: " % (ds.name, name)
    d = os.path.join(s.d, name)
    os.mkdir(d)
    directory = how == "dir"
    archive = os.path.join(d, "source.dir" if directory else "source.dump")
    out = os.path.join(d, "anon.dir" if directory else "anon.dump")
    try:
        if how == "pipe":
            with open(archive, "wb") as f:  # pg_dump to a pipe: offsets not set
                p = subprocess.Popen([pg._bin("pg_dump")] + pg.conn_args() + dump_args + ["-d", ds.name],
                                     stdout=subprocess.PIPE, env=pg.client_env())
                shutil.copyfileobj(p.stdout, f)
                if p.wait(timeout=300) != 0:
                    raise pg_harness.PgError(["pg_dump"], p.returncode, b"")
        else:
            pg.run_client("pg_dump", dump_args + ["-f", archive, "-d", ds.name])
    except (pg_harness.PgError, subprocess.TimeoutExpired) as e:
        rep.check(False, P + "pg_dump %s" % " ".join(dump_args), e)
        return

    if how == "pipe":
        rc, err, secs = run_dbanon_pipe(binary, s.cfg, ["cat", archive], None, out)
    else:
        report = os.path.join(d, "report.json")
        rc, err, secs = dbanon.run(["-c", s.cfg, "-j1", "--report", report, "-o", out, archive])
    if not rep.check(rc == 0, P + "dbanon exits 0 (%.2fs)" % secs,
                     "exit %s, stderr: %s" % (rc, err.decode("utf-8", "replace"))):
        return
    if how != "pipe" and ds.name == "pagila":
        check_report(report, archive, out, {"fd": "pg_dump -Fd", "ft": "pg_dump -Ft"}.get(name, "pg_dump -Fc"),
                     rep, P)
    if how == "file-j2":
        out2 = os.path.join(d, "anon-j2.dump")
        rc, err, _ = dbanon.run(["-c", s.cfg, "-j2"], stdin_path=archive, stdout_path=out2)
        if rep.check(rc == 0, P + "dbanon -j2 (stdin to stdout) exits 0", "exit %s" % rc):
            rep.check(rt.read(out) == rt.read(out2), P + "-j1 and -j2 outputs are byte-identical",
                      rt.first_difference(rt.read(out), rt.read(out2)))

    try:
        rep.check(restore_list(pg, out) == restore_list(pg, archive),
                  P + "pg_restore -l of the output equals that of the input")
        text = restore_script(pg, out)
        rep.check(text == s.expected,
                  P + "pg_restore -f - of the output equals the plain dump through dbanon",
                  rt.first_difference(text, s.expected))
    except pg_harness.PgError as e:
        rep.check(False, P + "pg_restore -l / -f - read the output", e)
        return
    if name == VARIANTS[0][0] or text != s.expected:
        # The same text as the plain round trip's output has the same leaks:
        # search once per dataset (it takes seconds on pagila).
        rt.check_leaks(ds, s.src, s.src_rows, s.configured, s.source_text, text, rep, P)

    anon_db = (ds.name + "_" + name).replace("-", "_")
    try:
        pg.createdb(anon_db)
        pg.pg_restore(["-d", anon_db] + restore_args + [out])
        restored, detail = True, ""
    except (pg_harness.PgError, subprocess.TimeoutExpired) as e:
        restored, detail = False, e
    if rep.check(restored, P + "the output restores with pg_restore -d %s" % " ".join(restore_args), detail):
        diff = rt.first_difference(s.schema, rt.schema_dump(pg, anon_db))
        rep.check(diff is None, P + "schema-only dumps of source and restored databases are identical", diff)
        dst = rt.Catalog(pg, anon_db)
        rt.compare_databases(pg, ds, s.src, dst, s.src_rows, s.configured, anon_db, rep, P)
        pg.dropdb(anon_db)


def run_unconfigured_and_errors(pg, s, binary, dbanon, rep):
    ds = s.ds
    P = "%s: " % ds.name
    d = os.path.join(s.d, "checks")
    os.mkdir(d)
    empty = os.path.join(d, "empty.toml")
    rt.write(empty, "[tables.dbanon_absent_table]\nx = \"keep\"\n")  # configures nothing in the dump
    fc = os.path.join(d, "source.dump")
    fd = os.path.join(d, "source.dir")
    pg.run_client("pg_dump", ["-Fc", "-f", fc, "-d", ds.name])
    pg.run_client("pg_dump", ["-Fd", "-f", fd, "-d", ds.name])

    out = os.path.join(d, "empty.dump")
    rc, err, _ = dbanon.run(["-c", empty, "--allow-missing", "-o", out, fc])
    if rep.check(rc == 0, P + "an unconfigured -Fc archive goes through", "exit %s" % rc):
        rep.check(rt.read(out) == rt.read(fc), P + "an unconfigured -Fc archive comes out byte for byte",
                  rt.first_difference(rt.read(out), rt.read(fc)))
        db = ds.name + "_unconfigured"
        try:
            pg.createdb(db)
            pg.pg_restore(["-d", db] + DBTOOLS_RESTORE + [out])
            restored, detail = True, ""
        except pg_harness.PgError as e:
            restored, detail = False, e
        if rep.check(restored, P + "the unconfigured output restores", detail):
            plain = rt.Dataset(ds.name + "-unconfigured", ds.loads, [])  # no per-dataset extras
            rt.compare_databases(pg, plain, s.src, rt.Catalog(pg, db), s.src_rows, {}, db, rep,
                                 P + "unconfigured: ")
            pg.dropdb(db)
    outd = os.path.join(d, "empty.dir")
    rc, err, _ = dbanon.run(["-c", empty, "--allow-missing", "-o", outd, fd])
    if rep.check(rc == 0, P + "an unconfigured -Fd archive goes through", "exit %s" % rc):
        diff = files_equal(outd, fd)
        rep.check(diff is None, P + "an unconfigured -Fd archive comes out file for file", diff)

    # Damaged archives: cut inside, or a corrupt byte inside, a configured table's block.
    data = rt.read(fc)
    listing = restore_list(pg, fc).decode()
    block = None
    for schema, table, _k, _c in ds.config:
        if s.src.counts.get((schema, table), 0) > 0:
            for line in listing.splitlines():
                if (" TABLE DATA %s %s " % (schema, table)) in line:
                    block = int(line.split(";")[0])
            if block is not None:
                break
    # The block header: BLK_DATA, then the dump id as an Int (formats.md B.4).
    start = -1 if block is None else data.rfind(b"\x01\x00" + struct.pack("<I", block))
    if not rep.check(start > 0, P + "found the data block of a configured table to damage"):
        return
    for what, damaged in (("cut inside", data[:start + 40]),
                          ("with a corrupt byte in", data[:start + 20] + bytes([data[start + 20] ^ 0x5a])
                           + data[start + 21:])):
        bad = os.path.join(d, "damaged.dump")
        rt.write(bad, damaged)
        outb = os.path.join(d, "damaged-out.dump")
        rc, err, _ = dbanon.run(["-c", s.cfg, "-o", outb, bad])
        msg = err.decode("utf-8", "replace")
        rep.check(rc == rt.EXIT_MALFORMED and not any(n.startswith((".damaged-out", "damaged-out")) for n in os.listdir(d)),
                  P + "an archive %s the block of a configured table is refused with exit 3 and no output" % what,
                  "exit %s: %s" % (rc, msg))
        leaked = [x for x in rep.secrets if len(x) >= rt.LEAK_MIN_LEN and x in msg]
        rep.check(not leaked, P + "that error message holds no configured value", "%d values" % len(leaked))

    # Compressed plain dumps.
    gz = os.path.join(d, "source.sql.gz")
    with gzip.open(gz, "wb") as f:
        f.write(rt.read(s.plain))
    plain_out = os.path.join(d, "from-gz.sql")
    rc, err, _ = dbanon.run(["-c", s.cfg, "-o", plain_out, gz])
    rep.check(rc == 0 and rt.read(plain_out) == rt.read(s.plain_anon),
              P + "a .sql.gz input gives the plain output", "exit %s %s" % (rc, err.decode("utf-8", "replace")))
    gz_out = os.path.join(d, "out.sql.gz")
    rc, err, _ = dbanon.run(["-c", s.cfg, "-j2", "-o", gz_out, s.plain])
    ok = rc == 0 and gzip.decompress(rt.read(gz_out)) == rt.read(s.plain_anon)
    rep.check(ok, P + "-o OUT.sql.gz writes the plain output gzip-compressed", "exit %s" % rc)
    zst_out = os.path.join(d, "out.sql.zst")
    rc, err, _ = dbanon.run(["-c", s.cfg, "-o", zst_out, s.plain])
    back = os.path.join(d, "back.sql")
    rc2, _, _ = dbanon.run(["-c", empty, "--allow-missing", "-o", back, zst_out])
    rep.check(rc == 0 and rc2 == 0 and rt.read(zst_out)[:4] == b"\x28\xb5\x2f\xfd"
              and rt.read(back) == rt.read(s.plain_anon),
              P + "-o OUT.sql.zst writes the plain output zstd-compressed", "exit %s, %s" % (rc, rc2))


def run_check(binary, args):
    """dbanon check ARGS: (exit code, stdout, stderr)."""
    env = {k: v for k, v in os.environ.items() if k != "DBANON_SALT"}
    p = subprocess.run([binary, "check"] + list(args), capture_output=True, env=env, timeout=rt.DBANON_TIMEOUT)
    return p.returncode, p.stdout, p.stderr


def run_check_and_suggest(pg, s, binary, dbanon, rep):
    """Issue 13 on pagila: dbanon check on its plain, -Fc and -Fd dumps, and the config
    `check --suggest` writes, used in strict mode, anonymizes pagila and restores."""
    P = "pagila check: "
    d = os.path.join(s.d, "check")
    os.mkdir(d)
    emails = set(r[0] for r in pg.query("pagila", "SELECT email FROM customer UNION SELECT email FROM staff")
                 if r[0])
    names = set(r[0] for r in pg.query("pagila", "SELECT first_name || ' ' || last_name FROM customer"))
    for v in emails:
        rep.secrets.add(v)
    rc, out, err = run_check(binary, [s.plain])
    rep.check(rc == 1 and b"public.customer: 599 rows: uncovered" in out and
              b"PII? e-mail address: its name says e-mail address; 100 % of 599 sampled values" in out,
              P + "check on pg_dump -Fp of pagila without a config: every table, rows, hints, exit 1",
              "exit %s: %s" % (rc, err))
    rep.check(not any(v.encode() in out + err for v in emails),
              P + "the check report holds no e-mail address of the dump")
    rc, suggested, err = run_check(binary, ["--suggest", s.plain])
    cfg = os.path.join(d, "suggested.toml")
    rt.write(cfg, suggested)
    rep.check(rc == 0 and suggested.startswith(b"#") and b"strict = true" in suggested,
              P + "check --suggest prints a strict config", "exit %s: %s" % (rc, err))
    anon = os.path.join(d, "anon.sql")
    # Text columns without a hint are left commented out for review: strict refuses them.
    rc, err, _ = dbanon.run(["-c", cfg, "--strict", "-o", anon, s.plain], salt_env="pg_archive check salt 0123")
    rep.check(rc == 2 and b"public.film.description" in err and not os.path.exists(anon),
              P + "the suggested config as it is: strict refuses the columns left for review (exit 2)",
              "exit %s: %s" % (rc, err.decode("utf-8", "replace")))
    # A human decides: the REVIEW lines' keep uncommented.
    rt.write(cfg, re.sub(rb'(?m)^# (\S+ = "keep")$', rb"\1", suggested))
    rc, err, _ = dbanon.run(["-c", cfg, "--strict", "-v", "-o", anon, s.plain], salt_env="pg_archive check salt 0123")
    if not rep.check(rc == 0 and b"uncovered" not in err,
                     P + "the suggested config, its REVIEW lines decided, anonymizes pagila in strict mode",
                     "exit %s: %s" % (rc, err.decode("utf-8", "replace"))):
        return
    text = rt.read(anon)
    rep.check(not [v for v in emails if v.encode() in text],
              P + "no e-mail address of pagila is left in the output")
    db = "pagila_suggested"
    try:
        pg.createdb(db)
        pg.psql(db, file=anon)
        restored, detail = True, ""
    except pg_harness.PgError as e:
        restored, detail = False, e
    if rep.check(restored, P + "the output of the suggested config restores with psql", detail):
        dst = rt.Catalog(pg, db)
        bad = ["%s: %d vs %d" % (k, n, dst.counts.get(k, -1)) for k, n in s.src.counts.items()
               if dst.counts.get(k) != n]
        rep.check(not bad, P + "the restored database has every table with its row count", "; ".join(bad))
        new_names = set(r[0] for r in pg.query(db, "SELECT first_name || ' ' || last_name FROM customer"))
        rep.check(len(new_names & names) < len(names) // 10,
                  P + "the customers' names are replaced", "%d of %d kept" % (len(new_names & names), len(names)))
        pg.dropdb(db)
    rc, out, err = run_check(binary, ["-c", cfg, s.plain])
    rep.check(rc == 0 and b" 0 columns uncovered" in out, P + "check with the suggested config: covered, exit 0",
              "exit %s: %s" % (rc, err))
    for name, args in (("-Fc", ["-Fc"]), ("-Fd", ["-Fd"]), ("-Ft", ["-Ft"])):
        path = os.path.join(d, "pagila" + name)
        pg.pg_dump("pagila", list(args) + ["-f", path])
        before = sorted(os.listdir(tempfile.gettempdir()))
        rc, out, err = run_check(binary, ["-c", cfg, path])
        rep.check(rc == 0 and b"public.customer: rows not counted (archive data not read): anonymized" in out,
                  P + "check of pg_dump %s reads the TOC only: covered, rows not counted, exit 0" % name,
                  "exit %s: %s" % (rc, err))
        rc, out, err = run_check(binary, ["--sample", "20", path])
        rep.check(rc == 1 and b"public.customer: 599 rows: uncovered" in out and
                  b"100 % of 20 sampled values look like e-mail addresses" in out and
                  not any(v.encode() in out + err for v in emails),
                  P + "check --sample 20 of pg_dump %s reads the data: rows counted, hints, no value" % name,
                  "exit %s: %s" % (rc, err))
        left = [n for n in os.listdir(tempfile.gettempdir()) if n.startswith("dbanon-check-") and n not in before]
        rep.check(not left, P + "check of pg_dump %s leaves no temporary folder" % name, left)


STRICT_CONFIG = """strict = true
[tables.users]
id = "keep"
email = "email"
phone = "phone"
"""


def run_strict_new_column(pg, binary, dbanon, work, rep):
    """Strict mode on real pg_dump outputs (-Fp, --inserts, -Fc, -Fd): a column added after
    the config was written (ALTER TABLE users ADD COLUMN phone_2) fails the run with exit 2,
    naming it, before any output; `--strict` does the same with a config without strict."""
    P = "strict: "
    d = os.path.join(work, "strict")
    os.mkdir(d)
    pg.createdb("strictdb")
    pg.psql("strictdb", "CREATE TABLE users (id int PRIMARY KEY, email text, phone text);"
                        "INSERT INTO users VALUES (1, 'zqxmarker@example.com', '+1 202 555 0143');")
    cfg = os.path.join(d, "strict.toml")
    rt.write(cfg, STRICT_CONFIG.encode())
    loose = os.path.join(d, "loose.toml")
    rt.write(loose, STRICT_CONFIG.replace("strict = true\n", "").encode())
    formats = (("-Fp", ["-Fp"]), ("--inserts", ["-Fp", "--inserts"]), ("-Fc", ["-Fc"]), ("-Fd", ["-Fd"]))

    def dump(tag):
        paths = {}
        for name, args in formats:
            paths[name] = os.path.join(d, "%s%s" % (tag, name))
            pg.pg_dump("strictdb", list(args) + ["-f", paths[name]])
        return paths

    before = dump("before")
    for name, path in before.items():
        out = os.path.join(d, "out-before" + name)
        rc, err, _ = dbanon.run(["-c", cfg, "-o", out, path], salt_env="strict test salt 0123456")
        rep.check(rc == 0, P + "pg_dump %s covered by the strict config runs" % name,
                  "exit %s: %s" % (rc, err.decode("utf-8", "replace")))
    pg.psql("strictdb", "ALTER TABLE users ADD COLUMN phone_2 text; UPDATE users SET phone_2 = 'zqxmarker-2';")
    after = dump("after")
    for name, path in after.items():
        for what, config, extra in (("strict = true", cfg, []), ("--strict", loose, ["--strict"])):
            out = os.path.join(d, "out-after" + name)
            rc, err, _ = dbanon.run(["-c", config] + extra + ["-o", out, path], salt_env="strict test salt 0123456")
            msg = err.decode("utf-8", "replace")
            left = [n for n in os.listdir(d) if n.startswith(("out-after", ".out-after"))]
            rep.check(rc == 2 and "strict mode: 1 column is not covered" in msg and "public.users.phone_2" in msg
                      and "zqxmarker" not in msg and not left,
                      P + "pg_dump %s with a column added after the config (%s): exit 2 naming it, "
                      "nothing at -o" % (name, what), "exit %s, left %s: %s" % (rc, left, msg))
        rc, out, err = run_check(binary, ["-c", cfg, path])
        rep.check(rc == 1 and b"phone_2  UNCOVERED  PII? phone number" in out and b"zqxmarker" not in out + err,
                  P + "dbanon check on pg_dump %s names the new column uncovered with its hint, exit 1" % name,
                  "exit %s: %s" % (rc, err))
    pg.dropdb("strictdb")
# The seed recipe (docs/ci/): DbToolsBundle's backup (pg_dump -Fc -Z5) and its
# YAML config, as is, through tools/anonymize-backup.sh, the one script both CI
# jobs call. The same anonymizers as PAGILA_CONFIG, so with the same salt the
# anonymized backup holds the same text as the plain round trip (leak-checked
# by the fc variant).
RECIPE_YAML = """\
# db_tools.config.yaml, as DbToolsBundle's standalone flavour reads it
connections: "pgsql://app:secret@db:5432/pagila?version=15.0"
backup_excluded_tables: []
anonymization:
  default:
    customer:
      email: email
      first_name: firstname
      last_name: lastname
    staff:
      email: email
      password: md5
      picture: 'null'
    address:
      phone:
        anonymizer: constant
        options: {value: '555-0100'}
      address2: 'null'
"""
RECIPE_SCRIPT = os.path.join(REPO_ROOT, "tools", "anonymize-backup.sh")


def run_recipe(pg, s, binary, rep):
    P = "%s recipe: " % s.ds.name
    d = os.path.join(s.d, "recipe")
    os.mkdir(d)
    backup = os.path.join(d, "pagila.dump")
    config = os.path.join(d, "db_tools.config.yaml")
    salt = os.path.join(d, "salt")
    rt.write(config, RECIPE_YAML)
    rt.write(salt, rt.SALT + "\n")
    pg.run_client("pg_dump", ["-Fc", "-Z5", "--lock-wait-timeout=120", "-f", backup, "-d", s.ds.name])
    env = {k: v for k, v in os.environ.items() if not k.startswith("DBANON")}
    env["DBANON"] = binary

    def script(args, extra_env):
        p = subprocess.run(["bash", RECIPE_SCRIPT] + args, env=dict(env, **extra_env), capture_output=True,
                           timeout=300)
        return p.returncode, p.stderr.decode("utf-8", "replace")

    seed = os.path.join(d, "seed.dump")
    report = os.path.join(d, "report.json")
    rc, err = script([backup, config, seed, report], {"DBANON_SALT_FILE": salt})
    if not rep.check(rc == 0 and os.path.exists(seed), P + "anonymize-backup.sh exits 0 with the YAML config",
                     "exit %s: %s" % (rc, err)):
        return
    rep.check("dbanon: " in err and "MB/s" in err, P + "--progress lines or the final line in the job log", err)
    try:
        r = json.loads(rt.read(report))
        tables = {t["table"]: t for t in r["tables"]}
        email = {c["column"]: c for c in tables["public.customer"]["columns"]}["email"]
        ok = (r["input"]["format"].startswith("pg_dump -Fc") and r["bytes_in"] == os.path.getsize(backup)
              and r["bytes_out"] == os.path.getsize(seed) and tables["public.customer"]["rows"] == 599
              and tables["public.customer"]["action"] == "anonymized" and email["anonymizer"] == "email"
              and email["values_rewritten"] == 599 and tables["public.film"]["action"] == "unconfigured")
        detail = json.dumps(r)[:600]
    except (ValueError, KeyError) as e:
        ok, detail = False, repr(e)
    rep.check(ok, P + "the report: formats, bytes in and out, customer 599 rows anonymized, 599 e-mails", detail)
    try:
        text = restore_script(pg, seed)
        rep.check(text == s.expected, P + "pg_restore -f - of the seed equals the plain dump through the TOML config",
                  rt.first_difference(text, s.expected))
        pg.createdb("pagila_seed")
        pg.pg_restore(["-d", "pagila_seed"] + DBTOOLS_RESTORE + [seed])
        dst = rt.Catalog(pg, "pagila_seed")
        rt.compare_databases(pg, s.ds, s.src, dst, s.src_rows, s.configured, "pagila_seed", rep, P)
        pg.dropdb("pagila_seed")
    except (pg_harness.PgError, subprocess.TimeoutExpired) as e:
        rep.check(False, P + "the seed restores with pg_restore -d (DbToolsBundle's options)", e)

    # Failures publish nothing: no salt, a cut backup.
    out = os.path.join(d, "none.dump")
    rc, err = script([backup, config, out, out + ".json"], {})
    rep.check(rc != 0 and not os.path.exists(out) and not os.path.exists(out + ".json"),
              P + "without a salt secret: non-zero, nothing written", "exit %s: %s" % (rc, err))
    cut = os.path.join(d, "cut.dump")
    rt.write(cut, rt.read(backup)[: os.path.getsize(backup) * 2 // 3])
    rc, err = script([cut, config, out, out + ".json"], {"DBANON_SALT_FILE": salt})
    rep.check(rc == 3 and not os.path.exists(out) and not os.path.exists(out + ".json"),
              P + "a cut backup: exit 3, nothing written", "exit %s: %s" % (rc, err))


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    binary = os.path.abspath(argv[1])
    pagila = os.path.abspath(argv[2] if len(argv) > 2 else os.path.join(REPO_ROOT, "tests", "data", "pagila"))
    rep = rt.Reporter()
    try:
        bindir = pg_harness.find_bindir()
    except RuntimeError as e:
        print("# SKIP %s" % e)
        return 77
    datasets = []
    files = [os.path.join(pagila, "pagila-schema.sql"), os.path.join(pagila, "pagila-data.sql")]
    if not all(os.path.exists(f) for f in files):
        rep.check(False, "pagila dump is present", "%s not found" % pagila)
        return 1
    datasets.append(rt.Dataset("pagila", files, rt.PAGILA_CONFIG))
    datasets.append(rt.Dataset("tricky", [os.path.join(HERE, "tricky_schema.sql")], rt.TRICKY_CONFIG))
    t0 = time.monotonic()
    try:
        with pg_harness.PgCluster(bindir=bindir) as pg, \
                tempfile.TemporaryDirectory(prefix="dbanon-pgarchive-") as work:
            rep.note("PostgreSQL from %s, socket %s" % (bindir, pg.sockdir))
            dbanon = rt.Dbanon(binary)
            for ds in datasets:
                pg.createdb(ds.name)
                for f in ds.loads:
                    pg.psql(ds.name, file=f)
                s = Source(pg, ds, dbanon, work, rep)
                if not s.ok:
                    continue
                for variant in VARIANTS:
                    run_variant(pg, s, variant, binary, dbanon, rep)
                if ds.name == "tricky":
                    run_unconfigured_and_errors(pg, s, binary, dbanon, rep)
                if ds.name == "pagila":
                    run_check_and_suggest(pg, s, binary, dbanon, rep)
                    run_recipe(pg, s, binary, rep)
            run_strict_new_column(pg, binary, dbanon, work, rep)
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
