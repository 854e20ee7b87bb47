"""Checks that the four projections agree with each other and with a fresh replay of the log."""
from __future__ import annotations

import json

from demo_data import SERVICE_NAMES, Wangqian, eventually
from wangqian_system import System


def event_id(entry: dict) -> str:
    """A timeline entry's event ID (`eventID` in docs/api.md's agreement view)."""
    # `eventID` is tolerated here so that a misspelt key fails one test (test_agreement_view_has_the_documented_fields),
    # not every consistency check.
    value = entry.get("eventID")
    assert value, f"timeline entry without `eventID` (docs/api.md): {entry}"
    return str(value).lower()


def signature(view: dict) -> tuple:
    """What every projection must agree on: status, version, and the timeline's event IDs and outcomes in order."""
    entries = tuple((event_id(e), e.get("outcome")) for e in (view.get("timeline") or []))
    return view.get("status"), view.get("version"), entries


def projections_agree(wq: Wangqian, agreement_id: str, *, status: str | None = None, timeout: float = 20.0) -> dict:
    """Waits (bounded) until all four services hold the same agreement (and, if given, in `status`).

    Returns the agreed view (the student service's)."""
    def probe():
        views = {}
        for name in SERVICE_NAMES:
            reply = wq.projection(name, agreement_id)
            assert reply.status == 200, f"{name} does not know {agreement_id}: {reply!r}"
            views[name] = reply.body
        signatures = {name: signature(view) for name, view in views.items()}
        distinct = {json.dumps(s, default=str) for s in signatures.values()}
        assert len(distinct) == 1, "projections differ:\n" + "\n".join(
            f"  {name}: status={s[0]} version={s[1]} timeline={[o for _, o in s[2]]}" for name, s in signatures.items())
        agreed = views["student"]
        assert agreed.get("timeline"), f"{agreement_id}: empty timeline"
        if status is not None:
            assert agreed["status"] == status, f"{agreement_id}: all services agree on {agreed['status']}, expected {status}"
        return agreed
    return eventually(probe, timeout, what=f"projections of {agreement_id} agree")


def _index(digest: dict) -> dict[str, dict]:
    return {entry["id"].lower(): entry for entry in digest.get("agreements", [])}


def _differences(expected: dict[str, dict], actual: dict[str, dict], limit: int = 5) -> list[str]:
    out = []
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    if missing:
        out.append(f"{len(missing)} missing (e.g. {missing[:3]})")
    if extra:
        out.append(f"{len(extra)} not in the log (e.g. {extra[:3]})")
    for agreement_id in sorted(set(expected) & set(actual)):
        e, a = expected[agreement_id], actual[agreement_id]
        if e == a or (e.get("status"), e.get("version"), e.get("state")) == (a.get("status"), a.get("version"), a.get("state")):
            continue
        fields = sorted(k for k in set(e.get("state") or {}) | set(a.get("state") or {})
                        if (e.get("state") or {}).get(k) != (a.get("state") or {}).get(k))
        out.append(f"{agreement_id}: replay {e.get('status')} v{e.get('version')}, service {a.get('status')} "
                   f"v{a.get('version')}, state differs in {fields}")
        if len(out) >= limit:
            break
    return out


def digests_match_replay(system: System, wq: Wangqian, *, timeout: float = 90.0, at_least: int = 1) -> dict:
    """Waits (bounded) until every service's `/v1/projection/digest` equals `wangqianctl replay`'s digest.

    Returns the replayed digest. `at_least` guards against a vacuous pass on an empty log."""
    def probe():
        digests = {}
        for name in SERVICE_NAMES:
            reply = wq.digest(name)
            assert reply.status == 200, f"{name} digest: {reply!r}"
            digests[name] = _index(reply.body)
        replay = system.replay_digest()
        expected = _index(replay)
        assert len(expected) >= at_least, f"replay holds {len(expected)} agreements, expected at least {at_least}"
        problems = {name: _differences(expected, actual) for name, actual in digests.items()}
        problems = {name: p for name, p in problems.items() if p}
        assert not problems, "digests differ from the replay:\n" + "\n".join(
            f"  {name}: " + "; ".join(p) for name, p in problems.items())
        return replay
    return eventually(probe, timeout, what="every service's digest equals the replay", interval=1.0, max_interval=3.0)
