"""Twenty identical approvals of one confirmed agreement at the same moment (issue 6): no 5xx, every answer a
definite 200 or 409 with a JSON error body, one approval applied, one agreement number everywhere."""
from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from consistency import projections_agree
from demo_data import has_chinese
from scenarios import CS, World, measure

AT_ONCE = 20


def test_identical_concurrent_approvals(wq, world: World):
    student = world.enroll(1)[0]
    employer, _ = world.employer()
    counselor = world.counselor(CS)
    agreement_id = world.agreement(student, employer, until="confirmed", counselor=counselor)
    projections_agree(wq, agreement_id, status="confirmed")
    review = world.review(CS)
    token = wq.counselor_token(*counselor)
    start = threading.Barrier(AT_ONCE)

    def approve(_):
        start.wait(30)
        return wq.college.post(f"/v1/agreements/{agreement_id}/approve", token, review, timeout=60)

    with ThreadPoolExecutor(AT_ONCE) as pool:
        replies = list(pool.map(approve, range(AT_ONCE)))

    tally = Counter((r.status, (r.body or {}).get("outcome") if r.status == 200 else r.code) for r in replies)
    measure(f"{AT_ONCE} identical concurrent approvals: " + ", ".join(f"{s} {o}: {n}" for (s, o), n in sorted(tally.items())))
    for reply in replies:
        # a real race: whether a request decided before or after the winner's event was applied decides 200 or 409
        assert reply.status in (200, 409), f"expected 200 or 409, got {reply!r}"
        assert reply.headers.get("Content-Type", "").startswith("application/json"), reply.headers
        if reply.status == 200:
            # the winner is applied; a request deciding after the winner was applied repeats it: unchanged
            assert reply.body["outcome"] in ("applied", "unchanged"), reply
            assert reply.body["agreement"]["status"] == "approved", reply
        else:
            # the losers' events reached the log after the winner's and were refused there
            error = reply.error
            assert error["code"] == "invalid_state" and has_chinese(error["message"]), reply
            assert error["status"] == "approved" and "field" not in error, reply
    oks = [r for r in replies if r.status == 200]
    assert oks, f"no approval answered 200: {tally}"
    applied = [r for r in oks if r.body["outcome"] == "applied"]
    # every answer is 200 or 409 (none 202), so the winner's own request saw its approval applied
    assert len(applied) == 1, f"{len(applied)} approvals applied: {tally}"

    agreed = projections_agree(wq, agreement_id, status="approved")
    numbers = {name: wq.projection(name, agreement_id).body.get("agreementNumber") for name in wq.services}
    assert len(set(numbers.values())) == 1 and None not in numbers.values(), numbers
    number = agreed["agreementNumber"]
    assert all(r.body["agreement"]["agreementNumber"] == number for r in oks), [r.body for r in oks]
    timeline = agreed["timeline"]
    approvals = [e for e in timeline if e["type"].endswith("collegeApproved")]
    assert [e["outcome"] for e in approvals].count("applied") == 1, approvals
    assert agreed["version"] == sum(1 for e in timeline if e["outcome"] == "applied"), agreed


def test_a_refused_approval_reserves_no_number(system, wq, world: World):
    """The agreement number is reserved in the approval's own transaction: an approval the domain refuses (the
    student has not confirmed yet) leaves no number behind, and the next approval of that agreement gets one."""
    student = world.enroll(1)[0]
    employer, _ = world.employer()
    counselor = world.counselor(CS)
    agreement_id = world.agreement(student, employer, until="employerSigned", counselor=counselor)
    projections_agree(wq, agreement_id, status="employerSigned")
    college_db = system.processes["college"].database
    numbers = f"select count(*) as n from agreement_numbers where agreement_id = '{agreement_id}'"

    refused = wq.approve(counselor, agreement_id, world.review(CS))
    assert refused.status == 409 and refused.code == "invalid_state", refused
    assert system.postgres.rows(college_db, numbers) == [{"n": 0}]

    assert wq.confirm(student.id).ok
    projections_agree(wq, agreement_id, status="confirmed")
    approved = wq.approve(counselor, agreement_id, world.review(CS))
    assert approved.ok, approved
    assert system.postgres.rows(college_db, numbers) == [{"n": 1}]
    agreed = projections_agree(wq, agreement_id, status="approved")
    assert agreed["agreementNumber"], agreed
