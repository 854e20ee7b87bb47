"""The confirm-versus-take-back race, many times: the log decides, exactly one wins, every projection agrees."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from consistency import projections_agree
from scenarios import World, measure

RUNS = 30
AT_ONCE = 10


def test_confirm_versus_take_back_race(wq, world: World):
    employer, _ = world.employer()
    students = world.enroll(RUNS)
    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(lambda s: world.agreement(s, employer, until="employerSigned"), students))
    for agreement_id in ids:
        # both sides must believe the agreement is signed, so that both commands get past their own projection
        wq.wait_status("student", agreement_id, "employerSigned")
        wq.wait_status("employer", agreement_id, "employerSigned")

    def race(pair):
        student, agreement_id = pair
        start = threading.Barrier(2)
        results = {}

        def confirm():
            start.wait()
            results["confirm"] = wq.confirm(student.id)

        def take_back():
            start.wait()
            results["take-back"] = wq.take_back(employer, agreement_id, "竞争测试：拿回重签")
        threads = [threading.Thread(target=confirm), threading.Thread(target=take_back)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        return agreement_id, results

    with ThreadPoolExecutor(AT_ONCE) as pool:
        races = list(pool.map(race, zip(students, ids)))

    wins = {"confirm": 0, "take-back": 0}
    problems = []
    for agreement_id, results in races:
        winners = [side for side, outcome in results.items() if outcome.outcome == "applied"]
        losers = [side for side in results if side not in winners]
        if len(winners) != 1:
            problems.append(f"{agreement_id}: winners {winners}: {results}")
            continue
        loser = results[losers[0]]
        # whichever side lost, its step is no longer allowed in the winner's state: invalid_state
        if loser.outcome != "refused" or loser.status != 409 or loser.code != "invalid_state":
            problems.append(f"{agreement_id}: the loser ({losers[0]}) was not refused with 409 invalid_state: {loser!r}")
            continue
        wins[winners[0]] += 1
        expected = "confirmed" if winners[0] == "confirm" else "submitted"
        try:
            agreed = projections_agree(wq, agreement_id, status=expected)
        except AssertionError as error:
            problems.append(str(error))
            continue
        timeline = agreed["timeline"]
        applied = [e for e in timeline if e.get("outcome") == "applied"]
        winner_role = "student" if winners[0] == "confirm" else "employer"
        if applied[-1]["actor"]["role"] != winner_role:
            problems.append(f"{agreement_id}: the last applied event is not the winner's: {timeline}")
        refused = [e for e in timeline if e.get("outcome") == "refused"]
        if any(timeline.index(r) < timeline.index(applied[-1]) for r in refused):
            problems.append(f"{agreement_id}: a refused event precedes the winner: {timeline}")
    measure(f"confirm-vs-take-back race x{RUNS}: confirm won {wins['confirm']}, take-back won {wins['take-back']}")
    assert not problems, "\n".join(problems)
    assert sum(wins.values()) == RUNS
