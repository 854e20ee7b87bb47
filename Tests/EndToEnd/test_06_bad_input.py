"""Bad input and wrong state: a 4xx with a stable `error.code`, a zh-CN `error.message` (and the offending
`field` where there is one), and nothing changed in any projection.

Each case pins the one answer the services give (docs/api.md, Shared/ServiceKit/HTTP/RequestBody.swift): a body
that is not a JSON object, or a field of the wrong JSON type, is 400 `malformed_body`; a missing field is 422
`validation_failed` naming it; a bad value is 422 `validation_failed` (with the agreement's `status` when the
domain's decider refused it, without one when the HTTP layer did)."""
from __future__ import annotations

from typing import Callable

from demo_data import (REVIEW_AWAITING_OFFICE, REVIEW_BLOCKING, Outcome, Reply, find_records, registration)
from scenarios import CS, World, assert_refused, expect_ok, serial, settled_versions


def snapshot(wq, agreement_id: str, settle: bool = False) -> dict:
    """Each service's status, version and timeline length of the agreement (once they agree, when `settle`)."""
    if settle:
        settled_versions(wq, agreement_id)
    out = {}
    for name in wq.services:
        reply = wq.projection(name, agreement_id)
        body = reply.body if reply.status == 200 else {}
        out[name] = (body.get("status"), body.get("version"), len(body.get("timeline") or []))
    return out


def refused_and_unchanged(wq, agreement_id: str, attempt: Callable[[], Reply | Outcome], http_status: int, code: str,
                          field: str | None = None, status: str | None = None) -> dict:
    """The attempt is refused with exactly `http_status` and `code`, its error names exactly `field` and `status`
    (None: the error has none), and no projection of the agreement changed."""
    before = snapshot(wq, agreement_id, settle=True)
    answer = attempt()
    error = assert_refused(answer, http_status, code)
    assert error.get("field") == field, f"expected field {field}: {answer!r}"
    assert error.get("status") == status, f"expected the refusal to name status {status}: {answer!r}"
    assert snapshot(wq, agreement_id) == before, f"a refused request changed the agreement: {answer!r}"
    return error


def draft_body(employer_id: str, **changes) -> dict:
    body = {"employerID": employer_id, "mobile": "13800138000", "email": "student@stu.example.edu.cn"}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def test_draft_input_is_validated(wq, world: World):
    student = world.enroll(1)[0]
    employer, _ = world.employer()
    unapproved, _ = world.employer(approve=False)
    agreement_id = world.agreement(student, employer, until="draft")
    token = wq.student_token(student.id)

    def put(body) -> Reply:
        return wq.student.put("/v1/agreement/draft", token, body)

    def raw(data: str) -> Callable[[], Reply]:
        return lambda: wq.student.request("PUT", "/v1/agreement/draft", token, data=data,
                                          headers={"Content-Type": "application/json"})

    # (what, body, HTTP status, code, field, agreement status named by the refusal)
    cases = [
        # decoding: a missing key is 422 naming it; a value of the wrong JSON type is 400
        ("missing mobile", draft_body(employer, mobile=None), 422, "validation_failed", "mobile", None),
        ("missing email", draft_body(employer, email=None), 422, "validation_failed", "email", None),
        ("missing employerID", draft_body(None), 422, "validation_failed", "employerID", None),
        ("mobile of the wrong type", draft_body(employer, mobile=13800138000), 400, "malformed_body", "mobile", None),
        # the decider validates the form, refusing in the draft's status
        ("bad mobile", draft_body(employer, mobile="12345"), 422, "validation_failed", "mobile", "draft"),
        ("bad e-mail", draft_body(employer, email="not-an-email"), 422, "validation_failed", "email", "draft"),
        ("1001-char remarks", draft_body(employer, remarks="薪" * 1001), 422, "validation_failed", "remarks", "draft"),
        # the student service finds no selectable employer by that ID (unapproved or unknown alike)
        ("unapproved employer", draft_body(unapproved), 422, "employer_not_available", "employerID", None),
        ("unknown employer", draft_body("E99999999"), 422, "employer_not_available", "employerID", None),
    ]
    for what, body, http_status, code, field, status in cases:
        try:
            refused_and_unchanged(wq, agreement_id, lambda: put(body), http_status, code, field, status)
        except AssertionError as error:
            raise AssertionError(f"{what}: {error}") from None
    # a body that is not a JSON object at all: 400, naming no field
    for what, data in (("malformed JSON", '{"employerID": "E1", "mobile": '), ("empty body", ""),
                       ("a JSON array", "[]")):
        try:
            refused_and_unchanged(wq, agreement_id, raw(data), 400, "malformed_body")
        except AssertionError as error:
            raise AssertionError(f"{what}: {error}") from None

    # a 20 MB body is refused as too large (docs/api.md: bodies over 8 MiB)
    refused_and_unchanged(wq, agreement_id, lambda: put(draft_body(employer, remarks="x" * 20_000_000)),
                          413, "body_too_large")

    # the limits are limits, not bans: 1000 characters of remarks are accepted
    saved = expect_ok(wq.save_draft(student.id, employer, remarks="薪" * 1000), "1000-char remarks")
    assert len((saved.agreement or wq.my_agreement(student.id).body)["form"]["remarks"]) == 1000


def test_submit_needs_review_status_and_notices(wq, world: World):
    employer, _ = world.employer()

    # 生源信息审核状态 other than 审核完成 / 待就业处审核 blocks signing, with a clear reason
    blocked = world.enroll(1, review_status=REVIEW_BLOCKING)[0]
    me = wq.student.get("/v1/me", wq.student_token(blocked.id))
    assert me.status == 200 and me.body["reviewStatus"] == REVIEW_BLOCKING and me.body["canSign"] is False, me
    assert wq.acknowledge_notices(blocked.id).status == 200
    # a draft may be saved whatever the review status; it is the submission that is refused
    draft = expect_ok(wq.save_draft(blocked.id, employer), "draft of a blocked student")
    agreement_id = (draft.agreement or wq.my_agreement(blocked.id).body)["id"]
    refused_and_unchanged(wq, agreement_id, lambda: wq.submit(blocked.id), 409, "review_status_blocks_signing",
                          status="draft")

    # 待就业处审核 may sign, but only after reading 签约须知 and 违约说明
    awaiting = world.enroll(1, review_status=REVIEW_AWAITING_OFFICE)[0]
    me = wq.student.get("/v1/me", wq.student_token(awaiting.id))
    assert me.status == 200 and me.body["reviewStatus"] == REVIEW_AWAITING_OFFICE and me.body["canSign"] is True, me
    # a draft may be saved before reading the notices; it is the submission that is refused
    draft = expect_ok(wq.save_draft(awaiting.id, employer), "draft before reading the notices")
    agreement_id = (draft.agreement or wq.my_agreement(awaiting.id).body)["id"]
    refused_and_unchanged(wq, agreement_id, lambda: wq.submit(awaiting.id), 409, "notices_not_acknowledged",
                          status="draft")
    assert wq.acknowledge_notices(awaiting.id).status == 200
    expect_ok(wq.save_draft(awaiting.id, employer), "draft after reading the notices")
    submitted = expect_ok(wq.submit(awaiting.id), "submit after reading the notices")
    assert (submitted.agreement or wq.my_agreement(awaiting.id).body)["status"] == "submitted"

    # a repeated submit changes nothing
    agreement_id = wq.my_agreement(awaiting.id).body["id"]
    before = snapshot(wq, agreement_id, settle=True)
    again = wq.submit(awaiting.id)
    assert again.status == 200 and again.outcome == "unchanged", again
    assert snapshot(wq, agreement_id) == before


def test_college_review_fields_are_required_and_validated(wq, world: World):
    student = world.enroll(1)[0]
    employer, _ = world.employer()
    counselor = world.counselor(CS)
    agreement_id = world.agreement(student, employer, until="confirmed")
    wq.wait_status("college", agreement_id, "confirmed")
    good = world.review(CS)
    cases = [
        ("phone 12345", dict(good, contactPhone="12345"), "contactPhone"),
        ("postal code 12345", dict(good, postalCode="12345"), "postalCode"),
        ("postal code 0123456", dict(good, postalCode="0123456"), "postalCode"),
        ("empty contact person", dict(good, contactPerson=""), "contactPerson"),
        ("blank mailing address", dict(good, mailingAddress="   "), "mailingAddress"),
    ]
    for what, body, field in cases:
        try:
            # the decider validates the review (after the state check), so the refusal names the status
            refused_and_unchanged(wq, agreement_id, lambda: wq.approve(counselor, agreement_id, body), 422,
                                  "validation_failed", field, "confirmed")
        except AssertionError as error:
            raise AssertionError(f"{what}: {error}") from None
    for missing in ("contactPerson", "contactPhone", "postalCode", "mailingAddress"):
        body = {k: v for k, v in good.items() if k != missing}
        refused_and_unchanged(wq, agreement_id, lambda: wq.approve(counselor, agreement_id, body), 422,
                              "validation_failed", missing)
    for name in wq.services:
        view = wq.projection(name, agreement_id).body
        assert view["status"] == "confirmed" and view.get("agreementNumber") is None, (name, view)

    approved = expect_ok(wq.approve(counselor, agreement_id, good), "approval with valid fields")
    assert (approved.agreement or wq.projection("college", agreement_id).body)["agreementNumber"]


def test_reasons_are_required_and_bounded(wq, world: World):
    students = world.enroll(2)
    employer, _ = world.employer()
    submitted = world.agreement(students[0], employer, until="submitted")
    signed = world.agreement(students[1], employer, until="employerSigned")
    wq.wait_status("employer", submitted, "submitted")
    # (what, body, whether the decider refuses it, naming the agreement's status, or the body's decoding does)
    for what, body, by_decider in (
            ("empty reason", {"reason": ""}, True),
            ("blank reason", {"reason": "  "}, True),
            ("501-char reason", {"reason": "因" * 501}, True),
            ("no reason", {}, False)):
        try:
            refused_and_unchanged(
                wq, submitted, lambda: wq.command(wq.employer, "POST", f"/v1/agreements/{submitted}/return",
                                                  wq.employer_token(employer), body),
                422, "validation_failed", "reason", "submitted" if by_decider else None)
            refused_and_unchanged(
                wq, signed, lambda: wq.command(wq.employer, "POST", f"/v1/agreements/{signed}/take-back",
                                               wq.employer_token(employer), body),
                422, "validation_failed", "reason", "employerSigned" if by_decider else None)
        except AssertionError as error:
            raise AssertionError(f"{what}: {error}") from None
    returned = expect_ok(wq.employer_return(employer, submitted, "因" * 500), "a 500-char reason")
    assert (returned.agreement or wq.projection("employer", submitted).body)["lastReason"]["reason"] == "因" * 500


def test_wrong_state_is_refused(wq, world: World):
    students = world.enroll(3)
    employer, _ = world.employer()
    counselor = world.counselor(CS)
    submitted = world.agreement(students[0], employer, until="submitted")
    confirmed = world.agreement(students[1], employer, until="confirmed", counselor=counselor)
    approved = world.agreement(students[2], employer, until="approved", counselor=counselor)
    for agreement_id, status in ((submitted, "submitted"), (confirmed, "confirmed"), (approved, "approved")):
        for name in wq.services:
            wq.wait_status(name, agreement_id, status)

    # confirm before signing
    refused_and_unchanged(wq, submitted, lambda: wq.confirm(students[0].id), 409, "invalid_state", status="submitted")
    # approve before the student confirmed
    refused_and_unchanged(wq, submitted, lambda: wq.approve(counselor, submitted, world.review(CS)), 409,
                          "invalid_state", status="submitted")
    # print before approval (student and counselor)
    refused_and_unchanged(wq, confirmed, lambda: wq.student_print(students[1].id), 409, "invalid_state",
                          status="confirmed")
    refused_and_unchanged(wq, confirmed, lambda: wq.college_print(counselor, confirmed), 409, "invalid_state",
                          status="confirmed")
    # sign or take back what the student already confirmed
    refused_and_unchanged(wq, confirmed, lambda: wq.sign(employer, confirmed), 409, "invalid_state",
                          status="confirmed")
    refused_and_unchanged(wq, confirmed, lambda: wq.take_back(employer, confirmed, "确认后拿回"), 409,
                          "invalid_state", status="confirmed")
    # file before printing
    refused_and_unchanged(wq, approved, lambda: wq.file(counselor, approved), 409, "invalid_state", status="approved")
    # the student cannot change the employer once the college approved
    other, _ = world.employer()
    refused_and_unchanged(wq, approved, lambda: wq.save_draft(students[2].id, other), 409, "employer_locked",
                          field="employerID", status="approved")


def test_employer_registration_is_validated(wq, world: World):
    employer_id = f"E{serial():05d}"
    good = registration(f"校验测试{employer_id}有限公司", world.rng)
    for what, body, field in (
            ("phone 12345", dict(good, contactPhone="12345"), "contactPhone"),
            ("postal code 0123456", dict(good, postalCode="0123456"), "postalCode"),
            ("credit code 123", dict(good, creditCode="123"), "creditCode"),
            ("empty name", dict(good, name=""), "name")):
        reply = wq.register_employer(employer_id, body)
        error = assert_refused(reply, 422, "validation_failed")
        assert error.get("field") == field and "status" not in error, (what, reply)
    me = wq.employer.get("/v1/employers/me", wq.employer_token(employer_id))
    assert me.status == 404, f"a refused registration must register nothing: {me!r}"
    listed = wq.employer.get("/v1/employers", wq.office_token())
    assert listed.status == 200 and not find_records(listed.body, "employerID", employer_id), listed
    assert wq.register_employer(employer_id, good).status == 200
