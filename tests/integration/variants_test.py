#!/usr/bin/env python3
"""Real-world variants of dumps the clients restore (issue 15): each is made from the real
tool's output in the test, run through dbanon, and restored with the real client.

Usage: variants_test.py DBANON_BINARY

Variants, in every dialect the client accepts them in:
  * CRLF line endings (a dump that went through Windows or `docker exec -t`): pg_dump -Fp
    (COPY) and --inserts, mariadb-dump, sqlite3 .dump. The output keeps CR LF: it equals the
    LF dump's output with LF turned into CR LF.
  * a UTF-8 byte order mark before the dump, alone and with CRLF: the output keeps it.
  * a COPY block whose rows mix LF and CR LF: psql refuses it, so does dbanon (exit 3,
    nothing at -o).
  * mariadb-dump --compatible=ansi (item 13): names in double quotes after SQL_MODE='ANSI'.
  * MySQL versioned comments around a column and its values (item 4): sakila's address
    table in MySQL's shape, restored by MariaDB 10.11 (which skips /*!50705 ... */).
  * encodings other than UTF-8 (item 3): a pg_dump of a LATIN1 database and of a SQL_ASCII
    one, a mariadb-dump --default-character-set=latin1 of a latin1 table; varchar(6) columns
    take a French first name and a constant with characters LATIN1 lacks: the restore
    succeeds and reads the values LATIN1 can hold back as written. The LATIN1 and SQL_ASCII
    databases also as -Fc and -Fd archives, restored by pg_restore.
  * rows longer than 64 MiB (item 5): a 256 MiB document beside a configured e-mail, one
    pg_dump -Fc read as an archive and, through pg_restore -f -, as plain SQL from a pipe; the
    document streams through field by field, the e-mail changes; both peak RSS are printed.
  * pg_dump -E SJIS (item 13) of a UTF8 database, plain and -Fc: Japanese text whose SJIS
    bytes hold 0x5C second bytes; the columns that are not configured restore identical.
  * pg_dump 18 statistics (issue 11 part 3): plain, --inserts, -Fc and -Fd dumps in pg_dump
    18's shape (built by tests/cli/leak_paths/pg_stats_cases.py) whose
    pg_restore_attribute_stats calls of configured columns lose their value arguments;
    restored by psql into PostgreSQL 15 with stand-in functions over json_build_object.
  * what the config asks must fit the column (item 6, variants_fit.py): narrow UNIQUE
    e-mail columns, varchar(9) phones, numeric(5,2), a domain's length, NOT NULL + null.
  * client character sets whose characters hold ASCII bytes (item 13, variants_mbcs.py):
    mariadb-dump --default-character-set=sjis, gbk, big5 of tables in those character sets
    and pg_dump -E SJIS --inserts, values with 0x5C second bytes; restored byte-identical.
  * dumps the clients accept that dbanon refused (variants_accept.py): MySQL column names
    and config keys in another case, MariaDB INVISIBLE columns, PostgreSQL typed tables, sqlite3 .schema + .mode insert.
  * coverage says what it does not cover (variants_cover.py): PostgreSQL large objects in
    -v, --report, dbanon check and --strict (pg_dump -Fp and -Fc).
Checks per variant: dbanon exits 0; no original configured value in the output; the real
client restores it (psql -v ON_ERROR_STOP=1, mariadb, sqlite3 -bail) with every row and
every configured value changed.
One PostgreSQL cluster and one MariaDB server for the whole file.
Exit status: 0 all passed, 1 some failed, 77 when none of the three clients is installed.
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from pg_roundtrip_test import Reporter  # noqa: E402
import variants_accept  # noqa: E402
import variants_cover  # noqa: E402
import variants_fit  # noqa: E402
import variants_mbcs  # noqa: E402

SALT = "variants-test-salt-0123456789"
EMAILS = ["ann.lee@example.invalid", "o'hara@example.invalid", "back\\slash@example.invalid",
          "üñî-mail@example.invalid", "tab\tin@example.invalid"]
CONFIG = 'salt = "%s"\n\n[tables.customer]\nemail = "email"\n' % SALT


def crlf(data):
    return data.replace(b"\n", b"\r\n")


def bom(data):
    return b"\xef\xbb\xbf" + data


VARIANTS = [("CRLF", crlf), ("BOM", bom), ("BOM and CRLF", lambda d: bom(crlf(d)))]


class Dbanon:
    def __init__(self, binary, work):
        self.binary = binary
        self.work = work
        self.config = os.path.join(work, "dbanon.toml")
        with open(self.config, "w") as f:
            f.write(CONFIG)

    def run(self, name, data, args=(), config=None):
        src = os.path.join(self.work, name + ".in")
        out = os.path.join(self.work, name + ".out")
        with open(src, "wb") as f:
            f.write(data)
        if os.path.exists(out):
            os.unlink(out)
        p = subprocess.run([self.binary, "-c", config or self.config, "-o", out] + list(args) + [src],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        output = None
        if os.path.exists(out):
            with open(out, "rb") as f:
                output = f.read()
        return p.returncode, p.stderr.decode("utf-8", "replace"), output


def leaked(output):
    forms = []
    for e in EMAILS:
        forms += [e.encode(), e.replace("'", "''").encode(), e.replace("\\", "\\\\").encode(),
                  e.replace("\t", "\\t").encode()]
    return [f for f in forms if f in output]


def check_variants(rep, dbanon, dialect, dump, restore):
    """`restore(name, output)` loads output into a fresh database and returns its e-mails."""
    rc, err, plain = dbanon.run(re.sub(r"\W", "_", dialect + "_plain"), dump)
    if not rep.check(rc == 0 and plain is not None, "%s: the unchanged dump is anonymized" % dialect, err):
        return
    for vname, make in VARIANTS:
        desc = "%s with %s" % (dialect, vname)
        rc, err, out = dbanon.run(re.sub(r"\W", "_", "%s_%s" % (dialect, vname)), make(dump))
        if not rep.check(rc == 0 and out is not None, "%s: dbanon exits 0" % desc, err):
            continue
        rep.check(not leaked(out), "%s: no original e-mail in the output" % desc)
        rep.check(out == make(plain), "%s: the output is the LF dump's output in the same form" % desc)
        try:
            got = restore(re.sub(r"\W", "_", "%s_%s" % (dialect, vname)).lower(), out)
        except Exception as e:  # noqa: BLE001
            rep.check(False, "%s: the client restores the output" % desc, e)
            continue
        rep.check(len(got) == len(EMAILS) and not set(got) & set(EMAILS) and all(g and "@" in g for g in got),
                  "%s: the client restores every row with its e-mail changed" % desc, "%d rows" % len(got))


def pg_part(rep, dbanon):
    from pg_harness import PgCluster, parse_copy_text
    with PgCluster() as pg:
        pg.createdb("src")
        rows = ",".join("(%d, %s, 'n%d')" % (i, "'" + e.replace("'", "''") + "'", i) for i, e in enumerate(EMAILS))
        pg.psql("src", "CREATE TABLE customer (id int PRIMARY KEY, email varchar(60), name text);"
                       "INSERT INTO customer VALUES %s;" % rows)

        def restore(name, output):
            pg.createdb(name)
            path = os.path.join(dbanon.work, name + ".sql")
            with open(path, "wb") as f:
                f.write(output)
            pg.psql(name, file=path, args=["-v", "ON_ERROR_STOP=1"])
            return [r[0] for r in pg.query(name, "SELECT email FROM customer ORDER BY id")]

        copy_dump = pg.pg_dump("src", ["-Fp"])
        check_variants(rep, dbanon, "pg_dump -Fp", copy_dump, restore)
        check_variants(rep, dbanon, "pg_dump --inserts", pg.pg_dump("src", ["-Fp", "--inserts"]), restore)
        pg_encoding_part(rep, dbanon, pg)
        pg_stats_part(rep, dbanon, pg)
        variants_fit.pg_fit_part(rep, dbanon, pg)
        variants_mbcs.pg_part(rep, dbanon, pg)
        variants_accept.pg_part(rep, dbanon, pg)
        variants_cover.pg_part(rep, dbanon, pg)
        pg_long_row_part(rep, dbanon, pg)
        pg_sjis_part(rep, dbanon, pg)

        # COPY's rule: the first row's line ending holds for the whole block.
        head, sep, rest = copy_dump.partition(b"FROM stdin;\n")
        first, nl, others = rest.partition(b"\n")
        mixed = head + sep + first + b"\r\n" + others
        rc, err, out = dbanon.run("pg-mixed", mixed)
        rep.check(rc == 3 and out is None and "mixed line endings" in err and err.count(":") >= 3,
                  "pg_dump -Fp whose COPY rows mix CR LF and LF: refused with a position, nothing at -o", err)
        path = os.path.join(dbanon.work, "mixed.sql")
        with open(path, "wb") as f:
            f.write(mixed)
        pg.createdb("mixed")
        p = pg.psql("mixed", file=path, args=["-v", "ON_ERROR_STOP=1"], check=False)
        rep.check(p.returncode != 0, "... and psql refuses it too")


# Japanese text whose SJIS bytes hold 0x5C (an ASCII backslash) as a second byte:
# 表 95 5C, ソ 83 5C, 能 94 5C; beside a TAB and a backslash that COPY escapes.
SJIS_ROWS = [(1, "表ソ能@example.invalid", "能登 表", r"ソ表\t能\\表"),
             (2, "ソフト表@example.invalid", "表示", r"能\n表ソ"),
             (3, "plain@example.invalid", "ソ", "表")]


def pg_sjis_part(rep, dbanon, pg):
    """Issue 15 item 13: pg_dump -E SJIS of a UTF8 database (plain and -Fc); COPY rows are read
    character by character, so a 0x5C second byte is no backslash. Restored by psql and
    pg_restore: e-mails changed, every other column identical."""
    for e in SJIS_ROWS:
        rep.secrets.add(e[1])
    pg.createdb("sjis_src", extra="ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
    rows = ",".join("(%d, '%s', '%s', E'%s')" % r for r in SJIS_ROWS)
    pg.psql("sjis_src", args=["-c", "SET client_encoding = 'UTF8'", "-c",
                              "CREATE TABLE jp (id int, email text, name varchar(4), note text);"
                              " INSERT INTO jp VALUES %s;" % rows])
    want = pg.query("sjis_src", "SELECT id, name, note FROM jp ORDER BY id")
    config = os.path.join(dbanon.work, "sjis.toml")
    with open(config, "w") as f:
        f.write('salt = "%s"\n[tables.jp]\nemail = "email"\n' % SALT)

    def check_restored(desc, db):
        got = pg.query(db, "SELECT id, name, note FROM jp ORDER BY id")
        rep.check(got == want, "%s: every column that is not configured restored identical" % desc)
        emails = [r[0] for r in pg.query(db, "SELECT email FROM jp ORDER BY id")]
        rep.check(len(emails) == 3 and all("@" in e and e not in [r[1] for r in SJIS_ROWS] for e in emails),
                  "%s: every e-mail changed" % desc)

    dump = pg.pg_dump("sjis_src", ["-Fp", "-E", "SJIS"])
    rep.check(b"SET client_encoding = 'SJIS'" in dump and b"\x95\x5c\x83\x5c" in dump,
              "pg_dump -E SJIS: the dump says so and holds 0x5C second bytes")
    rc, err, out = dbanon.run("sjis_plain", dump, config=config)
    if rep.check(rc == 0 and out is not None, "pg_dump -Fp -E SJIS: dbanon exits 0", err):
        rep.check(not any(e[1].encode("sjis") in out for e in SJIS_ROWS), "... no original e-mail in the output")
        pg.createdb("sjis_plain", extra="ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
        path = os.path.join(dbanon.work, "sjis_plain.sql")
        with open(path, "wb") as f:
            f.write(out)
        r = pg.psql("sjis_plain", file=path, args=["-v", "ON_ERROR_STOP=1"], check=False)
        if rep.check(r.returncode == 0, "... and psql restores the output", r.stderr):
            check_restored("pg_dump -Fp -E SJIS", "sjis_plain")
    archive = os.path.join(dbanon.work, "sjis.Fc")
    pg.run_client("pg_dump", ["-Fc", "-E", "SJIS", "-f", archive, "-d", "sjis_src"])
    out = archive + ".out"
    p = subprocess.run([dbanon.binary, "-c", config, "-o", out, archive],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if rep.check(p.returncode == 0, "pg_dump -Fc -E SJIS: dbanon exits 0", p.stderr.decode(errors="replace")):
        text = pg.pg_restore(["-f", "-", out]).stdout
        rep.check(not any(e[1].encode("sjis") in text for e in SJIS_ROWS),
                  "... no original e-mail in the output (after pg_restore -f -)")
        pg.createdb("sjis_fc", extra="ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
        r = pg.pg_restore(["--exit-on-error", "-d", "sjis_fc", out], check=False)
        if rep.check(r.returncode == 0, "... and pg_restore restores the output", r.stderr):
            check_restored("pg_dump -Fc -E SJIS", "sjis_fc")


def peak_rss_kb(stderr):
    m = re.search(rb"Maximum resident set size \(kbytes\): (\d+)", stderr)
    return int(m.group(1)) if m else None


def scan_file(path, needle):
    """(md5 hex digest of the file, whether `needle` occurs in it), read in 8 MiB blocks."""
    h = hashlib.md5()
    found = False
    tail = b""
    with open(path, "rb") as f:
        while True:
            block = f.read(8 << 20)
            if not block:
                break
            h.update(block)
            found = found or needle in tail + block[:len(needle)] or needle in block
            tail = block[-len(needle):]
    return h.hexdigest(), found


def pg_long_row_part(rep, dbanon, pg):
    """Issue 15 item 5: a 256 MiB document beside a configured e-mail in one row. One pg_dump
    -Fc; its plain form (pg_restore -f -) is piped into dbanon's stdin, the archive is given
    as a file; the document streams through field by field, so both runs peak far below the
    row (peak RSS printed). The anonymized archive is restored by pg_restore (document
    identical, e-mail rewritten) and, as SQL, equals the plain run's output byte for byte."""
    if os.environ.get("DBANON_SANITIZED") == "1" or not os.path.exists("/usr/bin/time"):
        rep.note("256 MiB row skipped (sanitized build or no /usr/bin/time)")
        return
    email = "long.row.owner@example.invalid"
    rep.secrets.add(email)
    pg.createdb("longrow_src")
    pg.psql("longrow_src", "CREATE TABLE doc (id int, email text, body text);"
                           "INSERT INTO doc VALUES (1, '%s', repeat('0123456789abcdef', 16 << 20)),"
                           " (2, 'short@example.invalid', 'short');" % email)
    want_md5 = [hashlib.md5(b"0123456789abcdef" * (16 << 20)).hexdigest(), hashlib.md5(b"short").hexdigest()]
    config = os.path.join(dbanon.work, "longrow.toml")
    with open(config, "w") as f:
        f.write('salt = "%s"\n[tables.doc]\nemail = "email"\n' % SALT)
    archive = os.path.join(dbanon.work, "longrow.Fc")
    pg.run_client("pg_dump", ["-Fc", "-f", archive, "-d", "longrow_src"])
    pg.dropdb("longrow_src")
    plain_out = os.path.join(dbanon.work, "longrow.sql.out")
    fc_out = archive + ".out"
    fc_sql = fc_out + ".sql"

    # Plain, read through a pipe: pg_restore -f - writes the script pg_dump -Fp would.
    # The same \\restrict key in both SQL texts (pg_restore picks a random one by default).
    key = "--restrict-key=dbanonlongrow"
    restore = subprocess.Popen([os.path.join(pg.bindir, "pg_restore"), key, "-f", "-", archive],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    p = subprocess.run(["/usr/bin/time", "-v", dbanon.binary, "-c", config, "-o", plain_out],
                       stdin=restore.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    restore.stdout.close()
    restore.wait(timeout=60)
    rss = peak_rss_kb(p.stderr)
    print("# a 256 MiB field, plain SQL read through a pipe: peak RSS %s kB" % rss)
    plain_ok = rep.check(p.returncode == 0 and restore.returncode == 0,
                         "a plain dump with a 256 MiB field beside a configured e-mail, read through a pipe:"
                         " dbanon exits 0", p.stderr.decode(errors="replace")[-2000:])
    if plain_ok:
        rep.check(rss is not None and rss < 128 * 1024, "... in less than half the row's memory (%s kB)" % rss)

    p = subprocess.run(["/usr/bin/time", "-v", dbanon.binary, "-c", config, "-o", fc_out, archive],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    rss = peak_rss_kb(p.stderr)
    print("# a 256 MiB field, pg_dump -Fc: peak RSS %s kB" % rss)
    if rep.check(p.returncode == 0, "pg_dump -Fc with a 256 MiB field beside a configured e-mail: dbanon exits 0",
                 p.stderr.decode(errors="replace")[-2000:]):
        rep.check(rss is not None and rss < 128 * 1024, "... in less than half the row's memory (%s kB)" % rss)
        pg.run_client("pg_restore", [key, "-f", fc_sql, fc_out])
        fc_md5, fc_leak = scan_file(fc_sql, email.encode())
        rep.check(not fc_leak, "... no original e-mail in the output (after pg_restore -f -)")
        if plain_ok:
            plain_md5, plain_leak = scan_file(plain_out, email.encode())
            rep.check(not plain_leak, "the plain run: no original e-mail in the output")
            rep.check(plain_md5 == fc_md5, "the plain run's output is the anonymized archive's SQL, byte for byte")
        pg.createdb("longrow_fc")
        r = pg.pg_restore(["--exit-on-error", "-d", "longrow_fc", fc_out], check=False)
        if rep.check(r.returncode == 0, "... and pg_restore restores the anonymized archive", r.stderr):
            got = pg.query("longrow_fc", "SELECT md5(body), email FROM doc ORDER BY id")
            rep.check([r[0] for r in got] == want_md5, "... every document restored identical")
            rep.check(len(got) == 2 and email not in got[0][1] and "@" in got[0][1],
                      "... the e-mail beside the long document is rewritten")
        pg.dropdb("longrow_fc")
    for path in (archive, plain_out, fc_out, fc_sql):
        if os.path.exists(path):
            os.unlink(path)


ENC_CONFIG = ('salt = "%s"\n' % SALT + '\n[tables.person]\nfirst = "fr-fr.firstname"\nlast = "fr-fr.lastname"\nemail = "email"\n'
              'city = { anonymizer = "constant", options = { value = "Zoé Łódź €" } }\n')
ENC_ROWS = [(i, "Zoé", "Müller", "Ærø", "é%d@x.fr" % i) for i in range(40)]


def run_encoded(rep, dbanon, desc, dump):
    config = os.path.join(dbanon.work, "enc.toml")
    with open(config, "w") as f:
        f.write(ENC_CONFIG)
    rc, err, out = dbanon.run(re.sub(r"\W", "_", desc), dump, config=config)
    rep.check(rc == 0 and out is not None, "%s: dbanon exits 0" % desc, err)
    return out


def check_encoded_rows(rep, desc, got, city):
    firsts = {r[0] for r in got}
    rep.check(len(got) == len(ENC_ROWS) and all(len(r[0]) <= 6 and len(r[1]) <= 6 for r in got)
              and firsts != {"Zoé"}, "%s: every row restored, names changed and fitted to varchar(6)" % desc,
              "%d rows" % len(got))
    rep.check(all(r[2] == city for r in got), "%s: the constant is written in the dump's encoding" % desc,
              repr(sorted({r[2] for r in got})))
    rep.check(all(r[3] not in {e for *_, e in ENC_ROWS} for r in got), "%s: e-mails changed" % desc)


def pg_encoding_part(rep, dbanon, pg):
    for encoding, city in [("LATIN1", "Zoé ?ó"), ("SQL_ASCII", None)]:
        desc = "pg_dump -Fp of a %s database" % encoding
        src, dst = "enc_src_" + encoding.lower(), "enc_dst_" + encoding.lower()
        for db in (src, dst):
            pg.createdb(db, extra="ENCODING '%s' LC_COLLATE 'C' LC_CTYPE 'C'" % encoding)
        source = ENC_ROWS if encoding == "LATIN1" else [(i, "Zoe", "Mull", "Aero", e) for i, _, _, _, e in ENC_ROWS]
        rows = ",".join("(%d, '%s', '%s', '%s', '%s')" % r for r in source)
        pg.psql(src, args=["-c", "SET client_encoding = 'UTF8'", "-c",
                           "CREATE TABLE person (id int, first varchar(6), last varchar(6), city varchar(6),"
                           " email varchar(20)); INSERT INTO person VALUES %s;" % rows])
        dump = pg.pg_dump(src, ["-Fp", "-E", encoding])  # the harness's clients say UTF8: be pg_dump's default
        rep.check(("SET client_encoding = '%s'" % encoding).encode() in dump, "%s: the dump says so" % desc)
        out = run_encoded(rep, dbanon, desc, dump)
        if out is None:
            continue
        path = os.path.join(dbanon.work, dst + ".sql")
        with open(path, "wb") as f:
            f.write(out)
        p = pg.psql(dst, file=path, args=["-v", "ON_ERROR_STOP=1"], check=False)
        if rep.check(p.returncode == 0, "%s: psql restores the output" % desc, p.stderr):
            check_encoded_restore(rep, pg, desc, dst, encoding, city)
        # The archive road reads the encoding from the ENCODING TOC entry (issue 15 item 3).
        for fmt in ("c", "d"):
            adesc = "pg_dump -F%s of a %s database" % (fmt, encoding)
            archive = os.path.join(dbanon.work, "%s.F%s" % (src, fmt))
            result = archive + ".out"
            pg.pg_dump(src, ["-F" + fmt, "-E", encoding, "-f", archive])
            p = subprocess.run([dbanon.binary, "-c", os.path.join(dbanon.work, "enc.toml"), "-o", result, archive],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
            if not rep.check(p.returncode == 0, "%s: dbanon exits 0" % adesc, p.stderr.decode(errors="replace")):
                continue
            adst = "%s_f%s" % (dst, fmt)
            pg.createdb(adst, extra="ENCODING '%s' LC_COLLATE 'C' LC_CTYPE 'C'" % encoding)
            p = pg.pg_restore(["--exit-on-error", "-d", adst, result], check=False)
            if rep.check(p.returncode == 0, "%s: pg_restore restores the output" % adesc, p.stderr):
                check_encoded_restore(rep, pg, adesc, adst, encoding, city)


def check_encoded_restore(rep, pg, desc, db, encoding, city):
    from pg_harness import parse_copy_text
    got = parse_copy_text(pg.psql(db, args=[
        "-c", "SET client_encoding = 'UTF8'",
        "-c", "COPY (SELECT first, last, city, email FROM person ORDER BY id) TO STDOUT"]).stdout)
    if encoding == "SQL_ASCII":  # bytes, counted as bytes
        rep.check(len(got) == len(ENC_ROWS) and all(len(v.encode()) <= 6 for r in got for v in r[:3]),
                  "%s: every row restored, varchar(6) holding 6 bytes" % desc)
        return
    check_encoded_rows(rep, desc, got, city)


def pg_stats_part(rep, dbanon, pg):
    """pg_dump 18 statistics (issue 11 part 3), in pg_dump 18's shape (tests/cli/leak_paths/
    pg_stats_cases.py builds the dumps: Debian 12 has pg_dump 15). PostgreSQL 15 has no
    pg_restore_*_stats, so the restore database gets functions of that name over the
    built-in json_build_object (VARIADIC "any", which refuses an odd number of arguments
    or a NULL name) and the output's calls are pointed at them: psql -v ON_ERROR_STOP=1
    then proves every call still parses and pairs (name, value), and prints what each
    call passes."""
    import importlib.util
    import json
    spec = importlib.util.spec_from_file_location(
        "pg_stats_cases", os.path.join(HERE, "..", "cli", "leak_paths", "pg_stats_cases.py"))
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)
    config = os.path.join(dbanon.work, "stats.toml")
    with open(config, "w") as f:
        f.write('salt = "%s"\n' % SALT + cases.CONFIG)
    kept = ["version", "schemaname", "relname", "attname", "attnum", "inherited", "null_frac", "avg_width",
            "n_distinct", "correlation"]
    work = dbanon.work

    def made(kind):
        if kind == "plain":
            path = os.path.join(work, "stats.sql")
            with open(path, "wb") as f:
                f.write(cases.plain_dump())
            return path
        if kind == "--inserts":
            path = os.path.join(work, "stats-inserts.sql")
            with open(path, "wb") as f:
                f.write(cases.plain_dump(inserts=True))
            return path
        import pathlib
        folder = pathlib.Path(work) / ("stats-" + kind.strip("-"))
        folder.mkdir()
        return str(cases.make_custom(folder) if kind == "-Fc" else cases.make_directory(folder))

    for n, kind in enumerate(["plain", "--inserts", "-Fc", "-Fd"]):
        desc = "pg_dump 18 statistics (%s)" % kind
        src = made(kind)
        out = os.path.join(work, "stats-out-%d" % n)
        p = subprocess.run([dbanon.binary, "-c", config, "-o", out, src], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=120)
        if not rep.check(p.returncode == 0, "%s: dbanon exits 0" % desc, p.stderr.decode(errors="replace")):
            continue
        if kind in ("-Fc", "-Fd"):
            sql = pg.pg_restore(["-f", "-", out]).stdout
        else:
            with open(out, "rb") as f:
                sql = f.read()
        rep.check(b"zqxmarker" not in sql, "%s: no marker in the output" % desc)
        rep.check(cases.OTHER_STATS in sql, "%s: the unconfigured table's calls come out byte for byte" % desc)
        db = "stats_%d" % n
        pg.createdb(db)
        pg.psql(db, "CREATE FUNCTION public.pg_restore_attribute_stats(VARIADIC \"any\") RETURNS json "
                    "LANGUAGE internal STABLE AS 'json_build_object';"
                    "CREATE FUNCTION public.pg_restore_relation_stats(VARIADIC \"any\") RETURNS json "
                    "LANGUAGE internal STABLE AS 'json_build_object';")
        path = os.path.join(work, db + ".sql")
        with open(path, "wb") as f:
            f.write(sql.replace(b"pg_catalog.pg_restore_", b"public.pg_restore_"))
        p = pg.psql(db, file=path, args=["-v", "ON_ERROR_STOP=1", "-At"], check=False)
        if not rep.check(p.returncode == 0, "%s: psql restores the output, every call pairs its arguments" % desc,
                         p.stderr):
            continue
        calls = [json.loads(line) for line in p.stdout.decode().splitlines() if line.startswith("{")]
        attr = {(c["relname"], c.get("attname", c.get("attnum"))): c for c in calls if "null_frac" in c}
        ok = all(list(attr[k].keys()) == [x for x in kept if x in attr[k]]
                 for k in [("users", "email"), ("users", "tags"), ("users", "stay"), ("users_lower_email_idx", 1)])
        rep.check(ok and len(attr) == 6, "%s: configured columns' calls keep exactly their scalar arguments" % desc,
                  repr(sorted(attr)))
        rep.check("most_common_vals" in attr[("other", "label")] and "histogram_bounds" in attr[("users", "note")],
                  "%s: unconfigured columns keep their values" % desc)
        emails = [r[0] for r in pg.query(db, "SELECT email FROM public.users ORDER BY id")]
        rep.check(len(emails) == 2 and all(e.startswith("anon-") for e in emails),
                  "%s: the rows are restored anonymized" % desc)


def mariadb_part(rep, dbanon):
    from mariadb_harness import MariaDb
    with MariaDb() as db:
        db.sql("CREATE DATABASE src")
        rows = ",".join("(%d, %s)" % (i, "'" + e.replace("\\", "\\\\").replace("'", "\\'") + "'")
                        for i, e in enumerate(EMAILS))
        db.sql("CREATE TABLE customer (id int PRIMARY KEY, email varchar(60)) DEFAULT CHARSET=utf8mb4;"
               "INSERT INTO customer VALUES %s;" % rows, database="src")

        def restore(name, output):
            db.sql("CREATE DATABASE `%s`" % name)
            db.sql(output, database=name)
            return [r[0] for r in db.query(name, "SELECT email FROM customer ORDER BY id")]

        check_variants(rep, dbanon, "mariadb-dump", db.dump("src"), restore)
        # --compatible=ansi: SQL_MODE='...,ANSI' in the dump, "double-quoted" names (issue 15 item 13).
        ansi = db.dump("src", ["--compatible=ansi"])
        rep.check(b'INSERT INTO "customer"' in ansi, "mariadb-dump --compatible=ansi writes double-quoted names")
        check_variants(rep, dbanon, "mariadb-dump --compatible=ansi", ansi, restore)
        variants_fit.mariadb_fit_part(rep, dbanon, db)
        variants_mbcs.mariadb_part(rep, dbanon, db)
        variants_accept.mariadb_part(rep, dbanon, db)
        variants_cover.mariadb_part(rep, dbanon, db)

        sakila_part(rep, dbanon, db)

        desc = "mariadb-dump --default-character-set=latin1 of a latin1 table"
        db.sql("CREATE DATABASE enc_src; CREATE DATABASE enc_dst")
        rows = ",".join("(%d, '%s', '%s', '%s', '%s')" % r for r in ENC_ROWS)
        db.sql("CREATE TABLE person (id int, first varchar(6), last varchar(6), city varchar(6), email varchar(20))"
               " DEFAULT CHARSET=latin1; INSERT INTO person VALUES %s;" % rows, database="enc_src")
        dump = db.dump("enc_src", ["--default-character-set=latin1"])
        rep.check(b"SET NAMES latin1" in dump, "%s: the dump says SET NAMES latin1" % desc)
        out = run_encoded(rep, dbanon, desc, dump)
        if out is not None:
            try:
                db.run_client("client", ["--default-character-set=latin1", "enc_dst"], input=out)
                got = db.query("enc_dst", "SELECT first, last, city, email FROM person ORDER BY id")
                check_encoded_rows(rep, desc, got, "Zoé ?ó")
            except Exception as e:  # noqa: BLE001
                rep.check(False, "%s: the mariadb client restores the output" % desc, e)


# MySQL's sakila (sakila-schema.sql, sakila-data.sql) in its exact shape: a column declared
# in a versioned comment and its values written the same way in every tuple (issue 15 item 4).
SAKILA_ADDRESS = b"""/*!40101 SET NAMES utf8mb4 */;
SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='TRADITIONAL';
CREATE TABLE address (
  address_id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT,
  address VARCHAR(50) NOT NULL,
  address2 VARCHAR(50) DEFAULT NULL,
  district VARCHAR(20) NOT NULL,
  city_id SMALLINT UNSIGNED NOT NULL,
  postal_code VARCHAR(10) DEFAULT NULL,
  phone VARCHAR(20) NOT NULL,
  /*!50705 location GEOMETRY NOT NULL,*/
  last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY  (address_id),
  KEY idx_fk_city_id (city_id),
  /*!50705 SPATIAL KEY `idx_location` (location),*/
  CONSTRAINT `fk_address_city` CHECK (city_id > 0)
)ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

SET AUTOCOMMIT=0;
INSERT INTO `address` VALUES (1,'47 MySakila Drive',NULL,'Alberta',300,'','',/*!50705 0x0000000001010000003E0A325D63345CC0761FDB8D99D94A40,*/'2014-09-25 22:30:27'),
(2,'28 MySQL Boulevard',NULL,'QLD',576,'','',/*!50705 0x0000000001010000008E10D4DF812463404EE08C5022A23BC0,*/'2014-09-25 22:30:09'),
(3,'23 Workhaven Lane',NULL,'Alberta',300,'','14033335568',/*!50705 0x000000000101000000CDC4196863345CC01DEE7E7099D94A40,*/'2014-09-25 22:30:27'),
(4,'1411 Lillydale Drive',NULL,'QLD',576,'','6172235589',/*!50705 0x0000000001010000005B0DE4341F26634042D6AE6422A23BC0,*/'2014-09-25 22:30:09');
COMMIT;
SET SQL_MODE=@OLD_SQL_MODE;
"""
SAKILA_CONFIG = 'salt = "%s"\n\n[tables.address]\naddress = "md5"\nphone = "phone"\n' % SALT


def sakila_part(rep, dbanon, db):
    desc = "sakila's address table (a column and its values in /*!50705 ...,*/)"
    db.sql("CREATE DATABASE sakila_src; CREATE DATABASE sakila_dst")
    db.sql(SAKILA_ADDRESS.decode(), database="sakila_src")
    src_rows = db.query("sakila_src", "SELECT address, phone FROM address ORDER BY address_id")
    cols = [r[0] for r in db.query("sakila_src", "SHOW COLUMNS FROM address")]
    # MariaDB 10.11 skips /*!50700 and later (MySQL 5.7+): no location column, no value for it.
    rep.check(len(src_rows) == 4 and "location" not in cols,
              "%s: MariaDB 10.11 loads the original and skips the versioned column" % desc, cols)
    config = os.path.join(dbanon.work, "sakila.toml")
    with open(config, "w") as f:
        f.write(SAKILA_CONFIG)
    rc, err, out = dbanon.run("sakila_address", SAKILA_ADDRESS, config=config)
    if not rep.check(rc == 0 and out is not None, "%s: dbanon exits 0" % desc, err):
        return
    originals = [b"MySakila Drive", b"MySQL Boulevard", b"Workhaven Lane", b"Lillydale Drive", b"14033335568",
                 b"6172235589"]
    rep.check(not [o for o in originals if o in out], "%s: no original address or phone in the output" % desc)
    rep.check(out.count(b"/*!50705 0x") == 4 and b"/*!50705 location GEOMETRY NOT NULL,*/" in out,
              "%s: the versioned column and its values are written back as they came" % desc)
    try:
        db.sql(out.decode(), database="sakila_dst")
        got = db.query("sakila_dst", "SELECT address, phone FROM address ORDER BY address_id")
        rep.check(len(got) == 4 and all(g[0] != s[0] for g, s in zip(got, src_rows)),
                  "%s: MariaDB restores every row with its address changed" % desc, got)
    except Exception as e:  # noqa: BLE001
        rep.check(False, "%s: MariaDB restores the output" % desc, e)


def sqlite_part(rep, dbanon):
    src = os.path.join(dbanon.work, "src.db")
    rows = ",".join("(%d, %s)" % (i, "'" + e.replace("'", "''") + "'") for i, e in enumerate(EMAILS))
    subprocess.run(["sqlite3", src, "CREATE TABLE customer (id INTEGER PRIMARY KEY, email TEXT);"
                    "INSERT INTO customer VALUES %s;" % rows], check=True)
    dump = subprocess.run(["sqlite3", src, ".dump"], check=True, stdout=subprocess.PIPE).stdout

    def restore(name, output):
        path = os.path.join(dbanon.work, name + ".db")
        subprocess.run(["sqlite3", "-bail", path], input=output, check=True, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
        p = subprocess.run(["sqlite3", path, "SELECT email FROM customer ORDER BY id"], check=True,
                           stdout=subprocess.PIPE)
        return p.stdout.decode("utf-8").split("\n")[:-1]

    check_variants(rep, dbanon, "sqlite3 .dump", dump, restore)
    variants_accept.sqlite_part(rep, dbanon)


def main(argv):
    if len(argv) != 2:
        print("usage: variants_test.py DBANON_BINARY", file=sys.stderr)
        return 2
    rep = Reporter()
    for e in EMAILS:
        rep.secrets.add(e)
    ran = 0
    with tempfile.TemporaryDirectory(prefix="dbanon-variants-") as work:
        dbanon = Dbanon(os.path.abspath(argv[1]), work)
        for name, part, tool in [("PostgreSQL", pg_part, "initdb"), ("MariaDB", mariadb_part, "mariadb"),
                                 ("SQLite", sqlite_part, "sqlite3")]:
            if tool == "initdb":
                try:
                    from pg_harness import find_bindir
                    find_bindir()
                except RuntimeError:
                    rep.note("%s skipped: not installed" % name)
                    continue
            elif shutil.which(tool) is None:
                rep.note("%s skipped: not installed" % name)
                continue
            ran += 1
            part(rep, dbanon)
    if ran == 0:
        return 77
    print("# %d passed, %d failed" % (rep.passed, rep.failed))
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
