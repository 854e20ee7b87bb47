"""Two scheduler replicas on one database: every auto-confirmation is emitted exactly once."""
from __future__ import annotations

import subprocess

import pytest
import requests

from consistency import projections_agree
from demo_data import SEVEN_DAYS, eventually
from scenarios import World
from wangqian_system import EXECUTABLES, free_port

AGREEMENTS = 12


@pytest.mark.shifts_clock
def test_two_scheduler_replicas_emit_each_auto_confirmation_once(system, wq, world: World):
    primary = system.processes["scheduler"]
    port = free_port({p.port for p in system.processes.values()})
    env = dict(primary.env, SCHEDULER_HTTP_PORT=str(port))
    log = open(system.workdir / "scheduler-replica.log", "ab")
    replica = subprocess.Popen([str(system.binaries / EXECUTABLES["scheduler"])], env=env, stdout=log,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=system.workdir)
    try:
        url = f"http://127.0.0.1:{port}"
        eventually(lambda: requests.get(url + "/health/ready", timeout=2).status_code == 200, 60,
                   what="the second scheduler replica is ready")
        employer, _ = world.employer()
        students = world.enroll(AGREEMENTS)
        ids = [world.agreement(s, employer, until="employerSigned") for s in students]
        # An earlier test may have shifted the clock already: then the timers fire as soon as they exist.
        for agreement_id in ids:
            wq.wait_status("scheduler", agreement_id, ("employerSigned", "confirmed"))

        # Both replicas' clocks past the window (each keeps its own offset in memory).
        office = {"Authorization": f"Bearer {wq.office_token()}"}
        for base in (primary.url, url):
            reply = requests.post(base + "/v1/clock/advance", json={"seconds": SEVEN_DAYS + 3600}, headers=office, timeout=10)
            assert reply.status_code == 200, reply.text

        for agreement_id in ids:
            view = projections_agree(wq, agreement_id, status="confirmed", timeout=30)
            assert view["confirmedBy"] == "auto", view
            automatic = [e for e in view["timeline"] if e["type"] == "autoConfirmed"]
            # Emitted once: one event in the log, applied once (a second emission would show as a refused entry).
            assert [e["outcome"] for e in automatic] == ["applied"], automatic
            fired = [t for t in wq.timers(agreement_id).body["timers"] if t["status"] == "fired"]
            assert len(fired) == 1, fired
        assert replica.poll() is None, "the second replica died"
    finally:
        replica.terminate()
        replica.wait(timeout=30)
        log.close()
