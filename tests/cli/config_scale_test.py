#!/usr/bin/env python3
"""How dbanon behaves as the config grows and as it names options.

Usage: tests/cli/config_scale_test.py DBANON_BINARY

- Memory does not grow with the number of configured columns: 4,000
  configured columns (40 tables x 100) at -j2 stay below a bound (the value
  cache is one per thread, not one per column and thread; before, this run
  took 1.3 GB).
"""

import pathlib
import resource
import subprocess
import sys
import tempfile

BIN = None
FAILED = []


def check(name, ok, detail=''):
    print(('ok - ' if ok else 'not ok - ') + name + ('' if ok else ': ' + detail))
    if not ok:
        FAILED.append(name)


def test_memory_does_not_grow_with_the_number_of_configured_columns(tmp):
    ncols, ntab = 100, 40
    dump, cfg = [], ['salt = "s"\n']
    for t in range(ntab):
        cols = [f'c{i}' for i in range(ncols)]
        dump.append(f'CREATE TABLE public.t{t} (\n' + ',\n'.join(f'    {c} text' for c in cols) + '\n);\n\n')
        dump.append(f'COPY public.t{t} ({", ".join(cols)}) FROM stdin;\n')
        for r in range(3):
            dump.append('\t'.join(f'v{r}_{i}' for i in range(ncols)) + '\n')
        dump.append('\\.\n\n')
        cfg.append(f'[tables.t{t}]\n' + ''.join(f'{c} = "firstname"\n' for c in cols))
    (tmp / 'in.sql').write_text(''.join(dump))
    (tmp / 'cfg.toml').write_text(''.join(cfg))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    p = subprocess.run([BIN, '-j2', '-c', str(tmp / 'cfg.toml'), '-o', str(tmp / 'out.sql'), str(tmp / 'in.sql')],
                       capture_output=True, timeout=600)
    rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of the children is the largest child so far; this is the first.
    bound_kb = 400 * 1024  # sanitizer builds included; the release build needs about 20 MB
    check('4,000 configured columns at -j2 run in bounded memory',
          p.returncode == 0 and rss_kb < bound_kb and before < bound_kb,
          f'exit {p.returncode}, peak RSS {rss_kb} KB (bound {bound_kb} KB): {p.stderr[-300:]!r}')


def main():
    global BIN
    BIN = sys.argv[1]
    tests = [v for k, v in sorted(globals().items()) if k.startswith('test_')]
    for t in tests:
        with tempfile.TemporaryDirectory() as d:
            t(pathlib.Path(d))
    return 1 if FAILED else 0


if __name__ == '__main__':
    sys.exit(main())
