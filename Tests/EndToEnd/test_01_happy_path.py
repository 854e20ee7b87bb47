"""The manual's five steps, from the roster import to filing, across the four services."""
from __future__ import annotations

import json
import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from consistency import event_id, projections_agree
from demo_data import (KNOWN_CREDIT_CODES, contains_agreement, eventually, find_records, has_chinese, registration,
                       roster_row)
from scenarios import CS, Student, World, applied_entries, assert_refused, copy_number, expect_ok, measure, serial
from wangqian_system import SCHOOL_CODE

TENCENT = "深圳市腾讯计算机系统有限公司"


def test_happy_path_from_draft_to_filing(wq, world: World):
    # -- the employment office imports the roster; a bad row is reported, the good ones imported
    zhang, li = world.student_ids(2)
    bad_id = world.student_ids(1)[0]
    rows = [roster_row(zhang, "张三", CS, "软件工程", gender="男"),
            roster_row(li, "李四", CS, "人工智能", gender="女"),
            roster_row(bad_id, "", CS, "软件工程")]
    report = wq.import_roster(rows)
    assert report.status == 200, report
    assert report.body["imported"] == 2 and report.body["rejected"] == 1, report.body
    rejected = [r for r in report.body["rows"] if r.get("outcome") != "imported"]
    assert len(rejected) == 1 and rejected[0]["row"] == 4 and rejected[0].get("error"), report.body["rows"]

    me = wq.wait_student_known(zhang)
    assert me["reviewStatus"] == "审核完成" and me["canSign"] is True, me
    assert me["student"]["name"] == "张三" and me["student"]["major"] == "软件工程", me
    wq.wait_student_known(li)
    outsider = wq.student.get("/v1/me", wq.student_token(bad_id))
    # a rejected row must not become a student: the caller is not on the roster
    assert_refused(outsider, 404, "student_not_found")

    # -- an employer registers; it is invisible to students until the office approves it
    employer_id = f"E{serial():05d}"
    body = registration(TENCENT, world.rng, credit=KNOWN_CREDIT_CODES[TENCENT])
    registered = wq.register_employer(employer_id, body)
    assert registered.status == 200 and registered.body["employerID"] == employer_id, registered
    assert registered.body["status"] == "pending" and registered.body["employer"]["name"] == TENCENT, registered
    pending = wq.employer.get("/v1/employers", wq.office_token(), params={"status": "pending"})
    assert pending.status == 200 and find_records(pending.body, "employerID", employer_id), pending
    not_yet = wq.search_employers(zhang, "腾讯")
    assert not_yet.status == 200 and not find_records(not_yet.body, "employerID", employer_id), not_yet
    approved = wq.approve_employer(employer_id)
    assert approved.status == 200, approved
    mine = wq.employer.get("/v1/employers/me", wq.employer_token(employer_id))
    assert mine.status == 200 and mine.body["employerID"] == employer_id and mine.body["status"] == "approved", mine

    # -- 选择签约单位: fuzzy search finds the full name from 腾讯, and by part of the credit code
    hit = wq.wait_employer_selectable(zhang, employer_id, "腾讯")
    assert hit["name"] == TENCENT, hit
    by_code = wq.search_employers(zhang, KNOWN_CREDIT_CODES[TENCENT][8:16])
    assert by_code.status == 200 and find_records(by_code.body, "employerID", employer_id), by_code

    # -- the student reads the notices, saves a draft (personal opinion defaults to 同意) and submits it
    assert wq.acknowledge_notices(zhang).status == 200
    saved = expect_ok(wq.save_draft(zhang, employer_id, mobile="13912345678", email="zhangsan@stu.example.edu.cn",
                                    jobTitle="后台开发工程师", workLocation="深圳", remarks="月薪两万，合同期三年"),
                      "draft")
    draft = saved.agreement or wq.my_agreement(zhang).body
    agreement_id = draft["id"]
    assert draft["status"] == "draft", draft
    assert draft["form"]["personalOpinion"] == "同意" and draft["form"]["mobile"] == "13912345678", draft["form"]
    assert draft["employer"]["employerID"] == employer_id and draft["employer"]["name"] == TENCENT, draft["employer"]
    assert draft["student"]["studentID"] == zhang and draft["student"]["name"] == "张三", draft["student"]
    assert draft["student"]["collegeCode"] == "CS" and draft["student"]["major"] == "软件工程", draft["student"]

    # a draft is not sent to the employer: its service knows it, but it is not pending there
    wq.wait_status("employer", agreement_id, "draft")
    listed = wq.employer.get("/v1/agreements", wq.employer_token(employer_id), params={"view": "pending"})
    assert listed.status == 200 and not contains_agreement(listed.body, agreement_id), listed

    submitted = expect_ok(wq.submit(zhang), "submit")
    submitted_at = time.monotonic()
    assert (submitted.agreement or wq.my_agreement(zhang).body)["status"] == "submitted"

    # -- the employer sees it in 待签约信息 with the badge count, finds it by name and by student ID
    def pending_has_it():
        reply = wq.employer.get("/v1/agreements", wq.employer_token(employer_id), params={"view": "pending"})
        return reply.status == 200 and contains_agreement(reply.body, agreement_id)
    eventually(pending_has_it, 15, what="agreement in the employer's pending list")
    measure(f"submit -> visible in the employer's pending list: {(time.monotonic() - submitted_at) * 1000:.0f} ms")
    count = wq.employer.get("/v1/agreements/pending-count", wq.employer_token(employer_id))
    assert count.status == 200 and count.body["unhandled"] == 1, count
    for q in ("张三", zhang):
        found = wq.employer.get("/v1/agreements", wq.employer_token(employer_id), params={"view": "pending", "q": q})
        assert found.status == 200 and contains_agreement(found.body, agreement_id), (q, found)
    nobody = wq.employer.get("/v1/agreements", wq.employer_token(employer_id), params={"view": "pending", "q": "王五"})
    assert nobody.status == 200 and not contains_agreement(nobody.body, agreement_id), nobody
    one = wq.employer.get(f"/v1/agreements/{agreement_id}", wq.employer_token(employer_id))
    assert one.status == 200 and one.body["student"]["name"] == "张三", one

    # -- 确定签约, correcting the employer section on the way
    corrected = dict(body, employerID=employer_id, contactPerson="王晓明")
    signed = expect_ok(wq.sign(employer_id, agreement_id, "同意接收该生", "同意", corrected), "sign")
    signed_at = time.monotonic()
    view = signed.agreement or wq.projection("employer", agreement_id).body
    assert view["status"] == "employerSigned" and view["signingRound"] == 1 and view["lastSignedAt"], view
    section = json.dumps(view["employerSection"], ensure_ascii=False)
    assert "王晓明" in section and "同意接收该生" in section, section
    count = wq.employer.get("/v1/agreements/pending-count", wq.employer_token(employer_id))
    assert count.status == 200 and count.body["unhandled"] == 0, count
    signed_list = wq.employer.get("/v1/agreements", wq.employer_token(employer_id), params={"view": "signed"})
    assert signed_list.status == 200 and contains_agreement(signed_list.body, agreement_id), signed_list

    # -- the student sees what the employer entered and confirms
    def student_sees_signature():
        reply = wq.my_agreement(zhang)
        return reply.body if reply.status == 200 and reply.body["status"] == "employerSigned" else None
    seen = eventually(student_sees_signature, 15, what="the student sees the signature")
    measure(f"employer sign -> visible to the student: {(time.monotonic() - signed_at) * 1000:.0f} ms")
    assert "同意接收该生" in json.dumps(seen["employerSection"], ensure_ascii=False)
    confirmed = expect_ok(wq.confirm(zhang), "confirm")
    view = confirmed.agreement or wq.my_agreement(zhang).body
    assert view["status"] == "confirmed" and view["confirmedBy"] == "student", view

    # -- the counselor's review queue; the first review has nothing to pre-fill
    counselor = world.counselor(CS)
    token = wq.counselor_token(*counselor)

    def queued():
        reply = wq.college.get("/v1/reviews", token, params={"view": "pending"})
        return reply.status == 200 and contains_agreement(reply.body, agreement_id)
    eventually(queued, 15, what="agreement in the counselor's review queue")
    prefill = wq.college.get("/v1/reviews/prefill", token)
    assert prefill.status == 200, prefill
    assert prefill.body == {}, prefill  # no review yet: `review` is left out

    review = {"contactPerson": "刘老师", "contactPhone": "13601012345", "postalCode": "100871",
              "mailingAddress": "北京市海淀区颐和园路5号 计算机学院学生工作办公室"}
    approved = expect_ok(wq.approve(counselor, agreement_id, review), "approve")
    view = approved.agreement or wq.projection("college", agreement_id).body
    assert view["status"] == "approved" and {k: view["review"][k] for k in review} == review, view
    number = view["agreementNumber"]
    years = {str(datetime.now(ZoneInfo("Asia/Shanghai")).year), str(view["student"]["graduationYear"])}
    assert re.fullmatch(r"\d{15}", number or "") and number[:4] in years and number[4:9] == SCHOOL_CODE, number

    # -- three copies: the student prints one, the counselor two; a fourth is refused until re-authorised
    wq.wait_status("student", agreement_id, "approved")
    first = expect_ok(wq.student_print(zhang), "student prints copy 1")
    assert copy_number(wq, "student", agreement_id, first) == 1, first
    wq.wait_status("college", agreement_id, "printed")
    second_copy = expect_ok(wq.college_print(counselor, agreement_id), "copy 2")
    assert copy_number(wq, "college", agreement_id, second_copy) == 2, second_copy
    third = expect_ok(wq.college_print(counselor, agreement_id), "copy 3")
    assert copy_number(wq, "college", agreement_id, third) == 3, third
    assert wq.projection("college", agreement_id).body["copiesPrinted"] == 3
    fourth = wq.college_print(counselor, agreement_id)
    error = assert_refused(fourth, 409, "copy_limit_reached")
    assert error["status"] == "printed" and "field" not in error, error
    wq.wait_status("student", agreement_id, "printed")
    assert eventually(lambda: wq.my_agreement(zhang).body["copiesPrinted"] == 3, 15, what="student sees 3 copies")
    assert_refused(wq.student_print(zhang), 409, "copy_limit_reached")
    assert wq.projection("college", agreement_id).body["copiesPrinted"] == 3

    expect_ok(wq.reprint(counselor, agreement_id, "第三份打印时卡纸，需补打一份"), "reprint")
    assert wq.projection("college", agreement_id).body["copiesAllowed"] == 4
    extra = expect_ok(wq.college_print(counselor, agreement_id), "re-authorised copy 4")
    assert copy_number(wq, "college", agreement_id, extra) == 4, extra
    assert_refused(wq.college_print(counselor, agreement_id), 409, "copy_limit_reached")
    assert wq.projection("college", agreement_id).body["copiesPrinted"] == 4

    # -- 备案, found by student ID and by agreement number
    filed = expect_ok(wq.file(counselor, agreement_id), "file")
    view = filed.agreement or wq.projection("college", agreement_id).body
    assert view["status"] == "filed" and view["filedAt"], view
    for params in ({"studentID": zhang}, {"agreementNumber": number}):
        found = wq.college.get("/v1/filing", token, params=params)
        assert found.status == 200 and contains_agreement(found.body, agreement_id), (params, found)
    other = wq.college.get("/v1/filing", token, params={"agreementNumber": number[:9] + "999999"})
    assert other.status == 200 and other.body == {"agreements": []}, other

    # -- the same counselor's next review is pre-filled from this one; numbers are unique and serial
    student_li = Student(li, "李四", CS)
    second = world.agreement(student_li, employer_id, until="confirmed")
    wq.wait_status("college", second, "confirmed")
    prefill = wq.college.get("/v1/reviews/prefill", token)
    assert prefill.status == 200, prefill
    again = prefill.body["review"]
    assert prefill.body == {"review": review}, prefill
    approved2 = expect_ok(wq.approve(counselor, second, again), "second approval")
    number2 = (approved2.agreement or wq.projection("college", second).body)["agreementNumber"]
    assert re.fullmatch(r"\d{15}", number2 or "") and number2 != number and number2[:9] == number[:9], (number, number2)
    assert int(number2[9:]) > int(number[9:]), (number, number2)

    # -- every projection holds the same agreement, with the whole history
    agreed = projections_agree(wq, agreement_id, status="filed")
    entries = agreed["timeline"]
    assert len({event_id(e) for e in entries}) == len(entries), "duplicate event IDs in the timeline"
    assert all(e.get("type") and e.get("at") and e.get("actor") for e in entries), entries
    roles = [e["actor"]["role"] for e in applied_entries(agreed)]
    assert roles == ["student", "student", "employer", "student", "counselor", "student", "counselor",
                     "counselor", "counselor", "counselor", "counselor"], roles
    assert agreed["agreementNumber"] == number and agreed["copiesPrinted"] == 4
    projections_agree(wq, second, status="approved")


VIEW_FIELDS = ("id", "status", "statusName", "version", "agreementNumber", "student", "employer", "form",
               "employerSection", "signingRound", "lastSignedAt", "confirmedBy", "review", "copiesPrinted",
               "copiesAllowed", "filedAt", "timeline")
TIMELINE_FIELDS = ("eventID", "type", "actor", "at", "outcome")


def test_agreement_view_has_the_documented_fields(wq, world: World):
    """The agreement view and its timeline use the field names of docs/api.md (other systems read them)."""
    student = world.enroll(1)[0]
    employer, _ = world.employer()
    agreement_id = world.agreement(student, employer, until="filed")
    projections_agree(wq, agreement_id, status="filed")
    for name in wq.services:
        view = wq.projection(name, agreement_id).body
        missing = [f for f in VIEW_FIELDS if f not in view]
        assert not missing, f"{name}: the agreement view lacks {missing}: {sorted(view)}"
        assert view["statusName"] == "已备案" and has_chinese(view["statusName"])
        for entry in view["timeline"]:
            missing = [f for f in TIMELINE_FIELDS if f not in entry]
            assert not missing, f"{name}: a timeline entry lacks {missing} (docs/api.md): {entry}"
            # every step of this agreement succeeded, so no entry is a refused one
            assert set(entry["actor"]) >= {"role", "id"} and entry["outcome"] == "applied", entry
