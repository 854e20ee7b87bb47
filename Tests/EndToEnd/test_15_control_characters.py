"""Control characters (issue 6): NUL and the other C0/C1 controls (escape, DEL, NEL…) are refused in every text
a user can send — JSON fields, query parameters, path parameters, roster cells — with 422 `validation_failed`
naming the field, and change nothing: no agreement moves, nothing is registered or imported, no dead letter is
produced. Tab and line feed are allowed in free text.
"""
from __future__ import annotations

import pytest

from consistency import projections_agree
from demo_data import Reply, find_records, has_chinese, registration, roster_csv, roster_row
from scenarios import CS, World, dead_letter_count, expect_ok, serial, settled_versions

NUL, ESC, DEL, NEL = "\u0000", "\u001b", "\u007f", "\u0085"


def with_control(text: str, control: str = NUL) -> str:
    """`text` with a control character in the middle (a trailing one could be trimmed as white space)."""
    middle = max(1, len(text) // 2)
    return text[:middle] + control + text[middle:]


def assert_validation(reply: Reply, field: str | None, message: str, status: str | None = None) -> None:
    """422 with exactly the documented error body."""
    error = {"code": "validation_failed", "message": message}
    if field is not None:
        error["field"] = field
    if status is not None:
        error["status"] = status
    assert reply.status == 422 and reply.body == {"error": error}, \
        f"expected 422 {error}, got {reply!r}"
    assert reply.headers.get("Content-Type", "").startswith("application/json"), reply.headers


def versions(wq, agreement_id: str) -> dict:
    """Each service's (status, version, timeline length) of the agreement."""
    out = {}
    for name in wq.services:
        body = wq.projection(name, agreement_id).body or {}
        out[name] = (body.get("status"), body.get("version"), len(body.get("timeline") or []))
    return out


def no_new_dead_letters(system, before: dict) -> None:
    after = dead_letter_count(system)
    assert after == before, f"dead letters appeared: before {before}, after {after}"


@pytest.fixture(scope="module")
def dead_letters_before(system):
    return dead_letter_count(system)


def test_draft_fields_refuse_control_characters(system, wq, world: World, dead_letters_before):
    student = world.enroll(1)[0]
    employer, _ = world.employer()
    agreement_id = world.agreement(student, employer, until="draft", personalOpinion="同意签约", jobTitle="软件工程师",
                                   workLocation="深圳", remarks="试用期六个月")
    settled_versions(wq, agreement_id)
    before = versions(wq, agreement_id)
    token = wq.student_token(student.id)
    good = {"employerID": employer, "mobile": "13800138000", "email": f"{student.id}@stu.example.edu.cn",
            "personalOpinion": "同意签约", "jobTitle": "软件工程师", "workLocation": "深圳", "remarks": "试用期六个月"}
    labels = {"personalOpinion": "本人意见", "mobile": "手机号", "email": "电子邮箱", "jobTitle": "工作岗位",
              "workLocation": "工作地点", "remarks": "备注"}
    cases = [(field, NUL) for field in labels] + [
        ("remarks", ESC), ("remarks", DEL), ("remarks", NEL), ("jobTitle", ESC + "[31m"), ("personalOpinion", "\u009f"),
        ("workLocation", "\r")]
    for field, control in cases:
        body = dict(good, **{field: with_control(good[field], control)})
        reply = wq.student.put("/v1/agreement/draft", token, body)
        assert_validation(reply, field, f"{labels[field]}不能包含控制字符", status="draft")
    # the employer ID is checked before the employer is looked up
    for control in (NUL, ESC):
        reply = wq.student.put("/v1/agreement/draft", token, dict(good, employerID=with_control(employer, control)))
        assert_validation(reply, "employerID", "签约单位不能包含控制字符")
    assert versions(wq, agreement_id) == before, "a refused draft changed the agreement"
    assert wq.my_agreement(student.id).body["form"]["remarks"] == "试用期六个月"

    # tab and line feed are allowed in free text, and kept as they are
    saved = expect_ok(wq.save_draft(student.id, employer, personalOpinion="同意\t签约", remarks="第一行\n第二行\t（备注）"),
                      "a draft with tab and line feed")
    form = (saved.agreement or wq.my_agreement(student.id).body)["form"]
    assert (form["personalOpinion"], form["remarks"]) == ("同意\t签约", "第一行\n第二行\t（备注）"), form
    projections_agree(wq, agreement_id, status="draft")
    no_new_dead_letters(system, dead_letters_before)


def test_registration_fields_refuse_control_characters(system, wq, world: World, dead_letters_before):
    employer_id = f"E{serial():05d}"
    good = registration(f"控制字符测试{employer_id}有限公司", world.rng)
    labels = {"name": "单位名称", "creditCode": "统一社会信用代码", "type": "单位性质", "industry": "所属行业",
              "location": "单位所在地", "contactPerson": "联系人", "contactPhone": "联系电话", "address": "单位地址",
              "postalCode": "邮政编码", "archiveAddress": "档案转寄地址"}
    assert set(labels) == set(good), sorted(good)
    for field, label in labels.items():
        for control in (NUL, ESC) if field in ("name", "address") else (NUL,):
            reply = wq.register_employer(employer_id, dict(good, **{field: with_control(good[field], control)}))
            assert_validation(reply, field, f"{label}不能包含控制字符")
    me = wq.employer.get("/v1/employers/me", wq.employer_token(employer_id))
    assert me.status == 404, f"a refused registration registered something: {me!r}"
    listed = wq.employer.get("/v1/employers", wq.office_token())
    assert listed.status == 200 and not find_records(listed.body, "employerID", employer_id), listed

    # an approved employer's update with a control character changes nothing either
    approved, body = world.employer()
    reply = wq.register_employer(approved, dict(body, name=with_control(body["name"])))
    assert_validation(reply, "name", "单位名称不能包含控制字符")
    mine = wq.employer.get("/v1/employers/me", wq.employer_token(approved)).body
    assert mine["status"] == "approved" and mine["employer"]["name"] == body["name"], mine
    no_new_dead_letters(system, dead_letters_before)


def test_employer_commands_refuse_control_characters(system, wq, world: World, dead_letters_before):
    students = world.enroll(2)
    employer, _ = world.employer()
    submitted = world.agreement(students[0], employer, until="submitted")
    signed = world.agreement(students[1], employer, until="employerSigned")
    wq.wait_status("employer", submitted, "submitted")
    for agreement_id in (submitted, signed):
        settled_versions(wq, agreement_id)
    before = {a: versions(wq, a) for a in (submitted, signed)}
    token = wq.employer_token(employer)

    def post(agreement_id: str, action: str, body: dict) -> Reply:
        return wq.employer.post(f"/v1/agreements/{agreement_id}/{action}", token, body)

    assert_validation(post(submitted, "sign", {"employerOpinion": with_control("同意接收")}),
                      "employerOpinion", "用人单位意见不能包含控制字符", status="submitted")
    assert_validation(post(submitted, "sign", {"employerOpinion": "同意接收", "supervisorOpinion": with_control("同意", ESC)}),
                      "supervisorOpinion", "主管部门意见不能包含控制字符", status="submitted")
    assert_validation(post(submitted, "return", {"reason": with_control("岗位已满")}),
                      "reason", "退回原因不能包含控制字符", status="submitted")
    assert_validation(post(signed, "take-back", {"reason": with_control("信息有误", DEL)}),
                      "reason", "拿回重签原因不能包含控制字符", status="employerSigned")
    assert {a: versions(wq, a) for a in (submitted, signed)} == before, "a refused command changed an agreement"
    no_new_dead_letters(system, dead_letters_before)


def test_corrected_employer_section_names_the_nested_field(system, wq, world: World, dead_letters_before):
    """A corrected employer section at signing is `employer` in the body: its fields are `employer.<name>`, as the
    domain names them (a top-level `contactPerson` does not exist in the sign request)."""
    student = world.enroll(1)[0]
    employer, registered = world.employer()
    submitted = world.agreement(student, employer, until="submitted")
    wq.wait_status("employer", submitted, "submitted")
    settled_versions(wq, submitted)
    before = versions(wq, submitted)
    section = dict(registered, employerID=employer, contactPerson=with_control(registered["contactPerson"]))
    reply = wq.employer.post(f"/v1/agreements/{submitted}/sign", wq.employer_token(employer),
                             {"employerOpinion": "同意接收", "employer": section})
    assert_validation(reply, "employer.contactPerson", "联系人不能包含控制字符", status="submitted")
    assert versions(wq, submitted) == before, "a refused signing changed the agreement"
    no_new_dead_letters(system, dead_letters_before)


def test_college_commands_refuse_control_characters(system, wq, world: World, dead_letters_before):
    students = world.enroll(2)
    employer, _ = world.employer()
    counselor = world.counselor(CS)
    confirmed = world.agreement(students[0], employer, until="confirmed", counselor=counselor)
    printed = world.agreement(students[1], employer, until="printed", counselor=counselor)
    for _ in range(2):  # every allowed copy printed: a reprint may be authorised now
        expect_ok(wq.college_print(counselor, printed), f"printing {printed}")
    wq.wait_status("college", confirmed, "confirmed")
    for agreement_id in (confirmed, printed):
        settled_versions(wq, agreement_id)
    before = {a: versions(wq, a) for a in (confirmed, printed)}
    token = wq.counselor_token(*counselor)
    review = world.review(CS)
    labels = {"contactPerson": "学校联系人", "contactPhone": "联系电话", "postalCode": "邮政编码", "mailingAddress": "协议书邮寄地址"}
    for field, label in labels.items():
        reply = wq.college.post(f"/v1/agreements/{confirmed}/approve", token, dict(review, **{field: with_control(review[field])}))
        # the decider validates the review, after the state check: the refusal names the status
        assert_validation(reply, field, f"{label}不能包含控制字符", status="confirmed")
    assert_validation(wq.college.post(f"/v1/agreements/{confirmed}/return", token, {"reason": with_control("信息不全")}),
                      "reason", "退回原因不能包含控制字符", status="confirmed")
    assert_validation(wq.college.post(f"/v1/agreements/{printed}/reprint", token,
                                      {"extraCopies": 1, "reason": with_control("打印机卡纸", ESC)}),
                      "reason", "补打原因不能包含控制字符", status="printed")
    assert {a: versions(wq, a) for a in (confirmed, printed)} == before, "a refused command changed an agreement"
    view = wq.projection("college", confirmed).body
    assert view.get("agreementNumber") is None and view["status"] == "confirmed", view
    no_new_dead_letters(system, dead_letters_before)


def test_query_parameters_refuse_control_characters(wq, world: World):
    student = world.probe_student()
    employer, _ = world.employer()
    counselor = world.counselor(CS)
    calls = [
        ("student", "/v1/employers", wq.student_token(student.id), {"q": NUL}, "q"),
        ("student", "/v1/employers", wq.student_token(student.id), {"q": "科" + NUL + "技"}, "q"),
        ("student", "/v1/employers", wq.student_token(student.id), {"q": "科技", "limit": "1" + NUL}, "limit"),
        ("employer", "/v1/agreements", wq.employer_token(employer), {"view": "all", "q": NUL}, "q"),
        ("employer", "/v1/agreements", wq.employer_token(employer), {"view": "all" + ESC}, "view"),
        ("employer", "/v1/employers", wq.office_token(), {"status": "pending" + NUL}, "status"),
        ("college", "/v1/reviews", wq.counselor_token(*counselor), {"view": "all", "q": NUL}, "q"),
        ("college", "/v1/reviews", wq.office_token(), {"view": "all", "q": "张" + DEL}, "q"),
        ("college", "/v1/filing", wq.counselor_token(*counselor), {"studentID": NUL}, "studentID"),
        ("college", "/v1/filing", wq.office_token(), {"agreementNumber": NUL}, "agreementNumber"),
    ]
    for service, path, token, params, field in calls:
        reply = wq.services[service].get(path, token, params=params)
        assert_validation(reply, field, f"查询参数 {field} 不能包含控制字符")


@pytest.mark.parametrize("where", ["approve an employer", "a roster record"])
def test_path_parameters_with_nul_are_refused(wq, world: World, where: str):
    """A NUL in a path parameter that is looked up in the database is bad input (422), not "not found"."""
    if where == "approve an employer":
        pending, _ = world.employer(approve=False)
        for path in ("/v1/employers/%00/approve", f"/v1/employers/{pending}%00/approve"):
            reply = wq.employer.post(path, wq.office_token())
            assert reply.status == 422 and reply.code == "validation_failed" and has_chinese(reply.message), \
                f"POST {path}: expected 422 validation_failed, got {reply!r}"
        mine = wq.employer.get("/v1/employers/me", wq.employer_token(pending)).body
        assert mine["status"] == "pending", mine
    else:
        student = world.probe_student()
        for path in ("/v1/roster/%00", f"/v1/roster/{student.id}%00"):
            reply = wq.college.get(path, wq.office_token())
            assert reply.status == 422 and reply.code == "validation_failed" and has_chinese(reply.message), \
                f"GET {path}: expected 422 validation_failed, got {reply!r}"


def test_roster_rows_with_control_characters_are_rejected_alone(system, wq, world: World, dead_letters_before):
    ids = world.student_ids(5)
    rows = [roster_row(ids[0], "林晓", CS), roster_row(ids[1], "王" + NUL + "芳", CS, gender="女"),
            roster_row(ids[2], "赵磊", CS), roster_row(ids[3][:4] + NUL + ids[3][4:], "钱程", CS),
            dict(roster_row(ids[4], "孙悦", CS, gender="女"), collegeName="计算机" + ESC + "学院")]
    reply = wq.college.post("/v1/roster/import", wq.office_token(), data=roster_csv(rows),
                            headers={"Content-Type": "text/csv; charset=utf-8"})
    assert reply.status == 200, reply
    assert reply.body == {"imported": 2, "rejected": 3, "rows": [
        {"row": 2, "studentID": ids[0], "outcome": "imported"},
        {"row": 3, "studentID": ids[1], "outcome": "rejected", "error": "姓名不能包含控制字符"},
        {"row": 4, "studentID": ids[2], "outcome": "imported"},
        {"row": 5, "outcome": "rejected", "error": "学号不能包含控制字符"},
        {"row": 6, "studentID": ids[4], "outcome": "rejected", "error": "学院名称不能包含控制字符"},
    ]}, reply.body
    for student_id in (ids[0], ids[2]):
        wq.wait_student_known(student_id, 20)
    for student_id in (ids[1], ids[3], ids[4]):
        assert wq.college.get(f"/v1/roster/{student_id}", wq.office_token()).status == 404, student_id
        me = wq.student.get("/v1/me", wq.student_token(student_id))
        assert me.status == 404 and me.code == "student_not_found", me
    no_new_dead_letters(system, dead_letters_before)
