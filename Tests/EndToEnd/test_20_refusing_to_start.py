"""Refusing to start (issue 6): outside the development profile a service needs its secrets and keys, and the
development conveniences (clock control, fault injection) are refused. A refused start exits with status 78
(EX_CONFIG) at once and says on standard error which variable is wrong.

The processes are pointed at ports where nothing listens, so that one which wrongly starts touches no database
and no broker.
"""
from __future__ import annotations

import secrets
import subprocess
import time

import pytest
import requests

from demo_data import eventually, mint_token
from wangqian_system import EXECUTABLES, SERVICES, System, free_port, raw_b64

EX_CONFIG = 78


def environment(system, service: str, *, profile: str | None, secret: str | None, keys: str = "both",
                **extra: str) -> dict:
    env = system.base_env()
    for name in ("WANGQIAN_PROFILE", "WANGQIAN_JWT_SECRET", "WANGQIAN_EVENT_PUBLIC_KEYS", "WANGQIAN_EVENT_SIGNING_KEY",
                 "WANGQIAN_DEV_LOGIN"):
        env.pop(name, None)
    if profile is not None:
        env["WANGQIAN_PROFILE"] = profile
    if secret is not None:
        env["WANGQIAN_JWT_SECRET"] = secret
    if keys in ("both", "public"):
        env["WANGQIAN_EVENT_PUBLIC_KEYS"] = system.public_keys
    if keys in ("both", "private"):
        env["WANGQIAN_EVENT_SIGNING_KEY"] = raw_b64(system.signing_keys[service])
    if keys == "another service's":
        env["WANGQIAN_EVENT_PUBLIC_KEYS"] = system.public_keys
        other = "employer" if service != "employer" else "student"
        env["WANGQIAN_EVENT_SIGNING_KEY"] = raw_b64(system.signing_keys[other])
    closed = free_port()
    env.update({"PGPORT": str(closed), "KAFKA_BROKERS": f"127.0.0.1:{free_port({closed})}",
                f"{service.upper()}_PGDATABASE": f"wq_e2e_{system.run_id}_never", f"{service.upper()}_HTTP_PORT": str(free_port()),
                "WANGQIAN_TOPIC_PREFIX": f"e2e{secrets.token_hex(4)}.never."})
    env.update(extra)
    return env


def run(system, service: str, env: dict, timeout: float = 15.0) -> tuple[int | None, str, float]:
    """Runs the service; returns (exit status or None when still running after `timeout`, stderr, seconds)."""
    started = time.monotonic()
    proc = subprocess.Popen([str(system.binaries / EXECUTABLES[service])], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=system.workdir, start_new_session=True)
    try:
        _, stderr = proc.communicate(timeout=timeout)
        return proc.returncode, stderr.decode("utf-8", "replace"), time.monotonic() - started
    except subprocess.TimeoutExpired:
        proc.kill()
        _, stderr = proc.communicate(timeout=10)
        return None, stderr.decode("utf-8", "replace"), time.monotonic() - started


SECRET = "s" * 40

CASES = {
    # name: (profile, secret, keys, extra environment, what stderr must mention)
    "production by default, no JWT secret": (None, None, "none", {}, "WANGQIAN_JWT_SECRET"),
    "production, no JWT secret": ("production", None, "both", {}, "WANGQIAN_JWT_SECRET"),
    "production, no event keys": ("production", SECRET, "none", {}, "WANGQIAN_EVENT_SIGNING_KEY"),
    "production, public keys but no signing key": ("production", SECRET, "public", {}, "WANGQIAN_EVENT_SIGNING_KEY"),
    "production, another service's signing key": ("production", SECRET, "another service's", {}, "does not match"),
    "production, clock control": ("production", SECRET, "both", {"WANGQIAN_CLOCK_CONTROL": "1"}, "WANGQIAN_CLOCK_CONTROL"),
    "production, fault injection": ("production", SECRET, "both", {"WANGQIAN_FAULT_LOSE_FIRST_PUBLICATION": "roster"},
                                    "WANGQIAN_FAULT_LOSE_FIRST_PUBLICATION"),
    "production, the portals' development login": ("production", SECRET, "both", {"WANGQIAN_DEV_LOGIN": "1"}, "WANGQIAN_DEV_LOGIN"),
    "production, no verification secret": ("production", SECRET, "both", {"WANGQIAN_VERIFY_SECRET": ""}, "WANGQIAN_VERIFY_SECRET"),
    "production, a 31-byte secret": ("production", "s" * 31, "both", {}, "WANGQIAN_JWT_SECRET"),
    "development, a 31-byte secret": ("development", "s" * 31, "both", {}, "WANGQIAN_JWT_SECRET"),
    "an unknown profile": ("staging", SECRET, "both", {}, "WANGQIAN_PROFILE"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_student_service_refuses_to_start(system, case: str):
    profile, secret, keys, extra, mentioned = CASES[case]
    status, stderr, took = run(system, "student", environment(system, "student", profile=profile, secret=secret,
                                                               keys=keys, **extra))
    assert status == EX_CONFIG, f"{case}: exit status {status} after {took:.1f} s, expected {EX_CONFIG}; stderr:\n{stderr[-2000:]}"
    assert "wangqian-student: refusing to start" in stderr and mentioned in stderr, f"{case}: stderr:\n{stderr[-2000:]}"


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_needs_a_secret_in_production(system, service: str):
    status, stderr, took = run(system, service, environment(system, service, profile=None, secret=None, keys="none"))
    assert status == EX_CONFIG, f"{service}: exit status {status} after {took:.1f} s; stderr:\n{stderr[-2000:]}"
    assert "WANGQIAN_JWT_SECRET" in stderr, stderr[-2000:]


def test_a_complete_production_configuration_starts(system):
    """The control: with a 32-byte secret and both keys, the production profile starts and becomes ready (on a
    database and topics of its own, removed afterwards)."""
    env = environment(system, "student", profile="production", secret="s" * 32)
    database = f"wq_e2e_{system.run_id}_production"
    prefix = f"e2e{secrets.token_hex(4)}.production."
    port = free_port()
    env.update({"PGPORT": system.postgres.port, "KAFKA_BROKERS": system.kafka_brokers, "STUDENT_PGDATABASE": database,
                "STUDENT_HTTP_PORT": str(port), "WANGQIAN_TOPIC_PREFIX": prefix})
    system.postgres.admin(f'create database "{database}"')
    log = system.workdir / "student-production.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(system.binaries / EXECUTABLES["student"])], env=env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT, cwd=system.workdir, start_new_session=True)
    try:
        with requests.Session() as session:
            session.trust_env = False

            def ready():
                assert proc.poll() is None, f"exited with {proc.returncode}: {log.read_text(errors='replace')[-2000:]}"
                return session.get(f"http://127.0.0.1:{port}/health/ready", timeout=2).status_code == 200
            eventually(ready, 30, what="the student service in the production profile ready")
            status = session.get(f"http://127.0.0.1:{port}/v1/status",
                                 headers={"Authorization": f"Bearer {mint_token('s' * 32, 'office', 'JYC-E2E')}"}, timeout=5)
            assert status.status_code == 200 and status.json()["profile"] == "production", status.text[:500]
        text = log.read_text(errors="replace")
        assert "refusing to start" not in text and "development profile" not in text, text[-2000:]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        system.postgres.admin(f'drop database if exists "{database}" with (force)')
        cleaner = System(system.binaries)
        cleaner.topic_prefix = prefix
        cleaner.delete_topics()
