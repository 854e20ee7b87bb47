"""The end-to-end suite's fixtures: one fresh Wangqian system (four service processes, fresh databases, a fresh
topic prefix, a random JWT secret) for the whole run, driven only through the HTTP APIs.

    WANGQIAN_BIN_DIR=$(swift build --show-bin-path) python3 -m pytest -q Tests/EndToEnd

Needs PostgreSQL and the Kafka broker running (deploy/local/infra.sh start). WANGQIAN_E2E_KEEP=1 keeps the
databases and topics afterwards; the service logs are always kept (their folder is printed at the end).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "deploy" / "local"))

from demo_data import Wangqian  # noqa: E402
from scenarios import MEASUREMENTS, World, measure  # noqa: E402
from wangqian_system import System, bin_dir  # noqa: E402

_running: System | None = None


def pytest_configure(config):
    config.addinivalue_line("markers", "shifts_clock: moves the scheduler's clock forward; runs after every other test")


def pytest_collection_modifyitems(session, config, items):
    """Tests that shift the scheduler clock run last: from then on every new signing is already seven days old."""
    items.sort(key=lambda item: 1 if item.get_closest_marker("shifts_clock") else 0)


@pytest.fixture(scope="session")
def system():
    global _running
    binaries = bin_dir()
    system = System(binaries, keep=os.environ.get("WANGQIAN_E2E_KEEP") == "1")
    _running = system
    try:
        seconds = system.start_checked()
    except System.Unavailable as error:
        pytest.fail(str(error), pytrace=False)
    measure(f"system start (4 services, fresh databases, topic prefix {system.topic_prefix}): {seconds:.1f} s")
    yield system
    system.stop()


@pytest.fixture(scope="session")
def wq(system) -> Wangqian:
    return Wangqian(system.urls(), system.secret)


@pytest.fixture(scope="session")
def world(wq) -> World:
    return World(wq)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and _running is not None and _running.processes:
        report.sections.append(("wangqian service logs (tail)", _running.log_tails(30)))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if MEASUREMENTS:
        terminalreporter.section("wangqian measurements")
        for line in MEASUREMENTS:
            terminalreporter.write_line(line)
    if _running is not None:
        terminalreporter.write_line(f"service logs: {_running.workdir}")
