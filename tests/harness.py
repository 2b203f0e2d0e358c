"""Throwaway PostgreSQL, Redis and TURN (coturn) servers for the test suite and the benchmarks.

    python -m tests.harness [--netns] CMD [ARGS...]

starts a PostgreSQL cluster, a Redis server and a coturn TURN server on free loopback ports in
a temporary directory, runs CMD with DATABASE_URL, REDIS_URL, TURN_URLS and TURN_SECRET set,
then stops the servers and removes the directory, also when CMD fails or is interrupted. The
exit code is CMD's.

--netns first moves the whole run (servers and CMD) into a new network namespace whose only
interface is loopback (loopback_only_namespace below): WebRTC gathers every address of the
machine, and tests may send traffic only to loopback. `make test` runs that way.

PostgreSQL's initdb and pg_ctl refuse to run as root (CI runs as root): as root they run as the
`postgres` OS user on a directory it owns. Missing binaries end with a message that says
exactly what to install.
"""

import contextlib
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


class HarnessError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_pg_bin() -> Path:
    if env := os.environ.get("PG_BIN"):
        return Path(env)
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    for candidate in reversed(candidates):
        if (candidate / "initdb").exists():
            return candidate
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise HarnessError(
        "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them, e.g. "
        "`apt-get install postgresql` (Debian/Ubuntu) or `brew install postgresql@15` (macOS), "
        "or set PG_BIN to the folder holding initdb."
    )


def find_redis() -> str:
    redis = shutil.which("redis-server")
    if not redis:
        raise HarnessError(
            "redis-server was not found. Install it, e.g. `apt-get install redis-server` "
            "(Debian/Ubuntu) or `brew install redis` (macOS)."
        )
    return redis


def find_turnserver() -> str:
    turnserver = shutil.which("turnserver")
    if not turnserver:
        raise HarnessError(
            "turnserver (coturn) was not found. Install it, e.g. `apt-get install coturn` "
            "(Debian/Ubuntu) or `brew install coturn` (macOS)."
        )
    return turnserver


def _wait_for_port(port: int, what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise HarnessError(f"{what} did not start listening on port {port} within {timeout} s")


class PostgresServer:
    """A throwaway PostgreSQL cluster on a loopback port; the fault suite restarts it."""

    def __init__(self, root: Path):
        self.pg_bin = find_pg_bin()
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        self.root = root / "pg"
        self.root.mkdir()
        self.prefix = []
        if as_root:
            shutil.chown(root, "postgres")
            shutil.chown(self.root, "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.port = free_port()
        self.data = self.root / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/expo"

    def run(self, *args, check=True):
        result = subprocess.run(
            [*self.prefix, *args], cwd=self.root, capture_output=True, text=True, check=False
        )
        if check and result.returncode:
            raise HarnessError(f"{args[0]} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def init(self) -> "PostgresServer":
        self.run(
            str(self.pg_bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        self.start()
        self.run(
            str(self.pg_bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
            "postgres", "expo",
        )  # fmt: skip
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self.run(
            str(self.pg_bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
            "-o",
            options,
        )
        _wait_for_port(self.port, "PostgreSQL")

    def stop(self, mode="immediate") -> None:
        self.run(
            str(self.pg_bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop",
            check=False,
        )  # fmt: skip


@contextlib.contextmanager
def postgresql(root: Path):
    server = PostgresServer(root)
    try:
        server.init()
        yield server.url
    finally:
        server.stop()


class RedisServer:
    """A throwaway redis-server on a loopback port that can be killed and started again on the
    same port (the fault suite and the hub's recovery tests do that)."""

    def __init__(self, root: Path, port: int | None = None):
        self.executable = find_redis()
        self.port = port or free_port()
        self.dir = root / f"redis-{self.port}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [
                self.executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(self.port, "Redis")
        return self

    def kill(self) -> None:
        """SIGKILL: connections break at once, as when the server or its host dies."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


@contextlib.contextmanager
def redis(root: Path):
    server = RedisServer(root).start()
    try:
        yield server.url
    finally:
        server.stop()


@contextlib.contextmanager
def coturn(root: Path):
    """A TURN server as production runs it (coturn with --use-auth-secret: the site hands out
    HMAC credentials), kept on loopback: it listens and relays on 127.0.0.1 only, and allows
    loopback peers because here both peers of a call are on loopback. Yields TURN_URLS and
    TURN_SECRET."""
    turnserver = find_turnserver()
    port = free_port()
    turn_dir = root / "turn"
    turn_dir.mkdir()
    secret = secrets.token_hex(16)
    relay_low = random.randrange(20000, 60000, 200)  # coturn retries a taken relay port
    process = subprocess.Popen(
        [
            turnserver,
            "-n",  # no configuration file: only these options
            "--listening-ip=127.0.0.1",
            "--relay-ip=127.0.0.1",
            f"--listening-port={port}",
            f"--min-port={relay_low}",
            f"--max-port={relay_low + 199}",
            "--use-auth-secret",
            f"--static-auth-secret={secret}",
            "--realm=expo.test",
            "--allow-loopback-peers",
            "--fingerprint",
            "--no-tls",
            "--no-dtls",
            "--no-cli",
            f"--userdb={turn_dir / 'turndb'}",
            f"--pidfile={turn_dir / 'pid'}",
            f"--log-file={turn_dir / 'log'}",
            "--simple-log",
            "--no-stdout-log",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, "coturn")
        yield {
            "TURN_URLS": f"turn:127.0.0.1:{port}?transport=udp,turn:127.0.0.1:{port}?transport=tcp",
            "TURN_SECRET": secret,
        }
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def services():
    """Start the servers; yield the environment variables that point at them."""
    root = Path(tempfile.mkdtemp(prefix="expo-test-"))
    try:
        with postgresql(root) as database_url, redis(root) as redis_url, coturn(root) as turn:
            yield {"DATABASE_URL": database_url, "REDIS_URL": redis_url, **turn}
    finally:
        shutil.rmtree(root, ignore_errors=True)


NETNS_MARK = "EXPO_HARNESS_NETNS"


def loopback_only_namespace(argv: list[str]) -> list[str]:
    """The command that runs argv in a new network namespace holding only `lo` (brought up):
    every server the harness starts and every client (chromium included) then sees 127.0.0.1
    and nothing else, so no test can send a packet to another address. Needs root (CI runs
    as root); unshare(1) and ip(8) come with util-linux and iproute2.

    Extend `setup` for more interfaces inside the namespace (e.g. a TUN device for a media
    server that will not gather candidates on loopback)."""
    setup = ["ip link set lo up"]
    return ["unshare", "--net", "--", "sh", "-ec", "; ".join(setup) + '; exec "$@"', "netns", *argv]


def _enter_namespace(argv: list[str]) -> None:
    """Re-run this harness inside a loopback-only namespace (does not return on success)."""
    if os.environ.get(NETNS_MARK):
        return  # already inside
    probe = subprocess.run(
        ["unshare", "--net", "true"], capture_output=True, text=True, check=False
    )
    if probe.returncode:
        raise HarnessError(
            "--netns needs permission to create a network namespace (`unshare --net`), i.e. "
            f"root: {probe.stderr.strip()}. Run `sudo make test` (CI runs as root)."
        )
    os.environ[NETNS_MARK] = "1"
    command = loopback_only_namespace([sys.executable, "-m", "tests.harness", *argv])
    os.execvp(command[0], command)


def main(argv: list[str]) -> int:
    netns = bool(argv) and argv[0] == "--netns"
    if netns:
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        if netns:
            _enter_namespace(argv)
        with services() as urls:
            print(
                f"harness: PostgreSQL at {urls['DATABASE_URL']}, Redis at {urls['REDIS_URL']}, "
                f"TURN at {urls['TURN_URLS']}"
                + (" (loopback-only network namespace)" if os.environ.get(NETNS_MARK) else ""),
                flush=True,
            )
            child = subprocess.Popen(argv, env={**os.environ, **urls})
            try:
                return child.wait()
            except KeyboardInterrupt:
                child.send_signal(signal.SIGINT)
                return child.wait()
    except HarnessError as error:
        print(f"harness: {error}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
