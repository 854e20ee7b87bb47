"""批量签约: one request signs many agreements, with a result per agreement; a bad item does not stop the rest."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from consistency import projections_agree
from demo_data import await_command, eventually, has_chinese
from scenarios import World, measure, settled_versions, version_everywhere


def test_batch_signing_of_twenty(wq, world: World):
    employer, _ = world.employer()
    other, _ = world.employer()
    students = world.enroll(21)
    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(lambda s: world.agreement(s, employer, until="submitted"), students[:20]))
    foreign = world.agreement(students[20], other, until="submitted")
    for agreement_id in ids + [foreign]:
        wq.wait_status("employer", agreement_id, "submitted")
    token = wq.employer_token(employer)
    count = wq.employer.get("/v1/agreements/pending-count", token)
    assert count.status == 200 and count.body["unhandled"] == 20, count
    foreign_before = settled_versions(wq, foreign)

    started = time.monotonic()
    reply = wq.batch_sign(employer, ids + [foreign, "not-an-agreement-id"], "同意接收，欢迎加入")
    elapsed = time.monotonic() - started
    assert reply.status == 200, reply
    results = {str(r["agreementID"]).lower(): r for r in reply.body["results"]}
    assert len(reply.body["results"]) == 22 and len(results) == 22, reply.body

    for agreement_id in ids:
        result = results[agreement_id.lower()]
        if result["outcome"] == "pending":
            assert result.get("commandId"), result
            result = {"outcome": await_command(wq.employer, token, result["commandId"])[0]}
        assert result["outcome"] == "applied" and not result.get("error"), result
    # another employer's agreement and a malformed ID alike: not found (its existence is not revealed)
    for bad in (foreign, "not-an-agreement-id"):
        result = results[bad.lower()]
        assert result["outcome"] == "refused" and "commandId" not in result, result
        assert result["error"]["code"] == "not_found" and has_chinese(result["error"]["message"]), result
    # `applied` counts the items signed within the request, `failed` the refused ones; pending items count in neither
    outcomes = [r["outcome"] for r in reply.body["results"]]
    assert reply.body["applied"] == outcomes.count("applied"), reply.body
    assert reply.body["failed"] == outcomes.count("refused") == 2, reply.body
    assert outcomes.count("applied") + outcomes.count("pending") == 20, reply.body
    measure(f"batch signing of 20 (+2 refused items) in one request: {elapsed * 1000:.0f} ms")

    # every projection holds the 20 signatures; the foreign agreement is untouched
    for agreement_id in ids:
        agreed = projections_agree(wq, agreement_id, status="employerSigned")
        assert agreed["signingRound"] == 1 and "同意接收，欢迎加入" in str(agreed["employerSection"]), agreed
    count = wq.employer.get("/v1/agreements/pending-count", token)
    assert count.status == 200 and count.body["unhandled"] == 0, count
    assert version_everywhere(wq, foreign) == foreign_before
    projections_agree(wq, foreign, status="submitted")
    other_count = wq.employer.get("/v1/agreements/pending-count", wq.employer_token(other))
    assert other_count.status == 200 and other_count.body["unhandled"] == 1, other_count


def test_visibility_latency(wq, world: World):
    """How long a command's effect takes to reach the other party's service (measured, and bounded)."""
    employer, _ = world.employer()
    students = world.enroll(10)
    submit_ms, sign_ms = [], []
    token = wq.employer_token(employer)
    for student in students:
        agreement_id = world.agreement(student, employer, until="draft")
        assert wq.submit(student.id).ok
        t0 = time.monotonic()
        eventually(lambda: (r := wq.employer.get(f"/v1/agreements/{agreement_id}", token)).status == 200
                   and r.body["status"] == "submitted", 15, what="employer sees the submission", interval=0.005,
                   max_interval=0.01)
        submit_ms.append((time.monotonic() - t0) * 1000)
        assert wq.sign(employer, agreement_id).ok
        t0 = time.monotonic()
        eventually(lambda: wq.my_agreement(student.id).body["status"] == "employerSigned", 15,
                   what="student sees the signature", interval=0.005, max_interval=0.01)
        sign_ms.append((time.monotonic() - t0) * 1000)

    def stats(xs):
        xs = sorted(xs)
        return f"p50 {xs[len(xs) // 2]:.0f} ms, max {xs[-1]:.0f} ms (n={len(xs)})"
    measure(f"command 200 -> visible to the other party: submit->employer {stats(submit_ms)}; "
            f"sign->student {stats(sign_ms)}")
