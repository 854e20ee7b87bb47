"""`wangqianctl replay --service S` (issue 7): a service's agreement projection rebuilt from the log while the
service runs — into a fresh schema, then swapped in — with progress printed as it goes.

A damaged projection (an agreement set back, another one's timeline cut) is repaired: afterwards the service's
digest equals the replay of the log, its timelines are whole again, and commands issued during and after the
rebuild are applied on the new tables.
"""
from __future__ import annotations

import threading

from consistency import digests_match_replay
from scenarios import CS, World, expect_ok


def history_counts(system, database: str) -> dict[str, int]:
    rows = system.postgres.rows(database, "select agreement_id::text as id, count(*) as n from agreement_history group by 1")
    return {r["id"]: r["n"] for r in rows}


def test_replay_rebuilds_a_damaged_projection_while_the_service_runs(system, wq, world: World):
    employer, _ = world.employer()
    students = world.enroll(5, CS)
    confirmed = world.agreement(students[0], employer, until="confirmed")
    signed = world.agreement(students[1], employer, until="employerSigned")
    submitted = world.agreement(students[2], employer, until="submitted")
    for agreement_id, status in ((confirmed, "confirmed"), (signed, "employerSigned"), (submitted, "submitted")):
        wq.wait_status("college", agreement_id, status)
    college_db = system.processes["college"].database
    digests_match_replay(system, wq, at_least=3)
    whole = history_counts(system, college_db)

    # The college projection is damaged behind the service's back.
    system.postgres.execute(college_db, f"""
        update agreements set status = 'draft', version = 1, state = jsonb_set(state, '{{status}}', '"draft"')
            where id = '{confirmed}';
        delete from agreement_history where agreement_id = '{signed}'""")
    digest = {a["id"]: a for a in wq.digest("college").body["agreements"]}
    assert digest[confirmed]["status"] == "draft", "the damage shows in the college digest"
    assert history_counts(system, college_db).get(signed) is None

    # Commands go on while the rebuild runs: another student saves a draft again and again.
    saves: list = []

    def keep_saving():
        for i in range(8):
            saves.append(wq.save_draft(students[3].id, employer, remarks=f"重建期间第{i}次保存"))

    saver = threading.Thread(target=keep_saving)
    saver.start()
    out = system.ctl("replay", "--topic-prefix", system.topic_prefix, "--service", "college",
                     env={"COLLEGE_PGDATABASE": college_db}, timeout=300)
    saver.join()
    assert out.returncode == 0, f"wangqianctl replay --service college failed ({out.returncode}): {out.stderr[-3000:]}"
    progress = [line for line in out.stderr.splitlines() if line.startswith("[replay] college:")]
    assert any("replaying:" in line for line in progress), out.stderr[-2000:]
    assert progress[-1].startswith("[replay] college: swapped:"), progress[-3:]
    assert "rebuilt the college projection" in out.stdout, out.stdout
    assert all(s.ok for s in saves), [s for s in saves if not s.ok]

    # Repaired, and the service goes on applying events on the new tables.
    replay = digests_match_replay(system, wq, at_least=4)
    statuses = {a["id"]: a["status"] for a in replay["agreements"]}
    assert statuses[confirmed] == "confirmed" and statuses[signed] == "employerSigned"
    restored = history_counts(system, college_db)
    assert all(restored.get(k, 0) >= n for k, n in whole.items()), (whole, restored)
    assert restored[signed] == whole[signed]
    later = world.agreement(students[4], employer, until="submitted")
    wq.wait_status("college", later, "submitted")
    expect_ok(wq.sign(employer, submitted, "同意接收"), "signing after the rebuild")
    wq.wait_status("college", submitted, "employerSigned")
    schemas = system.postgres.rows(college_db, "select nspname from pg_namespace where nspname like 'projection_%'")
    assert schemas == [], f"the rebuild's schemas are gone: {schemas}"
