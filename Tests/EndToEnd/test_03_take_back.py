"""拿回重签: after signing and before the student confirms, the employer takes the agreement back and re-signs."""
from __future__ import annotations

from consistency import projections_agree
from demo_data import contains_agreement, eventually
from scenarios import World, applied_entries, assert_refused, expect_ok, settled_versions, version_everywhere


def test_take_back_and_re_sign(wq, world: World):
    student = world.enroll(1)[0]
    employer, _ = world.employer()
    agreement_id = world.agreement(student, employer, until="employerSigned")
    token = wq.employer_token(employer)

    reason = "岗位名称填写错误，拿回修改后重新签约"
    taken = expect_ok(wq.take_back(employer, agreement_id, reason), "take back")
    view = taken.agreement or wq.projection("employer", agreement_id).body
    assert view["status"] == "submitted" and view["lastReason"]["reason"] == reason, view

    # it is pending again for the employer, and the student sees why
    pending = wq.employer.get("/v1/agreements", token, params={"view": "pending"})
    assert pending.status == 200 and contains_agreement(pending.body, agreement_id), pending
    count = wq.employer.get("/v1/agreements/pending-count", token)
    assert count.status == 200 and count.body["unhandled"] == 1, count

    def student_sees_take_back():
        body = wq.my_agreement(student.id).body or {}
        return body.get("status") == "submitted" and (body.get("lastReason") or {}).get("reason") == reason
    eventually(student_sees_take_back, 15, what="the student sees the take-back and its reason")

    # nothing to confirm while it is back with the employer
    before = settled_versions(wq, agreement_id)
    error = assert_refused(wq.confirm(student.id), 409, "invalid_state")
    assert error["status"] == "submitted" and "field" not in error, error
    assert version_everywhere(wq, agreement_id) == before

    # re-sign: a second signing round
    signed = expect_ok(wq.sign(employer, agreement_id, "同意接收（岗位已更正为算法工程师）"), "re-sign")
    view = signed.agreement or wq.projection("employer", agreement_id).body
    assert view["status"] == "employerSigned" and view["signingRound"] == 2, view

    wq.wait_status("student", agreement_id, "employerSigned")
    confirmed = expect_ok(wq.confirm(student.id), "confirm after re-signing")
    assert (confirmed.agreement or wq.my_agreement(student.id).body)["confirmedBy"] == "student"

    # take-back is over once the student confirmed
    wq.wait_status("employer", agreement_id, "confirmed")
    before = settled_versions(wq, agreement_id)
    error = assert_refused(wq.take_back(employer, agreement_id, "学生已确认后尝试拿回"), 409, "invalid_state")
    assert error["status"] == "confirmed" and "field" not in error, error
    assert version_everywhere(wq, agreement_id) == before

    agreed = projections_agree(wq, agreement_id, status="confirmed")
    roles = [e["actor"]["role"] for e in applied_entries(agreed)]
    assert roles == ["student", "student", "employer", "employer", "employer", "student"], roles
    assert agreed["signingRound"] == 2 and agreed["confirmedBy"] == "student"
