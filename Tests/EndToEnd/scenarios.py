"""Test data made through the APIs: students on the roster, approved employers, agreements driven to a state.

Every test takes fresh identities from here, so tests sharing one system never see each other's data.
"""
from __future__ import annotations

import itertools
import random
import threading
from dataclasses import dataclass

from demo_data import (COLLEGES, REVIEW_COMPLETE, Outcome, Reply, Wangqian, chinese_name, find_records,
                       has_chinese, registration, review_fields, roster_row)

CS, EE, EM, FL, ME = COLLEGES

_serials = itertools.count(1)
_lock = threading.Lock()
MEASUREMENTS: list[str] = []


def measure(line: str) -> None:
    """Adds a line to the measurements printed at the end of the run (and prints it for `pytest -s`)."""
    MEASUREMENTS.append(line)
    print(f"\n[measure] {line}")


def serial() -> int:
    with _lock:
        return next(_serials)


def expect_ok(outcome: Outcome, what: str) -> Outcome:
    assert outcome.ok, f"{what}: expected applied, got {outcome!r}"
    return outcome


@dataclass
class Student:
    id: str
    name: str
    college: tuple

    @property
    def college_code(self) -> str:
        return self.college[0]


class World:
    """Makes fresh students, employers, counselors and agreements for one test."""

    def __init__(self, wq: Wangqian):
        self.wq = wq
        self.rng = random.Random(20270601)
        self._probe: Student | None = None
        # agreement ID -> the outcome of each step `agreement()` took (command IDs, answers)
        self.steps: dict[str, dict[str, Outcome]] = {}

    # identities
    def student_ids(self, n: int) -> list[str]:
        return [f"2023{serial():06d}" for _ in range(n)]

    def counselor(self, college: tuple = CS) -> tuple[str, str]:
        return (f"FDY{serial():05d}", college[0])

    def enroll(self, n: int = 1, college: tuple = CS, *, review_status: str = REVIEW_COMPLETE,
               names: list[str] | None = None, wait: bool = True, timeout: float = 30.0) -> list[Student]:
        """Imports `n` new students (one CSV) and waits until the student service knows each of them."""
        students = []
        rows = []
        for i, student_id in enumerate(self.student_ids(n)):
            gender = "男" if i % 2 == 0 else "女"
            name = names[i] if names else chinese_name(self.rng, gender)
            rows.append(roster_row(student_id, name, college, gender=gender, review_status=review_status))
            students.append(Student(student_id, name, college))
        reply = self.wq.import_roster(rows)
        assert reply.status == 200, f"roster import: {reply!r}"
        assert reply.body["imported"] == n and reply.body["rejected"] == 0, f"roster import: {reply.body}"
        if wait:
            for student in students:
                self.wq.wait_student_known(student.id, timeout)
        return students

    def probe_student(self) -> Student:
        if self._probe is None:
            self._probe = self.enroll(1)[0]
        return self._probe

    def employer(self, name: str | None = None, *, approve: bool = True, wait: bool = True) -> tuple[str, dict]:
        """Registers a new employer (and approves it, and waits until students find it). Returns (ID, registration)."""
        employer_id = f"E{serial():05d}"
        body = registration(name or f"测试{employer_id}科技有限公司", self.rng)
        reply = self.wq.register_employer(employer_id, body)
        assert reply.status == 200, f"registration of {employer_id}: {reply!r}"
        if approve:
            reply = self.wq.approve_employer(employer_id)
            assert reply.status == 200, f"approval of {employer_id}: {reply!r}"
            if wait:
                self.wq.wait_employer_selectable(self.probe_student().id, employer_id, body["name"], 30)
        return employer_id, body

    def review(self, college: tuple = CS) -> dict:
        return review_fields(self.rng, college)

    # agreements
    def agreement(self, student: Student, employer_id: str, until: str = "submitted",
                  counselor: tuple[str, str] | None = None, **form) -> str:
        """Drives a new agreement of `student` with `employer_id` up to `until`; returns the agreement ID."""
        wq = self.wq
        reply = wq.acknowledge_notices(student.id)
        assert reply.status == 200, f"notices of {student.id}: {reply!r}"
        saved = expect_ok(wq.save_draft(student.id, employer_id, **form), f"draft of {student.id}")
        agreement_id = (saved.agreement or wq.my_agreement(student.id).body)["id"]
        steps = self.steps.setdefault(agreement_id, {})
        steps["draft"] = saved
        if until == "draft":
            return agreement_id
        steps["submit"] = expect_ok(wq.submit(student.id), f"submit of {student.id}")
        if until == "submitted":
            return agreement_id
        wq.wait_status("employer", agreement_id, "submitted")
        steps["sign"] = expect_ok(wq.sign(employer_id, agreement_id, "同意接收"), f"signing of {agreement_id}")
        if until == "employerSigned":
            return agreement_id
        wq.wait_status("student", agreement_id, "employerSigned")
        steps["confirm"] = expect_ok(wq.confirm(student.id), f"confirmation of {agreement_id}")
        if until == "confirmed":
            return agreement_id
        counselor = counselor or self.counselor(student.college)
        wq.wait_status("college", agreement_id, "confirmed")
        steps["approve"] = expect_ok(wq.approve(counselor, agreement_id, self.review(student.college)),
                                     f"approval of {agreement_id}")
        if until == "approved":
            return agreement_id
        steps["print"] = expect_ok(wq.college_print(counselor, agreement_id), f"printing {agreement_id}")
        if until == "printed":
            return agreement_id
        steps["file"] = expect_ok(wq.file(counselor, agreement_id), f"filing {agreement_id}")
        assert until == "filed", until
        return agreement_id


def version_everywhere(wq: Wangqian, agreement_id: str) -> dict[str, int | None]:
    """The agreement's version in each service's projection (None where it is unknown)."""
    versions = {}
    for name in wq.services:
        reply = wq.projection(name, agreement_id)
        versions[name] = reply.body.get("version") if reply.status == 200 else None
    return versions


def settled_versions(wq: Wangqian, agreement_id: str, timeout: float = 20.0) -> dict[str, int | None]:
    """The agreement's version once every service holds the same one: the baseline for "nothing changed"."""
    from demo_data import eventually

    def same():
        versions = version_everywhere(wq, agreement_id)
        return versions if None not in versions.values() and len(set(versions.values())) == 1 else None
    return eventually(same, timeout, what=f"all services at one version of {agreement_id}")


def timeline(view: dict) -> list[dict]:
    return view.get("timeline") or []


def applied_entries(view: dict) -> list[dict]:
    return [e for e in timeline(view) if e.get("outcome") == "applied"]


def employer_hits(body, employer_id: str) -> list[dict]:
    return find_records(body, "employerID", employer_id)


def copy_number(wq: Wangqian, service: str, agreement_id: str, outcome: Outcome) -> int:
    """The copy an applied print command recorded: `agreement.copiesPrinted` of its 200 answer (docs/api.md). When
    the answer was 202 (the outcome was looked up later, so the answer holds no agreement), the copy is counted in
    the issuing service's timeline: the applied `copyPrinted` events up to and including this command's event."""
    assert outcome.outcome == "applied", f"expected an applied print, got {outcome!r}"
    if not outcome.followed:
        assert outcome.reply.status == 200, outcome
        return outcome.reply.body["agreement"]["copiesPrinted"]
    timeline = wq.projection(service, agreement_id).body["timeline"]
    ids = [entry["eventID"] for entry in timeline]
    assert outcome.command_id in ids, f"command {outcome.command_id} not in the timeline of {service}: {timeline}"
    upto = timeline[: ids.index(outcome.command_id) + 1]
    return sum(1 for entry in upto if entry["type"] == "copyPrinted" and entry["outcome"] == "applied")


def assert_refused(answer: Reply | Outcome, status: int, code: str) -> dict:
    """A refusal as docs/api.md describes it: the HTTP answer has exactly `status`, exactly `code` as `error.code`
    and a zh-CN `error.message`. For a command (`Outcome`) that is its own answer, not an outcome looked up after
    a 202. Returns the `error` object (for checks of `field` and `status`)."""
    reply = answer.reply if isinstance(answer, Outcome) else answer
    assert reply.status == status and reply.code == code, f"expected {status} {code}, got {answer!r}"
    assert has_chinese(reply.message), f"error.message is not a zh-CN message: {answer!r}"
    return reply.error


def stays(condition, seconds: float, what: str, interval: float = 0.2):
    """Checks for `seconds` that `condition` keeps holding (for "nothing happens" claims); fails the first time
    it does not."""
    import time
    deadline = time.monotonic() + seconds
    checks = 0
    while True:
        value = condition()
        assert value, f"{what}: stopped holding after {checks} checks"
        checks += 1
        if time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def parse_time(text: str):
    from datetime import datetime
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# ---- topics, dead letters and the services' own tables (for the robustness tests)

AGREEMENT_TOPIC = "wangqian.agreement.events.v1"
ROSTER_TOPIC = "wangqian.roster.students.v1"
REGISTRY_TOPIC = "wangqian.registry.employers.v1"
DEAD_LETTER_TOPIC = "wangqian.deadletter.v1"
# The consumer of the agreement topic in each service (`dlq_consumer`, `dead_letters.consumer`).
AGREEMENT_CONSUMERS = {name: f"{name}.agreements" for name in ("student", "employer", "college", "scheduler")}


def partition_of(system, topic: str, key: str) -> int:
    """The partition the services put `key`'s records on (read from the topic: one partition per key)."""
    partitions = {r["partition"] for r in system.read_records(topic) if r["key"] == key.encode()}
    assert len(partitions) == 1, f"records of {key} on {topic}: partitions {sorted(partitions)}"
    return partitions.pop()


def dead_letters_of(system, source: str, timeout: float = 30.0, consumers=None) -> dict[str, list[dict]]:
    """Waits (bounded) until every consumer in `consumers` (default: the four agreement consumers) has sent the
    record at `source` (`topic/partition/offset`) to the dead-letter topic; returns consumer -> its DLQ records."""
    from demo_data import eventually
    wanted = set(consumers or AGREEMENT_CONSUMERS.values())
    dead_letter_topic = system.topic_prefix + DEAD_LETTER_TOPIC

    def arrived():
        found: dict[str, list[dict]] = {}
        for record in system.read_records(dead_letter_topic):
            if record["headers"].get("dlq_source") == source:
                found.setdefault(record["headers"].get("dlq_consumer", ""), []).append(record)
        missing = wanted - set(found)
        assert not missing, f"{source}: no dead letter yet from {sorted(missing)} (have {sorted(found)})"
        return found
    return eventually(arrived, timeout, what=f"dead letters of {source}", interval=0.5, max_interval=2.0)


def dead_letter_count(system) -> dict[str, int]:
    """Rows in each service's `dead_letters` table, and the records on the dead-letter topic ("topic")."""
    counts = {name: system.postgres.rows(proc.database, "select count(*) as n from dead_letters")[0]["n"]
              for name, proc in system.processes.items()}
    counts["topic"] = len(system.read_records(system.topic_prefix + DEAD_LETTER_TOPIC))
    return counts
