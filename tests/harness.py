"""Throwaway PostgreSQL, Redis, coturn and Janus servers for the test suite and benchmarks.

    python -m tests.harness CMD [ARGS...]

starts a PostgreSQL cluster, a Redis server and a coturn TURN server (the relay of 1:1 calls)
on free loopback ports in a temporary directory, runs CMD with DATABASE_URL, REDIS_URL,
TURN_URLS and TURN_SECRET set, then stops the servers and removes the directory, also when CMD
fails or is interrupted. The exit code is CMD's.

When run as root (CI, this machine) everything runs inside a loopback-only network namespace
(`unshare -n`: only `lo` exists, nothing inside can reach another machine), and a Janus media
server starts beside them (JANUS_URL, JANUS_ADMIN_URL, JANUS_ADMIN_SECRET,
JANUS_RECORDINGS_DIR). Janus gathers no ICE candidate on `lo` (libnice skips loopback), so the
namespace also gets a TUN interface, tun0 with 198.18.0.1/24 (the benchmarking range), held open
by this process: packets to that address are delivered locally and never leave the namespace.
Set EXPO_TEST_NETNS=0 to run without the namespace (then without Janus).

PostgreSQL's initdb and pg_ctl refuse to run as root (CI runs as root): as root they run as the
`postgres` OS user on a directory it owns. Missing binaries end with a message that says
exactly what to install.
"""

import contextlib
import fcntl
import json
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
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NETNS_FLAG = "--in-netns"
TUN_NAME = "tun0"
TUN_ADDRESS = "198.18.0.1/24"


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
    """A throwaway PostgreSQL cluster on a loopback port; the fault suite restarts it.

    The test suite's server trades durability for speed (fsync, synchronous_commit and
    full_page_writes off): a crash loses the commits of the last few hundred milliseconds,
    acknowledged or not. durable=True keeps PostgreSQL's own defaults, as in production: the
    fault suite crashes the server (stop -m immediate) and counts every acknowledged chat message
    it cannot find afterwards, and without durable commits it found one lost that production
    would have kept."""

    def __init__(self, root: Path, durable: bool = False):
        self.durable = durable
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
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200"
        )
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
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


# --- The loopback-only network namespace ------------------------------------------------------
def wants_namespace() -> bool:
    """Root can make a network namespace; EXPO_TEST_NETNS=0 opts out."""
    if os.environ.get("EXPO_TEST_NETNS", "1") == "0":
        return False
    return hasattr(os, "geteuid") and os.geteuid() == 0 and bool(shutil.which("unshare"))


def reexec_in_namespace(argv: list[str]) -> None:
    """Run this harness again inside a new network namespace (does not return)."""
    os.execvp(
        "unshare",
        ["unshare", "--net", "--", sys.executable, "-m", "tests.harness", NETNS_FLAG, *argv],
    )


def hold_tun(name: str = TUN_NAME, address: str = TUN_ADDRESS) -> int:
    """Inside the namespace: bring up lo and a TUN interface with `address`; return the file
    descriptor that keeps the interface alive (it disappears when this process exits)."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    fd = os.open("/dev/net/tun", os.O_RDWR)
    tunsetiff = 0x400454CA
    iff_tun, iff_no_pi = 0x0001, 0x1000
    import struct

    fcntl.ioctl(fd, tunsetiff, struct.pack("16sH", name.encode(), iff_tun | iff_no_pi))
    subprocess.run(["ip", "addr", "add", address, "dev", name], check=True)
    subprocess.run(["ip", "link", "set", name, "up"], check=True)
    return fd


# --- Janus -------------------------------------------------------------------------------------
def find_janus() -> str:
    janus_bin = shutil.which("janus")
    if not janus_bin:
        raise HarnessError(
            "janus was not found. Install it, e.g. `apt-get install janus janus-tools ffmpeg` "
            "(Debian/Ubuntu), or set EXPO_TEST_NETNS=0 to run without the media server."
        )
    return janus_bin


def janus_request(url: str, body: dict, timeout: float = 5) -> dict:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (loopback)
        return json.loads(response.read())


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
def janus(root: Path, interface: str = TUN_NAME):
    """A Janus media server (VideoRoom only) configured by deploy/janus/start.sh, its HTTP
    servers on loopback and its ICE candidates on `interface`. Yields its environment."""
    find_janus()
    janus_root = root / "janus"
    recordings = janus_root / "recordings"
    recordings.mkdir(parents=True)
    secret = secrets.token_urlsafe(24)
    http_port, admin_port = free_port(), free_port()
    env = {
        **os.environ,
        "JANUS_ADMIN_SECRET": secret,
        "JANUS_HTTP_PORT": str(http_port),
        "JANUS_ADMIN_PORT": str(admin_port),
        "JANUS_BIND_IP": "127.0.0.1",
        "JANUS_RTP_PORTS": "40000-40999",
        "JANUS_ICE_INTERFACES": interface,
        "JANUS_CONFIG_DIR": str(janus_root / "conf"),
        "JANUS_DEBUG_LEVEL": os.environ.get("JANUS_DEBUG_LEVEL", "3"),
    }
    log = open(janus_root / "log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        ["sh", str(ROOT / "deploy" / "janus" / "start.sh")],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    admin_url = f"http://127.0.0.1:{admin_port}/admin"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                log.flush()
                tail = (janus_root / "log").read_text(errors="replace")[-2000:]
                raise HarnessError(f"janus exited with {process.returncode}:\n{tail}")
            try:
                answer = janus_request(
                    admin_url, {"janus": "ping", "transaction": "h", "admin_secret": secret}, 1
                )
                if answer.get("janus") == "pong":
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise HarnessError("janus did not answer its Admin API within 30 s")
            time.sleep(0.1)
        yield {
            "JANUS_URL": f"http://127.0.0.1:{http_port}/janus",
            "JANUS_ADMIN_URL": admin_url,
            "JANUS_ADMIN_SECRET": secret,
            "JANUS_RECORDINGS_DIR": str(recordings),
            "JANUS_LOG": str(janus_root / "log"),
        }
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@contextlib.contextmanager
def services(media: bool = False):
    """Start the servers; yield the environment variables that point at them."""
    root = Path(tempfile.mkdtemp(prefix="expo-test-"))
    try:
        with contextlib.ExitStack() as stack:
            urls = {
                "DATABASE_URL": stack.enter_context(postgresql(root)),
                "REDIS_URL": stack.enter_context(redis(root)),
                **stack.enter_context(coturn(root)),
            }
            if media:
                urls.update(stack.enter_context(janus(root)))
            yield urls
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str]) -> int:
    inside = bool(argv) and argv[0] == NETNS_FLAG
    if inside:
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    if not inside and wants_namespace():
        reexec_in_namespace(argv)
    try:
        tun = hold_tun() if inside else None  # noqa: F841 (kept open while the servers run)
        with services(media=inside) as urls:
            where = " (loopback-only network namespace)" if inside else ""
            print(
                f"harness: PostgreSQL at {urls['DATABASE_URL']}, Redis at {urls['REDIS_URL']}, "
                f"TURN at {urls['TURN_URLS']}"
                + (f", Janus at {urls['JANUS_URL']}" if inside else "")
                + where,
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
