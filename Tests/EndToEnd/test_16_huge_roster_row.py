"""A roster row with a 500,000-character college name (issue 6): the import answers at once, that row alone is
rejected with the length rule, the other rows are imported and reach the student service, and the college's
commands are not held up behind the import (approval answers 200 applied, not 202)."""
from __future__ import annotations

import time

from consistency import projections_agree
from demo_data import roster_csv, roster_row
from scenarios import CS, World, measure


def test_a_huge_roster_cell_rejects_its_row_only(wq, world: World):
    # an agreement waiting for the college's approval, to approve right after the import
    student = world.enroll(1)[0]
    employer, _ = world.employer()
    counselor = world.counselor(CS)
    confirmed = world.agreement(student, employer, until="confirmed", counselor=counselor)
    wq.wait_status("college", confirmed, "confirmed")

    ids = world.student_ids(5)
    rows = [roster_row(ids[0], "周杰", CS), dict(roster_row(ids[1], "吴敏", CS, gender="女"), collegeName="计" * 500_000),
            roster_row(ids[2], "郑凯", CS), roster_row(ids[3], "冯" * 500_000, CS), roster_row(ids[4], "陈晨", CS)]
    csv_text = roster_csv(rows)
    started = time.monotonic()
    reply = wq.college.post("/v1/roster/import", wq.office_token(), data=csv_text,
                            headers={"Content-Type": "text/csv; charset=utf-8"}, timeout=60)
    took = time.monotonic() - started
    measure(f"roster import of {len(csv_text.encode()):,} bytes with two 500,000-character cells: {took:.2f} s")
    assert reply.status == 200, reply
    assert reply.body == {"imported": 3, "rejected": 2, "rows": [
        {"row": 2, "studentID": ids[0], "outcome": "imported"},
        {"row": 3, "studentID": ids[1], "outcome": "rejected", "error": "学院名称不能超过100个字"},
        {"row": 4, "studentID": ids[2], "outcome": "imported"},
        {"row": 5, "studentID": ids[3], "outcome": "rejected", "error": "姓名不能超过50个字"},
        {"row": 6, "studentID": ids[4], "outcome": "imported"},
    ]}, str(reply.body)[:2000]

    # the college's next command is answered with its outcome, not "still pending"
    approval = wq.college.post(f"/v1/agreements/{confirmed}/approve", wq.counselor_token(*counselor), world.review(CS))
    assert approval.status == 200 and approval.body.get("outcome") == "applied", approval
    projections_agree(wq, confirmed, status="approved")

    for student_id, name in ((ids[0], "周杰"), (ids[2], "郑凯"), (ids[4], "陈晨")):
        me = wq.wait_student_known(student_id, 20)
        assert me["student"]["name"] == name and me["student"]["collegeName"] == CS[1], me
    for student_id in (ids[1], ids[3]):
        assert wq.college.get(f"/v1/roster/{student_id}", wq.office_token()).status == 404, student_id
        me = wq.student.get("/v1/me", wq.student_token(student_id))
        assert me.status == 404 and me.code == "student_not_found", me
