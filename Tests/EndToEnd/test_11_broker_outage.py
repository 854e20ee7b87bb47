"""Commands are still accepted while the broker is unavailable, and published when it is back."""
from __future__ import annotations

import os
import signal
import subprocess
import time

from consistency import projections_agree
from demo_data import follow
from scenarios import World


def broker_pid() -> int:
    """The local Tansu broker started by deploy/local/infra.sh (the one the system under test uses)."""
    port = os.environ.get("KAFKA_BROKERS", "127.0.0.1:9092").rsplit(":", 1)[1]
    out = subprocess.run(["pgrep", "-f", f"tansu broker --listener-url tcp://127.0.0.1:{port}"],
                         capture_output=True, text=True)
    pids = [int(p) for p in out.stdout.split()]
    assert len(pids) == 1, f"expected one local broker on port {port}, found {pids}"
    return pids[0]


def test_commands_are_accepted_while_the_broker_is_down_and_published_when_it_is_back(wq, world: World):
    student = world.enroll(1)[0]
    employer, _ = world.employer()
    agreement_id = world.agreement(student, employer, until="submitted")
    wq.wait_status("employer", agreement_id, "submitted")
    token = wq.employer_token(employer)
    pid = broker_pid()

    # Freeze the broker: connections stay open but nothing answers, as with a broker host that stops responding.
    os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        reply = wq.employer.post(f"/v1/agreements/{agreement_id}/sign", token, {"employerOpinion": "同意接收（中间件故障期间）"})
        # Accepted and recorded, but the log has not spoken: 202 with a way to look the outcome up.
        assert reply.status == 202, reply
        command_id = reply.body["commandId"]
        assert reply.body["outcome"] == "pending", reply
        assert reply.headers.get("Location", "").lower() == f"/v1/commands/{command_id.lower()}", reply.headers
        health = wq.employer.get("/health/ready", None)
        assert health.body["outboxBacklog"] >= 1, health
        # Nothing applied anywhere while the broker is down.
        assert wq.projection("employer", agreement_id).body["status"] == "submitted"
        assert wq.projection("student", agreement_id).body["status"] == "submitted"
        pending = wq.employer.get(f"/v1/commands/{command_id}", token)
        assert pending.status == 200 and pending.body["outcome"] == "pending", pending
    finally:
        os.kill(pid, signal.SIGCONT)

    outcome = follow(wq.employer, token, reply, timeout=60)
    assert outcome.outcome == "applied", outcome
    recovered = time.monotonic() - started
    projections_agree(wq, agreement_id, status="employerSigned")
    print(f"\nbroker outage: command accepted while down, applied {recovered:.1f} s after it was sent")
