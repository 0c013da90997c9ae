"""Issue 15 item 6, what the config asks must fit the column, or be refused: the parts of
variants_test.py that run on its PostgreSQL cluster and MariaDB server (no server of their own).

PostgreSQL (pg_dump -Fp and -Fc, restored by psql and pg_restore):
  * 2,000 distinct e-mails into varchar(20) UNIQUE with unique = true: every value distinct
    after fitting, the restore passes the constraint;
  * a phone number into varchar(9) keeps a valid format (555-01XX);
  * numeric(5,2) with an integer anonymizer of range [0, 999];
  * a column typed by a domain AS varchar(20) gets its length (an e-mail fits);
  * `null` on a NOT NULL column: exit 2 naming table, column and reason, nothing at -o;
  * a phone number into bigint is written as its digits; `email` into bigint is refused (exit 2).
MariaDB (mariadb-dump, restored by mariadb): 2,000 e-mails into varchar(20) with a UNIQUE KEY
(no unique = true: the key says it), NOT NULL + null refused, phone into bigint as digits, email
into bigint refused.
"""

import os
import re

SALT = "variants-fit-salt-0123456789"
N = 2000
EMAILS = ["u%d@corp.example" % i for i in range(N)]
CONFIG = ('salt = "%s"\n\n[tables.fit]\n' % SALT +
          'email = { anonymizer = "email", options = { unique = true } }\n'
          'phone = "phone"\n'
          'amount = { anonymizer = "integer", options = { min = 0, max = 999 } }\n'
          'dmail = "email"\n'
          'pnum = "phone"\n')
NULL_CONFIG = 'salt = "%s"\n\n[tables.fit]\nphone = "null"\n' % SALT
TYPE_CONFIG = 'salt = "%s"\n\n[tables.fit]\npnum = "email"\n' % SALT


def _config(dbanon, name, text):
    path = os.path.join(dbanon.work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def _no_leak(rep, desc, out):
    leaked = [e for e in EMAILS[:50] + EMAILS[-50:] if e.encode() in out]
    rep.check(not leaked, "%s: no original e-mail in the output" % desc, "%d found" % len(leaked))


def _refused(rep, desc, rc, err, out, where):
    rep.check(rc == 2 and out is None and re.search(where, err) is not None and "fit.phone" in err
              and "NOT NULL" in err and "555-" not in err,
              "%s: null on a NOT NULL column is refused at the DDL (exit 2, table, column, reason; "
              "nothing at -o)" % desc, "rc=%s %s" % (rc, err))


def _type_refused(rep, desc, rc, err, out):
    rep.check(rc == 2 and out is None and "fit.pnum: the anonymizer 'email' writes text, not bigint" in err,
              "%s: email into a bigint column is refused at the DDL (exit 2, nothing at -o)" % desc,
              "rc=%s %s" % (rc, err))


def pg_fit_part(rep, dbanon, pg):
    pg.createdb("fit_src")
    rows = ",".join("(%d, '%s', '555-0142', 123.45, 'd%d@x.io')" % (i, e, i) for i, e in enumerate(EMAILS))
    pg.psql("fit_src", "CREATE DOMAIN short_mail AS varchar(20);"
                       "CREATE TABLE fit (id int PRIMARY KEY, email varchar(20) NOT NULL UNIQUE,"
                       " phone varchar(9) NOT NULL, amount numeric(5,2), dmail short_mail, pnum bigint);"
                       "INSERT INTO fit VALUES %s;" % rows)
    pg.psql("fit_src", "UPDATE fit SET pnum = 33612345678")
    config = _config(dbanon, "fit.toml", CONFIG)
    null_config = _config(dbanon, "fit-null.toml", NULL_CONFIG)
    for fmt in ("-Fp", "-Fc"):
        desc = "pg_dump %s, columns narrower than the anonymizers' usual values" % fmt
        dump = pg.pg_dump("fit_src", [fmt])
        rc, err, out = dbanon.run("fit" + fmt, dump, config=config)
        if not rep.check(rc == 0 and out is not None, "%s: dbanon exits 0" % desc, err):
            continue
        if fmt == "-Fp":
            _no_leak(rep, desc, out)
        db = "fit_dst" + fmt.replace("-", "_").lower()
        pg.createdb(db)
        path = os.path.join(dbanon.work, db + ".out")
        with open(path, "wb") as f:
            f.write(out)
        if fmt == "-Fp":
            p = pg.psql(db, file=path, args=["-v", "ON_ERROR_STOP=1"], check=False)
        else:
            p = pg.pg_restore(["--exit-on-error", "-d", db, path], check=False)
        if not rep.check(p.returncode == 0, "%s: the restore passes (UNIQUE, lengths, numeric, domain)" % desc,
                         p.stderr[-2000:]):
            continue
        got = pg.query(db, "SELECT email, phone, amount, dmail, pnum FROM fit ORDER BY id")
        rep.check(all(re.fullmatch(r"[0-9]{10,11}", str(r[4])) and str(r[4]) != "33612345678" for r in got),
                  "%s: a phone number in bigint is written as its digits" % desc, repr([r[4] for r in got[:3]]))
        emails = [r[0] for r in got]
        rep.check(len(got) == N and len(set(emails)) == N and not set(emails) & set(EMAILS)
                  and all(re.fullmatch(r"[0-9a-z]{13}@a\.test", e) for e in emails),
                  "%s: 2,000 distinct e-mails fitted to varchar(20), each a valid address" % desc,
                  repr(emails[:3]))
        rep.check(all(re.fullmatch(r"555-01[0-9]{2}", r[1]) for r in got),
                  "%s: a phone number in varchar(9) keeps a valid format" % desc, repr([r[1] for r in got[:3]]))
        rep.check(all(0 <= float(r[2]) <= 999 for r in got), "%s: numeric(5,2) holds the integers" % desc)
        rep.check(all(len(r[3]) <= 20 and "@" in r[3] and r[3] != "d0@x.io" for r in got[:1]),
                  "%s: the domain's varchar(20) holds the e-mails" % desc, repr(got[0][3]))

        rc, err, out = dbanon.run("fit-null" + fmt, dump, config=null_config)
        _refused(rep, "pg_dump %s" % fmt, rc, err, out, r"\.in:\d+:\d+: " if fmt == "-Fp" else r":byte \d+: ")
        rc, err, out = dbanon.run("fit-type" + fmt, dump, config=_config(dbanon, "fit-type.toml", TYPE_CONFIG))
        _type_refused(rep, "pg_dump %s" % fmt, rc, err, out)


def mariadb_fit_part(rep, dbanon, db):
    db.sql("CREATE DATABASE fit_src; CREATE DATABASE fit_dst")
    rows = ",".join("(%d, '%s', '555-0142', 123.45, 'd%d@x.io')" % (i, e, i) for i, e in enumerate(EMAILS))
    db.sql("CREATE TABLE fit (id int PRIMARY KEY, email varchar(20) NOT NULL, phone varchar(9) NOT NULL,"
           " amount decimal(5,2), dmail varchar(20), pnum bigint, UNIQUE KEY fit_email (email)) DEFAULT CHARSET=utf8mb4;"
           "INSERT INTO fit (id, email, phone, amount, dmail) VALUES %s;" % rows, database="fit_src")
    db.sql("UPDATE fit SET pnum = 33612345678", database="fit_src")
    dump = db.dump("fit_src")
    desc = "mariadb-dump, varchar(20) with a UNIQUE KEY"
    config = _config(dbanon, "fit-my.toml", CONFIG.replace('{ anonymizer = "email", options = { unique = true } }', '"email"'))
    rc, err, out = dbanon.run("fit-mariadb", dump, config=config)
    if rep.check(rc == 0 and out is not None, "%s: dbanon exits 0" % desc, err):
        _no_leak(rep, desc, out)
        try:
            db.sql(out, database="fit_dst")
            got = db.query("fit_dst", "SELECT email, phone, pnum FROM fit ORDER BY id")
            rep.check(all(re.fullmatch(r"[0-9]{10,11}", str(r[2])) and str(r[2]) != "33612345678" for r in got),
                      "%s: a phone number in bigint is written as its digits" % desc, repr([r[2] for r in got[:3]]))
            emails = [r[0] for r in got]
            rep.check(len(got) == N and len(set(e.lower() for e in emails)) == N
                      and all(re.fullmatch(r"[0-9a-z]{13}@a\.test", e) for e in emails),
                      "%s: the restore passes the key with 2,000 distinct valid addresses" % desc, repr(emails[:3]))
            rep.check(all(re.fullmatch(r"555-01[0-9]{2}", r[1]) for r in got),
                      "%s: a phone number in varchar(9) keeps a valid format" % desc)
        except Exception as e:  # noqa: BLE001
            rep.check(False, "%s: the mariadb client restores the output" % desc, e)
    rc, err, out = dbanon.run("fit-mariadb-null", dump, config=_config(dbanon, "fit-my-null.toml", NULL_CONFIG))
    _refused(rep, "mariadb-dump", rc, err, out, r"\.in:\d+:\d+: ")
    rc, err, out = dbanon.run("fit-mariadb-type", dump, config=_config(dbanon, "fit-my-type.toml", TYPE_CONFIG))
    _type_refused(rep, "mariadb-dump", rc, err, out)
