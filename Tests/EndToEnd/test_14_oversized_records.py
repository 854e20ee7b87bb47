"""Oversized records on the agreement topic (issue 6): a consumer never dies of a record, however large.

Records of 262,144 bytes and just over (the contract's limit counts key, value and headers), 300 kB, 1 MB and
5 MB are produced straight onto the partition of a live agreement, bypassing every service. Each of the four
agreement consumers dead-letters each of them — records up to 900,000 bytes as they are, larger ones as a
bounded JSON summary — keeps a row in its `dead_letters` table, and goes on: the agreement's next event, on the
same partition after the big records, still reaches every projection.
"""
from __future__ import annotations

import base64
import hashlib
import json

from consistency import projections_agree
from demo_data import eventually
from scenarios import (AGREEMENT_CONSUMERS, AGREEMENT_TOPIC, World, dead_letters_of, expect_ok, measure,
                       partition_of, serial)

LIMIT = 262_144  # EventLimits.maxRecordBytes: key + value + header names and values
AS_IS_MAX = 900_000  # larger records are dead-lettered as a summary
SUMMARY_KEYS = {"source", "topic", "partition", "offset", "reason", "size", "sha256", "headers", "firstBytes"}
SENT_AS = ("record", "summary", "none")


def record_of(key: bytes, tag: str, total: int, headers: list[tuple[str, bytes]]) -> dict:
    """A record of exactly `total` bytes as the contract counts them, its value starting with a readable tag."""
    overhead = len(key) + sum(len(name.encode()) + len(value) for name, value in headers)
    head = f'{{"e2e": "{tag}", "padding": "'.encode()
    value = head + b"x" * (total - overhead - len(head) - 2) + b'"}'
    assert len(key) + len(value) + sum(len(n.encode()) + len(v) for n, v in headers) == total
    return {"key": key, "value": value, "headers": headers}


def test_oversized_records_are_dead_lettered_and_every_consumer_keeps_going(system, wq, world: World):
    topic = system.topic_prefix + AGREEMENT_TOPIC
    student = world.enroll(1)[0]
    employer, _ = world.employer()
    agreement_id = world.agreement(student, employer, until="draft")
    projections_agree(wq, agreement_id, status="draft")
    partition = partition_of(system, topic, agreement_id)

    # name -> (size, expected reason code, how it is dead-lettered)
    plan = {
        "at-limit": (LIMIT, "unsigned", "record"),        # within the limit: refused for the next reason
        "over-limit": (LIMIT + 1, "too_large", "record"),
        "300kB": (300_000, "too_large", "record"),
        "1MB": (1_000_000, "too_large", "summary"),
        "5MB": (5_000_000, "too_large", "summary"),
    }
    run = f"{system.run_id}-{serial()}"
    records = {}
    for name, (size, _, _) in plan.items():
        tag = f"oversized-{run}-{name}"
        headers = [("ce_type", b"cn.edu.wangqian.agreement.submitted.v1"), ("x-e2e-tag", tag.encode())]
        # keyed like the agreement's own events, on their partition
        records[name] = dict(record_of(agreement_id.encode(), tag, size, headers), partition=partition)
    placed = dict(zip(records, system.produce_records(topic, list(records.values()))))
    assert all(p == partition for p, _ in placed.values()), placed
    measure("oversized records: the broker (Tansu) accepted records of " +
            ", ".join(f"{plan[n][0]:,} B" for n in records) + f" on {topic}[{partition}]")

    # The agreement's next event comes after the big records on the same partition: every consumer gets past them.
    expect_ok(wq.submit(student.id), "submit after the oversized records")
    projections_agree(wq, agreement_id, status="submitted", timeout=60)
    # ... and new agreements still reach every projection.
    others = world.enroll(2)
    for other in others:
        projections_agree(wq, world.agreement(other, employer, until="submitted"), status="submitted")

    for name, (size, code, sent_as) in plan.items():
        record = records[name]
        _, offset = placed[name]
        source = f"{topic}/{partition}/{offset}"
        key, value = record["key"], record["value"]
        sha = hashlib.sha256(value).hexdigest()
        headers = {n: v.decode() for n, v in record["headers"]}
        by_consumer = dead_letters_of(system, source, timeout=60)
        for consumer in AGREEMENT_CONSUMERS.values():
            letters = by_consumer[consumer]
            assert len(letters) == 1, f"{name}: {consumer} dead-lettered {source} {len(letters)} times"
            letter = letters[0]
            reason = letter["headers"].get("dlq_reason", "")
            assert reason.startswith(code + ":"), f"{name} by {consumer}: dlq_reason {reason!r}, expected {code}"
            if code == "too_large":
                assert reason == (f"too_large: the record is {size} bytes, more than the contract's limit of "
                                  f"{LIMIT}"), reason
            assert letter["key"] == key, f"{name}: the dead letter's key is {letter['key']!r}"
            if sent_as == "record":
                assert "dlq_summary" not in letter["headers"], f"{name}: sent as a summary: {letter['headers']}"
                assert letter["value"] == value, f"{name}: the dead letter's value differs from the record's"
                for n, v in headers.items():
                    assert letter["headers"].get(n) == v, f"{name}: header {n} lost: {letter['headers']}"
            else:
                assert letter["headers"].get("dlq_summary") == "true", f"{name}: {letter['headers']}"
                summary = json.loads(letter["value"])
                assert set(summary) == SUMMARY_KEYS, f"{name}: summary keys {sorted(summary)}"
                assert summary["source"] == source and summary["topic"] == topic, summary
                assert (summary["partition"], summary["offset"]) == (partition, offset), summary
                assert summary["reason"] == reason, summary
                assert summary["size"] == size, summary
                assert summary["sha256"] == sha, summary
                assert summary["headers"] == headers, summary
                assert base64.b64decode(summary["firstBytes"]) == value[:2048], f"{name}: firstBytes"
                assert len(letter["value"]) < 10_000, f"{name}: a {len(letter['value'])}-byte summary"

        # ... and each service keeps it in its dead_letters table.
        for service, consumer in AGREEMENT_CONSUMERS.items():
            rows = system.postgres.rows(system.processes[service].database, f"""
                select consumer, topic, partition, "offset", event_id, reason, size, sha256, headers,
                       encode(first_bytes, 'hex') as first_bytes, sent_as
                from dead_letters where topic = '{topic}' and partition = {partition} and "offset" = {offset}""")
            assert len(rows) == 1, f"{name}: {service} has {len(rows)} dead_letters rows for {source}: {rows}"
            row = rows[0]
            assert row["consumer"] == consumer and row["event_id"] is None, row
            assert row["reason"] == by_consumer[consumer][0]["headers"]["dlq_reason"], row
            assert (row["size"], row["sha256"], row["sent_as"]) == (size, sha, sent_as), \
                f"{name} in {service}: size/sha256/sent_as {row['size']}, {row['sha256']}, {row['sent_as']}"
            assert row["sent_as"] in SENT_AS
            assert row["headers"] == headers, row["headers"]
            assert bytes.fromhex(row["first_bytes"]) == value[:2048], f"{name} in {service}: first_bytes"

    for name in system.processes:
        assert system.alive(name), f"{name} died:\n{system.log_tail(name)}"
    assert wq.ready() == {name: 200 for name in system.processes}, wq.ready()

    def counted():
        for service, consumer in AGREEMENT_CONSUMERS.items():
            status = wq.services[service].get("/v1/status", wq.office_token())
            assert status.status == 200, status
            mine = [c for c in status.body["consumers"] if c["name"] == consumer]
            assert mine and mine[0]["state"] == "running", f"{service}: {status.body['consumers']}"
            assert mine[0]["deadLettered"] >= len(plan), f"{service}: {mine[0]}"
            assert status.body["deadLetters"] >= len(plan), status.body
        return True
    eventually(counted, 10, what="every agreement consumer running, the dead letters counted")
