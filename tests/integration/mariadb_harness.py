"""A throwaway MariaDB server for integration tests (Python 3 stdlib only).

    with MariaDb() as db:
        db.sql("CREATE DATABASE shop")
        db.sql(open("schema.sql").read(), database="shop")
        rows = db.query("shop", "SELECT HEX(email) FROM customer ORDER BY id")
        dump = db.dump("shop", ["--hex-blob"])

The server lives in a fresh temporary directory: the data directory (made by
mariadb-install-db), the error log and the unix socket all sit inside it. It listens
on that socket only (--skip-networking), so no TCP port is opened. Leaving the `with`
block stops the server (mariadb-admin shutdown, then SIGTERM, then SIGKILL) and deletes
the directory, also when the block raises. SIGTERM, SIGINT and SIGHUP are turned into
exceptions while a server runs, so a test killed by a timeout cleans up too; an atexit
hook is the last resort.

Under root the server runs with --user=root (mariadbd refuses root otherwise); the
clients connect as the database user root through the socket, without a password.

Binaries come from $MARIADB_BINDIR when set, else from $PATH and /usr/sbin (Debian:
mariadbd in /usr/sbin, the clients in /usr/bin). `mysqld`, `mysql`, `mysqldump`
and `mysql_install_db` are accepted as older names.
"""

import atexit
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

__all__ = ["MariaDb", "MariaDbError", "find_binaries"]


class MariaDbError(RuntimeError):
    """A MariaDB program failed; carries the command, exit code and stderr."""

    def __init__(self, cmd, returncode, stderr):
        self.cmd = cmd
        self.returncode = returncode
        self.stderr = stderr
        text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else str(stderr)
        super().__init__("%s exited with %s: %s" % (os.path.basename(cmd[0]), returncode, text.strip()[-2000:]))


def _which(names, extra_dirs=("/usr/sbin", "/usr/local/sbin", "/usr/libexec")):
    bindir = os.environ.get("MARIADB_BINDIR")
    for name in names:
        if bindir and os.access(os.path.join(bindir, name), os.X_OK):
            return os.path.join(bindir, name)
        found = shutil.which(name)
        if found:
            return found
        for d in extra_dirs:
            p = os.path.join(d, name)
            if os.access(p, os.X_OK):
                return p
    return None


def find_binaries():
    """{server, install, client, dump, admin} paths; raises RuntimeError when one is missing."""
    bins = {
        "server": _which(["mariadbd", "mysqld"]),
        "install": _which(["mariadb-install-db", "mysql_install_db"]),
        "client": _which(["mariadb", "mysql"]),
        "dump": _which(["mariadb-dump", "mysqldump"]),
        "admin": _which(["mariadb-admin", "mysqladmin"]),
    }
    missing = [k for k, v in bins.items() if v is None]
    if missing:
        raise RuntimeError("MariaDB binaries not found: %s (set MARIADB_BINDIR)" % ", ".join(missing))
    return bins


class _Cleanup(BaseException):
    """Raised from a signal handler so that `with` blocks unwind."""


class MariaDb:
    """One mariadb-install-db'ed, running server on a private unix socket."""

    def __init__(self, binaries=None, keep=False, tmp_parent=None):
        self.bins = binaries or find_binaries()
        self.keep = keep or bool(os.environ.get("MARIADB_HARNESS_KEEP"))
        self.tmp_parent = tmp_parent
        self.root = None
        self.datadir = None
        self.socket = None
        self.pidfile = None
        self.errlog = None
        self._proc = None
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

    def _user_args(self):
        return ["--user=root"] if self._as_root else []

    def start(self):
        parent = self.tmp_parent or tempfile.gettempdir()
        if len(parent) > 60:  # unix socket paths are limited to ~107 bytes
            parent = "/tmp"
        self.root = tempfile.mkdtemp(prefix="mariadb-harness-", dir=parent)
        atexit.register(self.stop)
        self.datadir = os.path.join(self.root, "data")
        self.socket = os.path.join(self.root, "mysqld.sock")
        self.pidfile = os.path.join(self.root, "mysqld.pid")
        self.errlog = os.path.join(self.root, "error.log")
        cmd = [self.bins["install"], "--no-defaults", "--datadir=" + self.datadir,
               "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"]
        cmd += self._user_args()
        p = subprocess.run(cmd, cwd=self.root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=300, env=self._env())
        if p.returncode != 0:
            raise MariaDbError(cmd, p.returncode, p.stderr + p.stdout)
        server = [self.bins["server"], "--no-defaults", "--datadir=" + self.datadir, "--socket=" + self.socket,
                  "--skip-networking", "--pid-file=" + self.pidfile, "--log-error=" + self.errlog,
                  "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=32M", "--innodb-flush-log-at-trx-commit=0",
                  "--skip-log-bin", "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci",
                  "--max-allowed-packet=64M", "--default-time-zone=+00:00"] + self._user_args()
        self._proc = subprocess.Popen(server, cwd=self.root, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, env=self._env())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise MariaDbError(server, self._proc.returncode, self._log_tail())
            if os.path.exists(self.socket):
                ping = subprocess.run([self.bins["admin"], "--no-defaults", "-S", self.socket, "-u", "root", "ping"],
                                      stdin=subprocess.DEVNULL, capture_output=True, timeout=30, env=self._env())
                if ping.returncode == 0:
                    return self
            time.sleep(0.2)
        raise MariaDbError(server, "timeout", self._log_tail())

    def stop(self):
        if self.root is None:
            return
        try:
            if self._proc is not None and self._proc.poll() is None:
                try:
                    subprocess.run([self.bins["admin"], "--no-defaults", "-S", self.socket, "-u", "root",
                                    "--shutdown-timeout=30", "shutdown"], stdin=subprocess.DEVNULL,
                                   capture_output=True, timeout=60, env=self._env())
                    self._proc.wait(timeout=60)
                except (subprocess.TimeoutExpired, OSError):
                    pass
                if self._proc.poll() is None:
                    self._proc.terminate()  # our own child only
                    try:
                        self._proc.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        self._proc.kill()
                        self._proc.wait(timeout=30)
        finally:
            self._proc = None
            if not self.keep:
                shutil.rmtree(self.root, ignore_errors=True)
            self.root = None
            try:
                atexit.unregister(self.stop)
            except Exception:
                pass

    def _log_tail(self):
        if self.errlog and os.path.exists(self.errlog):
            with open(self.errlog, "rb") as f:
                return f.read()[-2000:]
        return b""

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

    @staticmethod
    def _env():
        env = {k: v for k, v in os.environ.items() if not k.startswith("MYSQL") and not k.startswith("MARIADB")}
        env["LC_ALL"] = "C.UTF-8"
        env["TZ"] = "UTC"
        return env

    # ---- clients ---------------------------------------------------------

    def client_args(self):
        return ["--no-defaults", "-S", self.socket, "-u", "root"]

    def run_client(self, program, args, input=None, check=True, timeout=600, stdout=None):
        """Runs a client (mariadb, mariadb-dump, ...) against this server; raises on failure when check."""
        cmd = [self.bins[program]] + self.client_args() + list(args)
        p = subprocess.run(cmd, input=input, stdin=None if input is not None else subprocess.DEVNULL,
                           stdout=stdout if stdout is not None else subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, env=self._env())
        if check and p.returncode != 0:
            raise MariaDbError(cmd, p.returncode, p.stderr)
        return p

    def sql(self, text, database=None, check=True, timeout=600):
        """Runs SQL text (bytes or str) with the mariadb client, as a restore would."""
        if isinstance(text, str):
            text = text.encode("utf-8")
        args = ["--default-character-set=utf8mb4"] + ([database] if database else [])
        return self.run_client("client", args, input=text, check=check, timeout=timeout)

    def load(self, database, path, timeout=600):
        """Restores a dump file into `database` with the mariadb client."""
        with open(path, "rb") as f:
            return self.sql(f.read(), database=database, timeout=timeout)

    def restore(self, database, path):
        """Creates `database` (utf8mb4) and restores the dump file at `path` into it, as a
        user would. Returns (True, "") or (False, the client's error)."""
        try:
            self.sql("CREATE DATABASE %s CHARACTER SET utf8mb4" % database)
            self.load(database, path)
            return True, ""
        except MariaDbError as e:
            return False, e

    def query(self, database, sql):
        """Result rows as tuples of str (None for NULL). Select HEX() of binary data:
        the batch output escapes TAB, LF and backslash, which is decoded here."""
        p = self.run_client("client", ["--default-character-set=utf8mb4", "--batch", "--skip-column-names",
                                       "-e", sql, database])
        unescape = {"t": "\t", "n": "\n", "0": "\0", "\\": "\\"}
        rows = []
        for line in p.stdout.decode("utf-8").split("\n")[:-1]:
            row = []
            for field in line.split("\t"):
                if field == "NULL":
                    row.append(None)
                else:
                    row.append(re.sub(r"\\(.)", lambda m: unescape.get(m.group(1), m.group(1)), field))
            rows.append(tuple(row))
        return rows

    def dump(self, database, args=(), path=None, timeout=600):
        """mariadb-dump output as bytes, or written to `path`."""
        cmd = list(args) + [database]
        if path is None:
            return self.run_client("dump", cmd, timeout=timeout).stdout
        with open(path, "wb") as f:
            self.run_client("dump", cmd, timeout=timeout, stdout=f)
        return None


def run_test(argv, usage, work_prefix, rep, body):
    """The frame of a test file's main(): argv[1] is the dbanon binary; exit 77 (skipped)
    without MariaDB; else body(db, binary, work) runs with one server and a scratch folder,
    and a client error or a signal fails `rep` (a Reporter). Returns the exit status."""
    if len(argv) < 2:
        print(usage, file=sys.stderr)
        return 2
    binary = os.path.abspath(argv[1])
    try:
        bins = find_binaries()
    except RuntimeError as e:
        print("# SKIP %s" % e)
        return 77
    t0 = time.monotonic()
    try:
        with MariaDb(binaries=bins) as db, tempfile.TemporaryDirectory(prefix=work_prefix) as work:
            body(db, binary, work)
    except MariaDbError as e:
        rep.check(False, "test ran to the end", e)
    except BaseException as e:  # signal (_Cleanup), Ctrl-C
        if isinstance(e, Exception):
            raise
        rep.check(False, "test ran to the end", "interrupted (%s)" % type(e).__name__)
        return 1
    rep.note("%d passed, %d failed in %.1fs" % (rep.passed, rep.failed, time.monotonic() - t0))
    return 1 if rep.failed else 0
