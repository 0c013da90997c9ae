"""What every command-line suite of tests/cli shares: running the dbanon binary,
scratch folders, positioned-error and leak checks, case selection with -k, and
the TAP output.

A suite imports it (`import dbanon_cli as cli`; tests/cli is the script's own
folder, so it is on sys.path), registers its cases, and ends with

    if __name__ == '__main__':
        sys.exit(cli.main(CASES, run_one, __doc__))

where each case has a name (a behaviour sentence) and `run_one(case)` returns
its failures: a list of strings (empty: passed), or a string starting with
'SKIP' when the case cannot run here. `main` parses

    SUITE.py DBANON_BINARY [-k SUBSTRING ...] [-v] [-j WORKERS]

sets `cli.BIN`, runs the cases whose name holds one of the -k strings (all
without -k), in parallel with -j, and prints one `ok - NAME` or
`not ok - NAME: first failure` line per case (further failures on `#` lines),
then `# PASSED/TOTAL passed in S s`. Exit status: 0, 1 when a case failed, 2
when the binary is not executable. Two cases of one name are one failure.

Suites written as scripts (a call per case at top level) use `Tap` instead:
`tap = cli.Tap.from_argv(__doc__)`, `if tap.wanted(name): tap.report(name, errs)`,
`sys.exit(tap.finish())`.

The child's environment (`child_env`) has no DBANON_* variable of the caller
and LC_ALL=C, so a developer's DBANON_SALT cannot change a result.
"""

import argparse
import concurrent.futures
import os
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import time

BIN = None        # absolute path of the binary under test, set by main() / Tap.from_argv()
TIMEOUT = 60      # seconds a run may take before it counts as a hang

# A clean refusal names the input and the place: "NAME:LINE:COL: message", or
# "NAME:byte N: message" for archives (README, "Errors").
POSITIONED = re.compile(rb'^[^\n:]+:(?:\d+:\d+|byte \d+): \S.*$', re.M)
# What a sanitizer or the C++ runtime prints when the program is broken.
CRASH_WORDS = (b'AddressSanitizer', b'LeakSanitizer', b'ThreadSanitizer', b'runtime error:',
               b'UndefinedBehaviorSanitizer', b'terminate called', b'Segmentation fault')


# ---------------------------------------------------------------------------
# Running the binary
# ---------------------------------------------------------------------------

class Result:
    """One run: the command, its exit code (negative: killed by that signal;
    'timeout': killed after the timeout), stdout, stderr and the folder it ran in."""

    def __init__(self, cmd, rc, out, err, cwd, seconds=0.0):
        self.cmd, self.rc, self.out, self.err, self.cwd, self.seconds = cmd, rc, out, err, cwd, seconds

    # The subprocess.CompletedProcess names, for suites written against them.
    @property
    def returncode(self):
        return self.rc

    @property
    def stdout(self):
        return self.out

    @property
    def stderr(self):
        return self.err

    def show(self):
        """The command as a shell line, the binary shown as `dbanon`."""
        return ' '.join(shlex.quote(str(a)) for a in ['dbanon'] + list(self.cmd[1:]))


def child_env(extra=None):
    """The caller's environment without DBANON_* variables, with LC_ALL=C, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith('DBANON_')}
    env['LC_ALL'] = 'C'
    if extra:
        env.update(extra)
    return env


def run(args, cwd=None, stdin=None, env=None, timeout=None, binary=None):
    """Runs `binary` (default BIN) with `args` in `cwd`. `stdin`: bytes, or None
    for /dev/null; `env`: variables added to child_env(). Never raises on a hang:
    the result's rc is then 'timeout'."""
    cmd = [binary or BIN] + [str(a) for a in args]
    t0 = time.time()
    try:
        p = subprocess.run(cmd, cwd=cwd, input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
                           capture_output=True, env=child_env(env), timeout=timeout or TIMEOUT)
        return Result(cmd, p.returncode, p.stdout, p.stderr, cwd, time.time() - t0)
    except subprocess.TimeoutExpired as e:
        return Result(cmd, 'timeout', e.stdout or b'', e.stderr or b'', cwd, time.time() - t0)


def is_sanitized(binary=None):
    """True for a binary built with AddressSanitizer, or when DBANON_SANITIZED=1
    (CI's sanitizer stages): slow cases then check fewer inputs."""
    with open(binary or BIN, 'rb') as f:
        return b'AddressSanitizer' in f.read() or os.environ.get('DBANON_SANITIZED') == '1'


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------

def scratch(prefix='dbanon-test-'):
    """A temporary folder, removed at the end of the `with` block."""
    return tempfile.TemporaryDirectory(prefix=prefix)


def write(folder, name, data):
    """Writes bytes or text to folder/name (making its folders); returns the path."""
    path = os.path.join(folder, name)
    if os.path.dirname(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb' if isinstance(data, (bytes, bytearray)) else 'w') as f:
        f.write(data)
    return path


def read(path):
    with open(path, 'rb') as f:
        return f.read()


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------

def positioned(err):
    """The positioned message lines of stderr (see POSITIONED)."""
    return [m.group(0) for m in POSITIONED.finditer(err)]


def marker_forms(marker):
    """A marker as it may reach an output: as is, and as lower- and upper-case hex
    (a blob: `0x…`, `X'…'`, `\\x…`)."""
    return {marker, marker.hex().encode(), marker.hex().upper().encode()}


def leaked(data, markers):
    """The markers found in `data` in any of their forms."""
    return [m for m in markers if any(f in data for f in marker_forms(m))]


def crash_errors(r):
    """What no run may do whatever its input: a hang, a signal, a sanitizer report."""
    errs = []
    if r.rc == 'timeout':
        errs.append('hang: no exit before the timeout')
    elif r.rc < 0:
        errs.append(f'killed by signal {-r.rc}')
    for w in CRASH_WORDS:
        if w in r.err:
            errs.append(f'stderr reports {w.decode()}')
    return errs


# ---------------------------------------------------------------------------
# Cases and TAP output
# ---------------------------------------------------------------------------

def name_of(case):
    """A case's name: a `name` attribute or key, a (name, fn) pair, or a
    function's first docstring line."""
    if isinstance(case, dict):
        return case['name']
    if isinstance(case, tuple):
        return case[0]
    if hasattr(case, 'name'):
        return case.name
    return case.__doc__.strip().split('\n')[0].strip()


class Tap:
    """Prints one TAP line per case and counts the failures (thread-safe)."""

    def __init__(self, only=(), verbose=False):
        self.only = list(only)
        self.verbose = verbose
        self.total = 0
        self.failed = 0
        self.planned = False  # the `1..N` line printed before the cases (else after them)
        self.t0 = time.time()
        self.lock = threading.Lock()

    @classmethod
    def from_argv(cls, doc, argv=None):
        """For script-style suites: parses the arguments main() takes, sets BIN."""
        a = parse_args(doc, argv)
        return cls(a.k, a.v)

    def wanted(self, name):
        return not self.only or any(k in name for k in self.only)

    def report(self, name, errs, seconds=None):
        with self.lock:
            self.total += 1
            dur = f' ({seconds:.2f}s)' if self.verbose and seconds is not None else ''
            if isinstance(errs, str) and errs.startswith('SKIP'):
                print(f'ok - {name} # {errs}{dur}')
            elif errs:
                self.failed += 1
                print(f'not ok - {name}: {errs[0]}{dur}')
                for e in errs[1:]:
                    print(f'#     {e}')
            else:
                print(f'ok - {name}{dur}')
            sys.stdout.flush()
        return not errs or isinstance(errs, str)

    def finish(self):
        if not self.planned:
            print(f'1..{self.total}')
        print(f'# {self.total - self.failed}/{self.total} passed in {time.time() - self.t0:.1f}s')
        return 1 if self.failed else 0


def parse_args(doc, argv=None, jobs=1, extra=None):
    """Parses DBANON_BINARY [-k SUBSTRING ...] [-v] [-j N]; sets BIN. `extra(parser)`
    may add a suite's own options."""
    global BIN
    ap = argparse.ArgumentParser(description=(doc or '').strip().split('\n\n')[0])
    ap.add_argument('binary')
    ap.add_argument('-k', action='append', default=[], help='run only cases whose name contains this')
    ap.add_argument('-v', action='store_true', help='print case durations')
    ap.add_argument('-j', type=int, default=jobs, help='cases run in parallel')
    if extra:
        extra(ap)
    a = ap.parse_args(argv)
    BIN = os.path.abspath(a.binary)
    if not os.access(BIN, os.X_OK):
        print(f'Bail out! {BIN} is not an executable file')
        sys.exit(2)
    return a


def main(cases, run_one, doc=None, jobs=1, args=None, header=None):
    """Runs the selected `cases` with `run_one(case)` and prints TAP (module
    docstring). `jobs`: the default of -j; `args`: already parsed arguments;
    `header()`: a line printed after the plan (sizes, build kind)."""
    a = args or parse_args(doc, jobs=jobs)
    tap = Tap(a.k, a.v)
    selected = [c for c in cases if tap.wanted(name_of(c))]
    names = [name_of(c) for c in cases]
    twice = sorted({n for n in names if names.count(n) > 1})
    print(f'1..{len(selected) + (1 if twice else 0)}')
    tap.planned = True
    if header:
        print(f'# {header()}')
    if twice:
        tap.report('case names are unique', [f'two cases are named {n!r}' for n in twice])
    sys.stdout.flush()

    def timed(c):
        start = time.time()
        try:
            errs = run_one(c)
        except Exception as e:  # a runner bug must not hide the other cases
            errs = [f'runner exception: {e!r}']
        return errs, time.time() - start

    if a.j <= 1:
        for c in selected:
            errs, seconds = timed(c)
            tap.report(name_of(c), errs, seconds)
    else:
        with concurrent.futures.ThreadPoolExecutor(max_workers=a.j) as ex:
            for c, fut in [(c, ex.submit(timed, c)) for c in selected]:
                errs, seconds = fut.result()
                tap.report(name_of(c), errs, seconds)
    return tap.finish()
