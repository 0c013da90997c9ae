#!/usr/bin/env python3
"""One table-driven test for every path by which a configured value could reach the output.

Usage:
    tests/cli/leak_paths_test.py DBANON_BINARY [-k SUBSTRING ...] [-v]

Every module `tests/cli/leak_paths/*_cases.py` defines `CASES`, a list of dicts:

    name     what the case shows, as a sentence
    dump     the input's bytes (a dump in the real tool's exact shape), written to
             `input` (default "in.sql") in the case's scratch folder; or
    make     callable(tmpdir: pathlib.Path) -> path of the input file or folder it made
    config   the TOML config text (the salt comes from DBANON_SALT)
    markers  byte strings that must never reach the output (default [b"zqxmarker"])
    args     extra dbanon arguments (default [])
    output   the name of the -o target in the scratch folder (default "out.sql";
             a name without a suffix for a -Fd folder)
    expect   "clean":  exit 0, and no marker in the output
             "refuse": a non-zero exit, a positioned message ("FILE:LINE:COL: ..." or
                       "FILE:byte N: ..."), no marker on stderr, nothing at -o
             "either": either of the two, but never exit 0 with a marker in the output

A marker is looked for in the output as written, as lower- and upper-case hex (a
blob, `0x…`, `X'…'`, `\\x…`), and in what `pg_restore -f -` makes of a pg_dump
archive (so compressed data blocks are searched too), in a gzip or zstd output
decompressed, and in every file of a -Fd folder. New leak paths join by adding a
module; the runner needs no change.

Output: one `ok - NAME` or `not ok - NAME: detail` line per case; exit status 1 if
any case failed.
"""

import glob
import gzip
import importlib.util
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import dbanon_cli as cli

HERE = pathlib.Path(__file__).resolve().parent
SALT = "leak-paths-test-salt-0123456789"
TIMEOUT = 120
POSITIONED = cli.POSITIONED


def find_pg_restore():
    for cand in sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_restore"), reverse=True):
        return cand
    return shutil.which("pg_restore")


def load_cases():
    cases = []
    for path in sorted((HERE / "leak_paths").glob("*_cases.py")):
        spec = importlib.util.spec_from_file_location("leak_paths_" + path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for case in module.CASES:
            case = dict(case)
            case["module"] = path.name
            cases.append(case)
    return cases


marker_forms = cli.marker_forms


def output_texts(out, pg_restore):
    """Every text the output amounts to: its bytes, decompressed, and pg_restore's view."""
    texts = []
    files = sorted(p for p in out.rglob("*") if p.is_file()) if out.is_dir() else [out]
    for f in files:
        data = f.read_bytes()
        texts.append((str(f.name), data))
        if data[:2] == b"\x1f\x8b":
            try:
                texts.append((f.name + " (gunzip)", gzip.decompress(data)))
            except (OSError, EOFError):
                pass
        if data[:4] == b"\x28\xb5\x2f\xfd" and shutil.which("zstd"):
            r = subprocess.run(["zstd", "-dc"], input=data, capture_output=True)
            texts.append((f.name + " (unzstd)", r.stdout))
    is_archive = (out.is_dir() and (out / "toc.dat").exists()) or \
                 (out.is_file() and out.read_bytes()[:5] == b"PGDMP")
    if is_archive:
        if not pg_restore:
            raise RuntimeError("pg_restore is needed to read an archive output and was not found")
        r = subprocess.run([pg_restore, "-f", "-", str(out)], capture_output=True, timeout=TIMEOUT)
        if r.returncode != 0:
            raise RuntimeError("pg_restore -f - failed on the output: " + r.stderr.decode(errors="replace")[-300:])
        texts.append(("pg_restore -f -", r.stdout))
    return texts


def run_case(case, binary, pg_restore, verbose):
    markers = case.get("markers", [b"zqxmarker"])
    expect = case.get("expect", "clean")
    assert expect in ("clean", "refuse", "either"), expect
    with tempfile.TemporaryDirectory(prefix="dbanon-leak-") as tmp:
        tmp = pathlib.Path(tmp)
        if "make" in case:
            src = pathlib.Path(case["make"](tmp))
        else:
            src = tmp / case.get("input", "in.sql")
            src.write_bytes(case["dump"])
        # A hand-written input must hold the markers, or the case proves nothing.
        if "dump" in case:
            for m in markers:
                if not any(f in case["dump"] for f in marker_forms(m)):
                    return "the input does not hold the marker %r" % m
        cfg = tmp / "cfg.toml"
        cfg.write_text(case["config"])
        out = tmp / case.get("output", "out.sql")
        args = ["-c", str(cfg), *case.get("args", []), str(src), "-o", str(out)]
        r = cli.run(args, cwd=tmp, env={"DBANON_SALT": SALT}, timeout=TIMEOUT, binary=binary)
        if r.rc == "timeout":
            return "hang: no exit within %d s" % TIMEOUT
        if verbose:
            sys.stderr.write("# %s: exit %d\n%s" % (case["name"], r.rc, r.err.decode(errors="replace")))
        if cli.leaked(r.err, markers):
            return "stderr holds a marker"
        if r.rc == 0:
            if expect == "refuse":
                return "exit 0, expected a refusal"
            for where, text in output_texts(out, pg_restore):
                if cli.leaked(text, markers):
                    return "a marker reached the output (%s)" % where
            return None
        if expect == "clean":
            return "exit %d, expected success: %s" % (r.rc, r.err.decode(errors="replace")[-300:])
        if r.rc < 0:
            return "killed by signal %d" % -r.rc
        if not POSITIONED.search(r.err):
            return "the refusal has no FILE:LINE:COL or FILE:byte N position: %s" % r.err.decode(errors="replace")[-300:]
        if out.exists():
            return "a refusal left something at -o"
        return None


def main():
    args = cli.parse_args(__doc__)
    pg_restore = find_pg_restore()
    cases = load_cases()
    names = [c["name"] for c in cases]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:  # one failing case that names them
        cases.insert(0, {"name": "case names are unique", "module": "runner", "dupes": dupes})
    for c in cases:
        c["tap_name"] = "[%s] %s" % (c["module"], c["name"])

    def run_one(case):
        if "dupes" in case:
            return ["two cases are named %s" % ", ".join(case["dupes"])]
        problem = run_case(case, cli.BIN, pg_restore, args.v)
        return [problem] if problem else []

    return cli.main([(c["tap_name"], c) for c in cases], lambda pair: run_one(pair[1]), args=args)


if __name__ == "__main__":
    sys.exit(main())
