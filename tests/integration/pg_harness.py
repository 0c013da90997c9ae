"""A throwaway PostgreSQL cluster for integration tests (Python 3 stdlib only).

    with PgCluster() as pg:
        pg.createdb("shop")
        pg.psql("shop", file="schema.sql")
        rows = pg.query("shop", "SELECT id, email FROM customer ORDER BY id")
        dump = pg.pg_dump("shop", ["-Fp"])

The cluster lives in a fresh temporary directory: the data directory, the server log
and the unix socket all sit inside it. The server listens on that socket only
(listen_addresses = ''), so no TCP port is opened; the port number is used only in the
socket file name. Leaving the `with` block stops the server (fast, then immediate) and
deletes the directory, also when the block raises. SIGTERM, SIGINT and SIGHUP are turned
into exceptions while a cluster runs, so a test killed by a timeout cleans up too;
an atexit hook is the last resort.

PostgreSQL refuses to run as root. Under root the directory is handed to the `postgres`
user and initdb/pg_ctl run via `runuser -u postgres --`; the clients (psql, pg_dump,
pg_restore) keep running as the caller and connect with `-h SOCKETDIR -p PORT -U postgres`.

Server and client binaries come from $PG_BINDIR when set, else from the newest
/usr/lib/postgresql/N/bin (Debian layout), else from $PATH.
"""

import atexit
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

__all__ = ["PgCluster", "PgError", "find_bindir", "parse_copy_text", "quote_ident", "quote_literal"]


class PgError(RuntimeError):
    """A PostgreSQL program failed; carries the command, exit code and stderr."""

    def __init__(self, cmd, returncode, stderr):
        self.cmd = cmd
        self.returncode = returncode
        self.stderr = stderr
        name = os.path.basename(cmd[0]) if cmd else "?"
        if name == "runuser" and "--" in cmd:
            name = os.path.basename(cmd[cmd.index("--") + 1])
        text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else str(stderr)
        super().__init__("%s exited with %s: %s" % (name, returncode, text.strip()[-2000:]))


def find_bindir():
    """Directory holding initdb, pg_ctl, psql, pg_dump and pg_restore."""
    env = os.environ.get("PG_BINDIR")
    if env:
        return env
    candidates = []
    for d in glob.glob("/usr/lib/postgresql/*/bin"):
        m = re.search(r"/postgresql/(\d+)/bin$", d)
        if m and os.access(os.path.join(d, "initdb"), os.X_OK):
            candidates.append((int(m.group(1)), d))
    if candidates:
        return max(candidates)[1]
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(initdb)
    raise RuntimeError("no PostgreSQL binaries found: set PG_BINDIR")


# COPY text format (PostgreSQL docs, "COPY, File Formats, Text Format"): fields split by
# TAB, rows end with LF, \N is NULL; the server escapes backslash, TAB, LF, CR and the
# other control characters below. Octal and \x escapes are accepted for input only, but
# are decoded here too for completeness.
_COPY_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
_COPY_ESCAPE_RE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)", re.S)


def _copy_unescape_match(m):
    s = m.group(1)
    if s in _COPY_ESCAPES:
        return _COPY_ESCAPES[s]
    if s[0] == "x" and len(s) > 1:
        return chr(int(s[1:], 16))
    if s[0] in "01234567":
        return chr(int(s, 8) & 0xFF)
    return s


def parse_copy_text(data):
    """Rows of COPY ... TO STDOUT text output (str or UTF-8 bytes) as tuples; NULL is None."""
    if isinstance(data, bytes):
        data = data.decode("utf-8")
    rows = []
    if not data:
        return rows
    if not data.endswith("\n"):
        raise ValueError("COPY text output does not end with a newline")
    for line in data[:-1].split("\n"):
        row = []
        for field in line.split("\t"):
            if field == "\\N":
                row.append(None)
            elif "\\" in field:
                row.append(_COPY_ESCAPE_RE.sub(_copy_unescape_match, field))
            else:
                row.append(field)
        rows.append(tuple(row))
    return rows


def _free_port():
    # Only a socket file name, but a port nobody uses keeps log lines and
    # `ps` output unambiguous when several clusters run at once.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Cleanup(BaseException):
    """Raised from a signal handler so that `with` blocks unwind."""


class PgCluster:
    """One initdb'ed, running PostgreSQL server on a private unix socket."""

    SERVER_SETTINGS = {
        "listen_addresses": "''",
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "shared_buffers": "'32MB'",
        "max_connections": "20",
        "max_wal_senders": "0",
        "wal_level": "minimal",
        "autovacuum": "off",
        # Sequential scans always start at block 0, so COPY ... TO and an
        # ORDER BY ctid see rows in the same order.
        "synchronize_seqscans": "off",
        "log_min_messages": "warning",
        "logging_collector": "off",
        "timezone": "'UTC'",
        "lc_messages": "'C'",
    }

    def __init__(self, bindir=None, superuser="postgres", keep=False, settings=None,
                 tmp_parent=None):
        self.bindir = bindir or find_bindir()
        self.superuser = superuser
        self.keep = keep or bool(os.environ.get("PG_HARNESS_KEEP"))
        self.settings = dict(self.SERVER_SETTINGS)
        self.settings.update(settings or {})
        self.tmp_parent = tmp_parent
        self.port = None
        self.root = None
        self.datadir = None
        self.sockdir = None
        self.logfile = None
        self._running = False
        self._old_handlers = {}
        self._as_root = os.geteuid() == 0

    # ---- lifecycle -------------------------------------------------------

    def __enter__(self):
        self._install_signal_handlers()
        try:
            self.start()
        except BaseException:
            self.stop()
            self._restore_signal_handlers()
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            self.stop()
        finally:
            self._restore_signal_handlers()
        return False

    def start(self):
        parent = self.tmp_parent or tempfile.gettempdir()
        # unix socket paths are limited to ~107 bytes.
        if len(parent) > 60:
            parent = "/tmp"
        self.root = tempfile.mkdtemp(prefix="pgharness-", dir=parent)
        atexit.register(self.stop)
        self.datadir = os.path.join(self.root, "data")
        self.sockdir = os.path.join(self.root, "sock")
        self.logfile = os.path.join(self.root, "server.log")
        os.mkdir(self.sockdir)
        if self._as_root:
            pw = pwd.getpwnam("postgres")
            for p in (self.root, self.sockdir):
                os.chown(p, pw.pw_uid, pw.pw_gid)
        self.port = _free_port()

        self._run_server_cmd([
            self._bin("initdb"), "-D", self.datadir, "-U", self.superuser,
            "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
        ])
        with open(os.path.join(self.datadir, "postgresql.auto.conf"), "a") as f:
            for k, v in self.settings.items():
                f.write("%s = %s\n" % (k, v))
            f.write("port = %d\n" % self.port)
            f.write("unix_socket_directories = '%s'\n" % self.sockdir)
        self._run_server_cmd([
            self._bin("pg_ctl"), "-D", self.datadir, "-l", self.logfile,
            "-w", "-t", "60", "-s", "start",
        ])
        self._running = True
        # The postmaster holds a "running" marker; pg_ctl -w already waited for it.
        return self

    def stop(self):
        if self.root is None:
            return
        try:
            if self._running or os.path.exists(os.path.join(self.datadir or "", "postmaster.pid")):
                self._pg_ctl_stop("fast")
        finally:
            self._running = False
            if not self.keep:
                shutil.rmtree(self.root, ignore_errors=True)
            self.root = None
            try:
                atexit.unregister(self.stop)
            except Exception:
                pass

    def _pg_ctl_stop(self, mode):
        cmd = [self._bin("pg_ctl"), "-D", self.datadir, "-m", mode, "-w", "-t", "30", "-s", "stop"]
        try:
            self._run_server_cmd(cmd, timeout=60)
        except BaseException:
            if mode != "immediate":
                self._pg_ctl_stop("immediate")
                return
            self._kill_postmaster()

    def _kill_postmaster(self):
        try:
            with open(os.path.join(self.datadir, "postmaster.pid")) as f:
                pid = int(f.readline())
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)
        except (OSError, ValueError):
            pass

    def _install_signal_handlers(self):
        def handler(signum, frame):
            raise _Cleanup("signal %d" % signum)

        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            try:
                self._old_handlers[sig] = signal.signal(sig, handler)
            except (ValueError, OSError):  # not the main thread
                pass

    def _restore_signal_handlers(self):
        for sig, old in self._old_handlers.items():
            signal.signal(sig, old)
        self._old_handlers = {}

    # ---- command helpers -------------------------------------------------

    def _bin(self, name):
        return os.path.join(self.bindir, name)

    def _run_server_cmd(self, cmd, timeout=120):
        if self._as_root:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        # cwd inside the cluster dir: the postgres user may not enter the caller's cwd.
        p = subprocess.run(cmd, cwd=self.root, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, env=self._server_env())
        if p.returncode != 0:
            log = ""
            if self.logfile and os.path.exists(self.logfile):
                with open(self.logfile, errors="replace") as f:
                    log = f.read()[-2000:]
            raise PgError(cmd, p.returncode, p.stderr + p.stdout + log.encode())
        return p

    @staticmethod
    def _clean_env():
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C.UTF-8"
        env["LANG"] = "C.UTF-8"
        env["TZ"] = "UTC"
        return env

    def _server_env(self):
        return self._clean_env()

    def client_env(self):
        """Environment for any extra client program the caller wants to run."""
        env = self._clean_env()
        env.update(PGHOST=self.sockdir, PGPORT=str(self.port), PGUSER=self.superuser,
                   PGCLIENTENCODING="UTF8", PGTZ="UTC")
        return env

    def conn_args(self):
        return ["-h", self.sockdir, "-p", str(self.port), "-U", self.superuser]

    def run_client(self, program, args, input=None, check=True, timeout=600, stdout=None):
        """Run a client program (psql, pg_dump, pg_restore, ...) against this cluster.

        Returns the CompletedProcess with bytes stdout/stderr; raises PgError on a
        non-zero exit when check is true. `stdout` may be an open file to stream into.
        """
        cmd = [self._bin(program)] + self.conn_args() + list(args)
        p = subprocess.run(cmd, input=input,
                           stdin=None if input is not None else subprocess.DEVNULL,
                           stdout=stdout if stdout is not None else subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout, env=self.client_env())
        if check and p.returncode != 0:
            raise PgError(cmd, p.returncode, p.stderr)
        return p

    # ---- public helpers --------------------------------------------------

    def psql(self, db, sql=None, file=None, args=(), input=None, check=True, timeout=600):
        """Run psql with -v ON_ERROR_STOP=1 -X -q on `sql` (a string), `file` or `input` (stdin)."""
        a = ["-v", "ON_ERROR_STOP=1", "-X", "-q", "-d", db]
        if sql is not None:
            a += ["-c", sql]
        if file is not None:
            a += ["-f", str(file)]
        a += list(args)
        if isinstance(input, str):
            input = input.encode("utf-8")
        return self.run_client("psql", a, input=input, check=check, timeout=timeout)

    def copy_out(self, db, query):
        """Raw bytes of COPY (query) TO STDOUT in text format. `query` may also be a table name."""
        q = query.strip().rstrip(";")
        src = q if re.match(r"(?is)^\s*(select|with|values|table)\b", q) is None else "(%s)" % q
        return self.psql(db, "COPY %s TO STDOUT" % src).stdout

    def query(self, db, sql):
        """Result rows of a SELECT as a list of tuples of str (None for NULL).

        Goes through COPY text format, so values holding tabs, newlines, CR,
        backslashes or any UTF-8 come back exactly, and NULL differs from ''.
        """
        return parse_copy_text(self.copy_out(db, sql))

    def scalar(self, db, sql):
        rows = self.query(db, sql)
        return rows[0][0] if rows else None

    def createdb(self, db, template="template0", extra=""):
        self.psql("postgres", "CREATE DATABASE %s TEMPLATE %s %s" % (quote_ident(db), template, extra))

    def dropdb(self, db):
        self.psql("postgres", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % quote_ident(db))

    def pg_dump(self, db, args=(), timeout=600):
        """pg_dump output as bytes (pass -f/-Fd in args to write files instead)."""
        return self.run_client("pg_dump", list(args) + ["-d", db], timeout=timeout).stdout

    def pg_restore(self, args=(), input=None, check=True, timeout=600):
        """Run pg_restore with the given args (e.g. ["-d", db, archive] or ["-f", "-", archive])."""
        return self.run_client("pg_restore", list(args), input=input, check=check, timeout=timeout)

    def server_log(self):
        if self.logfile and os.path.exists(self.logfile):
            with open(self.logfile, errors="replace") as f:
                return f.read()
        return ""


def quote_ident(name):
    """SQL identifier quoting, always quoted."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value):
    return "'" + value.replace("'", "''") + "'"
