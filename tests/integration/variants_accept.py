"""Dumps from the real world that the clients accept (issue "accept"): the parts of
variants_test.py that run on its PostgreSQL cluster and MariaDB server (no server of their own).

MariaDB (mariadb-dump, restored by mariadb):
  * column names in another case: a table whose columns are `ID`, `Email`, `Name` and a
    generated `Email_LC` AS (lower(`EMAIL`)), config keys `email`, `name` (lower case); the
    dump as mariadb-dump writes it (default and --complete-insert) and with a hand-written
    `INSERT INTO people (id, EMAIL, NAME)` appended, which mariadb loads. dbanon exits 0, no
    original e-mail or name in the output, every row restores with both changed and email_lc
    recomputed from the new e-mail.
  * INVISIBLE columns: a table with an INVISIBLE configured column `secret` and an INVISIBLE
    generated column computed from the configured `email`; mariadb-dump writes a column list
    naming them (default and --complete-insert: checked), and a hand-written INSERT without a
    column list (VALUES for the visible columns only, which mariadb loads) is appended. dbanon
    exits 0, no original secret or e-mail in the output, every row restores with email and
    secret changed (secret NULL where the INSERT left it out) and elc recomputed.
PostgreSQL (pg_dump, restored by psql):
  * typed tables: `CREATE TYPE person AS (id, email, note)`, `CREATE TABLE users OF person
    (id NOT NULL)`, config on users.email; pg_dump --inserts and --column-inserts. dbanon
    exits 0, no original e-mail in the output, psql restores every row with the e-mail changed.
SQLite (sqlite3 3.40, restored by sqlite3 -bail):
  * `.schema` then `.mode insert users` (with and without `.headers on`), no banner: dbanon
    without --format reads it as SQLite, exits 0, no original e-mail in the output; sqlite3
    restores every row with the e-mail changed. INSERTs no line of which tells the dialect
    are read as PostgreSQL, and a refusal says to pass --format.
Checks: dbanon exits 0; no original configured value in the output; the real client restores
it with every row and every configured value changed.

Run alone: variants_accept.py DBANON_BINARY (starts the servers variants_test.py would).
"""

import json
import os
import sys

SALT = "variants-accept-salt-0123456789"
PEOPLE = [(i, "Person.%d@Corp.example" % i, "Surname%d" % i) for i in range(1, 7)]
CASE_CONFIG = 'salt = "%s"\n\n[tables.people]\nemail = "email"\nname = "lastname"\n' % SALT


def _config(dbanon, name, text):
    path = os.path.join(dbanon.work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def _originals(rows):
    out = []
    for _, email, name in rows:
        out += [email.encode(), email.lower().encode(), name.encode()]
    return out


def mariadb_case_part(rep, dbanon, db):
    db.sql("CREATE DATABASE case_src")
    db.sql("CREATE TABLE people (ID int PRIMARY KEY, Email varchar(120), Name varchar(50), "
           "Email_LC varchar(120) AS (lower(`EMAIL`)) VIRTUAL) DEFAULT CHARSET=utf8mb4;" +
           "INSERT INTO people (ID, Email, Name) VALUES %s;" % ",".join("(%d, '%s', '%s')" % r for r in PEOPLE[:4]),
           database="case_src")
    config = _config(dbanon, "case.toml", CASE_CONFIG)
    extra = "".join("INSERT INTO people (id, EMAIL, NAME) VALUES (%d, '%s', '%s');\n" % r for r in PEOPLE[4:])
    for args in ([], ["--complete-insert"]):
        dump = db.dump("case_src", args)
        for tail, rows in (("", PEOPLE[:4]), (extra, PEOPLE)):
            desc = "mariadb-dump %s%s, config keys in lower case" % (
                " ".join(args) or "(default)", " + INSERT INTO people (id, EMAIL, NAME)" if tail else "")
            rc, err, out = dbanon.run("case_%d_%d" % (len(args), len(tail)), dump + tail.encode(), config=config)
            if not rep.check(rc == 0 and out is not None, "%s: dbanon exits 0" % desc, err):
                continue
            rep.check(not [o for o in _originals(rows) if o in out], "%s: no original e-mail or name in the output" % desc)
            target = "case_dst_%d_%d" % (len(args), len(tail))
            try:
                db.sql("CREATE DATABASE `%s`" % target)
                db.sql(out.decode(), database=target)
                got = db.query(target, "SELECT ID, Email, Name, Email_LC FROM people ORDER BY ID")
            except Exception as e:  # noqa: BLE001
                rep.check(False, "%s: mariadb restores the output" % desc, e)
                continue
            ok = len(got) == len(rows) and all(
                g[1] != r[1] and g[2] != r[2] and "@" in g[1] and g[3] == g[1].lower() for g, r in zip(got, rows))
            rep.check(ok, "%s: mariadb restores every row, e-mail and name changed, email_lc recomputed" % desc,
                      "%d rows" % len(got))


INV = [(i, "Secret%d" % i, "inv.%d@corp.example" % i, "note %d" % i) for i in range(1, 6)]
INV_CONFIG = 'salt = "%s"\n\n[tables.inv]\nemail = "email"\nsecret = "lastname"\n' % SALT


def mariadb_invisible_part(rep, dbanon, db):
    db.sql("CREATE DATABASE inv_src")
    db.sql("CREATE TABLE inv (id int PRIMARY KEY, secret varchar(50) INVISIBLE, email varchar(100), "
           "elc varchar(100) AS (lower(email)) VIRTUAL INVISIBLE, note varchar(100)) DEFAULT CHARSET=utf8mb4;"
           "INSERT INTO inv (id, secret, email, note) VALUES %s;" % ",".join("(%d, '%s', '%s', '%s')" % r
                                                                             for r in INV[:3]),
           database="inv_src")
    config = _config(dbanon, "inv.toml", INV_CONFIG)
    # VALUES without a column list: id, email, note (the invisible columns take their default).
    extra = "INSERT INTO `inv` VALUES %s;\n" % ",".join("(%d,'%s','%s')" % (r[0], r[2], r[3]) for r in INV[3:])
    originals = [v.encode() for r in INV for v in (r[1], r[2])]
    for args in ([], ["--complete-insert"]):
        dump = db.dump("inv_src", args)
        rep.check(b"INSERT INTO `inv` (`id`, `secret`, `email`, `elc`, `note`) VALUES" in dump,
                  "mariadb-dump %s writes a column list naming the INVISIBLE columns" % (" ".join(args) or "(default)"))
        desc = "mariadb-dump %s of a table with INVISIBLE columns + INSERT without a column list" % (
            " ".join(args) or "(default)")
        rc, err, out = dbanon.run("inv_%d" % len(args), dump + extra.encode(), config=config)
        if not rep.check(rc == 0 and out is not None, "%s: dbanon exits 0" % desc, err):
            continue
        rep.check(not [o for o in originals if o in out], "%s: no original secret or e-mail in the output" % desc)
        target = "inv_dst_%d" % len(args)
        try:
            db.sql("CREATE DATABASE `%s`" % target)
            db.sql(out.decode(), database=target)
            got = db.query(target, "SELECT id, secret, email, elc, note FROM inv ORDER BY id")
        except Exception as e:  # noqa: BLE001
            rep.check(False, "%s: mariadb restores the output" % desc, e)
            continue
        ok = len(got) == len(INV) and all(
            g[2] != r[2] and "@" in g[2] and g[3] == g[2].lower() and g[4] == r[3] and
            (g[1] != r[1] and g[1] not in (None, "NULL") if r[0] <= 3 else g[1] in (None, "NULL"))
            for g, r in zip(got, INV))
        rep.check(ok, "%s: mariadb restores every row, email and secret changed, elc recomputed" % desc,
                  "%d rows" % len(got))


def mariadb_part(rep, dbanon, db):
    mariadb_case_part(rep, dbanon, db)
    mariadb_invisible_part(rep, dbanon, db)


TYPED = [(i, "typed.%d@corp.example" % i, "note %d" % i) for i in range(1, 5)]
TYPED_CONFIG = 'salt = "%s"\n\n[tables.users]\nemail = "email"\n' % SALT


def pg_typed_part(rep, dbanon, pg):
    pg.createdb("typed_src")
    pg.psql("typed_src", "CREATE TYPE person AS (id int, email text, note varchar(20));"
                         "CREATE TABLE users OF person (id WITH OPTIONS NOT NULL);"
                         "INSERT INTO users VALUES %s;" % ",".join("(%d, '%s', '%s')" % r for r in TYPED))
    config = _config(dbanon, "typed.toml", TYPED_CONFIG)
    for args in (["--inserts"], ["--column-inserts"]):
        desc = "pg_dump %s of a typed table (CREATE TABLE users OF person)" % args[0]
        dump = pg.pg_dump("typed_src", ["-Fp"] + args)
        rep.check(b"CREATE TABLE public.users OF public.person" in dump, "%s: the dump says OF" % desc)
        rc, err, out = dbanon.run("typed" + args[0].replace("-", "_"), dump, config=config)
        if not rep.check(rc == 0 and out is not None, "%s: dbanon exits 0" % desc, err):
            continue
        rep.check(not [r for r in TYPED if r[1].encode() in out], "%s: no original e-mail in the output" % desc)
        target = "typed_dst" + args[0].replace("-", "_")
        try:
            pg.createdb(target)
            path = os.path.join(dbanon.work, target + ".sql")
            with open(path, "wb") as f:
                f.write(out)
            pg.psql(target, file=path, args=["-v", "ON_ERROR_STOP=1"])
            got = pg.query(target, "SELECT id, email, note FROM users ORDER BY id")
        except Exception as e:  # noqa: BLE001
            rep.check(False, "%s: psql restores the output" % desc, e)
            continue
        ok = len(got) == len(TYPED) and all(
            int(g[0]) == r[0] and g[1] != r[1] and "@" in g[1] and g[2] == r[2] for g, r in zip(got, TYPED))
        rep.check(ok, "%s: psql restores every row, e-mail changed, the rest as it was" % desc, "%d rows" % len(got))


def pg_part(rep, dbanon, pg):
    pg_typed_part(rep, dbanon, pg)


SQ = [(1, "sq.one@corp.example", "line1\nline2"), (2, "o'sq@corp.example", None), (3, "sq3@corp.example", "n")]
SQ_CONFIG = 'salt = "%s"\n\n[tables.users]\nemail = "email"\n' % SALT


def sqlite_part(rep, dbanon):
    import subprocess
    src = os.path.join(dbanon.work, "sq_src.db")
    rows = ",".join("(%d, '%s', %s)" % (i, e.replace("'", "''"), "NULL" if n is None else "'%s'" % n) for i, e, n in SQ)
    subprocess.run(["sqlite3", src, "CREATE TABLE users (id integer primary key, email text, note text);"
                    "CREATE VIEW v AS SELECT email FROM users; INSERT INTO users VALUES %s;" % rows], check=True)
    config = _config(dbanon, "sq.toml", SQ_CONFIG)
    for headers in (False, True):
        desc = "sqlite3 .schema + .mode insert users%s (no --format)" % (" + .headers on" if headers else "")
        script = ".schema\n" + (".headers on\n" if headers else "") + ".mode insert users\nSELECT * FROM users;\n"
        dump = subprocess.run(["sqlite3", src], input=script.encode(), check=True, stdout=subprocess.PIPE).stdout
        report = os.path.join(dbanon.work, "sq_report_%d.json" % headers)
        rc, err, out = dbanon.run("sq_modeins_%d" % headers, dump, args=["--report", report], config=config)
        if not rep.check(rc == 0 and out is not None, "%s: dbanon exits 0" % desc, err):
            continue
        with open(report) as f:
            fmt = json.load(f)["input"]["format"]
        rep.check(fmt.startswith("sqlite"), "%s: read as SQLite" % desc, fmt)
        rep.check(not [r for r in SQ if r[1].encode() in out or r[1].replace("'", "''").encode() in out],
                  "%s: no original e-mail in the output" % desc)
        path = os.path.join(dbanon.work, "sq_dst_%d.db" % headers)
        try:
            subprocess.run(["sqlite3", "-bail", path], input=out, check=True, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
            got = subprocess.run(["sqlite3", path, "SELECT id, email, note FROM users ORDER BY id"], check=True,
                                 stdout=subprocess.PIPE).stdout.decode().split("\n")
        except Exception as e:  # noqa: BLE001
            rep.check(False, "%s: sqlite3 restores the output" % desc, e)
            continue
        emails = [line.split("|")[1] for line in got if line.count("|") >= 2]
        rep.check(len(emails) == len(SQ) and all("@" in g and g != r[1] for g, r in zip(emails, SQ)),
                  "%s: sqlite3 restores every row with the e-mail changed" % desc, "%d rows" % len(emails))
    # No line tells the dialect: read as PostgreSQL, and a refusal says how to name it.
    rc, err, out = dbanon.run("sq_guess", b"INSERT INTO users VALUES (1, 'zqx@corp.example', 'n');\n",
                              config=config)
    rep.check(rc == 3 and out is None and "pass --format mysql or --format sqlite" in err and
              "zqx@corp.example" not in err,
              "INSERTs without a dialect marker into a table without DDL: refused, saying to pass --format", err)


def main(argv):
    """Runs these parts alone, on servers of their own."""
    import shutil
    import tempfile
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from pg_roundtrip_test import Reporter
    import variants_test
    rep = Reporter()
    with tempfile.TemporaryDirectory(prefix="dbanon-accept-") as work:
        dbanon = variants_test.Dbanon(os.path.abspath(argv[1]), work)
        try:
            from pg_harness import PgCluster, find_bindir
            find_bindir()
            with PgCluster() as pg:
                pg_part(rep, dbanon, pg)
        except RuntimeError as e:
            rep.note("PostgreSQL skipped: %s" % e)
        if shutil.which("sqlite3"):
            sqlite_part(rep, dbanon)
        if shutil.which("mariadb"):
            from mariadb_harness import MariaDb
            with MariaDb() as db:
                mariadb_part(rep, dbanon, db)
    print("# %d passed, %d failed" % (rep.passed, rep.failed))
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
