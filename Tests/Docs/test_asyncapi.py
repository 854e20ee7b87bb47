"""docs/asyncapi.yaml: valid AsyncAPI 3.0.0, and its payload schemas accept what the Swift code puts on the wire.

    python3 -m pytest -q Tests/Docs

The wire format's truth is the Swift encoding, pinned by the golden files in Tests/ContractTests/Golden/
(GoldenFileTests.swift). Every golden file is matched, through the CloudEvents type its name gives, to exactly one
message of the document and validated against that message's payload schema (or, for the pinned Kafka record,
its headers and key schemas). If a golden file is refused, fix the document, not this test.

The official AsyncAPI 3.0.0 JSON Schema lives outside the repository, in ../shared/schemas/ (see its README.md).
"""
from __future__ import annotations

import base64
import copy
import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from jsonschema import Draft7Validator, FormatChecker
from jsonschema.validators import validator_for
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "asyncapi.yaml"
ASYNCAPI_SCHEMA = ROOT.parent / "shared" / "schemas" / "asyncapi-3.0.0.json"
GOLDEN = ROOT / "Tests" / "ContractTests" / "Golden"

TYPE_PREFIX = "cn.edu.wangqian."
EVENT_TYPE = re.compile(r"cn\.edu\.wangqian\.[A-Za-z]+\.[A-Za-z]+\.v\d+")
#: A golden file `kafka-record.<family>.<name>.v<N>.json` pins the Kafka record (key and CloudEvents headers) of
#: one event; every other golden file `<family>.<name>.v<N>.json` is the JSON payload of that event type.
RECORD_PREFIX = "kafka-record."
#: Named in the document on purpose although not an event type: the dead-letter example of an unknown type.
NOT_EVENT_TYPES = {"cn.edu.wangqian.agreement.teleported.v1"}
#: The AsyncAPI 3.0 default schema format (a superset of JSON Schema draft-07); payloads use no other.
SCHEMA_FORMATS = {None, "application/vnd.aai.asyncapi+json;version=3.0.0", "application/schema+json;version=draft-07"}
#: Formats are asserted, including `uuid` (the document uses it for IDs; draft-07's own checker does not know it).
FORMATS = FormatChecker()
#: Base URI under which local `#/…` references of the document resolve.
DOCUMENT_URI = "urn:wangqian:docs:asyncapi.yaml"


# MARK: loading


def load_document(text: str | None = None) -> dict:
    """The document as JSON data. YAML-only values (dates, timestamps) would be a trap for JSON tools: refused."""
    doc = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8") if text is None else text)
    assert isinstance(doc, dict), "the document is not a mapping"
    try:
        return json.loads(json.dumps(doc, ensure_ascii=False))
    except TypeError as error:  # e.g. an unquoted 2026-06-01 became a date
        pytest.fail(f"docs/asyncapi.yaml holds a value that is not JSON: {error}")


@pytest.fixture(scope="module")
def doc() -> dict:
    return load_document()


@pytest.fixture(scope="module")
def asyncapi_validator():
    schema = json.loads(ASYNCAPI_SCHEMA.read_text(encoding="utf-8"))
    cls = validator_for(schema, default=None)
    # The README and the schema's "$schema" both say draft-07; its "$ref"s point into its own "definitions".
    assert schema.get("$schema", "").rstrip("#/").endswith("draft-07/schema"), schema.get("$schema")
    assert cls is Draft7Validator
    cls.check_schema(schema)
    return cls(schema)


def golden_files() -> list[Path]:
    files = sorted(GOLDEN.glob("*.json"))
    assert files, f"no golden files in {GOLDEN}"
    return files


# MARK: navigating the document


def resolve(doc: dict, node: Any, pointer: str) -> tuple[str, Any]:
    """Follows local `$ref`s from `node` (found at JSON pointer `pointer`): the pointer and node they end at."""
    seen = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), f"{pointer}: only local references are expected, got {ref}"
        assert ref not in seen, f"{pointer}: reference cycle through {ref}"
        seen.add(ref)
        pointer, node = ref[1:], doc
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            assert isinstance(node, dict) and part in node, f"unresolvable reference {ref}"
            node = node[part]
    return pointer, node


def escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def message_event_type(doc: dict, message: dict) -> str | None:
    """The CloudEvents type a message fixes with `const` on its `ce_type` header, or None (dead letters)."""
    _, headers = resolve(doc, message.get("headers", {}), "headers")
    parts = headers.get("allOf", []) + [headers]
    consts = {resolve(doc, p, "headers")[1].get("properties", {}).get("ce_type", {}).get("const") for p in parts}
    consts.discard(None)
    assert len(consts) <= 1, f"a message with several ce_type constants: {consts}"
    return consts.pop() if consts else None


def channel_messages(doc: dict) -> Iterator[tuple[str, str, dict]]:
    """(channel, message pointer, message) of every message a channel carries, references followed."""
    for channel_name, channel in doc["channels"].items():
        for key, message in channel.get("messages", {}).items():
            pointer, resolved = resolve(doc, message, f"/channels/{escape(channel_name)}/messages/{escape(key)}")
            yield channel_name, pointer, resolved


def messages_by_type(doc: dict) -> dict[str, set[str]]:
    """Event type → the pointers of the messages declaring it."""
    found: dict[str, set[str]] = {}
    for _, pointer, message in channel_messages(doc):
        event_type = message_event_type(doc, message)
        if event_type is not None:
            found.setdefault(event_type, set()).add(pointer)
    return found


def schema_validator(pointer: str, doc: dict) -> Draft7Validator:
    """A draft-07 validator for the schema at `pointer`, resolving the document's local `#/…` references."""
    registry = Registry().with_resource(DOCUMENT_URI, Resource(contents=doc, specification=DRAFT7))
    return Draft7Validator({"$ref": f"{DOCUMENT_URI}#{pointer}"}, registry=registry, format_checker=FORMATS)


def problems(validator: Draft7Validator, instance: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))]


def undocumented_fields(doc: dict, schema: Any, instance: Any, path: str = "") -> list[str]:
    """Fields of `instance` that `schema` does not name (payloads allow extra fields, so validation alone would
    not notice a field the code sends but the document forgets)."""
    def named(schema: Any, into: dict[str, list]) -> dict[str, list]:
        _, schema = resolve(doc, schema, path)
        if isinstance(schema, dict):
            for key, sub in schema.get("properties", {}).items():
                into.setdefault(key, []).append(sub)
            for part in schema.get("allOf", []):
                named(part, into)
        return into

    found = []
    if isinstance(instance, dict):
        properties = named(schema, {})
        for key, value in instance.items():
            if properties and key not in properties:
                found.append(f"{path}/{key}")
            for sub in properties.get(key, []):
                found += undocumented_fields(doc, sub, value, f"{path}/{key}")
    elif isinstance(instance, list):
        _, resolved = resolve(doc, schema, path)
        if isinstance(resolved, dict) and isinstance(resolved.get("items"), dict):
            for i, item in enumerate(instance):
                found += undocumented_fields(doc, resolved["items"], item, f"{path}/{i}")
    return found


def golden_target(path: Path) -> tuple[str, str]:
    """("payload" | "record", the event type) a golden file stands for, from its name."""
    stem = path.name.removesuffix(".json")
    kind = "payload"
    if stem.startswith(RECORD_PREFIX):
        kind, stem = "record", stem.removeprefix(RECORD_PREFIX)
    event_type = TYPE_PREFIX + stem
    assert EVENT_TYPE.fullmatch(event_type), f"{path.name}: not named after an event type"
    return kind, event_type


def the_message(doc: dict, path: Path) -> tuple[str, str, dict]:
    """The one message of the document a golden file belongs to: (kind, pointer, message)."""
    kind, event_type = golden_target(path)
    pointers = messages_by_type(doc).get(event_type, set())
    assert len(pointers) == 1, f"{path.name}: {len(pointers)} messages of type {event_type} in docs/asyncapi.yaml"
    pointer = pointers.pop()
    return kind, pointer, resolve(doc, {"$ref": "#" + pointer}, pointer)[1]


# MARK: (a) the document is valid AsyncAPI 3.0.0


def test_the_document_is_valid_asyncapi_3_0_0(doc: dict, asyncapi_validator) -> None:
    assert doc["asyncapi"] == "3.0.0"
    errors = problems(asyncapi_validator, doc)
    assert not errors, "docs/asyncapi.yaml is not valid AsyncAPI 3.0.0:\n" + "\n".join(errors)


def test_the_formats_the_document_uses_are_checked() -> None:
    # jsonschema skips a format whose checker is not installed (date-time needs rfc3339-validator, see
    # Tests/EndToEnd/requirements.txt): that would silently weaken every check below.
    assert {"date-time", "uuid", "email"} <= set(FORMATS.checkers)


def test_every_local_reference_resolves(doc: dict) -> None:
    def walk(node: Any, pointer: str) -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                yield pointer, node["$ref"]
            for key, value in node.items():
                yield from walk(value, f"{pointer}/{escape(key)}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk(value, f"{pointer}/{i}")

    refs = list(walk(doc, ""))
    assert refs
    for pointer, ref in refs:
        resolve(doc, {"$ref": ref}, pointer)


def test_the_payload_schemas_are_draft_07_schemas(doc: dict) -> None:
    checked = 0
    for _, pointer, message in channel_messages(doc):
        assert message.get("payload") is not None, pointer
        assert message["payload"].get("schemaFormat") in SCHEMA_FORMATS, pointer
        for part in ("payload", "headers"):
            if part in message:
                Draft7Validator.check_schema(resolve(doc, message[part], pointer)[1])
                checked += 1
    for name, schema in doc["components"]["schemas"].items():
        Draft7Validator.check_schema(schema)
        checked += 1
    assert checked


# MARK: (b) the validation can fail


def _without_action(d: dict) -> None:
    del d["operations"]["publishAgreementEvents"]["action"]


def _version_as_number(d: dict) -> None:
    d["asyncapi"] = 3.0


def _unknown_action(d: dict) -> None:
    d["operations"]["publishStudentRoster"]["action"] = "publish"  # AsyncAPI 2's verb, gone in 3.0


def _channel_without_address_type(d: dict) -> None:
    d["channels"]["agreementEvents"]["address"] = ["wangqian.agreement.events.v1"]


def _message_field_misspelt(d: dict) -> None:
    d["components"]["messages"]["agreement.filed.v1"]["payloads"] = d["components"]["messages"]["agreement.filed.v1"].pop("payload")


@pytest.mark.parametrize("breakage", [_without_action, _version_as_number, _unknown_action,
                                      _channel_without_address_type, _message_field_misspelt])
def test_a_broken_document_is_refused(doc: dict, asyncapi_validator, breakage) -> None:
    broken = copy.deepcopy(doc)
    breakage(broken)
    assert not asyncapi_validator.is_valid(broken), f"{breakage.__name__}: the broken copy was accepted"
    assert asyncapi_validator.is_valid(doc)


def test_a_broken_yaml_value_is_refused(asyncapi_validator) -> None:
    text = DOCUMENT.read_text(encoding="utf-8")
    assert "\nasyncapi: 3.0.0\n" in text
    assert not asyncapi_validator.is_valid(load_document(text.replace("\nasyncapi: 3.0.0\n", "\nasyncapi: 3.0\n")))


@pytest.mark.parametrize("name, breakage", [
    ("agreement.employerSigned.v1", lambda p: p.pop("signingRound")),
    ("agreement.employerSigned.v1", lambda p: p.update(signingRound=0)),
    ("agreement.submitted.v1", lambda p: p["student"].update(reviewStatus="已审核")),
    ("agreement.copyPrinted.v1", lambda p: p.update(at="2026-06-10T03:05:00Z")),
    ("agreement.copyPrinted.v1", lambda p: p.update(agreementID="151d681e-0a2b-50ad-8447")),
    ("agreement.submitted.v1", lambda p: p["form"].update(email="zhangsan")),
    ("agreement.collegeApproved.v1", lambda p: p.update(agreementNumber=202610001000123)),
    ("agreement.filed.v1", lambda p: p["actor"].pop("collegeCode")),
    ("registry.employerRegistered.v1", lambda p: p["employer"].update(creditCode="91440300708461136")),
])
def test_a_broken_payload_is_refused(doc: dict, name: str, breakage) -> None:
    path = GOLDEN / f"{name}.json"
    _, pointer, _ = the_message(doc, path)
    payload = json.loads(path.read_text(encoding="utf-8"))
    validator = schema_validator(pointer + "/payload", doc)
    assert validator.is_valid(payload)
    breakage(payload)
    assert not validator.is_valid(payload), f"{name}: the broken payload was accepted"


# MARK: (c) every golden file fits its schema

#: A placeholder of the right shape (base64 of 64 bytes) for the signature the runtime adds.
PLACEHOLDER_SIGNATURE = base64.b64encode(bytes(64)).decode()


@pytest.mark.parametrize("path", golden_files(), ids=lambda p: p.name)
def test_every_golden_file_matches_its_schema(doc: dict, path: Path) -> None:
    kind, pointer, message = the_message(doc, path)
    golden = json.loads(path.read_text(encoding="utf-8"))
    _, event_type = golden_target(path)
    if kind == "payload":
        errors = problems(schema_validator(pointer + "/payload", doc), golden)
        assert not errors, f"{path.name} does not fit {pointer}/payload:\n" + "\n".join(errors)
        extra = undocumented_fields(doc, message["payload"], golden)
        assert not extra, f"{path.name}: fields that {pointer}/payload does not document: {extra}"
        return

    # The pinned record is CloudEvent.encode's output: key and binary-mode headers, before ServiceRuntime signs it
    # (EventKeyRing.sign appends ce_signature to the headers). Every record a service publishes is signed, so the
    # document rightly requires ce_signature: add one of the right shape to get the record as published.
    assert set(golden) == {"key", "headers"}, path.name
    names = [name for name, _ in golden["headers"]]
    assert len(names) == len(set(names)), f"{path.name}: a header occurs twice"
    headers = dict(golden["headers"])
    assert headers["ce_type"] == event_type and headers["ce_subject"] == golden["key"], path.name
    assert "ce_signature" not in headers, f"{path.name} is signed now: drop the placeholder signature here"
    headers["ce_signature"] = PLACEHOLDER_SIGNATURE
    errors = problems(schema_validator(pointer + "/headers", doc), headers)
    assert not errors, f"{path.name} headers do not fit {pointer}/headers:\n" + "\n".join(errors)
    extra = undocumented_fields(doc, message["headers"], headers)
    assert not extra, f"{path.name}: headers that {pointer}/headers does not document: {extra}"
    errors = problems(schema_validator(pointer + "/bindings/kafka/key", doc), golden["key"])
    assert not errors, f"{path.name} key does not fit {pointer}/bindings/kafka/key:\n" + "\n".join(errors)


def test_every_golden_file_belongs_to_exactly_one_message(doc: dict) -> None:
    claimed = {}
    for path in golden_files():
        kind, pointer, _ = the_message(doc, path)  # fails for a golden file without a schema
        assert (kind, pointer) not in claimed, f"{path.name} and {claimed[(kind, pointer)]} claim the same schema"
        claimed[(kind, pointer)] = path.name


def test_the_examples_are_the_golden_files_and_fit_their_schemas(doc: dict) -> None:
    """The file header of docs/asyncapi.yaml promises: payload examples are the golden files."""
    for _, pointer, message in channel_messages(doc):
        event_type = message_event_type(doc, message)
        for example in message.get("examples", []):
            where = f"{pointer} example {example.get('name')}"
            if "payload" in example and event_type is not None:
                golden = GOLDEN / f"{event_type.removeprefix(TYPE_PREFIX)}.json"
                assert example["payload"] == json.loads(golden.read_text(encoding="utf-8")), f"{where} ≠ {golden.name}"
                assert not problems(schema_validator(pointer + "/payload", doc), example["payload"]), where
            if "headers" in example:
                headers = example["headers"]
                if event_type is not None:
                    assert headers.get("ce_type") == event_type, where
                    headers = {**headers, "ce_signature": PLACEHOLDER_SIGNATURE}  # the example shows '<base64 …>'
                errors = problems(schema_validator(pointer + "/headers", doc), headers)
                assert not errors, f"{where} headers:\n" + "\n".join(errors)


# MARK: (d) every event type of the document has a golden file


def test_every_event_type_has_a_golden_payload_file(doc: dict) -> None:
    documented = messages_by_type(doc)
    assert len(documented) == 18, sorted(documented)  # EventType.current.count in GoldenFileTests.swift
    payloads = {golden_target(p)[1] for p in golden_files() if golden_target(p)[0] == "payload"}
    assert set(documented) - payloads == set(), "documented event types without a golden payload file"
    assert payloads - set(documented) == set(), "golden payload files of event types the document lacks"
    # Only agreement.submitted.v1 has a pinned Kafka record (kafka-record.agreement.submitted.v1.json): the
    # envelope is built the same way for every type (CloudEvent.encode), so the other 17 types have none.
    records = {golden_target(p)[1] for p in golden_files() if golden_target(p)[0] == "record"}
    assert records == {TYPE_PREFIX + "agreement.submitted.v1"}


def test_every_event_type_the_text_names_is_a_documented_one(doc: dict) -> None:
    """Descriptions and examples name types too: none of them may be a type without a message (a typo, a
    renamed event), except the deliberately unknown type of the dead-letter example."""
    named = set(EVENT_TYPE.findall(DOCUMENT.read_text(encoding="utf-8")))
    unknown = named - set(messages_by_type(doc)) - NOT_EVENT_TYPES
    assert not unknown, f"docs/asyncapi.yaml names event types it does not describe: {sorted(unknown)}"
    assert NOT_EVENT_TYPES <= named, "the dead-letter example changed: update NOT_EVENT_TYPES"


def test_every_component_message_is_carried_by_a_channel_and_sent_by_an_operation(doc: dict) -> None:
    carried = {pointer for _, pointer, _ in channel_messages(doc)}
    components = {f"/components/messages/{escape(k)}" for k in doc["components"]["messages"]}
    assert components == carried
    sent = set()
    for name, operation in doc["operations"].items():
        _, channel = resolve(doc, operation["channel"], f"/operations/{name}/channel")
        listed = [resolve(doc, m, f"/operations/{name}/messages")[0] for m in operation.get("messages", [])]
        own = {resolve(doc, m, "")[0] for m in channel.get("messages", {}).values()}
        assert set(listed) == own, f"operation {name} does not send exactly its channel's messages"
        sent |= set(listed)
    assert sent == carried
