"""Each service SIGKILLed and restarted in the middle of a run of a few hundred agreements: afterwards every
projection holds exactly the state of a fresh replay of the log — nothing lost, nothing applied twice."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import requests

from consistency import digests_match_replay, event_id
from demo_data import WORKFLOW, Outcome, Reply, eventually, find_records
from scenarios import CS, EE, World, measure
from wangqian_system import SERVICES

AGREEMENTS = 200
WORKERS = 12
TARGETS = ("submitted", "employerSigned", "confirmed", "approved", "filed")
KILL_AT = (0.10, 0.30, 0.50, 0.70)  # fraction of agreements finished when each service is killed, in turn
STEP_DEADLINE = 90.0


class StepFailed(Exception):
    pass


def rank(status: str | None) -> int:
    return WORKFLOW.index(status) if status in WORKFLOW else -1


class Run:
    """Drives agreements through their steps while services die and come back: a step is retried until it has
    a definite answer; a 409 after a retry is accepted when the state shows the step already happened."""

    def __init__(self, wq, employers, counselors):
        self.wq = wq
        self.employers = employers
        self.counselors = counselors
        self.lock = threading.Lock()
        self.finished = 0
        self.commands = 0
        self.retries = 0
        self.acknowledged: dict[str, str] = {}  # agreement ID -> the last status a command's 200 reported
        self.failures: list[str] = []

    def call(self, what: str, fn: Callable[[], Reply | Outcome]):
        deadline = time.monotonic() + STEP_DEADLINE
        last: object = None
        while time.monotonic() < deadline:
            try:
                answer = fn()
            except requests.RequestException as error:  # refused, reset, cut off mid-answer, timed out
                last = error
            else:
                pending = isinstance(answer, Outcome) and answer.outcome == "pending"
                if answer.status < 500 and not pending:
                    with self.lock:
                        self.commands += 1
                    return answer
                last = answer
            with self.lock:
                self.retries += 1
            time.sleep(0.25)
        raise StepFailed(f"{what}: no definite answer within {STEP_DEADLINE:.0f} s (last: {last!r})")

    def step(self, what: str, fn: Callable[[], Outcome], agreement_id: str | None, service: str, reached: str):
        outcome = self.call(what, fn)
        if outcome.ok:
            return outcome
        if outcome.status == 409 and agreement_id:
            # an earlier try of this very step may have been applied just before its service died
            view = self.call("read back", lambda: self.wq.projection(service, agreement_id))
            if view.status == 200 and rank(view.body.get("status")) >= rank(reached):
                return outcome
        raise StepFailed(f"{what}: {outcome!r}")

    def wait(self, service: str, agreement_id: str, status: str):
        self.wq.wait_status(service, agreement_id, status, timeout=STEP_DEADLINE)

    def drive(self, index: int, student) -> None:
        wq = self.wq
        target = TARGETS[index % len(TARGETS)]
        employer = self.employers[index % len(self.employers)]
        counselor = self.counselors[student.college_code]
        agreement_id = None
        try:
            self.call("notices", lambda: wq.acknowledge_notices(student.id))
            saved = self.step("draft", lambda: wq.save_draft(student.id, employer, jobTitle=f"岗位{index}"),
                              None, "student", "draft")
            agreement_id = (saved.agreement or self.call("read", lambda: wq.my_agreement(student.id)).body)["id"]
            self.note(agreement_id, "draft")
            self.step("submit", lambda: wq.submit(student.id), agreement_id, "student", "submitted")
            self.note(agreement_id, "submitted")
            if rank(target) >= rank("employerSigned"):
                self.wait("employer", agreement_id, "submitted")
                self.step("sign", lambda: wq.sign(employer, agreement_id), agreement_id, "employer", "employerSigned")
                self.note(agreement_id, "employerSigned")
            if rank(target) >= rank("confirmed"):
                self.wait("student", agreement_id, "employerSigned")
                self.step("confirm", lambda: wq.confirm(student.id), agreement_id, "student", "confirmed")
                self.note(agreement_id, "confirmed")
            if rank(target) >= rank("approved"):
                self.wait("college", agreement_id, "confirmed")
                review = {"contactPerson": "周老师", "contactPhone": "13901010101", "postalCode": "100871",
                          "mailingAddress": "北京市海淀区颐和园路5号"}
                self.step("approve", lambda: wq.approve(counselor, agreement_id, review), agreement_id, "college",
                          "approved")
                self.note(agreement_id, "approved")
            if target == "filed":
                self.step("print", lambda: wq.college_print(counselor, agreement_id), agreement_id, "college",
                          "printed")
                self.note(agreement_id, "printed")
                self.step("file", lambda: wq.file(counselor, agreement_id), agreement_id, "college", "filed")
                self.note(agreement_id, "filed")
        except (StepFailed, AssertionError) as error:
            with self.lock:
                self.failures.append(f"{student.id} ({agreement_id}, target {target}): {error}")
        finally:
            with self.lock:
                self.finished += 1

    def note(self, agreement_id: str, status: str) -> None:
        with self.lock:
            self.acknowledged[agreement_id] = status


def test_kill_and_restart_every_service_during_a_run(system, wq, world: World):
    students = world.enroll(AGREEMENTS // 2, CS, timeout=60) + world.enroll(AGREEMENTS // 2, EE, timeout=60)
    employers = [world.employer()[0] for _ in range(4)]
    run = Run(wq, employers, {"CS": world.counselor(CS), "EE": world.counselor(EE)})
    kills: list[str] = []
    chaos_errors: list[BaseException] = []

    def chaos():
        try:
            for name, fraction in zip(SERVICES, KILL_AT):
                eventually(lambda: run.finished >= AGREEMENTS * fraction, 300, what=f"{fraction:.0%} finished",
                           interval=0.05, max_interval=0.1)
                at = run.finished
                system.kill9(name)
                time.sleep(0.3)
                seconds = system.restart(name, timeout=90)
                kills.append(f"{name} killed at {at}/{AGREEMENTS} finished, ready again after {seconds:.1f} s")
        except BaseException as error:  # reported by the test below
            chaos_errors.append(error)

    started = time.monotonic()
    chaos_thread = threading.Thread(target=chaos)
    chaos_thread.start()
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(lambda pair: run.drive(*pair), enumerate(students)))
    elapsed = time.monotonic() - started
    chaos_thread.join(300)
    for name in SERVICES:
        assert system.alive(name), f"{name} is not running after the run"
    assert not chaos_errors, f"killing and restarting failed: {chaos_errors[0]!r}"
    assert len(kills) == len(SERVICES), f"not every service was killed during the run: {kills}"

    measure(f"crash/restart run: {AGREEMENTS} agreements, {run.commands} commands in {elapsed:.1f} s with "
            f"{WORKERS} clients = {AGREEMENTS / elapsed:.1f} agreements/s, {run.commands / elapsed:.1f} commands/s "
            f"({run.retries} retries while services were down)")
    for line in kills:
        measure("  " + line)
    assert not run.failures, f"{len(run.failures)} agreements did not get through:\n" + "\n".join(run.failures[:10])

    converged = time.monotonic()
    replay = digests_match_replay(system, wq, timeout=120, at_least=AGREEMENTS)
    measure(f"  digests of all four services equal the replay ({len(replay['agreements'])} agreements) "
            f"{time.monotonic() - converged:.1f} s after the run")

    # nothing lost: every state a command was acknowledged in (200) is in the log
    replayed = {e["id"].lower(): e for e in replay["agreements"]}
    lost = [f"{aid}: acknowledged {status}, replay {replayed.get(aid.lower(), {}).get('status')}"
            for aid, status in run.acknowledged.items()
            if rank(replayed.get(aid.lower(), {}).get("status")) < rank(status)]
    assert not lost, "acknowledged commands missing from the log:\n" + "\n".join(lost[:10])
    assert len(run.acknowledged) == AGREEMENTS
    # nothing applied twice: no event appears twice in any projection's timeline
    for agreement_id in run.acknowledged:
        for name in ("student", "college"):
            view = wq.projection(name, agreement_id)
            assert view.status == 200, view
            event_ids = [event_id(e) for e in view.body["timeline"]]
            assert len(event_ids) == len(set(event_ids)), f"{name}: an event applied twice in {agreement_id}"
            assert find_records(view.body, "id", agreement_id)
