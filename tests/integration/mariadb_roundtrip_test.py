#!/usr/bin/env python3
"""Round trip through a real MariaDB: load -> mariadb-dump -> dbanon -> restore with mariadb -> compare.

Usage: mariadb_roundtrip_test.py DBANON_BINARY

A throwaway server (mariadb_harness.py: temporary datadir, unix socket only, stopped
at the end) gets a tricky database: quotes, backslashes, NUL bytes, CR/LF/TAB and
Ctrl-Z in text, blobs with every awkward byte, emoji, JSON, an ENUM label with a comma,
SET and BIT columns, generated columns (virtual and stored), a trigger and a procedure
whose bodies insert, a view, keyword and backquoted table names, an empty table, the
same e-mails in three tables, and a 150,000-row table so that -j spreads the tuples of
one INSERT over several workers. It is dumped three ways: mariadb-dump's defaults,
--hex-blob, and --skip-extended-insert --complete-insert. For each dump:
  * dbanon exits 0 and the output restores into a fresh database with `mariadb`;
  * SHOW CREATE TABLE of every table is the same after the restore;
  * same row count in every table; every unconfigured column equals the source, byte
    for byte (compared as HEX(), rows ordered by primary key);
  * every configured column is changed on every non-NULL row, with the anonymizer's
    shape, and NULL stays NULL;
  * one e-mail maps to one output in every table (customer, order, `we``ird tab`);
  * no original value of a configured column is left in the output bytes (as a
    literal, escaped as mariadb-dump writes it, or as a 0x hex literal);
  * -j1, -j2 and -j4 outputs are byte-identical; an empty config gives the input back;
  * a dump cut inside the INSERT of a configured table is rejected with exit 3,
    without a value in the message.
Exit status: 0 all passed, 1 some failed, 77 MariaDB is not installed (skipped).
Set MARIADB_HARNESS_KEEP=1 to keep the server folder.
"""

import hashlib
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import mariadb_harness  # noqa: E402
from pg_roundtrip_test import Reporter, first_difference, toml_key, toml_string  # noqa: E402

SALT = "mariadb-roundtrip-salt"
DB = "tricky"
BULK_ROWS = 150000
EMAIL_RE = re.compile(r"anon-[0-9a-f]{32}@example\.com")

# table -> {column: anonymizer}
CONFIG = {
    "customer": {"email": "email", "name": "lastname"},
    "order": {"customer_email": "email"},
    "we`ird tab": {"e mail": "email", "secret": "md5"},
    "empty_table": {"email": "email"},
    "bulk": {"email": "email", "name": "lastname"},
}


def mysql_literal(v):
    """A value as mariadb-dump writes it (mysql_real_escape_string, docs/formats.md C.2)."""
    if v is None:
        return b"NULL"
    if isinstance(v, int):
        return str(v).encode()
    if isinstance(v, str):
        v = v.encode("utf-8")
    out = bytearray(b"'")
    for b in v:
        esc = {0: b"\\0", 10: b"\\n", 13: b"\\r", 92: b"\\\\", 39: b"\\'", 34: b'\\"', 26: b"\\Z"}.get(b)
        out += esc if esc else bytes([b])
    return bytes(out + b"'")


def tricky_email(n):
    if n % 10 == 0:
        return None
    if n == 7:
        return "we\\ird\tuser7@example.invalid"
    if n == 11:
        return "üñî😀-user11@example.invalid"
    if n == 13:
        return "o'hara13@example.invalid"
    if n == 17:
        return 'quote"17@example.invalid'
    return "user%d@example.invalid" % n


def tricky_text(i):
    k = i % 16
    return [None, "", "tab\there\tand\tthere", "line1\nline2\n", "back\\slash \\N \\. end\\",
            "crlf\r\nand lone cr\r", "emoji 😀 clef 𝄞 ünïcödé %d" % i, "nul\0byte and ctrl-z \x1a",
            "INSERT INTO `customer` VALUES (1,'x');", "-- not a comment; /* nor this */",
            "/*!40101 fake versioned */", "it's \"quoted\"", "DELIMITER ;;", "ends with backslash\\",
            " leading and trailing spaces ", "plain %d" % i][k]


def schema_and_data():
    sql = [b"""SET NAMES utf8mb4;
CREATE TABLE customer (
  id INT PRIMARY KEY,
  email VARCHAR(120) NULL,
  name VARCHAR(255) NOT NULL,
  note TEXT NULL,
  status ENUM('active','on leave, paid','gone') NOT NULL DEFAULT 'active',
  twice INT GENERATED ALWAYS AS (id * 2) VIRTUAL,
  label VARCHAR(40) GENERATED ALWAYS AS (CONCAT('c-', id)) STORED,
  created DATETIME(3) NULL
) DEFAULT CHARSET=utf8mb4;
CREATE TABLE `order` (
  id INT PRIMARY KEY,
  customer_email VARCHAR(120) NULL,
  amount DECIMAL(10,2) NOT NULL,
  payload BLOB NULL,
  meta JSON NULL,
  `select` VARCHAR(20) NULL
) DEFAULT CHARSET=utf8mb4;
CREATE TABLE `we``ird tab` (
  id INT PRIMARY KEY,
  `e mail` VARCHAR(120) NULL,
  secret VARBINARY(64) NULL,
  flags BIT(4) NULL,
  `group` SET('x','y') NULL
) DEFAULT CHARSET=utf8mb4;
CREATE TABLE empty_table (id INT, email VARCHAR(100));
CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, msg VARCHAR(200));
CREATE TRIGGER trg_customer BEFORE INSERT ON customer FOR EACH ROW
  INSERT INTO audit (msg) VALUES (CONCAT('new customer; ', NEW.id));
DELIMITER //
CREATE PROCEDURE p_touch() BEGIN INSERT INTO audit (msg) VALUES ('touched; not data'); SELECT 'a;b'; END //
DELIMITER ;
CREATE VIEW v_customer AS SELECT id, email FROM customer;
CREATE TABLE bulk (id INT PRIMARY KEY, email VARCHAR(100), name VARCHAR(100), note VARCHAR(200));
"""]
    statuses = ["active", "on leave, paid", "gone"]
    for i in range(1, 121):
        name = "Person-%04d" % i + ("\t😀" if i % 9 == 0 else "") + ("\\back" if i % 13 == 0 else "")
        if i == 5:
            name = "nul\0byte-person-5"
        row = [i, tricky_email(i), name, tricky_text(i), statuses[i % 3],
               "2024-01-02 %02d:04:05.678" % (i % 24)]
        sql.append(b"INSERT INTO customer (id, email, name, note, status, created) VALUES (" +
                   b",".join(mysql_literal(v) for v in row) + b");\n")
    for i in range(1, 151):
        payload = None if i % 6 == 0 else hashlib.md5(str(i).encode()).digest() + b"\x00\t\n\r\\'\"\x1a\xff"
        meta = '{"n": %d, "text": "q\\"uote \\\\ back", "emoji": "😀"}' % i
        row = [i, tricky_email(1 + (i * 7) % 120), "%d.%02d" % (i * 37 % 1000, i % 100), payload, meta, "kw%d" % i]
        vals = [mysql_literal(v) if k != 2 else v.encode() for k, v in enumerate(row)]
        sql.append(b"INSERT INTO `order` VALUES (" + b",".join(vals) + b");\n")
    for i in range(1, 31):
        secret = None if i % 5 == 0 else b"s3cr3t-" + hashlib.sha1(str(i).encode()).digest()[:8] + b"\x00'\\"
        row = [mysql_literal(i), mysql_literal(tricky_email(i + 100)), mysql_literal(secret),
               b"b'%s'" % format(i % 16, "04b").encode(), mysql_literal(["x", "y", "x,y", ""][i % 4])]
        sql.append(b"INSERT INTO `we``ird tab` VALUES (" + b",".join(row) + b");\n")
    sql.append(b"INSERT INTO bulk SELECT seq, IF(seq %% 97 = 0, NULL, CONCAT('bulk', seq, '@example.invalid')), "
               b"CONCAT('Bulk Person ', seq), REPEAT(MD5(seq), 2) FROM seq_1_to_%d;\n" % BULK_ROWS)
    return b"".join(sql)


def config_toml():
    lines = ["salt = %s" % toml_string(SALT)]
    for table, cols in CONFIG.items():
        lines.append("[tables.%s]" % toml_key(table))
        for col, name in cols.items():
            lines.append("%s = %s" % (toml_key(col), toml_string(name)))
    return "\n".join(lines) + "\n"


def qi(name):
    return "`" + name.replace("`", "``") + "`"


class Dbanon:
    def __init__(self, binary):
        self.binary = binary

    def run(self, args, stdin_path=None, stdout_path=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("DBANON_")}
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        stdout = open(stdout_path, "wb") if stdout_path else subprocess.PIPE
        t0 = time.monotonic()
        try:
            p = subprocess.run([self.binary] + args, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                               env=env, timeout=300)
        finally:
            if stdin_path:
                stdin.close()
            if stdout_path:
                stdout.close()
        return p.returncode, p.stderr, time.monotonic() - t0


def tables_of(db, database):
    rows = db.query(database, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '%s' "
                              "AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME" % database)
    return [r[0] for r in rows]


def columns_of(db, database, table):
    rows = db.query(database, "SELECT COLUMN_NAME, COLUMN_KEY FROM information_schema.COLUMNS WHERE "
                              "TABLE_SCHEMA = '%s' AND TABLE_NAME = '%s' ORDER BY ORDINAL_POSITION"
                    % (database, table.replace("'", "''")))
    return [r[0] for r in rows], [r[0] for r in rows if r[1] == "PRI"]


def fetch_hex(db, database, table):
    cols, pk = columns_of(db, database, table)
    order = ", ".join(qi(c) for c in (pk or cols))
    sel = ", ".join("HEX(%s)" % qi(c) for c in cols)
    return cols, db.query(database, "SELECT %s FROM %s ORDER BY %s" % (sel, qi(table), order))


def unhex(h):
    if h is None:
        return None
    return bytes.fromhex(h if len(h) % 2 == 0 else "0" + h)  # HEX() of a BIT value has no leading zero


def check_value(anonymizer, src, dst):
    if src is None:
        return None if dst is None else "NULL became non-NULL"
    if dst is None:
        return "non-NULL became NULL"
    if dst == src:
        return "unchanged"
    text = dst.decode("utf-8", "replace")
    if anonymizer == "email" and not EMAIL_RE.fullmatch(text):
        return "not an anon-<hex>@example.com address"
    if anonymizer == "md5" and not re.fullmatch(r"[0-9a-f]{32}", text):
        return "not 32 hex digits"
    if anonymizer == "lastname" and not text.strip():
        return "empty"
    return None


def literals(dump):
    """The quoted string literals and 0x literals of a mariadb-dump output, decoded."""
    out = set()
    for m in re.finditer(rb"'((?:[^'\\]|\\.|'')*)'", dump, re.S):
        raw = m.group(1)
        val = re.sub(rb"\\(.)", lambda e: {b"0": b"\0", b"n": b"\n", b"r": b"\r", b"Z": b"\x1a", b"t": b"\t",
                                             b"b": b"\b"}.get(e.group(1), e.group(1)), raw, flags=re.S)
        out.add(val.replace(b"''", b"'"))
    for m in re.finditer(rb"0x([0-9A-F]+)", dump):
        out.add(bytes.fromhex(m.group(1).decode()) if len(m.group(1)) % 2 == 0 else b"")
    return out


def run_variant(db, dbanon, work, rep, name, dump_args, source_rows, source_create):
    P = name + ": "
    d = os.path.join(work, name)
    os.mkdir(d)
    dump_path = os.path.join(d, "source.sql")
    cfg_path = os.path.join(d, "dbanon.toml")
    with open(cfg_path, "w") as f:
        f.write(config_toml())
    db.dump(DB, ["--routines", "--triggers"] + dump_args, path=dump_path)
    with open(dump_path, "rb") as f:
        source_dump = f.read()
    rep.check(b"INSERT INTO `customer` VALUES" in source_dump or b"INSERT INTO `customer` (" in source_dump,
              P + "mariadb-dump %s wrote INSERT statements (%d bytes)" % (" ".join(dump_args) or "(defaults)",
                                                                          len(source_dump)))

    out1 = os.path.join(d, "anon-j1.sql")
    rc, err, secs = dbanon.run(["-c", cfg_path, "-j1", "-o", out1, dump_path])
    if not rep.check(rc == 0, P + "dbanon -j1 exits 0 (%.2fs)" % secs, "exit %s: %s" % (rc, err.decode(errors="replace"))):
        return
    with open(out1, "rb") as f:
        anon = f.read()
    for j in ("2", "4"):
        outj = os.path.join(d, "anon-j%s.sql" % j)
        rc, err, _ = dbanon.run(["-c", cfg_path, "-j", j], stdin_path=dump_path, stdout_path=outj)
        with open(outj, "rb") as f:
            diff = first_difference(anon, f.read()) if rc == 0 else "exit %s" % rc
        rep.check(diff is None, P + "-j1 and -j%s outputs are byte-identical" % j, diff)
    empty_cfg = os.path.join(d, "empty.toml")
    with open(empty_cfg, "w") as f:
        f.write("[tables.dbanon_absent_table]\nx = \"keep\"\n")  # configures nothing in the dump
    oute = os.path.join(d, "anon-empty.sql")
    rc, err, _ = dbanon.run(["-c", empty_cfg, "--allow-missing", "-o", oute, dump_path])
    with open(oute, "rb") if rc == 0 else open(dump_path, "rb") as f:
        same = rc == 0 and f.read() == source_dump
    rep.check(same, P + "an empty config gives the input back byte for byte", "exit %s" % rc)

    # Restore into a fresh database.
    target = DB + "_anon_" + name.replace("-", "_")
    restored, detail = db.restore(target, out1)
    if not rep.check(restored, P + "the output restores with mariadb", detail):
        return
    tables = tables_of(db, target)
    rep.check(tables == sorted(source_rows), P + "same %d tables after the restore" % len(source_rows),
              "restored %s" % tables)
    diffs = []
    for t in sorted(source_rows):
        got = db.query(target, "SHOW CREATE TABLE %s" % qi(t))
        if not got or got[0][1] != source_create[t]:
            diffs.append(t)
    rep.check(not diffs, P + "SHOW CREATE TABLE is the same for every table", "differs: %s" % diffs)

    counts_bad, unconf_bad, conf_bad = [], [], {}
    mapping = {}
    for t, (cols, src) in sorted(source_rows.items()):
        dcols, dst = fetch_hex(db, target, t)
        if len(dst) != len(src):
            counts_bad.append("%s: %d vs %d" % (t, len(src), len(dst)))
            continue
        conf = CONFIG.get(t, {})
        for ci, col in enumerate(cols):
            for r, (srow, drow) in enumerate(zip(src, dst)):
                s, dv = unhex(srow[ci]), unhex(drow[ci])
                if col not in conf:
                    if s != dv:
                        unconf_bad.append("%s.%s row %d" % (t, col, r + 1))
                        break
                    continue
                why = check_value(conf[col], s, dv)
                if why:
                    conf_bad.setdefault((t, col), []).append("%s at row %d" % (why, r + 1))
                if conf[col] == "email" and s is not None and dv is not None:
                    mapping.setdefault(s, set()).add(dv)
    rep.check(not counts_bad, P + "same row count in every table (%d rows)" %
              sum(len(v[1]) for v in source_rows.values()), "; ".join(counts_bad))
    rep.check(not unconf_bad, P + "every unconfigured column equals the source", "; ".join(unconf_bad[:10]))
    for t, cols in CONFIG.items():
        for col, anonymizer in cols.items():
            probs = conf_bad.get((t, col), [])
            rep.check(not probs, P + "%s.%s is anonymized by %s on every row, NULLs kept" % (t, col, anonymizer),
                      "%d problems, first: %s" % (len(probs), "; ".join(probs[:3])))
    inconsistent = sum(1 for v in mapping.values() if len(v) > 1)
    shared = len(mapping)
    rep.check(inconsistent == 0, P + "each e-mail maps to one output in every table (%d e-mails)" % shared,
              "%d e-mails map to several outputs" % inconsistent)

    # No original configured value in the output bytes.
    lits = literals(anon)
    leaks = []
    for t, (cols, src) in source_rows.items():
        for col in CONFIG.get(t, {}):
            ci = cols.index(col)
            for srow in src:
                v = unhex(srow[ci])
                if v is None or len(v) < 6:
                    continue
                if v in lits:
                    leaks.append("%s.%s (as a literal)" % (t, col))
                elif t != "bulk" and (mysql_literal(v)[1:-1] in anon or v.hex().upper().encode() in anon):
                    leaks.append("%s.%s (inside the output)" % (t, col))
    rep.check(not leaks, P + "no original value of a configured column is left in the output",
              "%d values remain, e.g. %s" % (len(leaks), "; ".join(leaks[:5])))

    # A dump cut inside the INSERT of a configured table.
    at = source_dump.find(b"INSERT INTO `customer`")
    cut = source_dump[:at + 300]
    trunc = os.path.join(d, "truncated.sql")
    with open(trunc, "wb") as f:
        f.write(cut)
    rc, err, _ = dbanon.run(["-c", cfg_path, "-o", os.path.join(d, "anon-trunc.sql"), trunc])
    rep.check(rc == 3, P + "a dump cut inside an INSERT of customer is rejected with exit 3", "exit %s" % rc)
    text = err.decode("utf-8", "replace")
    rep.check("customer" in text and "Person-" not in text and "@example.invalid" not in text,
              P + "the error names the table and holds no value", text[:200])


def main(argv):
    rep = Reporter()

    def body(db, binary, work):
        dbanon = Dbanon(binary)
        version = db.query("mysql", "SELECT VERSION()")[0][0]
        rep.note("MariaDB %s, socket %s" % (version, db.socket))
        db.sql("CREATE DATABASE %s CHARACTER SET utf8mb4" % DB)
        db.sql(schema_and_data(), database=DB)
        source_rows = {}
        source_create = {}
        for t in tables_of(db, DB):
            source_rows[t] = fetch_hex(db, DB, t)
            source_create[t] = db.query(DB, "SHOW CREATE TABLE %s" % qi(t))[0][1]
        rep.check(len(source_rows["bulk"][1]) == BULK_ROWS and len(source_rows["audit"][1]) == 120,
                  "source database loaded (%d tables, the trigger filled audit)" % len(source_rows))
        for name, args in [("default", []), ("hex-blob", ["--hex-blob"]),
                           ("skip-extended-complete", ["--skip-extended-insert", "--complete-insert"])]:
            run_variant(db, dbanon, work, rep, name, args, source_rows, source_create)

    return mariadb_harness.run_test(argv, __doc__.strip().splitlines()[2], "dbanon-maria-", rep, body)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
