"""Error bodies (issue 6): every 4xx the HTTP layer produces itself — unknown path, known path with another method,
a body over 8 MiB, a body of the wrong media type — has the JSON error body of docs/api.md, and changes nothing."""
from __future__ import annotations

import json
import uuid

import pytest

from demo_data import Reply, has_chinese, roster_csv, roster_row
from scenarios import CS, World, settled_versions

MAX_BODY = 8 * 1024 * 1024


def assert_error(reply: Reply, status: int, code: str, message: str | None = None) -> None:
    assert reply.status == status, f"expected {status} {code}, got {reply!r}"
    assert reply.headers.get("Content-Type", "").startswith("application/json"), f"not JSON: {reply.headers}"
    assert isinstance(reply.body, dict) and set(reply.body) == {"error"}, reply
    assert reply.code == code and has_chinese(reply.message), f"expected {code}, got {reply!r}"
    if message is not None:
        assert reply.message == message, reply


@pytest.fixture(scope="module")
def draft(wq, world: World):
    student = world.enroll(1)[0]
    employer, _ = world.employer()
    agreement_id = world.agreement(student, employer, until="draft")
    return student, employer, agreement_id


# (service, method, path, who calls, the methods the path takes); {agreement} and {command} are filled in
METHOD_CASES = [
    ("student", "DELETE", "/v1/agreement", "student", "GET"),
    ("student", "GET", "/v1/agreement/draft", "student", "PUT"),
    ("student", "PUT", "/v1/agreement/submit", "student", "POST"),
    ("college", "PUT", "/v1/roster/import", "office", "POST"),
    ("scheduler", "DELETE", "/v1/clock", "office", "GET"),
    ("scheduler", "PATCH", "/health/ready", None, "GET"),
    # paths with a parameter
    ("employer", "DELETE", "/v1/agreements/{agreement}", "employer", "GET"),
    ("employer", "GET", "/v1/agreements/{agreement}/sign", "employer", "POST"),
    ("college", "DELETE", "/v1/commands/{command}", "office", "GET"),
]


@pytest.mark.parametrize("case", METHOD_CASES, ids=lambda c: f"{c[0]} {c[1]} {c[2]}")
def test_known_paths_with_another_method_are_405_with_allow(wq, draft, case):
    service, method, path, caller, allow = case
    student, employer, agreement_id = draft
    token = {"student": wq.student_token(student.id), "employer": wq.employer_token(employer),
             "office": wq.office_token(), None: None}[caller]
    path = path.format(agreement=agreement_id, command=uuid.uuid4())
    reply = wq.services[service].request(method, path, token)
    assert_error(reply, 405, "method_not_allowed", f"该地址不支持 {method} 请求")
    assert reply.headers.get("Allow") == allow, f"Allow {reply.headers.get('Allow')!r}, expected {allow!r}"


def test_unknown_paths_are_404(wq):
    for name, service in wq.services.items():
        for method, path in (("GET", "/v1/nope"), ("POST", "/v1/agreements/x/y/z"), ("GET", "/nope")):
            reply = service.request(method, path, wq.office_token())
            assert_error(reply, 404, "not_found", "没有这个地址")


def test_bodies_over_8_mib_are_413(wq, world: World, draft):
    student, employer, agreement_id = draft
    before = settled_versions(wq, agreement_id)
    token = wq.student_token(student.id)

    def draft_of(size: int) -> bytes:
        body = {"employerID": employer, "mobile": "13800138000", "email": "big@stu.example.edu.cn", "remarks": ""}
        overhead = len(json.dumps(body).encode())
        body["remarks"] = "x" * (size - overhead)
        data = json.dumps(body).encode()
        assert len(data) == size
        return data

    # 8 MiB is still read (and refused for its content); one byte more is refused unread
    exact = wq.student.request("PUT", "/v1/agreement/draft", token, data=draft_of(MAX_BODY),
                               headers={"Content-Type": "application/json"})
    assert exact.status == 422 and exact.code == "validation_failed" and exact.error.get("field") == "remarks", exact
    over = wq.student.request("PUT", "/v1/agreement/draft", token, data=draft_of(MAX_BODY + 1),
                              headers={"Content-Type": "application/json"})
    assert_error(over, 413, "body_too_large", "请求内容过大")
    registration = wq.employer.request("POST", "/v1/employers/registration", wq.employer_token(f"E-BIG-{student.id}"),
                                       data=b'{"name": "' + b"x" * MAX_BODY + b'"}',
                                       headers={"Content-Type": "application/json"})
    assert_error(registration, 413, "body_too_large", "请求内容过大")

    # a roster over 8 MiB: refused, nothing imported
    probe = world.student_ids(1)[0]
    head = roster_csv([roster_row(probe, "超大名单", CS)])
    filler = "\n" * (MAX_BODY + 1 - len(head.encode()))
    roster = wq.college.post("/v1/roster/import", wq.office_token(), data=(head + filler).encode(),
                             headers={"Content-Type": "text/csv; charset=utf-8"}, timeout=60)
    assert_error(roster, 413, "body_too_large", "请求内容过大")
    assert wq.college.get(f"/v1/roster/{probe}", wq.office_token()).status == 404
    assert settled_versions(wq, agreement_id) == before


def test_bodies_of_the_wrong_media_type_are_415(wq, world: World, draft):
    student, employer, agreement_id = draft
    before = settled_versions(wq, agreement_id)
    body = json.dumps({"employerID": employer, "mobile": "13900139000", "email": "changed@stu.example.edu.cn"})
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {"Content-Type": content_type} if content_type else {}
        reply = wq.student.request("PUT", "/v1/agreement/draft", wq.student_token(student.id), data=body, headers=headers)
        assert_error(reply, 415, "unsupported_media_type", "请求内容类型必须是 application/json")
    probe = world.student_ids(1)[0]
    csv_text = roster_csv([roster_row(probe, "媒体类型", CS)])
    for content_type in ("application/json", "multipart/form-data; boundary=x", None):
        headers = {"Content-Type": content_type} if content_type else {}
        reply = wq.college.post("/v1/roster/import", wq.office_token(), data=csv_text, headers=headers)
        assert_error(reply, 415, "unsupported_media_type", "请求内容类型必须是 text/csv 或 text/plain")
    assert wq.college.get(f"/v1/roster/{probe}", wq.office_token()).status == 404
    assert settled_versions(wq, agreement_id) == before
    assert wq.my_agreement(student.id).body["form"]["mobile"] == "13800138000"
