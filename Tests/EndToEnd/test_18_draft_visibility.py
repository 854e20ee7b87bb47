"""Drafts are the student's alone (issue 6): an employer sees an agreement only once it was submitted to it, and
then as it stood after the last event that was not a draft save; once the student chooses another employer the
first one sees nothing. The counselor and the office see the agreement in every state."""
from __future__ import annotations

from demo_data import contains_agreement, eventually
from scenarios import CS, World, expect_ok


def test_drafts_are_hidden_from_employers(wq, world: World):
    student = world.enroll(1)[0]
    first, _ = world.employer()
    second, _ = world.employer()
    counselor = world.counselor(CS)

    def employer_view(employer_id: str, agreement_id: str):
        return wq.employer.get(f"/v1/agreements/{agreement_id}", wq.employer_token(employer_id))

    def listed(employer_id: str, agreement_id: str) -> bool:
        reply = wq.employer.get("/v1/agreements", wq.employer_token(employer_id), params={"view": "all"})
        assert reply.status == 200, reply
        return contains_agreement(reply.body, agreement_id)

    def pending_count(employer_id: str) -> int:
        reply = wq.employer.get("/v1/agreements/pending-count", wq.employer_token(employer_id))
        assert reply.status == 200, reply
        return reply.body["unhandled"]

    def hidden_from(employer_id: str, agreement_id: str) -> None:
        reply = employer_view(employer_id, agreement_id)
        assert reply.status == 404 and reply.code == "not_found", f"{employer_id} sees {agreement_id}: {reply!r}"
        assert not listed(employer_id, agreement_id), f"{employer_id} lists {agreement_id}"
        assert pending_count(employer_id) == 0, f"{employer_id} counts {agreement_id}"

    def staff_see(agreement_id: str, status: str) -> None:
        for token in (wq.counselor_token(*counselor), wq.office_token()):
            reply = wq.college.get(f"/v1/agreements/{agreement_id}", token)
            assert reply.status == 200 and reply.body["status"] == status, reply

    def employer_service_at(agreement_id: str, version: int) -> None:
        """Waits until the employer service applied the agreement's events up to `version`."""
        wq.wait_status("employer", agreement_id, {"draft", "submitted", "returned"})
        eventually(lambda: wq.projection("employer", agreement_id).body.get("version") == version, 20,
                   what=f"employer service at version {version} of {agreement_id}")

    # 1. a draft for the first employer, not submitted: the employer sees nothing of it
    agreement_id = world.agreement(student, first, until="draft", jobTitle="算法工程师")
    employer_service_at(agreement_id, 1)
    hidden_from(first, agreement_id)
    staff_see(agreement_id, "draft")

    # 2. submitted: now it does
    expect_ok(wq.submit(student.id), "submit")
    employer_service_at(agreement_id, 2)
    seen = employer_view(first, agreement_id)
    assert seen.status == 200 and seen.body["status"] == "submitted", seen
    assert seen.body["form"]["jobTitle"] == "算法工程师", seen.body["form"]
    assert [e["type"] for e in seen.body["timeline"]] == ["submitted"], seen.body["timeline"]
    assert listed(first, agreement_id) and pending_count(first) == 1
    staff_see(agreement_id, "submitted")

    # 3. returned by the employer
    expect_ok(wq.employer_return(first, agreement_id, "岗位信息有误，请修改后重新提交"), "return")
    employer_service_at(agreement_id, 3)
    returned = employer_view(first, agreement_id)
    assert returned.status == 200 and returned.body["status"] == "returned", returned
    assert pending_count(first) == 0
    staff_see(agreement_id, "returned")

    # 4. re-saved for the same employer: it still sees the returned agreement, not the new draft
    expect_ok(wq.save_draft(student.id, first, jobTitle="数据工程师（草稿）"), "draft for the same employer")
    employer_service_at(agreement_id, 4)
    again = employer_view(first, agreement_id)
    assert again.status == 200 and again.body["status"] == "returned", again
    assert again.body["version"] == 3 and again.body["form"]["jobTitle"] == "算法工程师", again
    types = [e["type"] for e in again.body["timeline"]]
    assert "draftSaved" not in types and types[-1] == "employerReturned", again.body["timeline"]
    assert types == ["submitted", "employerReturned"], types
    assert listed(first, agreement_id) and pending_count(first) == 0
    staff_see(agreement_id, "draft")

    # 5. re-saved for another employer: the first one sees nothing any more, the second nothing yet
    expect_ok(wq.save_draft(student.id, second, jobTitle="后端开发工程师"), "draft for another employer")
    employer_service_at(agreement_id, 5)
    hidden_from(first, agreement_id)
    hidden_from(second, agreement_id)
    staff_see(agreement_id, "draft")

    # 6. submitted to the second employer: it sees it; the first still does not
    expect_ok(wq.submit(student.id), "submit to the second employer")
    employer_service_at(agreement_id, 6)
    now = employer_view(second, agreement_id)
    assert now.status == 200 and now.body["status"] == "submitted", now
    assert now.body["employer"]["employerID"] == second and now.body["form"]["jobTitle"] == "后端开发工程师", now.body
    assert listed(second, agreement_id) and pending_count(second) == 1
    hidden_from(first, agreement_id)
    staff_see(agreement_id, "submitted")
    # the office's projection endpoint shows everything, draft saves included
    full = wq.projection("employer", agreement_id).body
    assert [e["type"] for e in full["timeline"]] == ["draftSaved", "submitted", "employerReturned", "draftSaved",
                                                     "draftSaved", "submitted"], full["timeline"]
