"""SIGTERM stops every service cleanly (HTTP first, then consumers and the relay, then the adapters), and a
restarted service resumes where it stopped."""
from __future__ import annotations

import signal
import time

from consistency import projections_agree
from scenarios import World

SERVICES = ("student", "employer", "college", "scheduler")


def test_each_service_stops_cleanly_on_sigterm_and_resumes(system, wq, world: World):
    student = world.enroll(1)[0]
    employer, _ = world.employer()
    agreement_id = world.agreement(student, employer, until="submitted")
    for name in SERVICES:
        popen = system.processes[name].popen
        started = time.monotonic()
        popen.send_signal(signal.SIGTERM)
        code = popen.wait(timeout=30)
        took = time.monotonic() - started
        assert code == 0, f"{name} exited with {code} after SIGTERM:\n{system.log_tail(name)}"
        assert took < 20, f"{name} took {took:.1f} s to stop"
        assert "stopped" in system.log_tail(name, 20), f"{name} did not report a clean stop:\n{system.log_tail(name)}"
        system.restart(name)
    # Work goes on after the restarts: the agreement moves and every projection follows.
    signed = wq.sign(employer, agreement_id, "同意接收")
    assert signed.outcome == "applied", signed
    projections_agree(wq, agreement_id, status="employerSigned")
