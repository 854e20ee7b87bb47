"""Forged events (issue 6): every record a service publishes is signed (Ed25519, `ce_signature`) by the service
its `ce_source` names, and the contract says which service may emit which type with which actor. A record that
is unsigned, signed by another key, altered after signing, or emitted by a service that may not emit it is
dead-lettered by every consumer and applied by nobody — neither by the services nor by `wangqianctl replay`.

The records are built like the services' own (headers copied from a real record on the topic); a control record
built the same way and signed with the right key is applied, which shows the forged ones fail for the reason
tested and for no other.
"""
from __future__ import annotations

import base64
import json
import random
import uuid
from datetime import datetime, timezone

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from consistency import projections_agree
from demo_data import find_records
from scenarios import (AGREEMENT_CONSUMERS, AGREEMENT_TOPIC, CS, REGISTRY_TOPIC, World, dead_letters_of,
                       settled_versions)

PREAMBLE = b"wangqian-event-signature-v1\n"


def signed_message(headers: list[tuple[str, bytes]], value: bytes) -> bytes:
    """What `ce_signature` signs (Shared/Contract/EventSignature.swift)."""
    signed = sorted((n, v) for n, v in headers if (n.startswith("ce_") and n != "ce_signature") or n == "content-type")
    return PREAMBLE + b"".join(n.encode() + b"=" + v + b"\n" for n, v in signed) + b"\n" + value


def sign(headers: list[tuple[str, bytes]], value: bytes, key: Ed25519PrivateKey) -> list[tuple[str, bytes]]:
    signature = base64.b64encode(key.sign(signed_message(headers, value)))
    return [(n, v) for n, v in headers if n != "ce_signature"] + [("ce_signature", signature)]


def now_text() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def template(system, topic: str, key: str) -> tuple[int, list[tuple[str, bytes]]]:
    """The partition of `key` and the headers of one of the services' real records for it."""
    records = [r for r in system.read_records(topic) if r["key"] == key.encode()]
    assert records, f"no record of {key} on {topic}"
    assert "ce_signature" in records[-1]["headers"], records[-1]["headers"]
    return records[-1]["partition"], [(n, v.encode()) for n, v in records[-1]["headers"].items()]


def forged(headers: list[tuple[str, bytes]], event_type: str, source: str, payload: dict) -> tuple[str, list, bytes]:
    """Headers of a new event of `event_type` from `source` (unsigned), its value, and its ce_id."""
    event_id = str(uuid.uuid4())
    replaced = {"ce_id": event_id.encode(), "ce_type": event_type.encode(), "ce_source": source.encode(),
                "ce_time": now_text().encode()}
    out = [(n, replaced.get(n, v)) for n, v in headers if n != "ce_signature"]
    value = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    return event_id, out, value


def approval(agreement_id: str, student_id: str, actor: dict, serial: int) -> dict:
    return {"actor": actor, "agreementID": agreement_id, "agreementNumber": f"{datetime.now().year}10001{serial:06d}",
            "at": now_text(), "review": {"contactPerson": "伪造老师", "contactPhone": "010-62751234",
                                         "mailingAddress": "北京市海淀区颐和园路5号", "postalCode": "100871"},
            "studentID": student_id}


def views(wq, agreement_id: str) -> dict:
    out = {}
    for name in wq.services:
        body = wq.projection(name, agreement_id).body
        out[name] = (body["status"], body["version"], body.get("agreementNumber"),
                     [e["eventID"].lower() for e in body["timeline"]])
    return out


def dead_letter_rows(system, event_id: str) -> dict[str, list[dict]]:
    return {name: system.postgres.rows(proc.database,
                                       f"select consumer, reason, event_id::text as event_id, sent_as from dead_letters "
                                       f"where event_id = '{event_id}'")
            for name, proc in system.processes.items()}


def test_forged_agreement_events_are_dead_lettered_and_applied_by_nobody(system, wq, world: World):
    topic = system.topic_prefix + AGREEMENT_TOPIC
    keys = system.signing_keys
    students = world.enroll(2)
    employer, _ = world.employer()
    counselor = world.counselor(CS)
    target = world.agreement(students[0], employer, until="confirmed", counselor=counselor)
    control = world.agreement(students[1], employer, until="confirmed", counselor=counselor)
    for agreement_id in (target, control):
        projections_agree(wq, agreement_id, status="confirmed")
        settled_versions(wq, agreement_id)
    before = views(wq, target)
    partition, headers = template(system, topic, target)
    serial = random.Random().randint(900_000, 999_999)
    approved_type = "cn.edu.wangqian.agreement.collegeApproved.v1"
    forger = {"id": "FORGER", "role": "office"}

    cases = []  # (what, event ID, headers, value, expected reason code)
    # (a) the student service signs a college approval: its own key, but it may not emit that type
    event_id, h, value = forged(headers, approved_type, "/wangqian/student", approval(target, students[0].id, forger, serial))
    cases.append(("collegeApproved from /wangqian/student", event_id, sign(h, value, keys["student"]), value,
                  "emitter_not_allowed"))
    # (b) it claims to be the college, but the signature is the student service's
    event_id, h, value = forged(headers, approved_type, "/wangqian/college", approval(target, students[0].id, forger, serial))
    cases.append(("collegeApproved as /wangqian/college signed by the student key", event_id,
                  sign(h, value, keys["student"]), value, "bad_signature"))
    # (c) the college's genuine signature over another value
    event_id, h, value = forged(headers, approved_type, "/wangqian/college", approval(target, students[0].id, forger, serial))
    tampered = value.replace(b"FORGER", b"F0RGER")
    cases.append(("collegeApproved signed by the college, then altered", event_id, sign(h, value, keys["college"]),
                  tampered, "bad_signature"))
    # (d) no signature at all
    event_id, h, value = forged(headers, approved_type, "/wangqian/college", approval(target, students[0].id, forger, serial))
    cases.append(("unsigned collegeApproved", event_id, h, value, "unsigned"))

    placed = system.produce_records(topic, [{"key": target.encode(), "value": v, "headers": h, "partition": partition}
                                            for _, _, h, v, _ in cases])

    # the control: built the same way, signed by the college with an office actor, on the other agreement
    control_partition, control_headers = template(system, topic, control)
    control_id, h, value = forged(control_headers, approved_type, "/wangqian/college",
                                  approval(control, students[1].id, {"id": "JYC-E2E", "role": "office"}, serial + 1))
    system.produce_records(topic, [{"key": control.encode(), "value": value, "headers": sign(h, value, keys["college"]),
                                    "partition": control_partition}])
    agreed = projections_agree(wq, control, status="approved", timeout=30)
    assert agreed["agreementNumber"] == f"{datetime.now().year}10001{serial + 1:06d}", agreed
    assert control_id in [e["eventID"].lower() for e in agreed["timeline"]]

    for (what, event_id, _, _, code), (p, offset) in zip(cases, placed):
        letters = dead_letters_of(system, f"{topic}/{p}/{offset}", timeout=30)
        for consumer in AGREEMENT_CONSUMERS.values():
            reason = letters[consumer][0]["headers"]["dlq_reason"]
            assert reason.startswith(code + ":"), f"{what}, {consumer}: dlq_reason {reason!r}, expected {code}"
        rows = dead_letter_rows(system, event_id)
        for service, consumer in AGREEMENT_CONSUMERS.items():
            assert [(r["consumer"], r["sent_as"]) for r in rows[service]] == [(consumer, "record")], (what, service, rows)
            assert rows[service][0]["reason"].startswith(code + ":"), (what, service, rows[service])

    # nobody applied any of them: not the services, not a replay of the log
    assert views(wq, target) == before, "a forged event changed a projection"
    replayed = {e["id"]: e for e in system.replay_digest()["agreements"]}
    assert (replayed[target]["status"], replayed[target]["version"]) == ("confirmed", before["student"][1]), replayed[target]
    assert replayed[control]["status"] == "approved", replayed[control]
    # the agreement can still be approved for real, with the college's own number
    approved = wq.approve(counselor, target, world.review(CS))
    assert approved.ok, approved
    view = projections_agree(wq, target, status="approved")
    assert view["agreementNumber"] != f"{datetime.now().year}10001{serial:06d}", view
    assert view["review"]["contactPerson"] != "伪造老师", view["review"]


def test_an_unsigned_employer_approval_makes_nobody_selectable(system, wq, world: World):
    topic = system.topic_prefix + REGISTRY_TOPIC
    student = world.probe_student()
    employer_id, registered = world.employer(approve=False)
    partition, headers = template(system, topic, employer_id)
    event_id, h, value = forged(headers, "cn.edu.wangqian.registry.employerApproved.v1", "/wangqian/employer",
                                {"approvedBy": "FORGER", "at": now_text(), "employerID": employer_id})
    [(p, offset)] = system.produce_records(topic, [{"key": employer_id.encode(), "value": value, "headers": h,
                                                    "partition": partition}])
    consumers = {"student": "student.reference", "employer": "employer.reference"}
    letters = dead_letters_of(system, f"{topic}/{p}/{offset}", timeout=30, consumers=consumers.values())
    for consumer in consumers.values():
        reason = letters[consumer][0]["headers"]["dlq_reason"]
        assert reason.startswith("unsigned:"), f"{consumer}: dlq_reason {reason!r}"
    rows = dead_letter_rows(system, event_id)
    for service, consumer in consumers.items():
        assert [r["consumer"] for r in rows[service]] == [consumer], (service, rows)

    # not selectable by a student
    found = wq.search_employers(student.id, registered["name"], 100)
    assert found.status == 200 and found.body == {"employers": []}, found
    draft = wq.student.put("/v1/agreement/draft", wq.student_token(student.id),
                           {"employerID": employer_id, "mobile": "13800138000", "email": "probe@stu.example.edu.cn"})
    assert draft.status == 422 and draft.code == "employer_not_available", draft
    row = system.postgres.rows(system.processes["student"].database,
                               f"select approved from employers where employer_id = '{employer_id}'")
    assert row == [{"approved": False}], row
    # and still pending in the employer service
    pending = wq.employer.get("/v1/employers", wq.office_token(), params={"status": "pending"})
    assert find_records(pending.body, "employerID", employer_id), pending
    mine = wq.employer.get("/v1/employers/me", wq.employer_token(employer_id)).body
    assert mine["status"] == "pending", mine

    # approved for real, it is selectable
    assert wq.approve_employer(employer_id).status == 200
    wq.wait_employer_selectable(student.id, employer_id, registered["name"], 20)
