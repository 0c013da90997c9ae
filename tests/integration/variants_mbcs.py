"""Issue 15 item 13, the SQL side: dumps in client character sets whose characters hold
ASCII bytes (a 0x5C second byte is no backslash). The parts of variants_test.py that run on
its MariaDB server and PostgreSQL cluster (no server of their own).

MariaDB: a table in CHARACTER SET sjis, gbk and big5 holding values with 0x5C second bytes
(beside real backslashes and quotes), dumped by the real `mariadb-dump
--default-character-set=X` (its CREATE TABLE in utf8mb4 between `SET character_set_client`
lines, a COMMENT in Japanese), anonymized, restored with `mariadb`: the configured e-mails
changed, every other column byte-identical (HEX() compared in SQL).
PostgreSQL: `pg_dump -E SJIS --inserts` of a UTF8 database with Japanese text, restored with
psql: e-mails changed, the other columns identical.
"""

import os

SALT = "variants-mbcs-salt-0123456789"
CONFIG = 'salt = "%s"\n\n[tables.jp]\nemail = "email"\n' % SALT

# Characters whose second byte is 0x5C in each character set, then values built from them
# with an ASCII backslash and quote after them (what mysqldump escapes).
CHARS = {"sjis": "表ソ能予十", "gbk": "乗俓僜刓匼", "big5": "許么佢俞偅"}


def rows_for(cs):
    c = CHARS[cs]
    return [(1, c[0] + "\\" + c[1] + "'", c[2] + "@example.invalid", c),
            (2, c[1], c[3] + c[0] + "." + c[4] + "@example.invalid", c[0] + "\\\\" + c[4]),
            (3, "plain", "plain.%s@example.invalid" % cs, c[4] + "'")]


def _sql_str(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def mariadb_part(rep, dbanon, db):
    for cs in ("sjis", "gbk", "big5"):
        desc = "mariadb-dump --default-character-set=%s of a %s table" % (cs, cs)
        rows = rows_for(cs)
        for r in rows:
            rep.secrets.add(r[2])
        src, dst = "mb_src_" + cs, "mb_dst_" + cs
        db.sql("CREATE DATABASE %s CHARACTER SET %s; CREATE DATABASE %s CHARACTER SET %s" % (src, cs, dst, cs))
        db.sql("CREATE TABLE jp (id int PRIMARY KEY, name varchar(20) COMMENT '%s', email varchar(60),"
               " note text) DEFAULT CHARSET=%s;" % (CHARS[cs], cs) +
               "INSERT INTO jp VALUES %s;" % ",".join("(%d, %s, %s, %s)" % (i, _sql_str(n), _sql_str(e), _sql_str(t))
                                                      for i, n, e, t in rows), database=src)
        want = db.query(src, "SELECT id, HEX(name), HEX(note) FROM jp ORDER BY id")
        dump = db.dump(src, ["--default-character-set=" + cs])
        rep.check(("SET NAMES %s" % cs).encode() in dump and CHARS[cs][4].encode(cs) + b"\\'" in dump,
                  "%s: the dump says SET NAMES %s and holds 0x5C second bytes before an escaped quote" % (desc, cs))
        config = os.path.join(dbanon.work, "mbcs.toml")
        with open(config, "w") as f:
            f.write(CONFIG)
        rc, err, out = dbanon.run("mbcs_" + cs, dump, config=config)
        if not rep.check(rc == 0 and out is not None, "%s: dbanon exits 0" % desc, err):
            continue
        rep.check(not any(r[2].encode(cs) in out for r in rows), "%s: no original e-mail in the output" % desc)
        try:
            db.run_client("client", ["--default-character-set=" + cs, dst], input=out)
        except Exception as e:  # noqa: BLE001
            rep.check(False, "%s: the mariadb client restores the output" % desc, e)
            continue
        got = db.query(dst, "SELECT id, HEX(name), HEX(note) FROM jp ORDER BY id")
        rep.check(got == want, "%s: every column that is not configured restored byte-identical" % desc, got)
        emails = [r[0] for r in db.query(dst, "SELECT email FROM jp ORDER BY id")]
        rep.check(len(emails) == 3 and all("@" in e and e not in [r[2] for r in rows] for e in emails),
                  "%s: every e-mail changed" % desc, emails)


def pg_part(rep, dbanon, pg):
    desc = "pg_dump -E SJIS --inserts of a UTF8 database"
    rows = rows_for("sjis")
    for r in rows:
        rep.secrets.add(r[2])
    pg.createdb("mb_src", extra="ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
    pg.createdb("mb_dst", extra="ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
    values = ",".join("(%d, %s, %s, %s)" % (i, *("'" + v.replace("'", "''") + "'" for v in (n, e, t)))
                      for i, n, e, t in rows)
    pg.psql("mb_src", args=["-c", "SET client_encoding = 'UTF8'", "-c",
                            "CREATE TABLE jp (id int, name varchar(20), email text, note text);"
                            " INSERT INTO jp VALUES %s;" % values])
    want = pg.query("mb_src", "SELECT id, name, note FROM jp ORDER BY id")
    dump = pg.pg_dump("mb_src", ["-Fp", "-E", "SJIS", "--inserts"])
    rep.check(b"SET client_encoding = 'SJIS'" in dump and "表".encode("sjis") in dump,
              "%s: the dump says so and holds 0x5C second bytes" % desc)
    config = os.path.join(dbanon.work, "mbcs_pg.toml")
    with open(config, "w") as f:
        f.write(CONFIG)
    rc, err, out = dbanon.run("mbcs_pg", dump, config=config)
    if not rep.check(rc == 0 and out is not None, "%s: dbanon exits 0" % desc, err):
        return
    rep.check(not any(r[2].encode("sjis") in out for r in rows), "%s: no original e-mail in the output" % desc)
    path = os.path.join(dbanon.work, "mbcs_pg.sql")
    with open(path, "wb") as f:
        f.write(out)
    p = pg.psql("mb_dst", file=path, args=["-v", "ON_ERROR_STOP=1"], check=False)
    if not rep.check(p.returncode == 0, "%s: psql restores the output" % desc, p.stderr):
        return
    rep.check(pg.query("mb_dst", "SELECT id, name, note FROM jp ORDER BY id") == want,
              "%s: every column that is not configured restored identical" % desc)
    emails = [r[0] for r in pg.query("mb_dst", "SELECT email FROM jp ORDER BY id")]
    rep.check(len(emails) == 3 and all("@" in e and e not in [r[2] for r in rows] for e in emails),
              "%s: every e-mail changed" % desc, emails)
