"""Coverage that a user can check says what it does not cover (issue "cover10"): the parts
of variants_test.py that run on its PostgreSQL cluster and MariaDB server (no server of
their own).

PostgreSQL large objects (a table with an `oid` column whose objects psql's \\lo_import
loaded), every column of the table covered by the config:
  * pg_dump -Fp and -Fc: `-v`, `--report` and `dbanon check` count the large objects (and,
    in a plain dump, their bytes) and say they are not anonymized and not configured; check
    exits 1 for them alone; `check --suggest` leaves `[large_objects]` commented out under
    a REVIEW line;
  * `--strict` refuses the dump (exit 2, a positioned message, nothing at -o) until the
    config says `[large_objects] action = "keep"`; then the output restores (psql,
    pg_restore -d) with the objects' bytes unchanged and the e-mails anonymized.
`check --suggest` never makes a text or JSON column without a hint look reviewed: on a real
pg_dump -Fp of a table with a jsonb `profile` (e-mails and phones inside documents) and a
text `notes` column (names in prose), both are left commented out under a REVIEW line, so
the strict run with the suggested config refuses them (exit 2, naming them, nothing at -o);
decided (uncommented keep), it passes.
A configured JSON path that matches nothing in any document (`$.EMAIL` where the documents
hold `email`) is a config error after the data on every archive road: pg_dump -Fc and -Fd of
the jsonb table, exit 2 naming table, column and path, nothing at -o; the right path passes.
Checks: exit codes, messages with a position, no original e-mail in any output, restores.

Run alone: variants_cover.py DBANON_BINARY (starts the servers variants_test.py would).
"""

import json
import os
import subprocess
import sys

SALT = "variants-cover-salt-0123456789"
LO_EMAILS = ["lo.owner1@corp.example", "lo.owner2@corp.example"]
LO_CONFIG = 'salt = "%s"\n\n[tables.docs]\nid = "keep"\nscan = "keep"\nowner_email = "email"\n' % SALT
LO_KEEP = LO_CONFIG + '\n[large_objects]\naction = "keep"\n'
# Two "scans": 20,000 and 3 bytes (the first spans two lowrite calls of 16 KiB).
LO_FILES = [bytes(range(256)) * 78 + b"\x00" * 32, b"ID\n"]


def _write(dbanon, name, data):
    path = os.path.join(dbanon.work, name)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return path


def _run(dbanon, args):
    p = subprocess.run([dbanon.binary] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def _positioned(err, archive):
    first = err.strip().splitlines()[0] if err.strip() else ""
    if archive:
        return ":byte " in first and "TOC entry" in first
    parts = first.split(":")
    return len(parts) > 3 and parts[1].isdigit() and parts[2].isdigit()


def large_objects_part(rep, dbanon, pg):
    pg.createdb("lo_src")
    script = "CREATE TABLE docs (id int PRIMARY KEY, owner_email text, scan oid);\n"
    for i, data in enumerate(LO_FILES):
        path = _write(dbanon, "scan%d.bin" % i, data)
        script += "\\lo_import '%s'\nINSERT INTO docs VALUES (%d, '%s', :LASTOID);\n" % (path, i + 1, LO_EMAILS[i])
    pg.psql("lo_src", file=_write(dbanon, "lo.sql", script))
    total = sum(len(d) for d in LO_FILES)
    config = _write(dbanon, "lo.toml", LO_CONFIG)
    keep = _write(dbanon, "lo_keep.toml", LO_KEEP)
    secrets = [e.encode() for e in LO_EMAILS]
    for kind, args in (("-Fp", ["-Fp"]), ("-Fc", ["-Fc"])):
        archive = kind != "-Fp"
        desc = "pg_dump %s with 2 large objects" % kind
        src = _write(dbanon, "lo%s.dump" % kind, pg.pg_dump("lo_src", args))
        out = os.path.join(dbanon.work, "lo%s.out" % kind)
        report = os.path.join(dbanon.work, "lo%s.json" % kind)
        rc, _, err = _run(dbanon, ["-c", config, "-v", "--report", report, "-o", out, src])
        if rep.check(rc == 0, "%s: a run that is not strict passes" % desc, err):
            want = "2 large objects (bytes not counted" if archive else "2 large objects (%d bytes)" % total
            rep.check(want in err and "not anonymized" in err and "NOT CONFIGURED" in err,
                      "%s: -v says how many large objects%s, not anonymized, not configured" %
                      (desc, "" if archive else " and bytes"), err)
            with open(report) as f:
                lo = json.load(f).get("large_objects")
            rep.check(lo == {"count": 2, "bytes": None if archive else total, "action": "unconfigured"},
                      "%s: --report's large_objects says the count%s and action \"unconfigured\"" %
                      (desc, "" if archive else ", the bytes"), lo)
        rc, text, err = _run(dbanon, ["check", "-c", config, src])
        rep.check(rc == 1 and "2 large objects" in text and "NOT CONFIGURED" in text,
                  "%s: dbanon check lists them as not configured and exits 1 (every column covered)" % desc,
                  "exit %d: %s %s" % (rc, text[-400:], err))
        rc, text, err = _run(dbanon, ["check", "-c", keep, src])
        rep.check(rc == 0 and "kept as they are" in text,
                  "%s: with [large_objects] action = \"keep\", check says kept and exits 0" % desc,
                  "exit %d: %s %s" % (rc, text[-400:], err))
        rc, text, err = _run(dbanon, ["check", "--suggest", src])
        rep.check(rc == 0 and "# REVIEW: 2 large objects" in text and "\n# [large_objects]\n# action = \"keep\"\n" in text,
                  "%s: check --suggest leaves [large_objects] commented out under a REVIEW line" % desc, text[:400])
        if os.path.exists(out):
            os.unlink(out)
        rc, _, err = _run(dbanon, ["-c", config, "--strict", "-o", out, src])
        rep.check(rc == 2 and not os.path.exists(out) and "large objects" in err and _positioned(err, archive),
                  "%s: --strict refuses them without [large_objects] (exit 2, positioned, nothing at -o)" % desc,
                  "exit %d: %s" % (rc, err))
        rc, _, err = _run(dbanon, ["-c", keep, "--strict", "-o", out, src])
        if not rep.check(rc == 0 and os.path.exists(out),
                         "%s: --strict with [large_objects] action = \"keep\" passes" % desc, err):
            continue
        if archive:
            text = pg.pg_restore(["-f", "-", out]).stdout
        else:
            with open(out, "rb") as f:
                text = f.read()
        rep.check(not [s for s in secrets if s in text], "%s: no original e-mail in the output" % desc)
        db = "lo_dst%s" % kind.replace("-", "_").lower()
        pg.createdb(db)
        try:
            if archive:
                pg.pg_restore(["-d", db, out])
            else:
                pg.psql(db, file=out)
            got = pg.query(db, "SELECT owner_email, encode(lo_get(scan), 'hex') FROM docs ORDER BY id")
        except Exception as e:  # noqa: BLE001
            rep.check(False, "%s: the output restores" % desc, e)
            continue
        rep.check(len(got) == 2 and all(g[0] not in LO_EMAILS and "@" in g[0] for g in got) and
                  [bytes.fromhex(g[1]) for g in got] == LO_FILES,
                  "%s: it restores (%s) with the objects' bytes unchanged, the e-mails anonymized" %
                  (desc, "pg_restore -d" if archive else "psql"), "%d rows" % len(got))


PROFILES = [(1, '{"email": "ann.profile@corp.example", "phone": "+33 6 11 22 33 44"}',
             "Called Ann Marchetti about her order"),
            (2, '{"contact": {"email": "bob.profile@corp.example"}, "tags": ["vip"]}',
             "Bob Lindqvist prefers e-mail")]


def suggest_part(rep, dbanon, pg):
    import re
    pg.createdb("suggest_src")
    pg.psql("suggest_src", "CREATE TABLE members (id int PRIMARY KEY, profile jsonb, notes text);" +
            "".join("INSERT INTO members VALUES (%d, '%s', '%s');" % r for r in PROFILES))
    src = _write(dbanon, "members.sql", pg.pg_dump("suggest_src", ["-Fp"]))
    secrets = ["ann.profile@corp.example", "bob.profile@corp.example", "Marchetti", "Lindqvist", "11 22 33"]
    desc = "pg_dump -Fp of a jsonb profile and a text notes column"
    rc, text, err = _run(dbanon, ["check", "--suggest", src])
    review = "# REVIEW: free text / JSON may hold personal data"
    ok = (rc == 0 and text.count(review) == 2 and "\n# profile = \"keep\"\n" in text and
          "\n# notes = \"keep\"\n" in text and "\nprofile =" not in text and "\nnotes =" not in text and
          "\nid = \"keep\"\n" in text)
    rep.check(ok, "%s: check --suggest leaves both commented out under a REVIEW line, names id keep" % desc, text[-600:])
    rep.check(not [v for v in secrets if v in text + err], "%s: check --suggest prints no value" % desc)
    cfg = _write(dbanon, "members.toml", 'salt = "%s"\n' % SALT + text)
    out = os.path.join(dbanon.work, "members.out")
    rc, _, err = _run(dbanon, ["-c", cfg, "-o", out, src])
    rep.check(rc == 2 and not os.path.exists(out) and "public.members.profile" in err and
              "public.members.notes" in err and "strict mode" in err,
              "%s: the strict run with the suggested config refuses them (exit 2, nothing at -o)" % desc, err)
    decided = _write(dbanon, "members-decided.toml", re.sub(r'(?m)^# (\S+ = "keep")$', r"\1", open(cfg).read()))
    rc, _, err = _run(dbanon, ["-c", decided, "-o", out, src])
    rep.check(rc == 0 and os.path.exists(out), "%s: decided (keep uncommented), the strict run passes" % desc, err)


def json_paths_part(rep, dbanon, pg):
    import shutil
    typo = _write(dbanon, "json-typo.toml", 'salt = "%s"\n[tables.members]\nid = "keep"\nnotes = "lorem"\n'
                  'profile = { anonymizer = "json", options = { paths = { "$.EMAIL" = "email" } } }\n' % SALT)
    right = _write(dbanon, "json-right.toml", 'salt = "%s"\n[tables.members]\nid = "keep"\nnotes = "lorem"\n'
                   'profile = { anonymizer = "json", options = { paths = { "$.email" = "email", '
                   '"$.contact.email" = "email" } } }\n' % SALT)
    for kind in ("-Fc", "-Fd"):
        src = os.path.join(dbanon.work, "members%s" % kind)
        pg.pg_dump("suggest_src", [kind, "-f", src])
        out = os.path.join(dbanon.work, "members%s.out" % kind)
        desc = "pg_dump %s of a jsonb column, a JSON path that matches nothing" % kind
        rc, _, err = _run(dbanon, ["-c", typo, "-o", out, src])
        rep.check(rc == 2 and not os.path.exists(out) and
                  "table 'members', column 'profile': JSON path '$.EMAIL' matched no value in the column's 2 "
                  "non-null documents" in err and "corp.example" not in err,
                  "%s: exit 2 naming table, column and path, nothing at -o" % desc, err)
        rc, _, err = _run(dbanon, ["-c", right, "-o", out, src])
        rep.check(rc == 0 and os.path.exists(out), "%s: with the right paths it passes" % desc, err)
        if os.path.isdir(out):
            shutil.rmtree(out)
        elif os.path.exists(out):
            os.unlink(out)


def pg_part(rep, dbanon, pg):
    large_objects_part(rep, dbanon, pg)
    suggest_part(rep, dbanon, pg)
    json_paths_part(rep, dbanon, pg)


def mariadb_part(rep, dbanon, db):
    pass


def main(argv):
    import tempfile
    from pg_roundtrip_test import Reporter
    from variants_test import Dbanon
    from pg_harness import PgCluster
    rep = Reporter()
    with tempfile.TemporaryDirectory(prefix="dbanon-cover-") as work:
        dbanon = Dbanon(os.path.abspath(argv[1]), work)
        with PgCluster() as pg:
            pg_part(rep, dbanon, pg)
        if len(argv) > 2 and argv[2] == "--mariadb":
            from mariadb_harness import MariaDb
            with MariaDb() as db:
                mariadb_part(rep, dbanon, db)
    print("# %d passed, %d failed" % (rep.passed, rep.failed))
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main(sys.argv))
