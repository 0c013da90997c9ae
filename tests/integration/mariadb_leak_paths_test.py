#!/usr/bin/env python3
"""Issue 11 through a real MariaDB: values that reach a configured table by another path than
an INSERT tuple of its configured columns.

Usage: mariadb_leak_paths_test.py DBANON_BINARY

One throwaway server (mariadb_harness.py). A table `person` whose generated columns (VIRTUAL
and STORED, one computed from another) are computed from the configured column `email`, one
from an unconfigured column, and a trigger and a procedure whose bodies UPDATE `person` (code,
not data). It is dumped with mariadb-dump's default, --hex-blob, --complete-insert and
--skip-extended-insert --complete-insert. For each dump:
  * dbanon exits 0; no original e-mail is left in the output in any form (as written, upper
    case, as the generated columns hold it, as hex), the derived columns are written DEFAULT;
  * the output restores with `mariadb`, and the server recomputed every derived column from the
    anonymized e-mail; the column computed from an unconfigured column is unchanged;
  * the trigger and the procedure (UPDATE in their bodies) are restored.
Statements that carry values into `person` outside INSERT tuples (appended to a real dump) are
refused with exit 3, naming the statement and table, never the value; the same statements into
an unconfigured table, and ON DUPLICATE KEY UPDATE email = VALUES(email), pass and restore.
A real dump followed by a statement that makes the rows of the unconfigured `log` rows of
`person` (RENAME TABLE, ALTER TABLE ... RENAME AS, CREATE TABLE ... SELECT) restores with
`mariadb` (person then holds log's row) and is refused by dbanon, naming the tables.
`mariadb-dump --databases --no-create-info --complete-insert` of a database where an
unconfigured table has every column of a configured one passes (the PostgreSQL data-only rule
about INHERITS children does not apply) and restores over the schema.
A data-only dump (--no-create-info --complete-insert) of `person` is refused (exit 3, at the
INSERT, naming the columns the config does not name, never a value): without the CREATE TABLE
dbanon cannot see that upper_email holds UPPER(email); with every column named in the config
(the generated ones "null") it passes, and restores over the schema with every derived column
recomputed from the anonymized e-mail.
Exit status: 0 all passed, 1 some failed, 77 MariaDB is not installed (skipped).
"""

import os
import re
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import mariadb_harness  # noqa: E402
from mariadb_roundtrip_test import Dbanon  # noqa: E402
from pg_roundtrip_test import Reporter  # noqa: E402

DB = "leaks"
EMAILS = ["zqxmarker%d.o'neil@corp%d.invalid" % (i, i % 3) for i in range(1, 41)]
CONFIG = 'salt = "leak-paths-test-salt-0123"\n[tables.person]\nemail = "email"\n'

SCHEMA = """
CREATE TABLE person (
  id INT PRIMARY KEY,
  email VARCHAR(120) NULL,
  name VARCHAR(50) NOT NULL,
  domain VARCHAR(120) AS (SUBSTRING_INDEX(email, '@', -1)) VIRTUAL,
  upper_email VARCHAR(120) GENERATED ALWAYS AS (UPPER(`email`)) STORED,
  tag VARCHAR(130) AS (CONCAT(upper_email, '#', id)) STORED,
  name_len INT AS (CHAR_LENGTH(name)) VIRTUAL
) DEFAULT CHARSET=utf8mb4;
CREATE TABLE log (id INT PRIMARY KEY, email VARCHAR(120));
CREATE TRIGGER log_touch AFTER INSERT ON log FOR EACH ROW
  UPDATE person SET email = CONCAT('trigger-', NEW.id, '@x.invalid') WHERE id = -NEW.id;
DELIMITER //
CREATE PROCEDURE p_rename() BEGIN UPDATE person SET name = 'renamed; not data' WHERE id = -1; END //
DELIMITER ;
"""


def sql_string(v):
    return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"


def data_sql():
    rows = []
    for i, e in enumerate(EMAILS, 1):
        rows.append("(%d, %s, %s)" % (i, "NULL" if i % 10 == 0 else sql_string(e), sql_string("Name %d" % i)))
    return "INSERT INTO person (id, email, name) VALUES %s;\nINSERT INTO log VALUES (1, 'log@x.invalid');\n" % (
        ",".join(rows))


def leak_forms(values):
    """Every form an original value may take in a mariadb-dump output."""
    forms = set()
    for v in values:
        for s in (v, v.upper(), v.split("@")[0]):
            b = s.encode()
            forms.update({b, b.replace(b"'", b"\\'"), b.hex().upper().encode()})
    return forms


def check_generated(db, dbanon, work, rep, name, args):
    P = name + ": "
    d = os.path.join(work, name)
    os.mkdir(d)
    src, cfg, out = (os.path.join(d, f) for f in ("source.sql", "dbanon.toml", "anon.sql"))
    with open(cfg, "w") as f:
        f.write(CONFIG)
    db.dump(DB, ["--routines", "--triggers"] + args, path=src)
    with open(src, "rb") as f:
        source = f.read()
    rep.check(b"ZQXMARKER1.O\\'NEIL@CORP1.INVALID" in source,
              P + "mariadb-dump %s writes the generated columns' values" % (" ".join(args) or "(defaults)"))
    rc, err, _ = dbanon.run(["-c", cfg, "-o", out, src])
    if not rep.check(rc == 0, P + "dbanon exits 0", "exit %s: %s" % (rc, err.decode(errors="replace"))):
        return
    rep.check(b"warning" not in err, P + "no warning about generated values", err.decode(errors="replace"))
    with open(out, "rb") as f:
        anon = f.read()
    found = [form for form in leak_forms([e for i, e in enumerate(EMAILS, 1) if i % 10]) if form in anon]
    rep.check(not found, P + "no original e-mail is left in the output, as written, upper case or hex",
              "%d forms remain" % len(found))
    rep.check(b"zqxmarker" not in anon.lower(), P + "no marker in any case in the output")
    rep.check(anon.count(b",DEFAULT,DEFAULT,DEFAULT,") == len(EMAILS),
              P + "domain, upper_email and tag are written DEFAULT on every row")
    target = DB + "_" + name.replace("-", "_")
    restored, detail = db.restore(target, out)
    if not rep.check(restored, P + "the output restores with mariadb", detail):
        return
    bad = db.query(target, "SELECT COUNT(*) FROM person WHERE NOT (domain <=> SUBSTRING_INDEX(email, '@', -1)) "
                           "OR NOT (upper_email <=> UPPER(email)) OR NOT (tag <=> CONCAT(upper_email, '#', id))")
    rep.check(bad == [("0",)], P + "the server recomputed every derived column from the anonymized e-mail",
              "%s rows differ" % bad)
    changed = db.query(target, "SELECT COUNT(*) FROM person WHERE email LIKE 'anon-%@example.com'")
    rep.check(changed == [(str(len(EMAILS) - len(EMAILS) // 10),)], P + "every non-NULL e-mail is anonymized",
              str(changed))
    same = db.query(target, "SELECT GROUP_CONCAT(name_len ORDER BY id) FROM person")
    rep.check(same == db.query(DB, "SELECT GROUP_CONCAT(name_len ORDER BY id) FROM person"),
              P + "the column computed from an unconfigured column is unchanged")
    routines = db.query(target, "SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '%s'"
                                % target)
    triggers = db.query(target, "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '%s'"
                                % target)
    rep.check(routines == [("1",)] and triggers == [("1",)],
              P + "the trigger and the procedure whose bodies UPDATE person are restored")


def main(argv):
    rep = Reporter()

    def body(db, binary, work):
        dbanon = Dbanon(binary)
        db.sql("CREATE DATABASE %s CHARACTER SET utf8mb4" % DB)
        db.sql(SCHEMA + data_sql(), database=DB)
        for name, args in [("default", []), ("hex-blob", ["--hex-blob"]), ("complete", ["--complete-insert"]),
                           ("skip-extended-complete", ["--skip-extended-insert", "--complete-insert"])]:
            check_generated(db, dbanon, work, rep, name, args)
        check_statements(db, dbanon, work, rep)
        check_renames(db, dbanon, work, rep)
        check_databases_no_create_info(db, dbanon, work, rep)
        check_no_create_info(db, dbanon, work, rep)

    return mariadb_harness.run_test(argv, __doc__.strip().splitlines()[2], "dbanon-leaks-", rep, body)


def check_statements(db, dbanon, work, rep):
    d = os.path.join(work, "statements")
    os.mkdir(d)
    src, cfg = os.path.join(d, "source.sql"), os.path.join(d, "dbanon.toml")
    with open(cfg, "w") as f:
        f.write(CONFIG)
    source = db.dump(DB, ["--routines", "--triggers"])
    for what, stmt in [("UPDATE", b"UPDATE `person` SET `email` = 'zqxmarker-upd@x.invalid' WHERE `id` = 1;\n"),
                       ("REPLACE", b"REPLACE INTO `person` (`id`, `email`, `name`) SELECT 99, 'zqxmarker-r@x', 'n';\n"),
                       ("INSERT ... UPDATE", b"INSERT INTO `person` (`id`, `email`, `name`) VALUES (1,'a@b','n') "
                                             b"ON DUPLICATE KEY UPDATE `email` = 'zqxmarker-dup@x';\n")]:
        with open(src, "wb") as f:
            f.write(source + stmt)
        out = os.path.join(d, "anon.sql")
        rc, err, _ = dbanon.run(["-c", cfg, "-o", out, src])
        text = err.decode(errors="replace")
        rep.check(rc == 3 and re.search(r"source\.sql:\d+:\d+: " + re.escape(what) + r".* configured table person",
                                        text) and "zqxmarker" not in text.lower() and not os.path.exists(out),
                  "a real dump with %s carrying a value into person is refused at its position, without the value"
                  % what, "exit %s: %s" % (rc, text))
    with open(src, "wb") as f:
        f.write(source + b"UPDATE `log` SET `email` = 'still@x.invalid' WHERE `id` = 1;\n")
    out = os.path.join(d, "anon.sql")
    rc, err, _ = dbanon.run(["-c", cfg, "-o", out, src])
    if rep.check(rc == 0, "an UPDATE of an unconfigured table passes", err.decode(errors="replace")):
        restored, detail = db.restore("leaks_stmt", out)
        rep.check(restored and db.query("leaks_stmt", "SELECT email FROM log") == [("still@x.invalid",)],
                  "the output restores and the UPDATE of the unconfigured table ran", detail)


def check_renames(db, dbanon, work, rep):
    """Rows of the unconfigured `log` that a statement after them makes rows of `person`: the
    real client runs each (the restored person holds log's row), and dbanon refuses each."""
    d = os.path.join(work, "renames")
    os.mkdir(d)
    src, cfg, out = (os.path.join(d, f) for f in ("source.sql", "dbanon.toml", "anon.sql"))
    with open(cfg, "w") as f:
        f.write(CONFIG)
    source = db.dump(DB, ["--skip-triggers"])
    for i, (what, stmt) in enumerate([
            ("RENAME TABLE", b"DROP TABLE `person`;\nRENAME TABLE `log` TO `person`;\n"),
            ("ALTER TABLE ... RENAME AS", b"DROP TABLE `person`;\nALTER TABLE `log` RENAME AS `person`;\n"),
            ("CREATE TABLE ... SELECT", b"DROP TABLE `person`;\nCREATE TABLE `person` SELECT * FROM `log`;\n")]):
        with open(src, "wb") as f:
            f.write(source + stmt)
        restored, detail = db.restore("leaks_mv%d" % i, src)
        rep.check(restored and db.query("leaks_mv%d" % i, "SELECT email FROM person") == [("log@x.invalid",)],
                  "mariadb runs a dump ending in %s: log's rows become person's" % what, detail)
        rc, err, _ = dbanon.run(["-c", cfg, "-o", out, src])
        text = err.decode(errors="replace")
        rep.check(rc == 3 and re.search(r"source\.sql:\d+:\d+: .*(person is configured|configured table person)", text)
                  and "log@x" not in text and not os.path.exists(out),
                  "dbanon refuses that dump at the %s, naming the tables" % what, "exit %s: %s" % (rc, text))


def check_databases_no_create_info(db, dbanon, work, rep):
    """mariadb-dump --databases --no-create-info: `USE db` gives every table a database name, and
    an unconfigured table whose columns include a configured table's is no INHERITS child (MySQL
    has none): the data-only rule for PostgreSQL dumps does not refuse it."""
    d = os.path.join(work, "databases")
    os.mkdir(d)
    src, cfg, out = (os.path.join(d, f) for f in ("data.sql", "dbanon.toml", "anon.sql"))
    schema = ("CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(120));\n"
              "CREATE TABLE users_archive (id INT PRIMARY KEY, email VARCHAR(120), note VARCHAR(20));\n")
    db.sql("CREATE DATABASE shopdb CHARACTER SET utf8mb4")
    db.sql(schema + "INSERT INTO users VALUES (1, 'zqxmarker-db@corp.invalid');\n"
           "INSERT INTO users_archive VALUES (1, 'kept@corp.invalid', 'n');\n", database="shopdb")
    db.dump("shopdb", ["--databases", "--no-create-info", "--complete-insert"], path=src)
    with open(cfg, "w") as f:
        f.write('[tables.users]\nid = "keep"\nemail = "email"\n')
    rc, err, _ = dbanon.run(["-c", cfg, "-o", out, src])
    if not rep.check(rc == 0, "mariadb-dump --databases --no-create-info with an unconfigured table holding every "
                     "column of a configured one passes (no INHERITS in MySQL)", err.decode(errors="replace")):
        return
    with open(out, "rb") as f:
        anon = f.read()
    db.sql("CREATE DATABASE shopdb_anon CHARACTER SET utf8mb4")
    db.sql(schema, database="shopdb_anon")
    restored = db.sql(anon.replace(b"USE `shopdb`", b"USE `shopdb_anon`"), check=False)
    rows = db.query("shopdb_anon", "SELECT u.email, a.email FROM users u, users_archive a")
    rep.check(restored.returncode == 0 and len(rows) == 1 and "zqxmarker" not in rows[0][0]
              and rows[0][1] == "kept@corp.invalid",
              "its output restores over the schema: users.email anonymized, users_archive unchanged",
              "%s %s" % (rows, restored.stderr[-300:] if restored.stderr else ""))


def check_no_create_info(db, dbanon, work, rep):
    d = os.path.join(work, "no-create-info")
    os.mkdir(d)
    src, cfg, out = (os.path.join(d, f) for f in ("data.sql", "dbanon.toml", "anon.sql"))
    db.dump(DB, ["--no-create-info", "--complete-insert", "--skip-triggers"], path=src)
    with open(cfg, "w") as f:
        f.write(CONFIG)
    rc, err, _ = dbanon.run(["-c", cfg, "-o", out, src])
    text = err.decode(errors="replace")
    rep.check(rc == 3 and re.search(r"data\.sql:\d+:\d+: table person is configured but the dump has no CREATE "
                                    r"TABLE for it.* columns id, name, domain, upper_email, tag, name_len:", text)
              and "zqxmarker" not in text.lower() and not os.path.exists(out),
              "mariadb-dump --no-create-info --complete-insert of a configured table with generated columns is "
              "refused at its INSERT, naming the columns the config does not name", "exit %s: %s" % (rc, text))
    with open(cfg, "w") as f:
        f.write(CONFIG + 'id = "keep"\nname = "keep"\ndomain = "null"\nupper_email = "null"\ntag = "null"\n'
                'name_len = "keep"\n')
    rc, err, _ = dbanon.run(["-c", cfg, "-o", out, src])
    if not rep.check(rc == 0, "with every column of person named in the config, the data-only dump passes",
                     err.decode(errors="replace")):
        return
    with open(out, "rb") as f:
        anon = f.read()
    rep.check(b"zqxmarker" not in anon.lower(), "no marker in any case in the data-only output")
    schema = os.path.join(d, "schema.sql")
    db.dump(DB, ["--no-data", "--skip-triggers"], path=schema)
    restored, detail = db.restore("leaks_nocreate", schema)
    if restored:
        try:
            db.load("leaks_nocreate", out)
        except mariadb_harness.MariaDbError as e:
            restored, detail = False, e
    if not rep.check(restored, "the data-only output restores over the schema", detail):
        return
    bad = db.query("leaks_nocreate", "SELECT COUNT(*) FROM person WHERE NOT (upper_email <=> UPPER(email)) "
                                     "OR email LIKE 'zqxmarker%'")
    rep.check(bad == [("0",)], "the server recomputed upper_email from the anonymized e-mail", str(bad))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
