"""用人单位审核完成七日后自动进行确认: the scheduler confirms, once, seven days after the latest signing, never
when the student confirmed first, and its timers survive a restart. Shifts the scheduler's clock: runs last."""
from __future__ import annotations

import pytest

from consistency import projections_agree
from demo_data import SEVEN_DAYS, eventually
from scenarios import World, expect_ok, parse_time, stays

HUMAN_ROLES = {"student", "employer", "counselor", "office"}
TIMER_STATES = {"pending", "fired", "cancelled"}


def timers(wq, agreement_id: str) -> list[dict]:
    """`GET /v1/timers?agreementID=…`: `{"timers": [{"agreementID", "signingRound", "dueAt", "status", …}]}`."""
    reply = wq.timers(agreement_id)
    assert reply.status == 200 and set(reply.body) == {"timers"}, reply
    found = reply.body["timers"]
    assert all(t["agreementID"] == agreement_id.lower() and t["status"] in TIMER_STATES for t in found), found
    return found


def states(wq, agreement_id: str) -> list[str]:
    return sorted(t["status"] for t in timers(wq, agreement_id))


def automatic_entries(view: dict) -> list[dict]:
    """Timeline entries by no person: the scheduler's auto-confirmations."""
    return [e for e in view["timeline"] if e["actor"]["role"] not in HUMAN_ROLES]


@pytest.mark.shifts_clock
def test_auto_confirmation_seven_days_after_the_latest_signing(system, wq, world: World):
    clock = wq.clock()
    assert clock.status == 200, clock
    assert clock.body["offsetSeconds"] == 0, "the scheduler clock was already shifted: this test must run last"
    employer, _ = world.employer()
    a_student, b_student, c_student = world.enroll(3)

    # c: the student confirms in time; b: signed, taken back, signed again; a: signed once (last, so that the
    # seven-day-minus-a-minute shift below stays inside every window)
    c = world.agreement(c_student, employer, until="confirmed")
    b = world.agreement(b_student, employer, until="employerSigned")
    expect_ok(wq.take_back(employer, b, "核对岗位信息后重新签约"), "take back b")
    expect_ok(wq.sign(employer, b, "同意接收（第二轮）"), "re-sign b")
    a = world.agreement(a_student, employer, until="employerSigned")
    for agreement_id, status in ((a, "employerSigned"), (b, "employerSigned"), (c, "confirmed")):
        wq.wait_status("scheduler", agreement_id, status)
    eventually(lambda: states(wq, a) == ["pending"], 15, what="a's timer pending")
    eventually(lambda: states(wq, b) == ["cancelled", "pending"], 15, what="b: first round cancelled, second pending")
    eventually(lambda: "pending" not in states(wq, c), 15, what="c has no pending timer")
    c_before = projections_agree(wq, c, status="confirmed")

    # the timers are durable: kill the scheduler and start it again
    system.kill9("scheduler")
    system.restart("scheduler")
    assert states(wq, a) == ["pending"] and states(wq, b) == ["cancelled", "pending"]

    # seven days minus one minute after the signings: nothing happens
    shifted = wq.advance_clock(SEVEN_DAYS - 60)
    assert shifted.status == 200, shifted
    now = parse_time(wq.clock().body["now"])
    for agreement_id in (a, b):
        signed_at = parse_time(wq.projection("scheduler", agreement_id).body["lastSignedAt"])
        assert (now - signed_at).total_seconds() < SEVEN_DAYS, \
            f"setup took too long: {agreement_id} was signed {(now - signed_at)} before the shifted clock"

    def still_waiting():
        return all(wq.projection(service, agreement_id).body["status"] == "employerSigned"
                   for service in ("scheduler", "student") for agreement_id in (a, b)) \
            and states(wq, a) == ["pending"] and states(wq, b) == ["cancelled", "pending"]
    stays(still_waiting, 3.0, "nothing fires before seven days")

    # past seven days: confirmed automatically, once, for the latest round only
    assert wq.advance_clock(120).status == 200
    for agreement_id in (a, b):
        agreed = projections_agree(wq, agreement_id, status="confirmed", timeout=30)
        assert agreed["confirmedBy"] == "auto", agreed
        assert len(automatic_entries(agreed)) == 1, agreed["timeline"]
        entry = automatic_entries(agreed)[0]
        assert entry["outcome"] == "applied" and entry["type"] == "autoConfirmed", entry
        assert entry["actor"] == {"role": "system", "id": "scheduler"}, entry
    assert wq.projection("student", b).body["signingRound"] == 2
    assert states(wq, a) == ["fired"], timers(wq, a)
    assert states(wq, b) == ["cancelled", "fired"], timers(wq, b)
    fired_b = [t for t in timers(wq, b) if t["status"] == "fired"][0]
    assert fired_b["signingRound"] == 2, fired_b

    # c was confirmed by the student: untouched
    c_after = projections_agree(wq, c, status="confirmed")
    assert c_after["confirmedBy"] == "student" and not automatic_entries(c_after)
    assert c_after["version"] == c_before["version"] and len(c_after["timeline"]) == len(c_before["timeline"])
    assert "fired" not in states(wq, c)

    # ...and it stays at once
    lengths = {agreement_id: len(wq.projection("scheduler", agreement_id).body["timeline"]) for agreement_id in (a, b)}
    stays(lambda: all(len(wq.projection(s, i).body["timeline"]) == n for i, n in lengths.items() for s in ("scheduler", "student"))
          and states(wq, a) == ["fired"], 3.0, "no second auto-confirmation")
