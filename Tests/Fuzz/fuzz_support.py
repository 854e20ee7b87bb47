"""What the fuzz suite's conftest.py and its tests share (a module of its own: `conftest` is not importable by name
when several test folders run in one pytest session)."""
from __future__ import annotations

from dataclasses import dataclass

from scenarios import Student

# How long a command waits for its outcome before answering 202 (default 5000 ms): pending commands of the fuzzer
# must not each hold a request for five seconds.
COMMAND_WAIT_MS = "200"

LINES: list[str] = []


def fuzz_measure(line: str) -> None:
    """A line for the summary at the end of the run (and for `pytest -s`)."""
    LINES.append(line)
    print(f"\n[fuzz] {line}")


@dataclass
class Seed:
    """The real records the fuzzer's tokens and path parameters point at."""
    student: Student  # with an agreement the employer signed
    fresh: Student  # without an agreement
    employer_id: str
    counselor: tuple[str, str]  # (staff ID, college code)
    office: str
    agreement_ids: list[str]  # the signed agreement's, and the one the fresh student will have
    # service -> the ID of a command that service recorded (for GET /v1/commands/{id})
    command_ids: dict[str, str]
    # identity -> bearer token; an identity is a role, or a role + "-" + what sets it apart
    tokens: dict[str, str]

    @staticmethod
    def role(identity: str) -> str:
        return identity.split("-", 1)[0]
