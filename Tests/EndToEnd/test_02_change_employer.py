"""退回: the employer returns the agreement with a reason; the student may then change the employer."""
from __future__ import annotations

from consistency import projections_agree
from demo_data import contains_agreement, eventually
from scenarios import World, assert_refused, expect_ok, settled_versions, version_everywhere


def pending_list(wq, employer_id):
    reply = wq.employer.get("/v1/agreements", wq.employer_token(employer_id), params={"view": "pending"})
    assert reply.status == 200, reply
    return reply.body


def pending_count(wq, employer_id) -> int:
    reply = wq.employer.get("/v1/agreements/pending-count", wq.employer_token(employer_id))
    assert reply.status == 200, reply
    return reply.body["unhandled"]


def test_student_changes_employer_after_a_return(wq, world: World):
    student = world.enroll(1)[0]
    old, _ = world.employer()
    new, _ = world.employer()
    agreement_id = world.agreement(student, old, until="submitted")

    # from submission on, the employer is fixed
    wq.wait_status("student", agreement_id, "submitted")
    before = settled_versions(wq, agreement_id)
    error = assert_refused(wq.save_draft(student.id, new), 409, "employer_locked")
    assert error["field"] == "employerID" and error["status"] == "submitted", error
    assert version_everywhere(wq, agreement_id) == before
    assert wq.my_agreement(student.id).body["employer"]["employerID"] == old

    # the employer returns it, with a reason the student sees
    wq.wait_status("employer", agreement_id, "submitted")
    eventually(lambda: contains_agreement(pending_list(wq, old), agreement_id), 15, what="pending at the old employer")
    reason = "岗位信息与本单位招聘计划不符，请核实后重新选择签约单位"
    returned = expect_ok(wq.employer_return(old, agreement_id, reason), "return")
    view = returned.agreement or wq.projection("employer", agreement_id).body
    assert view["status"] == "returned" and view["lastReason"]["reason"] == reason, view
    assert not contains_agreement(pending_list(wq, old), agreement_id)
    assert pending_count(wq, old) == 0

    def student_sees_reason():
        reply = wq.my_agreement(student.id)
        body = reply.body if reply.status == 200 else {}
        return body.get("status") == "returned" and (body.get("lastReason") or {}).get("reason") == reason
    eventually(student_sees_reason, 15, what="the student sees the return and its reason")

    # the student edits the employer and resubmits, to the new employer
    edited = expect_ok(wq.save_draft(student.id, new, mobile="13698765432"), "edit after return")
    view = edited.agreement or wq.my_agreement(student.id).body
    assert view["id"] == agreement_id and view["employer"]["employerID"] == new, view
    assert view["status"] == "draft", view
    expect_ok(wq.submit(student.id), "resubmit")

    eventually(lambda: contains_agreement(pending_list(wq, new), agreement_id), 15, what="pending at the new employer")
    assert pending_count(wq, new) == 1
    # ...and the old employer no longer has it at all
    wq.wait_status("employer", agreement_id, "submitted")
    assert not contains_agreement(pending_list(wq, old), agreement_id)
    assert pending_count(wq, old) == 0
    assert_refused(wq.employer.get(f"/v1/agreements/{agreement_id}", wq.employer_token(old)), 404, "not_found")
    before = settled_versions(wq, agreement_id)
    assert_refused(wq.sign(old, agreement_id), 404, "not_found")
    assert version_everywhere(wq, agreement_id) == before

    agreed = projections_agree(wq, agreement_id, status="submitted")
    assert agreed["employer"]["employerID"] == new and agreed["form"]["mobile"] == "13698765432", agreed
    # the return is in the audit trail, by the old employer; a timeline entry's `reason` and `code` are those of a
    # refusal, so the applied return carries neither (its reason is the agreement's `lastReason`, checked above)
    returns = [e for e in agreed["timeline"] if e["actor"] == {"role": "employer", "id": old} and e["outcome"] == "applied"]
    assert len(returns) == 1 and returns[0]["type"] == "employerReturned", agreed["timeline"]
    assert "reason" not in returns[0] and "code" not in returns[0], returns[0]

    # the new employer can now sign it
    signed = expect_ok(wq.sign(new, agreement_id, "同意接收"), "sign by the new employer")
    assert (signed.agreement or wq.projection("employer", agreement_id).body)["status"] == "employerSigned"
    projections_agree(wq, agreement_id, status="employerSigned")
