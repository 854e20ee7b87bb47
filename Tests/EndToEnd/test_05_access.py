"""Access: every /v1 endpoint of docs/api.md refuses bad tokens (401), roles it does not serve (403) and other
people's agreements (404, or absent from lists) — and a refused request changes nothing.

Each endpoint is called as its legitimate caller would call it, on an agreement in the state where the call would
succeed, only with a bad token, a wrong role or a foreign identity: if a check were missing, the agreement's
version would move.
"""
from __future__ import annotations

import base64
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest

from consistency import projections_agree
from demo_data import (Reply, Wangqian, contains_agreement, find_records, has_chinese, mint_token, registration,
                       roster_csv, roster_row)
from scenarios import CS, EE, World, serial, settled_versions

ROLES = ("student", "employer", "counselor", "office")
STATES = ("draft", "submitted", "employerSigned", "confirmed", "approved", "printed")


@dataclass(frozen=True)
class Endpoint:
    service: str
    method: str
    path: str  # placeholders: {agreement}, {student}, {employer}, {command}
    roles: tuple[str, ...]  # the roles it serves
    caller: str  # the legitimate caller: student:<state>, student:fresh, employer, employer:new, counselor, office
    victim: str | None = None  # the agreement (by state) that must not change
    body: Any = None  # JSON, or a callable of the Victims
    foreign: str | None = None  # refuse | own | hidden | batch | count
    check: str | None = None  # an extra "nothing changed" check: me, registration, approval, roster, clock

    @property
    def name(self) -> str:
        return f"{self.service} {self.method} {self.path}"


def draft_body(v: "Victims") -> dict:
    return {"employerID": v.employer, "mobile": "13700001111", "email": "changed@example.cn"}


ENDPOINTS = (
    # student service
    Endpoint("student", "GET", "/v1/me", ("student",), "student:fresh", check="me"),
    Endpoint("student", "POST", "/v1/me/notices", ("student",), "student:fresh",
             body={"signingNotice": True, "breachExplanation": True}, check="me"),
    Endpoint("student", "GET", "/v1/employers?q=%E7%A7%91%E6%8A%80", ("student",), "student:fresh"),
    Endpoint("student", "GET", "/v1/agreement", ("student",), "student:submitted", victim="submitted", foreign="own"),
    # (another student saving a draft saves their own: legitimate, so no foreign-identity case here)
    Endpoint("student", "PUT", "/v1/agreement/draft", ("student",), "student:draft", victim="draft", body=draft_body),
    Endpoint("student", "POST", "/v1/agreement/submit", ("student",), "student:draft", victim="draft", foreign="own"),
    Endpoint("student", "POST", "/v1/agreement/confirm", ("student",), "student:employerSigned",
             victim="employerSigned", foreign="own"),
    Endpoint("student", "POST", "/v1/agreement/print", ("student",), "student:approved", victim="approved",
             foreign="own"),
    Endpoint("student", "GET", "/v1/commands/{command}", ("student",), "student:draft"),
    # employer service
    Endpoint("employer", "POST", "/v1/employers/registration", ("employer",), "employer:new",
             body=lambda v: v.registration, check="registration"),
    Endpoint("employer", "GET", "/v1/employers/me", ("employer",), "employer"),
    Endpoint("employer", "GET", "/v1/employers?status=pending", ("office",), "office"),
    Endpoint("employer", "POST", "/v1/employers/{employer}/approve", ("office",), "office", check="approval"),
    Endpoint("employer", "GET", "/v1/agreements/pending-count", ("employer",), "employer", foreign="count"),
    Endpoint("employer", "GET", "/v1/agreements?view=all", ("employer",), "employer", victim="submitted",
             foreign="hidden"),
    Endpoint("employer", "GET", "/v1/agreements/{agreement}", ("employer",), "employer", victim="submitted",
             foreign="refuse"),
    Endpoint("employer", "POST", "/v1/agreements/{agreement}/sign", ("employer",), "employer", victim="submitted",
             body={"employerOpinion": "同意接收"}, foreign="refuse"),
    Endpoint("employer", "POST", "/v1/agreements/{agreement}/return", ("employer",), "employer", victim="submitted",
             body={"reason": "越权退回测试"}, foreign="refuse"),
    Endpoint("employer", "POST", "/v1/agreements/{agreement}/take-back", ("employer",), "employer",
             victim="employerSigned", body={"reason": "越权拿回测试"}, foreign="refuse"),
    Endpoint("employer", "POST", "/v1/agreements/batch-sign", ("employer",), "employer", victim="submitted",
             body=lambda v: {"agreementIDs": [v.agreements["submitted"]], "employerOpinion": "同意接收"},
             foreign="batch"),
    Endpoint("employer", "GET", "/v1/commands/{command}", ("employer",), "employer"),
    # college service
    Endpoint("college", "POST", "/v1/roster/import", ("office",), "office", body="csv", check="roster"),
    Endpoint("college", "GET", "/v1/roster/{student}", ("counselor", "office"), "counselor", foreign="refuse"),
    Endpoint("college", "GET", "/v1/reviews?view=all", ("counselor", "office"), "counselor", victim="confirmed",
             foreign="hidden"),
    Endpoint("college", "GET", "/v1/reviews/prefill", ("counselor",), "counselor"),
    Endpoint("college", "GET", "/v1/agreements/{agreement}", ("counselor", "office"), "counselor",
             victim="confirmed", foreign="refuse"),
    Endpoint("college", "POST", "/v1/agreements/{agreement}/approve", ("counselor", "office"), "counselor",
             victim="confirmed", body=lambda v: v.review, foreign="refuse"),
    Endpoint("college", "POST", "/v1/agreements/{agreement}/return", ("counselor", "office"), "counselor",
             victim="confirmed", body={"reason": "越权退回测试"}, foreign="refuse"),
    Endpoint("college", "POST", "/v1/agreements/{agreement}/print", ("counselor", "office"), "counselor",
             victim="approved", foreign="refuse"),
    Endpoint("college", "POST", "/v1/agreements/{agreement}/reprint", ("counselor", "office"), "counselor",
             victim="printed", body={"extraCopies": 1, "reason": "越权补打测试"}, foreign="refuse"),
    Endpoint("college", "POST", "/v1/agreements/{agreement}/file", ("counselor", "office"), "counselor",
             victim="printed", foreign="refuse"),
    Endpoint("college", "GET", "/v1/filing?studentID={student}", ("counselor", "office"), "counselor",
             victim="printed", foreign="hidden"),
    Endpoint("college", "GET", "/v1/commands/{command}", ("counselor", "office"), "counselor"),
    # scheduler service
    Endpoint("scheduler", "GET", "/v1/timers?agreementID={agreement}", ("office",), "office", victim="employerSigned"),
    Endpoint("scheduler", "GET", "/v1/clock", ("office",), "office"),
    Endpoint("scheduler", "POST", "/v1/clock/advance", ("office",), "office", body={"seconds": 1}, check="clock"),
) + tuple(
    endpoint
    for service in ("student", "employer", "college", "scheduler")
    for endpoint in (
        Endpoint(service, "GET", "/v1/projection/agreements/{agreement}", ("office",), "office", victim="approved"),
        Endpoint(service, "GET", "/v1/projection/digest", ("office",), "office"),
    )
)

# Which agreement (by state) an endpoint's {student} placeholder names.
STUDENT_OF = {"/v1/roster/{student}": "confirmed", "/v1/filing?studentID={student}": "printed"}


@dataclass
class Victims:
    employer: str
    other_employer: str
    pending_employer: str
    new_employer: str
    counselor: tuple[str, str]
    other_counselor: tuple[str, str]
    students: dict[str, str]  # state -> student ID
    agreements: dict[str, str]  # state -> agreement ID
    fresh_student: str
    other_student: str
    commands: dict[str, str]  # service -> a command ID issued there
    registration: dict
    review: dict
    roster_probe: str
    extra: dict = field(default_factory=dict)


@pytest.fixture(scope="module")
def v(wq: Wangqian, world: World) -> Victims:
    employer, _ = world.employer()
    other_employer, _ = world.employer()
    pending_employer, _ = world.employer(approve=False)
    students = world.enroll(len(STATES) + 2, CS)
    counselor = world.counselor(CS)
    with ThreadPoolExecutor(len(STATES)) as pool:
        ids = list(pool.map(lambda pair: world.agreement(pair[0], employer, until=pair[1], counselor=counselor),
                            zip(students, STATES)))
    agreements = dict(zip(STATES, ids))
    for state, agreement_id in agreements.items():
        projections_agree(wq, agreement_id, status="printed" if state == "printed" else state)
    world.enroll(1, EE)  # the other college exists on the roster too

    def command_id(agreement_state: str, step: str) -> str:
        outcome = world.steps[agreements[agreement_state]].get(step)
        return (outcome.command_id if outcome else None) or str(uuid.uuid4())
    return Victims(
        employer=employer, other_employer=other_employer, pending_employer=pending_employer,
        new_employer=f"E{serial():05d}", counselor=counselor, other_counselor=world.counselor(EE),
        students={state: s.id for state, s in zip(STATES, students)}, agreements=agreements,
        fresh_student=students[len(STATES)].id, other_student=students[len(STATES) + 1].id,
        commands={"student": command_id("draft", "draft"), "employer": command_id("employerSigned", "sign"),
                  "college": command_id("approved", "approve")},
        registration=registration(f"越权注册测试{serial()}有限公司", world.rng),
        review=world.review(CS), roster_probe=world.student_ids(1)[0])


# ---- tokens

def legitimate(ep: Endpoint, v: Victims) -> tuple[str, str, str | None]:
    kind, _, detail = ep.caller.partition(":")
    if kind == "student":
        return "student", v.fresh_student if detail == "fresh" else v.students[detail], None
    if kind == "employer":
        return "employer", v.new_employer if detail == "new" else v.employer, None
    if kind == "counselor":
        return "counselor", v.counselor[0], v.counselor[1]
    return "office", "JYC-E2E", None


def tampered(secret: str, role: str, subject: str, college: str | None) -> str:
    """A real signature over other claims, with the payload swapped for the claims wanted."""
    genuine = mint_token(secret, "student", "someone-else").split(".")
    claims = json.loads(base64.urlsafe_b64decode(genuine[1] + "=="))
    claims.update({"sub": subject, "role": role})
    if college:
        claims["college"] = college
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{genuine[0]}.{payload}.{genuine[2]}"


def bad_credentials(secret: str, role: str, subject: str, college: str | None) -> dict[str, dict]:
    """Authorization headers that must all be refused with 401."""
    def bearer(token: str) -> dict:
        return {"Authorization": f"Bearer {token}"}
    return {
        "no token": {},
        "expired": bearer(mint_token(secret, role, subject, college, expires_in=-3600)),
        "signed with another key": bearer(mint_token(secret + "-not-ours", role, subject, college)),
        "unsigned (alg none)": bearer(mint_token(secret, role, subject, college, algorithm="none")),
        "tampered payload": bearer(tampered(secret, role, subject, college)),
        "not a JWT": bearer("not-a-jwt"),
        "Basic scheme": {"Authorization": "Basic " + base64.b64encode(f"{subject}:x".encode()).decode()},
    }


# ---- calling an endpoint

def call(wq: Wangqian, ep: Endpoint, v: Victims, headers: dict) -> Reply:
    path = ep.path.format(
        agreement=v.agreements.get(ep.victim or "approved"), employer=v.pending_employer,
        student=v.students[STUDENT_OF.get(ep.path, "confirmed")], command=v.commands.get(ep.service, uuid.uuid4()))
    service = wq.services[ep.service]
    if ep.body == "csv":
        row = roster_row(v.roster_probe, "越权导入", CS)
        return service.request(ep.method, path, data=roster_csv([row]),
                               headers={"Content-Type": "text/csv; charset=utf-8", **headers})
    body = ep.body(v) if callable(ep.body) else ep.body
    if body is None:
        return service.request(ep.method, path, headers=headers)
    return service.request(ep.method, path, json_body=body, headers=headers)


def token_header(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def state_snapshot(wq: Wangqian, ep: Endpoint, v: Victims) -> Any:
    """What must be the same before and after the refused calls."""
    snapshot: dict[str, Any] = {}
    if ep.victim:
        snapshot["versions"] = settled_versions(wq, v.agreements[ep.victim])
    if ep.check == "me":
        snapshot["me"] = wq.student.get("/v1/me", wq.student_token(v.fresh_student)).body
    elif ep.check == "registration":
        snapshot["registration"] = wq.employer.get("/v1/employers/me", wq.employer_token(v.new_employer)).status
    elif ep.check == "approval":
        pending = wq.employer.get("/v1/employers", wq.office_token(), params={"status": "pending"})
        snapshot["approval"] = bool(find_records(pending.body, "employerID", v.pending_employer))
    elif ep.check == "roster":
        snapshot["roster"] = wq.college.get(f"/v1/roster/{v.roster_probe}", wq.office_token()).status
    elif ep.check == "clock":
        snapshot["clock"] = wq.clock().body.get("offsetSeconds")
    return snapshot


@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda ep: ep.name)
def test_endpoint_refuses_bad_tokens_wrong_roles_and_foreign_identities(wq: Wangqian, v: Victims, ep: Endpoint):
    role, subject, college = legitimate(ep, v)
    before = state_snapshot(wq, ep, v)
    if ep.check == "registration":
        assert before["registration"] == 404, "the probe employer must not be registered yet"
    if ep.check == "approval":
        assert before["approval"], "the probe employer must be pending"
    if ep.check == "roster":
        assert before["roster"] == 404, "the probe student must not be on the roster yet"
    failures: list[str] = []

    def expect(what: str, reply: Reply, status: int, code: str) -> None:
        if reply.status != status or reply.code != code or not has_chinese(reply.message):
            failures.append(f"{what}: expected {status} {code} with a zh message, got {reply.status} {reply.text[:200]}")

    for what, headers in bad_credentials(wq.secret, role, subject, college).items():
        expect(what, call(wq, ep, v, headers), 401, "unauthenticated")

    for wrong in ROLES:
        if wrong in ep.roles:
            continue
        token = wq.token(wrong, subject, "CS" if wrong == "counselor" else None)
        expect(f"role {wrong}", call(wq, ep, v, token_header(token)), 403, "forbidden")

    victim_id = v.agreements.get(ep.victim) if ep.victim else None
    if ep.foreign:
        foreign_token = {"student": wq.student_token(v.other_student),
                         "employer": wq.employer_token(v.other_employer),
                         "college": wq.counselor_token(*v.other_counselor)}[ep.service]
        reply = call(wq, ep, v, token_header(foreign_token))
        if ep.foreign == "refuse":
            expect("foreign identity", reply, 404, "not_found")
        elif ep.foreign == "own":
            # the path names no agreement: another student acts on their own agreement only, which does not exist
            # (GET: 404; a command: the decider's `not_found`, also 404)
            expect("another student", reply, 404, "not_found")
            if victim_id and contains_agreement(reply.body, victim_id):
                failures.append(f"another student was shown the agreement: {reply.text[:200]}")
        elif ep.foreign == "hidden":
            # a list answers 200 with only the caller's own agreements
            if reply.status != 200 or not isinstance(reply.body.get("agreements"), list) or \
                    contains_agreement(reply.body, victim_id) or \
                    find_records(reply.body, "studentID", v.students[ep.victim]):
                failures.append(f"foreign identity saw the agreement: {reply.status} {reply.text[:200]}")
            own = call(wq, ep, v, token_header(wq.token(role, subject, college)))
            if own.status != 200 or not contains_agreement(own.body, victim_id):
                failures.append(f"the legitimate caller must see it (else this check is vacuous): {own.status} {own.text[:200]}")
        elif ep.foreign == "count":
            if reply.status != 200 or reply.body.get("unhandled") != 0:
                failures.append(f"another employer's count includes others' agreements: {reply.status} {reply.text[:200]}")
        elif ep.foreign == "batch":
            # the batch answers 200 with a result per item; the foreign item is refused as not found
            body = reply.body if reply.status == 200 and isinstance(reply.body, dict) else {}
            results = body.get("results") or [{}]
            refused_item = len(results) == 1 and results[0].get("agreementID") == victim_id and \
                results[0].get("outcome") == "refused" and "commandId" not in results[0] and \
                (results[0].get("error") or {}).get("code") == "not_found" and \
                has_chinese((results[0].get("error") or {}).get("message")) and \
                (body.get("applied"), body.get("failed")) == (0, 1)
            if not refused_item:
                failures.append(f"another employer batch-signed the agreement: {reply.status} {reply.text[:300]}")

    after = state_snapshot(wq, ep, v)
    if after != before:
        failures.append(f"state changed: before {before}, after {after}")
    assert not failures, f"{ep.name}:\n  " + "\n  ".join(failures)


def test_token_from_wangqianctl_is_accepted(system, wq: Wangqian, world: World):
    student = world.enroll(1, CS)[0]
    minted = system.ctl("token", "--role", "student", "--subject", student.id)
    assert minted.returncode == 0, minted.stderr
    token = minted.stdout.strip().splitlines()[-1].strip()
    me = wq.student.get("/v1/me", token)
    assert me.status == 200 and find_records(me.body, "studentID", student.id), me

    counselor = system.ctl("token", "--role", "counselor", "--subject", "FDY-CTL", "--college", "CS")
    assert counselor.returncode == 0, counselor.stderr
    reviews = wq.college.get("/v1/reviews", counselor.stdout.strip().splitlines()[-1].strip())
    assert reviews.status == 200, reviews

    office = system.ctl("token", "--role", "office", "--subject", "JYC-CTL")
    assert office.returncode == 0, office.stderr
    clock = wq.scheduler.get("/v1/clock", office.stdout.strip().splitlines()[-1].strip())
    assert clock.status == 200 and "offsetSeconds" in clock.body, clock

    # the same tool's student token is still only a student's
    forbidden = wq.scheduler.get("/v1/clock", token)
    assert forbidden.status == 403 and forbidden.code == "forbidden", forbidden
