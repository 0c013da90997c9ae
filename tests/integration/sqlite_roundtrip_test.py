#!/usr/bin/env python3
"""Round trip through the sqlite3 CLI: build a database -> .dump -> dbanon -> load the
output into a fresh database -> compare.

Usage: sqlite_roundtrip_test.py DBANON_BINARY

The database holds quotes, backslashes, text with LF and CR (which .dump writes as
replace('...\\n...','\\n',char(10)) expressions), emoji, blobs with every byte value, a
keyword table name ("order"), a name with a doubled quote and columns in [brackets] and
`backquotes`, generated columns (left out of .dump's INSERTs), a trigger whose body
inserts, a view, an empty table, the same e-mails in two tables and a 60,000-row table.
Checks: dbanon exits 0 and the output loads with `sqlite3 -bail`; same schema (the
sqlite_schema rows); same row counts; unconfigured columns equal (compared as quote());
configured columns changed with their shape, NULLs kept; one e-mail one output across
tables; no original configured value in the output; -j1/-j4 byte-identical; an empty
config gives the input back; a dump cut inside an INSERT is rejected with exit 3.
Exit status: 0 all passed, 1 some failed, 77 sqlite3 is not installed (skipped).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from pg_roundtrip_test import Reporter, first_difference  # noqa: E402

SALT = "sqlite-roundtrip-salt"
BULK_ROWS = 60000
CONFIG = {  # table -> {column: anonymizer}
    "customer": {"email": "email", "name": "lastname"},
    "order": {"customer_email": "email"},
    'we"ird tab': {"e mail": "email", "bracket col": "md5"},
    "empty_table": {"email": "email"},
    "bulk": {"email": "email"},
}
EMAIL_RE = re.compile(r"'anon-[0-9a-f]{32}@example\.com'")


def lit(v):
    if v is None:
        return "NULL"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, bytes):
        return "X'%s'" % v.hex()
    return "'" + v.replace("'", "''") + "'"


def tricky_email(n):
    if n % 10 == 0:
        return None
    return {7: "we\\ird\tuser7@example.invalid", 11: "üñî😀-user11@example.invalid",
            13: "o'hara13@example.invalid"}.get(n, "user%d@example.invalid" % n)


def tricky_text(i):
    return [None, "", "tab\there", "line1\nline2\n", "back\\slash \\n not a newline", "crlf\r\nlone cr\r",
            "emoji 😀 𝄞 %d" % i, "INSERT INTO customer VALUES (1,'x');", "-- not a comment; /* nor */",
            "it's ''doubled''", "replace('a','b',char(10))", "plain %d" % i][i % 12]


def source_sql():
    out = ["""CREATE TABLE customer (id INTEGER PRIMARY KEY, email TEXT, name TEXT NOT NULL, note TEXT,
  twice INTEGER GENERATED ALWAYS AS (id * 2) VIRTUAL, label TEXT AS ('c-' || id) STORED);
CREATE TABLE "order" (id INTEGER PRIMARY KEY, customer_email TEXT, amount REAL, payload BLOB, meta TEXT);
CREATE TABLE "we""ird tab" ("col ""x"" y" INTEGER PRIMARY KEY, "e mail" TEXT, [bracket col] BLOB, `bt col` REAL);
CREATE TABLE empty_table (id INTEGER, email TEXT);
CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, msg TEXT);
CREATE TABLE bulk (id INTEGER PRIMARY KEY, email TEXT, note TEXT);
CREATE VIEW v_customer AS SELECT id, email FROM customer;
BEGIN;
"""]
    for i in range(1, 121):
        name = "Person-%04d" % i + ("\nsecond line" if i % 9 == 0 else "") + ("\r" if i % 13 == 0 else "")
        out.append("INSERT INTO customer (id, email, name, note) VALUES (%d, %s, %s, %s);\n"
                   % (i, lit(tricky_email(i)), lit(name), lit(tricky_text(i))))
    for i in range(1, 151):
        payload = None if i % 6 == 0 else bytes([(i * k) % 256 for k in range(24)]) + b"\x00'\\\n"
        out.append('INSERT INTO "order" VALUES (%d, %s, %s, %s, %s);\n'
                   % (i, lit(tricky_email(1 + (i * 7) % 120)), "%d.%d" % (i * 37 % 1000, i % 10), lit(payload),
                      lit('{"n": %d, "q": "a\\"b"}' % i)))
    for i in range(1, 31):
        secret = None if i % 5 == 0 else ("s3cr3t-%d" % i).encode() + b"\x00\xff"
        out.append('INSERT INTO "we""ird tab" VALUES (%d, %s, %s, %s);\n'
                   % (i, lit(tricky_email(i + 100)), lit(secret), "%d.5" % i))
    out.append("WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < %d) "
               "INSERT INTO bulk SELECT n, CASE WHEN n %% 97 = 0 THEN NULL ELSE 'bulk' || n || '@example.invalid' END, "
               "hex(randomblob(0)) || 'note ' || n FROM s;\n" % BULK_ROWS)
    out.append("""COMMIT;
CREATE TRIGGER trg AFTER INSERT ON customer BEGIN
  INSERT INTO audit (msg) VALUES ('new customer; ' || NEW.id);
  INSERT INTO "order" (customer_email) VALUES ('SECRET-in-trigger@example.invalid');
END;
INSERT INTO customer (id, email, name) VALUES (500, 'trigger.fired@example.invalid', 'Trigger Person');
""")
    return "".join(out)


def sqlite(db, sql=None, args=()):
    p = subprocess.run(["sqlite3", "-bail"] + list(args) + [db], input=sql.encode() if isinstance(sql, str) else sql,
                       capture_output=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError("sqlite3 failed: %s" % p.stderr.decode("utf-8", "replace")[-1000:])
    return p.stdout


def tables(db):
    return sqlite(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name;").decode().split("\n")[:-1]


def columns(db, table):
    out = sqlite(db, "SELECT name FROM pragma_table_xinfo('%s');" % table.replace("'", "''")).decode()
    return out.split("\n")[:-1]


def qi(name):
    return '"' + name.replace('"', '""') + '"'


def rows(db, table):
    """Each row as a list of quote() texts, in rowid order; the separator cannot occur in quote() output."""
    cols = columns(db, table)
    sel = " || char(30) || ".join("quote(%s)" % qi(c) for c in cols)
    out = sqlite(db, "SELECT %s FROM %s ORDER BY rowid;" % (sel, qi(table)), args=["-newline", "\x1f"])
    return cols, [r.split("\x1e") for r in out.decode("utf-8").split("\x1f")[:-1]]


def config_toml():
    lines = ['salt = "%s"' % SALT]
    for t, cols in CONFIG.items():
        key = t if re.fullmatch(r"\w+", t) else "'\"%s\"'" % t.replace('"', '""')
        lines.append("[tables.%s]" % key)
        for c, a in cols.items():
            lines.append('"%s" = "%s"' % (c, a))
    return "\n".join(lines) + "\n"


def unquote(q):
    """The text or bytes a quote() output stands for (None for NULL)."""
    if q == "NULL":
        return None
    if q.startswith("X'"):
        return bytes.fromhex(q[2:-1])
    if q.startswith("'"):
        return q[1:-1].replace("''", "'")
    return q


def run(binary, args, stdin=None, stdout=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DBANON_")}
    t0 = time.monotonic()
    p = subprocess.run([binary] + args, stdin=stdin, stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, timeout=300)
    return p.returncode, p.stdout, p.stderr, time.monotonic() - t0


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[3], file=sys.stderr)
        return 2
    binary = os.path.abspath(argv[1])
    if shutil.which("sqlite3") is None:
        print("# SKIP sqlite3 is not installed (apt-get install sqlite3)")
        return 77
    rep = Reporter()
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="dbanon-sqlite-") as d:
        src_db = os.path.join(d, "source.db")
        sqlite(src_db, source_sql())
        version = sqlite(src_db, "SELECT sqlite_version();").decode().strip()
        dump = sqlite(src_db, ".dump")
        dump_path = os.path.join(d, "source.sql")
        with open(dump_path, "wb") as f:
            f.write(dump)
        rep.check(b"replace(" in dump and b"CREATE TRIGGER" in dump,
                  "sqlite3 %s .dump wrote %d bytes (with replace() values and a trigger)" % (version, len(dump)))
        cfg = os.path.join(d, "dbanon.toml")
        with open(cfg, "w") as f:
            f.write(config_toml())
        out_path = os.path.join(d, "anon.sql")
        rc, _, err, secs = run(binary, ["-c", cfg, "-j1", "-o", out_path, dump_path])
        if not rep.check(rc == 0, "dbanon -j1 exits 0 (%.2fs)" % secs, "exit %s: %s" % (rc, err.decode())):
            return 1
        with open(out_path, "rb") as f:
            anon = f.read()
        with open(dump_path, "rb") as f:
            rc, out4, _, _ = run(binary, ["-c", cfg, "-j4"], stdin=f)
        rep.check(rc == 0 and out4 == anon, "-j1 and -j4 outputs are byte-identical", first_difference(anon, out4))
        empty = os.path.join(d, "empty.toml")
        with open(empty, "w") as f:
            f.write("[tables.dbanon_absent_table]\nx = \"keep\"\n")  # configures nothing in the dump
        rc, oute, _, _ = run(binary, ["-c", empty, "--allow-missing", dump_path])
        rep.check(rc == 0 and oute == dump, "an empty config gives the input back byte for byte", "exit %s" % rc)

        anon_db = os.path.join(d, "anon.db")
        try:
            sqlite(anon_db, anon)
            loaded = True
            detail = ""
        except RuntimeError as e:
            loaded, detail = False, str(e)
        if not rep.check(loaded, "the output loads with sqlite3 -bail", detail):
            return 1
        schema_q = "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name;"
        rep.check(sqlite(src_db, schema_q) == sqlite(anon_db, schema_q), "same schema (sqlite_schema) after the load")
        src_tables = tables(src_db)
        rep.check(tables(anon_db) == src_tables, "same %d tables" % len(src_tables))
        counts, unconf, conf, mapping = [], [], {}, {}
        for t in src_tables:
            cols, srows = rows(src_db, t)
            _, drows = rows(anon_db, t)
            if len(srows) != len(drows):
                counts.append("%s: %d vs %d" % (t, len(srows), len(drows)))
                continue
            c = CONFIG.get(t, {})
            for ci, col in enumerate(cols):
                for r, (s, dv) in enumerate(zip(srows, drows)):
                    if col not in c:
                        if s[ci] != dv[ci]:
                            unconf.append("%s.%s row %d" % (t, col, r + 1))
                            break
                        continue
                    a, b = s[ci], dv[ci]
                    why = None
                    if a == "NULL" or b == "NULL":
                        why = None if a == b else "NULL-ness changed"
                    elif a == b:
                        why = "unchanged"
                    elif c[col] == "email" and not EMAIL_RE.fullmatch(b):
                        why = "not an anon address"
                    elif c[col] == "md5" and not re.fullmatch(r"[0-9a-f]{32}", unquote(b).decode()
                                                              if b.startswith("X'") else unquote(b)):
                        why = "not 32 hex digits"  # a blob stays a blob (X''), holding the digits
                    if why:
                        conf.setdefault((t, col), []).append("%s at row %d" % (why, r + 1))
                    if c[col] == "email" and a != "NULL":
                        mapping.setdefault(a, set()).add(b)
        rep.check(not counts, "same row count in every table", "; ".join(counts))
        rep.check(not unconf, "every unconfigured column equals the source (generated ones recomputed)",
                  "; ".join(unconf[:10]))
        for t, cols in CONFIG.items():
            for col, a in cols.items():
                probs = conf.get((t, col), [])
                rep.check(not probs, "%s.%s is anonymized by %s on every row, NULLs kept" % (t, col, a),
                          "%d problems, first: %s" % (len(probs), "; ".join(probs[:3])))
        rep.check(all(len(v) == 1 for v in mapping.values()),
                  "each e-mail maps to one output in every table (%d e-mails)" % len(mapping))
        # An original value may stay where it is not data of a configured column
        # (the trigger's body): no more often than the source has it there.
        leaks = []
        for t, cols in CONFIG.items():
            if t not in src_tables or t == "bulk":
                continue
            tcols, srows = rows(src_db, t)
            for col in cols:
                values = [unquote(s[tcols.index(col)]) for s in srows]
                for v in values:
                    if v is None or len(v) < 6:
                        continue
                    forms = [v.hex().encode()] if isinstance(v, bytes) else [
                        v.replace("'", "''").encode(), v.replace("'", "''").replace("\n", "\\n").replace("\r", "\\r").encode()]
                    for f in forms:
                        allowed = dump.count(f) - values.count(v)
                        if anon.count(f) > max(allowed, 0):
                            leaks.append("%s.%s" % (t, col))
                            break
        literals = set(re.findall(rb"'bulk\d+@example\.invalid'", anon))
        bulk_left = len(literals)
        rep.check(not leaks and bulk_left == 0, "no original value of a configured column is left in the output",
                  "%d values remain (%s), %d bulk e-mails" % (len(leaks), ", ".join(leaks[:5]), bulk_left))
        rep.check(b"SECRET-in-trigger@example.invalid" in anon, "the trigger body is code: its INSERT is not rewritten")

        at = dump.find(b'INSERT INTO "order" VALUES(2,')
        trunc = os.path.join(d, "truncated.sql")
        with open(trunc, "wb") as f:
            f.write(dump[:at + 40])
        rc, _, err, _ = run(binary, ["-c", cfg, trunc])
        text = err.decode("utf-8", "replace")
        rep.check(rc == 3 and "order" in text and "@example.invalid" not in text,
                  "a dump cut inside an INSERT is rejected with exit 3, naming the table and no value",
                  "exit %s: %s" % (rc, text[:200]))
        fts_round_trip(binary, d, rep)
    rep.note("%d passed, %d failed in %.1fs" % (rep.passed, rep.failed, time.monotonic() - t0))
    return 1 if rep.failed else 0


FTS_SQL = """
CREATE VIRTUAL TABLE ft5 USING fts5(title, body);
CREATE VIRTUAL TABLE ft4 USING fts4(title, body);
CREATE VIRTUAL TABLE ft3 USING fts3(title, body);
CREATE TABLE docs(id INTEGER PRIMARY KEY, title TEXT);
CREATE VIRTUAL TABLE ftx USING fts5(title, content='docs', content_rowid='id');
CREATE VIRTUAL TABLE ftc USING fts5(title, content='');
"""
FTS_CONFIG = "".join('[tables.%s]\ntitle = { anonymizer = "lorem", options = { words = 3 } }\n' % t
                     for t in ("ft5", "ft4", "ft3", "docs", "ftc"))


def fts_round_trip(binary, d, rep):
    """FTS3/4/5 tables (issue 11, part 5): .dump -> dbanon -> load; MATCH finds no original term
    and finds each row by a word of its anonymized title; the index passes its integrity-check."""
    src = os.path.join(d, "fts.db")
    rows_sql = []
    for i in range(1, 11):
        for t in ("ft5", "ft4", "ft3"):
            rows_sql.append("INSERT INTO %s(rowid, title, body) VALUES(%d, 'zqxsecret%d common', 'body %d');" % (t, i, i, i))
        rows_sql.append("INSERT INTO docs VALUES(%d, 'zqxsecret%d common');" % (i, i))
        rows_sql.append("INSERT INTO ftc(rowid, title) VALUES(%d, 'zqxsecret%d common');" % (i, i))
    sqlite(src, FTS_SQL + "\n".join(rows_sql) + "\nINSERT INTO ftx(ftx) VALUES('rebuild');\n")
    dump_path = os.path.join(d, "fts.sql")
    with open(dump_path, "wb") as f:
        f.write(sqlite(src, ".dump"))
    cfg = os.path.join(d, "fts.toml")
    with open(cfg, "w") as f:
        f.write(FTS_CONFIG)
    out_path = os.path.join(d, "fts-anon.sql")
    rc, _, err, _ = run(binary, ["-c", cfg, "-o", out_path, dump_path])
    if not rep.check(rc == 0, "FTS: dbanon exits 0 on a dump with FTS3/4/5 tables", err.decode()[-500:]):
        return
    with open(out_path, "rb") as f:
        anon = f.read()
    secret = b"zqxsecret"
    rep.check(secret not in anon and secret.hex().encode() not in anon.lower(),
              "FTS: no original term in the output, as text or inside the index blobs (hex)")
    db = os.path.join(d, "fts-anon.db")
    try:
        sqlite(db, anon)
    except RuntimeError as e:
        rep.check(False, "FTS: the output loads with sqlite3 -bail", str(e))
        return
    for t in ("ft5", "ft4", "ft3", "ftx"):
        hits = sqlite(db, "SELECT count(*) FROM %s WHERE %s MATCH 'zqxsecret1';" % (t, t)).strip()
        found = []
        for rowid, title in (line.split("|", 1) for line in
                             sqlite(db, "SELECT rowid, title FROM %s;" % t).decode().splitlines()):
            word = re.findall(r"[A-Za-z]+", title)[0].lower()
            ids = sqlite(db, "SELECT rowid FROM %s WHERE %s MATCH '%s';" % (t, t, word)).decode().split()
            found.append(rowid in ids)
        check = t if t in ("ft5", "ftx") else None
        integrity = sqlite(db, "INSERT INTO %s(%s) VALUES('integrity-check');" % (check, check)) if check else b""
        rep.check(hits == b"0" and len(found) == 10 and all(found) and integrity == b"",
                  "FTS %s: MATCH finds no original term, each row by a word of its anonymized title" % t,
                  "hits %r, %d/%d found" % (hits, sum(found), len(found)))
    rep.check(sqlite(db, "SELECT count(*) FROM ftc;").strip() == b"0",
              "FTS ftc: a contentless FTS5 table is emptied (its index held the only copy)")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
