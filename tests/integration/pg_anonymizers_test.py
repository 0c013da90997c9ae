#!/usr/bin/env python3
"""Every anonymizer in one table, through a real PostgreSQL 15.

Usage: pg_anonymizers_test.py DBANON_BINARY

A table `people` has one column (or group of columns) per anonymizer, typed as
an application would type it, several with limits the anonymizers' natural
output exceeds (an e-mail in varchar(20) narrowed, a first name in varchar(6), a
smallint for a drawn integer); a table `sessions` is truncated. The database
is dumped three ways (pg_dump -Fp, --inserts, -Fc), run through dbanon and
restored (psql -v ON_ERROR_STOP=1, pg_restore --exit-on-error) into fresh
databases. Checks, printing `ok - ...` / `not ok - ...` lines:
  * every restore succeeds: values fit their columns and types (uuid, inet,
    jsonb, date, timestamptz, numeric are checked by the server itself);
  * row counts equal, `sessions` empty;
  * NULL stays NULL in every column (except the `null` anonymizer's, all NULL);
  * each anonymizer's output is valid: e-mail syntax, 32 hex, bcrypt/argon2id
    hashes that PHP's password_verify accepts (when php is installed),
    integers and dates in their bounds, IBAN mod-97, Luhn, JSON with the same
    keys, IP of the input's family with the kept prefix, UUID version 4,
    masks, regex replacement, phone ranges, coherent address parts;
  * `keep` and unconfigured columns are unchanged; configured ones changed;
  * the three formats give the same restored data, and -j1 equals -j2.
Exit status: 0 all passed, 1 some failed, 77 PostgreSQL is not installed.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import pg_harness  # noqa: E402

ROWS = 2000

SCHEMA = """
SET client_min_messages = warning;
CREATE TABLE public.people (
    id integer PRIMARY KEY,
    email character varying(20),
    email_plain text,
    digest character(32),
    pw_bcrypt character varying(60),
    pw_argon text,
    age smallint,
    salary integer,
    score bigint,
    price numeric(12,2),
    born date,
    seen timestamp with time zone,
    erased text,
    flag character varying(4),
    tier text,
    first_name character varying(6),
    last_name character varying(12),
    bio text,
    street character varying(80),
    secondary character varying(40),
    zip character varying(10),
    city character varying(60),
    region character varying(60),
    country character varying(60),
    fr_first text,
    fr_last text,
    fr_street text,
    fr_zip character(5),
    fr_city text,
    fr_region text,
    iban character varying(34),
    bic character varying(11),
    ref character varying(40),
    fr_phone character(10),
    token character(64),
    card_hint text,
    login text,
    uid uuid,
    ip inet,
    ip6 inet,
    phone text,
    card character varying(19),
    doc jsonb,
    kept text,
    note text
);
CREATE TABLE public.sessions (id integer PRIMARY KEY, token text);

INSERT INTO public.people
SELECT i,
       CASE WHEN i % 7 = 0 THEN NULL ELSE 'user' || i || '@corp.org' END,
       CASE WHEN i % 7 = 1 THEN NULL ELSE 'plain' || i || '@corp.example.org' END,
       CASE WHEN i % 7 = 2 THEN NULL ELSE md5('d' || i) END,
       CASE WHEN i % 7 = 3 THEN NULL ELSE '$2y$10$' || substr(md5('p' || i) || md5('q' || i), 1, 53) END,
       CASE WHEN i % 7 = 4 THEN NULL ELSE 'old-secret-' || i END,
       CASE WHEN i % 7 = 5 THEN NULL ELSE (i % 90)::smallint END,
       CASE WHEN i % 7 = 6 THEN NULL ELSE 30000 + i * 7 END,
       CASE WHEN i % 11 = 0 THEN NULL ELSE 1000000 + i END,
       CASE WHEN i % 11 = 1 THEN NULL ELSE (i * 1.25)::numeric(12,2) END,
       CASE WHEN i % 11 = 2 THEN NULL ELSE date '1950-01-01' + i * 9 END,
       CASE WHEN i % 11 = 3 THEN NULL ELSE timestamptz '2024-03-01 10:00:00+00' + i * interval '37 minutes' END,
       'erase me ' || i,
       CASE WHEN i % 11 = 4 THEN NULL ELSE 'f' || (i % 100) END,
       CASE WHEN i % 11 = 5 THEN NULL ELSE 'tier-' || (i % 5) END,
       CASE WHEN i % 11 = 6 THEN NULL ELSE 'Fn' || i END,
       CASE WHEN i % 11 = 7 THEN NULL ELSE 'Lastname' || i END,
       CASE WHEN i % 11 = 8 THEN NULL ELSE E'Bio of person ' || i || E'\\twith a tab\\nand a newline' END,
       CASE WHEN i % 13 = 0 THEN NULL ELSE i || ' Real Street' END,
       CASE WHEN i % 13 = 1 THEN NULL ELSE 'Apt ' || i END,
       CASE WHEN i % 13 = 2 THEN NULL ELSE lpad((i * 37 % 99999)::text, 5, '0') END,
       CASE WHEN i % 13 = 3 THEN NULL ELSE 'Realcity ' || i END,
       CASE WHEN i % 13 = 4 THEN NULL ELSE 'State ' || i END,
       CASE WHEN i % 13 = 5 THEN NULL ELSE 'Country ' || i END,
       CASE WHEN i % 13 = 6 THEN NULL ELSE 'Prénom' || i END,
       CASE WHEN i % 13 = 7 THEN NULL ELSE 'Nom' || i END,
       CASE WHEN i % 13 = 8 THEN NULL ELSE i || ' rue Réelle' END,
       CASE WHEN i % 13 = 9 THEN NULL ELSE lpad((i * 41 % 95000 + 1000)::text, 5, '0') END,
       CASE WHEN i % 13 = 10 THEN NULL ELSE 'Villeréelle ' || i END,
       CASE WHEN i % 13 = 11 THEN NULL ELSE 'Région ' || i END,
       CASE WHEN i % 17 = 0 THEN NULL ELSE 'FR76' || lpad(i::text, 23, '3') END,
       CASE WHEN i % 17 = 0 THEN NULL ELSE 'REALFRPP' END,
       CASE WHEN i % 17 = 1 THEN NULL ELSE 'REF-' || i END,
       CASE WHEN i % 17 = 2 THEN NULL ELSE '06' || lpad(i::text, 8, '1') END,
       CASE WHEN i % 17 = 3 THEN NULL ELSE md5('t' || i) || md5('u' || i) END,
       CASE WHEN i % 17 = 4 THEN NULL ELSE '4970' || lpad(i::text, 12, '5') END,
       CASE WHEN i % 17 = 5 THEN NULL ELSE 'login.' || i || '@corp.example.org' END,
       CASE WHEN i % 17 = 6 THEN NULL ELSE md5('uuid' || i)::uuid END,
       CASE WHEN i % 17 = 7 THEN NULL ELSE ('10.' || (i / 256) || '.' || (i % 256) || '.7')::inet END,
       CASE WHEN i % 17 = 8 THEN NULL ELSE ('2001:db8::' || to_hex(i))::inet END,
       CASE WHEN i % 17 = 9 THEN NULL ELSE '+44 20 3123 ' || lpad((i % 10000)::text, 4, '0') END,
       CASE WHEN i % 17 = 10 THEN NULL ELSE '4111 1111 1111 ' || lpad((i % 10000)::text, 4, '0') END,
       CASE WHEN i % 17 = 11 THEN NULL
            ELSE jsonb_build_object('email', 'json' || i || '@corp.example.org', 'name', 'Jname' || i,
                                    'items', jsonb_build_array(jsonb_build_object('owner', 'Owner' || i, 'n', i)),
                                    'n', i) END,
       CASE WHEN i % 17 = 12 THEN NULL ELSE 'kept ' || i END,
       'note ' || i
FROM generate_series(1, ROWS) AS i;
INSERT INTO public.sessions SELECT i, 'session-secret-' || i FROM generate_series(1, 50) AS i;
""".replace("ROWS", str(ROWS))

CONFIG = r'''
salt = "every-anonymizer-salt"

[tables.sessions]
truncate = true

[tables.people]
email = "email"
email_plain = { anonymizer = "email", options = { domain = "anon.test", use_salt = false, unique = true } }
digest = { anonymizer = "md5", options = { unique = true } }
pw_bcrypt = { anonymizer = "password", options = { algorithm = "bcrypt", password = "s3cret" } }
pw_argon = { anonymizer = "password", options = { algorithm = "argon2id" } }
age = { anonymizer = "integer", options = { min = 18, max = 99999 } }
salary = { anonymizer = "integer", options = { delta = 500 } }
score = { anonymizer = "integer", options = { percent = 10 } }
price = { anonymizer = "float", options = { min = 1, max = 500, precision = 2 } }
born = { anonymizer = "date", options = { min = "1940-01-01", max = "2005-12-31", format = "date" } }
seen = { anonymizer = "date", options = { delta = "P2D" } }
erased = "null"
flag = { anonymizer = "constant", options = { value = "ZZ" } }
tier = { anonymizer = "string", options = { sample = ["gold", "silver", "bronze"] } }
first_name = "firstname"
last_name = "lastname"
bio = { anonymizer = "lorem", options = { words = 12 } }
fr_first = "fr-fr.firstname"
fr_last = "fr-fr.lastname"
ref = { anonymizer = "pattern", options = { pattern = "{lastname}-[100,999]" } }
fr_phone = { anonymizer = "fr-fr.phone", options = { mode = "mobile" } }
token = { anonymizer = "hash", options = { unique = true } }
card_hint = { anonymizer = "mask", options = { keep_end = 4 } }
login = { anonymizer = "regex", options = { pattern = '^(\w)[^@]*@(.*)$', replacement = '\1***@\2' } }
uid = { anonymizer = "uuid", options = { unique = true } }
ip = { anonymizer = "ip", options = { keep_prefix = 8 } }
ip6 = "ip"
phone = { anonymizer = "phone", options = { locale = "en-gb" } }
card = { anonymizer = "credit_card", options = { keep_bin = true } }
doc = { anonymizer = "json", options = { paths = { "$.email" = "email", "$.name" = "lastname", "$.items[*].owner" = "firstname" } } }
kept = "keep"

[tables.people.postal]
anonymizer = "address"
options = { street_address = "street", secondary_address = "secondary", postal_code = "zip", locality = "city", region = "region", country = "country" }

[tables.people.fr_postal]
anonymizer = "fr-fr.address"
options = { street_address = "fr_street", postal_code = "fr_zip", locality = "fr_city", region = "fr_region" }

[tables.people.bank]
anonymizer = "iban-bic"
options = { iban = "iban", bic = "bic", country = "DE" }
'''

# Columns whose values change (every non-NULL value of the source differs in
# the output) and columns left equal.
CHANGED = ["email", "email_plain", "digest", "pw_bcrypt", "pw_argon", "bio", "first_name", "last_name",
           "street", "secondary", "city", "region", "country", "fr_first", "fr_last", "fr_street",
           "fr_city", "fr_region", "iban", "bic", "ref", "fr_phone", "token", "login", "uid", "phone",
           "card", "doc", "flag", "tier"]
EQUAL = ["id", "kept", "note"]


class Reporter:
    def __init__(self):
        self.failed = 0
        self.n = 0

    def check(self, cond, what, detail=""):
        self.n += 1
        if cond:
            print("ok - %s" % what)
        else:
            self.failed += 1
            print("not ok - %s%s" % (what, (": " + detail) if detail else ""))
        sys.stdout.flush()
        return cond


def run_dbanon(binary, cfg, args, input_bytes=None):
    p = subprocess.run([binary, "-c", cfg] + args, input=input_bytes, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=600)
    return p


def iban_ok(s):
    s = s.replace(" ", "")
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}", s):
        return False
    r = s[4:] + s[:4]
    digits = "".join(str(int(c, 36)) for c in r)
    return int(digits) % 97 == 1


def luhn_ok(s):
    d = [int(c) for c in s if c.isdigit()]
    total = 0
    for i, x in enumerate(reversed(d)):
        if i % 2 == 1:
            x *= 2
            if x > 9:
                x -= 9
        total += x
    return total % 10 == 0


def php_verify(hashes, password):
    """True/False per hash from PHP's password_verify; None without php."""
    php = shutil.which("php")
    if php is None:
        return None
    code = ("$p = $argv[1]; $ok = 0; $n = 0; while (($l = fgets(STDIN)) !== false) { $l = rtrim($l, \"\\n\"); "
            "$n++; if (password_verify($p, $l)) $ok++; } echo $ok, ' ', $n;")
    p = subprocess.run([php, "-r", code, password], input="\n".join(hashes) + "\n", capture_output=True,
                       text=True, timeout=300)
    if p.returncode != 0:
        return False
    ok, n = p.stdout.split()
    return ok == n and int(n) == len(hashes)


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    binary = os.path.abspath(sys.argv[1])
    try:
        bindir = pg_harness.find_bindir()
    except Exception as e:  # noqa: BLE001
        print("1..0 # SKIP PostgreSQL not installed: %s" % e)
        return 77
    rep = Reporter()
    tmp = tempfile.mkdtemp(prefix="dbanon-anonymizers-")
    os.chmod(tmp, 0o755)
    try:
        cfg = os.path.join(tmp, "dbanon.toml")
        with open(cfg, "w") as f:
            f.write(CONFIG)
        with pg_harness.PgCluster(bindir=bindir) as pg:
            pg.createdb("src")
            pg.psql("src", SCHEMA)
            cols = [r[0] for r in pg.query("src", "SELECT column_name FROM information_schema.columns "
                                                  "WHERE table_name = 'people' ORDER BY ordinal_position")]
            src = {r[0]: dict(zip(cols, r)) for r in pg.query("src", "SELECT * FROM people")}

            results = {}
            plain = pg.pg_dump("src", ["-Fp"])
            inserts = pg.pg_dump("src", ["-Fp", "--inserts"])
            archive = os.path.join(tmp, "src.dump")
            pg.run_client("pg_dump", ["-Fc", "-d", "src", "-f", archive])

            outs = {}
            for name, data in (("plain", plain), ("inserts", inserts)):
                r1 = run_dbanon(binary, cfg, ["-j1"], data)
                r2 = run_dbanon(binary, cfg, ["-j2"], data)
                rep.check(r1.returncode == 0, "%s: dbanon exits 0" % name, r1.stderr.decode(errors="replace")[-500:])
                rep.check(r1.stdout == r2.stdout, "%s: -j1 and -j2 outputs are identical" % name)
                outs[name] = r1.stdout
            out_archive = os.path.join(tmp, "anon.dump")
            r = run_dbanon(binary, cfg, ["-j2", archive, "-o", out_archive])
            rep.check(r.returncode == 0, "custom archive: dbanon exits 0", r.stderr.decode(errors="replace")[-500:])

            for name in ("plain", "inserts", "archive"):
                db = "anon_" + name
                pg.createdb(db)
                if name == "archive":
                    p = pg.pg_restore(["--exit-on-error", "-d", db, out_archive], check=False)
                else:
                    p = pg.psql(db, input=outs[name], check=False)
                if not rep.check(p.returncode == 0, "%s: the output restores without errors" % name,
                                 p.stderr.decode(errors="replace")[-800:]):
                    continue
                results[name] = {r[0]: dict(zip(cols, r)) for r in pg.query(db, "SELECT * FROM people")}
                rep.check(pg.scalar(db, "SELECT count(*) FROM sessions") == "0", "%s: sessions truncated" % name)

            if "plain" not in results:
                return 1
            out = results["plain"]
            for name in ("inserts", "archive"):
                if name in results:
                    rep.check(results[name] == out, "%s: restores the same data as the plain dump" % name)

            rep.check(len(out) == len(src) == ROWS, "row count kept (%d)" % ROWS)
            # NULL stays NULL, and non-NULL stays non-NULL.
            for c in cols:
                if c == "erased":
                    continue
                diff = [k for k in src if (src[k][c] is None) != (out[k][c] is None)]
                rep.check(not diff, "column %s: NULLs kept where they were" % c, "%d rows differ" % len(diff))
            rep.check(all(v["erased"] is None for v in out.values()), "null: every value NULL")
            for c in EQUAL:
                rep.check(all(src[k][c] == out[k][c] for k in src), "column %s unchanged" % c)
            for c in CHANGED:
                same = [k for k in src if src[k][c] is not None and src[k][c] == out[k][c]]
                rep.check(not same, "column %s: every value replaced" % c, "%d rows kept" % len(same))

            vals = lambda c: [v[c] for v in out.values() if v[c] is not None]  # noqa: E731
            emails = vals("email")
            rep.check(all(re.fullmatch(r"[a-z0-9]{13}@a\.test", v) for v in emails)
                      and len(set(emails)) == len(emails),
                      "email: valid addresses narrowed to varchar(20) (13 base-36 characters, 64 keyed bits, "
                      "@a.test), distinct")
            plain_emails = vals("email_plain")
            rep.check(all(re.fullmatch(r"anon-[0-9a-f]{32}@anon\.test", v) for v in plain_emails)
                      and len(set(plain_emails)) == len(plain_emails), "email (use_salt=false, unique): distinct")
            rep.check(all(re.fullmatch(r"[0-9a-f]{32}", v) for v in vals("digest")), "md5: 32 hex characters")
            bc = vals("pw_bcrypt")
            ar = vals("pw_argon")
            rep.check(len(set(bc)) == 1 and bc[0].startswith("$2y$10$") and len(bc[0]) == 60,
                      "password bcrypt: one $2y$ hash for every row")
            rep.check(len(set(ar)) == 1 and ar[0].startswith("$argon2id$"), "password argon2id: one hash")
            verified = php_verify([bc[0]], "s3cret")
            if verified is not None:
                rep.check(verified, "password bcrypt: PHP's password_verify accepts it")
                rep.check(php_verify([ar[0]], "password"), "password argon2id: PHP's password_verify accepts it")
            rep.check(all(-32768 <= int(v) <= 32767 and int(v) >= 18 for v in vals("age")),
                      "integer min/max: in [18, smallint max] (clamped to the column)")
            rep.check(all(abs(int(out[k]["salary"]) - int(src[k]["salary"])) <= 500
                          for k in src if src[k]["salary"] is not None), "integer delta: within 500")
            rep.check(all(abs(int(out[k]["score"]) - int(src[k]["score"])) <= int(src[k]["score"]) * 0.1 + 1
                          for k in src if src[k]["score"] is not None), "integer percent: within 10%")
            rep.check(all(1 <= float(v) <= 500 and re.fullmatch(r"\d+\.\d\d", v) for v in vals("price")),
                      "float: in [1, 500] with 2 decimals")
            rep.check(all("1940-01-01" <= v <= "2005-12-31" and len(v) == 10 for v in vals("born")),
                      "date min/max: dates in bounds")
            rep.check(all(out[k]["seen"] != src[k]["seen"] for k in src if src[k]["seen"] is not None),
                      "date delta: timestamps moved")
            rep.check(all(v == "ZZ" for v in vals("flag")), "constant")
            rep.check(set(vals("tier")) <= {"gold", "silver", "bronze"}, "string: values from the sample")
            rep.check(all(len(v) <= 6 for v in vals("first_name")), "firstname: cut to varchar(6)")
            rep.check(len(set(vals("last_name"))) > 100, "lastname: varied names")
            rep.check(all(len(v.split()) == 12 for v in vals("bio")), "lorem: 12 words")
            rep.check(all(re.fullmatch(r"[^\d]+-\d{3}", v) for v in vals("ref")), "pattern: name-NNN")
            rep.check(all(re.fullmatch(r"063998\d{4}", v) for v in vals("fr_phone")), "fr-fr.phone: fiction range")
            toks = vals("token")
            rep.check(all(re.fullmatch(r"[0-9a-f]{64}", v) for v in toks) and len(set(toks)) == len(toks),
                      "hash: 64 hex, distinct")
            rep.check(all(re.fullmatch(r"\*+\d{4}", v) for v in vals("card_hint")), "mask: last 4 kept")
            rep.check(all(out[k]["login"] == src[k]["login"][0] + "***@corp.example.org"
                          for k in src if src[k]["login"] is not None), "regex: groups replaced")
            uids = vals("uid")
            rep.check(all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", v)
                          for v in uids) and len(set(uids)) == len(uids), "uuid: version 4, distinct")
            rep.check(all(v.startswith("10.") and ":" not in v for v in vals("ip")), "ip: IPv4, first 8 bits kept")
            rep.check(all(":" in v for v in vals("ip6")), "ip: IPv6 stays IPv6")
            rep.check(all(re.fullmatch(r"\+44 \d{2,4} \d{3,4} \d{3,4}", v) for v in vals("phone")),
                      "phone en-gb: E.164 form like the input")
            rep.check(all(v.startswith("4111 11") and luhn_ok(v) and len(v) == 19 for v in vals("card")),
                      "credit_card: Luhn-valid, BIN and spacing kept")
            rep.check(all(iban_ok(v) and v.startswith("DE") for v in vals("iban")), "iban-bic: IBAN mod-97 valid")
            rep.check(all(re.fullmatch(r"[A-Z]{4}DE[A-Z0-9]{2}([A-Z0-9]{3})?", v) for v in vals("bic")),
                      "iban-bic: German BICs")
            docs_ok = True
            for k in src:
                if src[k]["doc"] is None:
                    continue
                a, b = json.loads(src[k]["doc"]), json.loads(out[k]["doc"])
                if (set(a) != set(b) or b["n"] != a["n"] or b["email"] == a["email"] or b["name"] == a["name"]
                        or b["items"][0]["owner"] == a["items"][0]["owner"] or b["items"][0]["n"] != a["items"][0]["n"]):
                    docs_ok = False
            rep.check(docs_ok, "json: same keys, configured paths replaced, others kept")
            rep.check(all(re.fullmatch(r"\d{5}(-\d{4})?", v) for v in vals("zip")), "address: US ZIP codes")
            rep.check(all(re.fullmatch(r"\d{5}", v) for v in vals("fr_zip")), "fr-fr.address: 5-digit codes")

            # No original value of a changed column left in the output bytes.
            leaks = []
            for c in CHANGED + ["erased"]:
                if c in ("tier", "flag", "bic"):
                    continue  # short sample values that may recur by chance
                for k in src:
                    v = src[k][c]
                    if v is not None and len(v) >= 8 and v.encode() in outs["plain"]:
                        leaks.append(c)
                        break
            rep.check(not leaks, "no original value of a configured column in the plain output",
                      "columns " + ", ".join(leaks))
            rep.check(b"session-secret-" not in outs["plain"], "truncated table's rows are gone")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % rep.n)
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main())
