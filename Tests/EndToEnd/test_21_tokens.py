"""Tokens (issue 6): HS256 only, not before `nbf`, and valid for at most the lifetime cap (8 h,
`WANGQIAN_TOKEN_MAX_LIFETIME_SECONDS`) counted from now and from `iat`. Every service refuses the others with
401 `unauthenticated`."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest

from demo_data import has_chinese
from scenarios import World

HOUR = 3600


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwt(secret: str, claims: dict, algorithm: str = "HS256") -> str:
    header = b64url(json.dumps({"alg": algorithm, "typ": "JWT"}, separators=(",", ":")).encode())
    payload = b64url(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode())
    signing_input = f"{header}.{payload}".encode()
    digest = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}.get(algorithm)
    signature = b64url(hmac.new(secret.encode(), signing_input, digest).digest()) if digest else ""
    return f"{header}.{payload}.{signature}"


# name: (claims relative to now: {claim: seconds from now, or None to leave it out}, algorithm, expected status)
CASES = {
    "iat and nbf now, exp in 1 h": ({"iat": 0, "nbf": 0, "exp": HOUR}, "HS256", 200),
    "exp at the 8 h cap": ({"iat": 0, "exp": 8 * HOUR}, "HS256", 200),
    "issued 7 h ago, exp in 1 h": ({"iat": -7 * HOUR, "exp": HOUR}, "HS256", 200),
    "nbf in the past": ({"iat": -60, "nbf": -60, "exp": HOUR}, "HS256", 200),
    "nbf in 1 h": ({"iat": 0, "nbf": HOUR, "exp": 2 * HOUR}, "HS256", 401),
    "exp in 24 h": ({"iat": 0, "exp": 24 * HOUR}, "HS256", 401),
    "exp in 24 h, no iat": ({"exp": 24 * HOUR}, "HS256", 401),
    "exp in 8 h 30 min": ({"iat": 0, "exp": 8 * HOUR + 1800}, "HS256", 401),
    "issued 10 h ago, exp in 1 h": ({"iat": -10 * HOUR, "exp": HOUR}, "HS256", 401),
    "issued in 1 h": ({"iat": HOUR, "exp": 2 * HOUR}, "HS256", 401),
    "expired": ({"iat": -2 * HOUR, "exp": -HOUR}, "HS256", 401),
    "no exp": ({"iat": 0}, "HS256", 401),
    "alg HS512": ({"iat": 0, "exp": HOUR}, "HS512", 401),
    "alg none": ({"iat": 0, "exp": HOUR}, "none", 401),
}


def token(secret: str, role: str, subject: str, relative: dict, algorithm: str) -> str:
    now = int(time.time())
    claims = {"sub": subject, "role": role, "iss": "wangqian"}
    claims.update({name: now + offset for name, offset in relative.items()})
    return jwt(secret, claims, algorithm)


@pytest.mark.parametrize("case", list(CASES))
def test_token_rules(wq, world: World, case: str):
    relative, algorithm, expected = CASES[case]
    student = world.probe_student()
    calls = [("student", "/v1/me", token(wq.secret, "student", student.id, relative, algorithm))]
    calls += [(name, "/v1/status", token(wq.secret, "office", "JYC-E2E", relative, algorithm)) for name in wq.services]
    for service, path, bearer in calls:
        reply = wq.services[service].get(path, headers={"Authorization": f"Bearer {bearer}"})
        assert reply.status == expected, f"{case}: {service} {path}: expected {expected}, got {reply!r}"
        if expected == 401:
            assert reply.code == "unauthenticated" and has_chinese(reply.message), f"{case}: {reply!r}"
            assert set(reply.body) == {"error"} and set(reply.error) == {"code", "message"}, reply
