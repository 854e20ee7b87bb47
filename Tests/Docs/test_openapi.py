"""The OpenAPI documents of the four services: valid OpenAPI 3.1 and in step with the route code. Each service
builds its document from its Swift types (`<Service>APIDocument.swift`, Shared/ServiceKit/OpenAPI) and serves it;
the Swift tests (`<Service>DocumentTests`) keep the committed `Services/<service>/openapi.json` equal to it.

    python3 -m pytest -q Tests/Docs
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ["student", "employer", "college", "scheduler"]
COMMON_ROUTES = ROOT / "Shared" / "ServiceKit" / "HTTP" / "CommonRoutes.swift"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
ROUTE = re.compile(r'\brouter\.(get|post|put|patch|delete|head)\(\s*"([^"]*)"')


def document(service: str) -> dict:
    return json.loads((ROOT / "Services" / service / "openapi.json").read_text(encoding="utf-8"))


def swift_routes(files: list[Path]) -> set[tuple[str, str]]:
    """(METHOD, OpenAPI path) of every route registered in `files`; Hummingbird's `:name` becomes `{name}`."""
    routes = set()
    for file in files:
        for method, path in ROUTE.findall(file.read_text(encoding="utf-8")):
            path = "/" + path.strip("/")
            path = re.sub(r"(?<=/):([A-Za-z_][A-Za-z0-9_]*)", r"{\1}", path)
            routes.add((method.upper(), path))
    return routes


def documented_routes(doc: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in doc["paths"].items() for method in item if method in HTTP_METHODS}


@pytest.mark.parametrize("service", SERVICES)
def test_document_is_valid_openapi_3_1(service: str) -> None:
    doc = document(service)
    assert doc["openapi"].startswith("3.1.")
    validate(doc)


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_is_documented_and_every_documented_route_exists(service: str) -> None:
    route_files = sorted((ROOT / "Services" / service).glob("*Routes.swift"))
    assert route_files, f"no route files for {service}"
    code = swift_routes(route_files + [COMMON_ROUTES])
    doc = documented_routes(document(service))
    assert code - doc == set(), f"routes of {service} missing from its document"
    assert doc - code == set(), f"documented routes that {service} does not register"


@pytest.mark.parametrize("service", SERVICES)
def test_operations_are_described_and_secured(service: str) -> None:
    doc = document(service)
    public = {"/health/live", "/health/ready", "/openapi.json"}
    operation_ids = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            where = f"{method.upper()} {path}"
            operation_ids.append(op["operationId"])
            assert op.get("summary") and op.get("description") and op.get("tags"), where
            assert re.search(r"[\u4e00-\u9fff]", op["description"]), f"{where}: no Chinese UI term"
            if path in public:
                assert op["security"] == [], where
                continue
            assert op["security"] == [{"bearerAuth": []}], where
            assert "Roles:" in op["description"], where
            assert "401" in op["responses"], where
            for status, response in op["responses"].items():
                if status.startswith("4") and status != "413" or status == "413" and "content" in response:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, f"{where} {status}"
            if "202" in op["responses"]:
                assert "Location" in op["responses"]["202"]["headers"], where
                assert "200" in op["responses"], where
    assert len(operation_ids) == len(set(operation_ids)), "duplicate operationId"
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        **doc["components"]["securitySchemes"]["bearerAuth"], "type": "http", "scheme": "bearer",
        "bearerFormat": "JWT"}


def test_shared_schemas_are_the_same_in_every_document() -> None:
    """A schema two documents share (the agreement, its view, the error body…) says the same in both: the Swift
    tests compare each service's document with the types, this keeps the four documents in step with each other."""
    seen: dict[str, tuple[str, dict]] = {}
    for service in SERVICES:
        for name, schema in document(service)["components"]["schemas"].items():
            if name in seen:
                first, earlier = seen[name]
                assert schema == earlier, f"{name} differs between the {first} and {service} documents"
            else:
                seen[name] = (service, schema)


def test_roster_import_takes_csv() -> None:
    body = document("college")["paths"]["/v1/roster/import"]["post"]["requestBody"]
    assert list(body["content"]) == ["text/csv"]


def _validator(doc: dict, schema: dict):
    from openapi_schema_validator import OAS31Validator

    # `#/components/...` references resolve against a root that carries the document's components.
    return OAS31Validator({**schema, "components": doc["components"]}, format_checker=OAS31Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("service", SERVICES)
def test_examples_match_their_schemas(service: str) -> None:
    doc = document(service)
    checks = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            media = [("request", mt) for mt in op.get("requestBody", {}).get("content", {}).values()]
            media += [(status, mt) for status, r in op["responses"].items() for mt in r.get("content", {}).values()]
            for where, mt in media:
                if "example" in mt:
                    checks.append((f"{method} {path} {where}", mt["schema"], mt["example"]))
                for name, example in mt.get("examples", {}).items():
                    if "$ref" in example:
                        example = doc["components"]["examples"][example["$ref"].rsplit("/", 1)[1]]
                    checks.append((f"{method} {path} {where} {name}", mt["schema"], example["value"]))
            for p in op.get("parameters", []):
                if "example" in p:
                    checks.append((f"{method} {path} parameter {p['name']}", p["schema"], p["example"]))
    for name, schema in doc["components"]["schemas"].items():
        checks += [(f"schema {name}", schema, example) for example in schema.get("examples", [])]
    assert checks
    for where, schema, example in checks:
        problems = [e.message for e in _validator(doc, schema).iter_errors(example)]
        assert not problems, f"{where}: {problems}"


@pytest.mark.parametrize("phone, valid", [
    ("13601012345", True), ("0755-86013388", True), ("010-62751407-12", True), ("010 62751407", True),
    ("01062751407", True), ("400-123-4567", True), ("8001234567", True),
    ("12345678901", False), ("010-0123456", False), ("0010-62751407", False), ("62751407", False), ("", False),
])
def test_phone_pattern_follows_the_domain(phone: str, valid: bool) -> None:
    doc = document("college")
    review = {"contactPerson": "刘老师", "contactPhone": phone, "postalCode": "100871", "mailingAddress": "北京市海淀区"}
    assert _validator(doc, {"$ref": "#/components/schemas/CollegeReview"}).is_valid(review) == valid
