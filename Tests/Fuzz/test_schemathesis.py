"""Bounded API fuzzing with schemathesis: every operation of every service's OpenAPI document, with a valid token of
each role, against a fresh system seeded with a few real records (see conftest.py).

    WANGQIAN_BIN_DIR=$(swift build --show-bin-path) python3 -m pytest -q Tests/Fuzz

The documents are read from the committed files (Services/<service>/openapi.json, what each service builds from its
Swift types; the Swift `<Service>DocumentTests` keep them equal); `test_served_document_is_the_file` checks
separately that the binaries serve those files.

Identities: a student with a signed agreement, a second student without one (its token drafts and submits a new
agreement), the approved employer, a counselor of the students' college, the employment office. Per operation, in
the document's order (deterministic: coverage cases are enumerated, generated ones derandomized, nothing shrunk):
  - the documented examples, and schemathesis' coverage phase, positive and negative (boundary values, missing
    fields, wrong types, undeclared methods and media types; at most COVERAGE_CAP cases), for the identities whose
    role the operation serves (its description's `Roles:`);
  - generated cases, positive and negative: EXAMPLES per mode for those identities, FEW for one token of each role
    the operation does not serve (and for operations without a token, without one);
  - generated cases again with the path parameters (the timers' `agreementID`) pointing at the seeded agreements,
    and positive bodies naming the seeded employer / agreements or carrying a valid credit code (BODY_RECORDS).
Every answer must have: no 5xx, a documented status code, the documented content type, a body matching the
documented schema, documented headers as documented, and 405 with `Allow` for an undeclared method. Failures are
collected and reported together, one entry per distinct (operation, identity, failure, status) with a curl line.

Environment: WANGQIAN_FUZZ_EXAMPLES (default 10) scales the generated cases; WANGQIAN_FUZZ_STATUSES=1 prints the
answers' status codes per operation and identity; WANGQIAN_FUZZ_TRACE=1 prints every valid request refused with 400
or 422; WANGQIAN_FUZZ_STRICT=1 also requires invalid input refused and valid input accepted (exploration: the
semantic rules a schema cannot express, such as the credit code's check character, make it fail).
"""
from __future__ import annotations

import json
import os
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import errors as hypothesis_errors
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (content_type_conformance, response_headers_conformance,
                                                response_schema_conformance, status_code_conformance,
                                                unsupported_method)

from demo_data import credit_code
from fuzz_support import Seed, fuzz_measure
from wangqian_system import SERVICES

REPO = Path(__file__).resolve().parents[2]
ROLES = ("student", "employer", "counselor", "office")
EXAMPLES = int(os.environ.get("WANGQIAN_FUZZ_EXAMPLES", "10"))
FEW = max(1, EXAMPLES // 3)
COVERAGE_CAP = 100
TIMEOUT = 20.0
TRACE = os.environ.get("WANGQIAN_FUZZ_TRACE") == "1"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance, unsupported_method]
if os.environ.get("WANGQIAN_FUZZ_STRICT") == "1":
    # Exploration only (not part of the requirement): invalid input must be refused, valid input accepted.
    from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance
    CHECKS += [negative_data_rejection, positive_data_acceptance]
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
# The operations whose generated bodies `Fuzzer.with_records` adjusts.
BODY_RECORDS = ("/v1/agreement/draft", "/v1/agreements/batch-sign", "/v1/employers/registration",
                "/v1/agreements/{id}/sign")

# The roster import takes CSV: send generated strings as they are, like text/plain.
schemathesis.serializer.alias("text/csv", "text/plain")


def document_path(service: str) -> Path:
    return REPO / "Services" / service / "openapi.json"


def load_schema(service: str):
    # An explicit default configuration: nothing is discovered from a schemathesis.toml of the working directory.
    return schemathesis.openapi.from_path(document_path(service), config=schemathesis.Config())


def served_roles(operation) -> tuple[str, ...] | None:
    """The roles the operation's description names (`Roles: ...`), or None for an operation without a token."""
    raw = operation.definition.raw
    if raw.get("security") == []:
        return None
    match = re.search(r"^Roles: (.*)$", raw.get("description", ""), re.MULTILINE)
    named = tuple(re.findall(r"`(\w+)`", match.group(1))) if match else ()
    return tuple(r for r in named if r in ROLES) or ROLES


@dataclass
class Finding:
    operation: str
    identity: str
    failure: str
    status: int | None
    count: int = 0
    example: str = ""


@dataclass
class Fuzzer:
    service: str
    base_url: str
    seed: Seed
    cases: Counter = field(default_factory=Counter)  # (identity, phase) -> cases sent
    findings: dict = field(default_factory=dict)
    skipped: list = field(default_factory=list)
    capped: list = field(default_factory=list)  # coverage phases cut at COVERAGE_CAP
    statuses: Counter = field(default_factory=Counter)  # (operation, identity, status) -> answers
    seconds: Counter = field(default_factory=Counter)  # operation -> seconds spent on it

    def __post_init__(self):
        self.session = requests.Session()
        self.session.trust_env = False  # never through a proxy

    # ---- one case
    def headers(self, identity: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.seed.tokens[identity]}"} if identity else {}

    def send(self, case, identity: str | None, phase: str) -> None:
        if identity:
            case.headers = {**(case.headers or {}), **self.headers(identity)}
        elif case.headers:
            case.headers.pop("Authorization", None)
        self.cases[(identity or "-", phase)] += 1
        transport = {"base_url": self.base_url, "session": self.session, "timeout": TIMEOUT}
        try:
            response = case.call(base_url=self.base_url, session=self.session, timeout=TIMEOUT)
        except requests.RequestException as error:
            self.record(case, identity, phase, f"transport error {type(error).__name__}: {error}", None, None)
            return
        self.statuses[(case.operation.label, identity or "-", response.status_code)] += 1
        if TRACE and response.status_code in (400, 422) and ("positive" in phase or phase == "examples"):
            print(f"[trace] {phase} {identity} {case.method} {case.formatted_path} q={case.query!r} "
                  f"body={str(case.body)[:300]!r} -> {response.status_code} {response.text[:200]}")
        try:
            case.validate_response(response, checks=CHECKS, transport_kwargs=transport)
        except FailureGroup as group:
            for failure in group.exceptions:
                self.record(case, identity, phase, failure_text(failure), response.status_code, response)
        except Failure as failure:
            self.record(case, identity, phase, failure_text(failure), response.status_code, response)

    def record(self, case, identity, phase, failure: str, status, response) -> None:
        key = (case.operation.label, identity or "-", failure.splitlines()[0], status)
        finding = self.findings.get(key)
        if finding is None:
            finding = self.findings[key] = Finding(key[0], key[1], failure, status)
            finding.example = describe(case, response, phase)
        finding.count += 1

    # ---- the phases
    def examples(self, operation, identity: str | None) -> None:
        try:
            strategies = operation.get_strategies_from_examples()
        except Exception as error:  # noqa: BLE001 - a document problem shows up in the coverage phase too
            self.skipped.append(f"{operation.label} examples: {type(error).__name__}: {error}")
            return
        for strategy in strategies:
            self.run_strategy(strategy, 1, identity, "examples", operation.label)

    def coverage(self, operation, identity: str | None) -> None:
        schema = operation.schema
        config = schema.config.generation_for(operation=operation, phase="coverage")
        sent = 0
        try:
            for case in schema.iter_coverage_cases(operation, generation_modes=list(MODES), generation_config=config):
                if sent >= COVERAGE_CAP:
                    self.capped.append(f"{operation.label} ({identity})")
                    break
                if case.media_type and schema.transport.get_first_matching_media_type(case.media_type) is None:
                    continue
                self.send(case, identity, "coverage")
                sent += 1
        except Exception as error:  # noqa: BLE001
            self.skipped.append(f"{operation.label} coverage ({identity}): {type(error).__name__}: {error}")

    def generated(self, operation, identity: str | None, n: int, phase: str = "fuzzing", **fixed) -> None:
        for mode in MODES:
            try:
                strategy = operation.as_strategy(generation_mode=mode, headers=self.headers(identity), **fixed)
            except Exception as error:  # noqa: BLE001
                self.skipped.append(f"{operation.label} {mode.value} ({identity}): {type(error).__name__}: {error}")
                continue
            self.run_strategy(strategy, n, identity, f"{phase}-{mode.value}", operation.label)

    def run_strategy(self, strategy, n: int, identity, phase: str, label: str) -> None:
        @settings(max_examples=n, derandomize=True, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet, report_multiple_bugs=False)
        @given(case=strategy)
        def run(case):
            self.send(case, identity, phase)

        try:
            run()
        except hypothesis_errors.Unsatisfiable as error:
            if not phase.endswith("negative"):
                self.skipped.append(f"{label} {phase} ({identity}): {type(error).__name__}")
            # else: nothing of the request can be made invalid (no parameters, no body, or all of them fixed)
        except hypothesis_errors.FailedHealthCheck as error:
            self.skipped.append(f"{label} {phase} ({identity}): {type(error).__name__}")
        except Exception as error:  # noqa: BLE001 - generation problems are not answers of the service
            if isinstance(error, (Failure, FailureGroup)):
                raise
            self.skipped.append(f"{label} {phase} ({identity}): {type(error).__name__}: {str(error)[:300]}")

    def real_records(self, operation) -> list[dict]:
        """Ways to point an operation at the seeded records: fixed path parameters (and the timers' query), one set
        per seeded agreement; empty when the operation takes none."""
        names = {p.name for p in operation.path_parameters}
        variants = []
        for agreement_id in self.seed.agreement_ids:
            path: dict = {}
            if "id" in names:
                if operation.path.startswith("/v1/commands/"):
                    path["id"] = self.seed.command_ids.get(self.service, agreement_id)
                else:
                    path["id"] = agreement_id
            if "employerID" in names:
                path["employerID"] = self.seed.employer_id
            if "studentID" in names:
                path["studentID"] = (self.seed.student if agreement_id == self.seed.agreement_ids[0]
                                     else self.seed.fresh).id
            fixed: dict = {"path_parameters": path} if path else {}
            if operation.path == "/v1/timers":
                fixed["query"] = {"agreementID": agreement_id}
            if fixed and fixed not in variants:
                variants.append(fixed)
        return variants

    def with_records(self, case):
        """A generated body pointed at the seeded records (the employer of a draft, the IDs of a batch signing) and
        with a credit code whose check character is right (a pattern cannot say that)."""
        body = case.body
        if isinstance(body, dict):
            if "employerID" in body and case.operation.path == "/v1/agreement/draft":
                body["employerID"] = self.seed.employer_id
            if "agreementIDs" in body:
                body["agreementIDs"] = list(self.seed.agreement_ids)
            for section in (body, body.get("employer")):
                if isinstance(section, dict) and isinstance(section.get("creditCode"), str):
                    section["creditCode"] = credit_code(random.Random(section["creditCode"]))
        return case

    def body_records(self, operation, identity: str, **fixed) -> None:
        """Positive cases whose body names the seeded records or carries a valid credit code."""
        if operation.path not in BODY_RECORDS:
            return
        try:
            strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE, headers=self.headers(identity),
                                             **fixed)
        except Exception as error:  # noqa: BLE001
            self.skipped.append(f"{operation.label} records-body ({identity}): {type(error).__name__}: {error}")
            return
        self.run_strategy(strategy.map(self.with_records), EXAMPLES, identity, "records-body", operation.label)

    def operation(self, operation) -> None:
        started = time.monotonic()
        try:
            self._operation(operation)
        finally:
            self.seconds[operation.label] += time.monotonic() - started

    def _operation(self, operation) -> None:
        roles = served_roles(operation)
        if roles is None:
            self.examples(operation, None)
            self.coverage(operation, None)
            self.generated(operation, None, FEW)
            return
        variants = self.real_records(operation)
        for identity in self.seed.tokens:
            role = Seed.role(identity)
            if role in roles:
                self.examples(operation, identity)
                self.coverage(operation, identity)
                self.generated(operation, identity, EXAMPLES)
                for fixed in variants:
                    self.generated(operation, identity, EXAMPLES, "records", **fixed)
                for fixed in variants or [{}]:
                    self.body_records(operation, identity, **fixed)
            elif identity == role:  # one token per role for the roles the operation does not serve
                self.generated(operation, identity, FEW)


def failure_text(failure: Failure) -> str:
    message = (failure.message or "").strip()
    return f"{type(failure).__name__}: {failure.title}" + (f"\n{message}" if message else "")


def describe(case, response, phase: str) -> str:
    lines = [f"phase {phase}"]
    try:
        lines.append(case.as_curl_command(headers=dict(response.request.headers) if response is not None else None))
    except Exception:  # noqa: BLE001
        lines.append(f"{case.method} {case.formatted_path} query={case.query!r} body={str(case.body)[:300]!r}")
    if response is not None:
        body = response.content[:600].decode("utf-8", "replace") if response.content else ""
        lines.append(f"-> {response.status_code} {response.headers.get('content-type', '')} {body}")
    return "\n".join(lines)


def report(fuzzer: Fuzzer) -> str:
    out = [f"{len(fuzzer.findings)} distinct failures on {fuzzer.service}:"]
    for finding in sorted(fuzzer.findings.values(), key=lambda f: (f.operation, f.identity, str(f.status))):
        out.append(f"\n== {finding.operation} as {finding.identity}: {finding.failure.splitlines()[0]} "
                   f"(status {finding.status}, {finding.count}x)")
        out += ["   " + line for line in finding.failure.splitlines()[1:12]]
        out += ["   " + line for line in finding.example.splitlines()[:8]]
    return "\n".join(out)


@pytest.mark.parametrize("service", SERVICES)
def test_served_document_is_the_file(fuzz_system, service: str) -> None:
    """The binary serves Services/<service>/openapi.json as it is now."""
    with requests.Session() as session:
        session.trust_env = False
        reply = session.get(fuzz_system.urls()[service] + "/openapi.json", timeout=TIMEOUT)
    assert reply.status_code == 200
    served = reply.json()
    on_disk = json.loads(document_path(service).read_text(encoding="utf-8"))
    differences = list(differing(served, on_disk))
    assert not differences, (
        f"{service} serves another document than {document_path(service).relative_to(REPO)} "
        f"({len(differences)} differences, e.g. {differences[:5]}): rebuild (swift build) and regenerate the file "
        "(WANGQIAN_REGENERATE_GOLDEN=1 swift test --skip-build --filter DocumentTests)")


def differing(a, b, where: str = ""):
    """JSON pointers at which two JSON values differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            pointer = f"{where}/{key.replace('~', '~0').replace('/', '~1')}"
            if key not in a or key not in b:
                yield pointer
            else:
                yield from differing(a[key], b[key], pointer)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from differing(x, y, f"{where}/{i}")
    elif a != b:
        yield where or "/"


@pytest.mark.parametrize("service", SERVICES)
def test_fuzz(fuzz_system, seed: Seed, service: str) -> None:
    schema = load_schema(service)
    fuzzer = Fuzzer(service, fuzz_system.urls()[service], seed)
    started = time.monotonic()
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        fuzzer.operation(operation)
    elapsed = time.monotonic() - started
    by_role = Counter()
    by_phase = Counter()
    for (role, phase), n in fuzzer.cases.items():
        by_role[role] += n
        by_phase[phase.split("-")[0]] += n
    total = sum(fuzzer.cases.values())
    fuzz_measure(f"{service}: {total} cases over {operations} operations in {elapsed:.1f} s "
                 f"(identities {dict(sorted(by_role.items()))}; phases {dict(sorted(by_phase.items()))}); "
                 f"{len(fuzzer.findings)} distinct failures" +
                 (f"; {len(fuzzer.skipped)} generation steps skipped" if fuzzer.skipped else ""))
    for line in fuzzer.skipped:
        print(f"[fuzz] skipped: {line}")
    if os.environ.get("WANGQIAN_FUZZ_STATUSES") == "1":
        for (label, role, status), n in sorted(fuzzer.statuses.items()):
            print(f"[fuzz] answers: {label} as {role}: {status} x{n}")
        for label, seconds in fuzzer.seconds.most_common():
            print(f"[fuzz] time: {label}: {seconds:.1f} s")
    if fuzzer.capped:
        print(f"[fuzz] coverage cut at {COVERAGE_CAP} cases: {', '.join(fuzzer.capped)}")
    assert all(alive for alive in (fuzz_system.alive(name) for name in SERVICES)), "a service died while fuzzed"
    assert not fuzzer.findings, report(fuzzer)
