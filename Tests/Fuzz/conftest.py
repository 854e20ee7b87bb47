"""The fuzz suite's fixtures: its own fresh Wangqian system (four service processes on fresh databases and a fresh
topic prefix, see Tests/EndToEnd/wangqian_system.py), started with a short command wait so that commands the
fuzzer sends do not each hold a request for five seconds, and seeded with a few real records.

    WANGQIAN_BIN_DIR=$(swift build --show-bin-path) python3 -m pytest -q Tests/Fuzz

Needs PostgreSQL and the Kafka broker running (deploy/local/infra.sh start). WANGQIAN_E2E_KEEP=1 keeps the
databases and topics afterwards; the service logs are always kept (their folder is printed at the end).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
for extra in (REPO / "deploy" / "local", REPO / "Tests" / "EndToEnd", HERE):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from demo_data import Wangqian  # noqa: E402
from scenarios import World  # noqa: E402
from wangqian_system import SERVICES, System, bin_dir  # noqa: E402

from fuzz_support import COMMAND_WAIT_MS, LINES, Seed, fuzz_measure  # noqa: E402

_running: System | None = None


@pytest.fixture(scope="session")
def fuzz_system():
    global _running
    system = System(bin_dir(), keep=os.environ.get("WANGQIAN_E2E_KEEP") == "1",
                    extra_env={"WANGQIAN_COMMAND_WAIT_MS": COMMAND_WAIT_MS})
    _running = system
    try:
        seconds = system.start_checked()
    except System.Unavailable as error:
        pytest.fail(str(error), pytrace=False)
    fuzz_measure(f"system start (WANGQIAN_COMMAND_WAIT_MS={COMMAND_WAIT_MS}, topic prefix {system.topic_prefix}): "
                 f"{seconds:.1f} s")
    yield system
    system.stop()


@pytest.fixture(scope="session")
def seed(fuzz_system) -> Seed:
    """An approved employer; a student on the roster (审核完成) whose agreement with it the employer has signed (so
    every service and the scheduler's timers know it); and a second student on the roster without an agreement yet,
    whose token lets the fuzzer save, submit and drive a new one."""
    started = time.monotonic()
    wq = Wangqian(fuzz_system.urls(), fuzz_system.secret)
    world = World(wq)
    employer_id, _ = world.employer()
    student, fresh = world.enroll(2)
    agreement_id = world.agreement(student, employer_id, until="employerSigned")
    counselor = world.counselor(student.college)
    office = "JYC001"
    steps = world.steps[agreement_id]
    command_ids = {"student": steps["draft"].command_id, "employer": steps["sign"].command_id}
    # Every service has applied the signing: the fuzzing starts from a settled state.
    for service in SERVICES:
        wq.wait_status(service, agreement_id, "employerSigned")
    reply = wq.acknowledge_notices(fresh.id)  # so that a draft the fuzzer saves can be submitted
    assert reply.status == 200, reply
    me = wq.student.get("/v1/me", wq.student_token(fresh.id))
    assert me.status == 200, me
    tokens = {"student": wq.student_token(student.id), "student-fresh": wq.student_token(fresh.id),
              "employer": wq.employer_token(employer_id), "counselor": wq.counselor_token(*counselor),
              "office": wq.office_token(office)}
    fuzz_measure(f"seeding (students {student.id} and {fresh.id}, employer {employer_id}, agreement {agreement_id}): "
                 f"{time.monotonic() - started:.1f} s")
    return Seed(student, fresh, employer_id, counselor, office, [agreement_id, me.body["agreementID"]],
                {k: v for k, v in command_ids.items() if v}, tokens)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and _running is not None and _running.processes and "Fuzz" in str(item.fspath):
        report.sections.append(("wangqian fuzz service logs (tail)", _running.log_tails(20)))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if LINES:
        terminalreporter.section("wangqian fuzzing")
        for line in LINES:
            terminalreporter.write_line(line)
    if _running is not None:
        terminalreporter.write_line(f"fuzz service logs: {_running.workdir}")
