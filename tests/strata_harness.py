"""Start, stop, crash and restart a real `strata` server for integration tests.

Used by tests/kafka, tests/crash (through tests/conftest.py) and bench/.
Only the standard library and /usr/bin/python3's confluent_kafka are used.

The server contract (see docs/testing.md):
  strata server --data-dir DIR --kafka-listen 127.0.0.1:PORT [...]
  prints one logfmt line with `msg=ready` and `kafka=127.0.0.1:PORT` on stderr
  when it serves; SIGTERM is a clean shutdown with exit code 0.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = float(os.environ.get("STRATA_READY_TIMEOUT", "60"))

_READY_RE = re.compile(r'(?:^|\s)msg="?ready"?(?:\s|$)')
_KAFKA_RE = re.compile(r'(?:^|\s)kafka="?([0-9.]+:\d+)"?')
_PG_RE = re.compile(r'(?:^|\s)pg="?([0-9.]+):(\d+)"?')


def strata_binary() -> str:
    """The binary under test: $STRATA_BIN, else build/dev/strata, else build/release/strata."""
    env = os.environ.get("STRATA_BIN")
    if env:
        if not os.access(env, os.X_OK):
            raise RuntimeError(f"STRATA_BIN={env} is not an executable file")
        return env
    for preset in ("dev", "release"):
        p = REPO_ROOT / "build" / preset / "strata"
        if os.access(p, os.X_OK):
            return str(p)
    raise RuntimeError("no strata binary: set STRATA_BIN or build build/dev/strata")


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago (bind to port 0, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerError(RuntimeError):
    pass


class StrataServer:
    """One server process over one data directory; restartable on the same port.

    port=None picks a free port once (kept across restarts so clients keep
    their bootstrap address); port=0 lets the server pick a new one each start.
    """

    def __init__(self, data_dir: str | os.PathLike | None = None, port: int | None = None,
                 binary: str | None = None, extra_args: list[str] | tuple = (),
                 log_level: str = "info", env: dict | None = None):
        self.binary = binary or strata_binary()
        self._own_dir = data_dir is None
        self.work_dir = Path(tempfile.mkdtemp(prefix="strata-test-")) if self._own_dir else None
        self.data_dir = Path(data_dir) if data_dir is not None else self.work_dir / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log_parent = self.work_dir if self.work_dir is not None else self.data_dir.parent
        self.log_path = log_parent / f"strata-{os.getpid()}-{id(self):x}.log"
        self.port = free_port() if port is None else port
        self.extra_args = list(extra_args)
        self.log_level = log_level
        self.env = dict(os.environ)
        self.env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
        if env:
            self.env.update(env)
        self.proc: subprocess.Popen | None = None
        self.kafka: str | None = None
        self.starts = 0
        self._lines: list[str] = []          # every line of every run, in order
        self._lock = threading.Lock()
        self._reader: threading.Thread | None = None
        self._logf = open(self.log_path, "a", encoding="utf-8", errors="replace")

    # ---------------------------------------------------------------- process
    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def command(self) -> list[str]:
        # The PostgreSQL listener is always bound: unless the test chose its
        # address, let the server pick a free port so servers never collide.
        pg = [] if "--pg-listen" in self.extra_args else ["--pg-listen", "127.0.0.1:0"]
        return [self.binary, "server", "--data-dir", str(self.data_dir),
                "--kafka-listen", f"127.0.0.1:{self.port}", *pg,
                "--log-level", self.log_level, *self.extra_args]

    def _drain(self, proc: subprocess.Popen, run: int):
        for raw in iter(proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self._lock:
                self._lines.append(line)
                self._logf.write(line + "\n")
                self._logf.flush()
        proc.stdout.close()

    def _mark(self, text: str):
        with self._lock:
            self._lines.append(f"--- harness: {text}")
            self._logf.write(f"--- harness: {text}\n")
            self._logf.flush()

    def start(self, timeout: float = READY_TIMEOUT_S) -> "StrataServer":
        if self.running():
            raise ServerError("server already running")
        self.starts += 1
        cmd = self.command()
        self._mark(f"start #{self.starts}: {' '.join(cmd)}")
        with self._lock:
            first_line = len(self._lines)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, env=self.env)
        self._reader = threading.Thread(target=self._drain, args=(self.proc, self.starts),
                                        daemon=True)
        self._reader.start()
        deadline = time.monotonic() + timeout
        scanned = first_line
        while True:
            with self._lock:
                new = self._lines[scanned:]
                scanned = len(self._lines)
            for line in new:
                if _READY_RE.search(line):
                    m = _KAFKA_RE.search(line)
                    if not m:
                        raise ServerError(f"ready line without kafka=: {line!r}\n{self.log_tail()}")
                    self.kafka = m.group(1)
                    if self.port == 0:
                        pass  # port chosen by the server; it changes on every start
                    elif not self.kafka.endswith(f":{self.port}"):
                        raise ServerError(f"asked for port {self.port}, ready line says {line!r}")
                    return self
            if self.proc.poll() is not None:
                self._reader.join(timeout=5)
                raise ServerError(f"strata exited with code {self.proc.returncode} before ready\n"
                                  f"{self.log_tail()}")
            if time.monotonic() > deadline:
                self._kill_quietly()
                raise ServerError(f"strata not ready after {timeout:.0f}s\n{self.log_tail()}")
            time.sleep(0.02)

    def stop(self, timeout: float = 60, check: bool = True) -> int:
        """SIGTERM, wait, and (check=True) assert exit code 0."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self._mark("SIGTERM")
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._kill_quietly()
                raise ServerError(f"strata did not exit {timeout:.0f}s after SIGTERM\n{self.log_tail()}")
        rc = self.proc.returncode
        if self._reader:
            self._reader.join(timeout=10)
        self._mark(f"exited with code {rc}")
        if check and rc != 0:
            raise ServerError(f"strata exited with code {rc} after SIGTERM (want 0)\n{self.log_tail()}")
        return rc

    def kill9(self):
        """SIGKILL and reap: a crash at an arbitrary moment."""
        if self.proc is None or self.proc.poll() is not None:
            rc = None if self.proc is None else self.proc.returncode
            raise ServerError(f"kill9: server not running (exit code {rc})\n{self.log_tail()}")
        self._mark("SIGKILL")
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        if self._reader:
            self._reader.join(timeout=10)

    def restart(self, clean: bool = True, timeout: float = READY_TIMEOUT_S) -> "StrataServer":
        """Stop (SIGTERM, clean=True) or kill -9 (clean=False), then start on the same dir and port."""
        if self.running():
            if clean:
                self.stop()
            else:
                self.kill9()
        return self.start(timeout=timeout)

    def _kill_quietly(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.kill()
                self.proc.wait(timeout=30)
            except Exception:
                pass

    def close(self, remove: bool = True):
        """Always safe: kill whatever still runs, remove our own temp dir."""
        self._kill_quietly()
        if self._reader:
            self._reader.join(timeout=5)
        try:
            self._logf.close()
        except Exception:
            pass
        if remove and self._own_dir and self.work_dir is not None:
            shutil.rmtree(self.work_dir, ignore_errors=True)

    # ------------------------------------------------------------------- logs
    def log_lines(self) -> list[str]:
        with self._lock:
            return list(self._lines)

    def pg_address(self) -> tuple[str, int]:
        """(host, port) of the PostgreSQL listener from the last ready line.

        The server must have been started with --pg-listen in extra_args.
        """
        for line in reversed(self.log_lines()):
            if "ready" not in line:
                continue
            m = _PG_RE.search(line)
            if m:
                return m.group(1), int(m.group(2))
        raise ServerError("ready line has no pg=HOST:PORT (was --pg-listen given?)")

    def log_tail(self, n: int = 80) -> str:
        lines = self.log_lines()[-n:]
        return f"--- strata log tail ({self.log_path}) ---\n" + "\n".join(lines)

    def rss_kb(self) -> int | None:
        if not self.running():
            return None
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            return None
        return None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()


# ---------------------------------------------------------------- Kafka helpers

def wait_until(pred, timeout: float, what: str, interval: float = 0.05):
    """Poll pred() until truthy; raise AssertionError naming `what` at the deadline."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = pred()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what} (last={last!r})")


def create_topic(bootstrap: str, topic: str, partitions: int = 3, timeout: float = 30,
                 config: dict | None = None):
    """CreateTopics through the AdminClient, then wait until metadata shows every partition led."""
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": bootstrap})
    fs = admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1,
                                       config=config or {})], request_timeout=timeout)
    fs[topic].result(timeout=timeout)

    def ready():
        md = admin.list_topics(topic=topic, timeout=10)
        t = md.topics.get(topic)
        if t is None or t.error is not None or len(t.partitions) != partitions:
            return False
        return all(p.leader >= 0 and p.error is None for p in t.partitions.values())
    wait_until(ready, timeout, f"metadata for {topic} with {partitions} led partitions")


def topic_partitions(bootstrap: str, topic: str, timeout: float = 10) -> int:
    from confluent_kafka.admin import AdminClient
    md = AdminClient({"bootstrap.servers": bootstrap}).list_topics(topic=topic, timeout=timeout)
    t = md.topics[topic]
    if t.error is not None:
        raise AssertionError(f"metadata error for {topic}: {t.error}")
    return len(t.partitions)


def read_partitions(bootstrap: str, topic: str, partitions: int, timeout: float = 120,
                    extra_conf: dict | None = None) -> dict[int, list]:
    """Read every partition from the beginning up to its high watermark (assign, no group).

    Returns {partition: [Message, ...]} in offset order. Ends exactly at the
    high watermark queried first, so it needs no idle timeout to decide it is done.
    """
    from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING
    conf = {"bootstrap.servers": bootstrap, "group.id": f"reader-{time.time_ns()}",
            "enable.auto.commit": False, "auto.offset.reset": "earliest",
            "enable.partition.eof": False, "fetch.max.bytes": 16 << 20,
            "max.partition.fetch.bytes": 4 << 20}
    conf.update(extra_conf or {})
    c = Consumer(conf)
    try:
        highs = {}
        for p in range(partitions):
            lo, hi = c.get_watermark_offsets(TopicPartition(topic, p), timeout=30, cached=False)
            highs[p] = hi
        out: dict[int, list] = {p: [] for p in range(partitions)}
        todo = {p for p in range(partitions) if highs[p] > 0}
        c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in todo])
        deadline = time.monotonic() + timeout
        left = sum(highs.values())
        while todo:
            if time.monotonic() > deadline:
                got = {p: len(v) for p, v in out.items()}
                raise AssertionError(f"read {topic}: timed out; got {got}, high watermarks {highs}")
            # consume() waits for num_messages or the timeout: ask for what is left.
            for m in c.consume(num_messages=max(1, min(10000, left)), timeout=1.0):
                if m.error():
                    raise AssertionError(f"consume error: {m.error()}")
                left -= 1
                p = m.partition()
                out[p].append(m)
                if m.offset() + 1 >= highs[p]:
                    todo.discard(p)
        return out
    finally:
        c.close()
