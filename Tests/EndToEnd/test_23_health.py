"""Health that tells the truth (issue 6): a service whose stored offsets lie beyond the end of the log (the broker
lost records it already applied, e.g. an in-memory broker restarted) does not consume on silently: it answers
/health/ready 503 saying why, and GET /v1/status (office only) shows the consumer's state and what to do.
Put the offset back and it is ready again and applies new events."""
from __future__ import annotations

import subprocess
import time

import requests

from consistency import projections_agree
from demo_data import eventually, has_chinese
from scenarios import AGREEMENT_TOPIC, World, partition_of

SERVICE = "college"
CONSUMER = f"{SERVICE}.agreements"
BEYOND = 1_000_000


def stop(system, name: str) -> None:
    popen = system.processes[name].popen
    if popen is not None and popen.poll() is None:
        popen.terminate()
        try:
            popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait(timeout=10)


def end_of(system, topic: str, partition: int) -> int:
    """The partition's real end: one past its last record (the end a broker reports may be lower, see read_records)."""
    records = system.read_records(topic, [partition])
    return max(r["offset"] for r in records) + 1 if records else 0


def test_status_needs_the_office(wq, world: World):
    counselor = world.counselor()
    for name, service in wq.services.items():
        assert service.get("/v1/status", wq.office_token()).status == 200, name
        for token in (wq.student_token(world.probe_student().id), wq.employer_token("E-NOBODY"),
                      wq.counselor_token(*counselor)):
            reply = service.get("/v1/status", token)
            assert reply.status == 403 and reply.code == "forbidden" and has_chinese(reply.message), (name, reply)
        reply = service.get("/v1/status")
        assert reply.status == 401 and reply.code == "unauthenticated", (name, reply)


def test_offsets_beyond_the_log_make_the_service_unready(system, wq, world: World):
    topic = system.topic_prefix + AGREEMENT_TOPIC
    student = world.enroll(1)[0]
    employer, _ = world.employer()
    agreement_id = world.agreement(student, employer, until="submitted")
    projections_agree(wq, agreement_id, status="submitted")
    partition = partition_of(system, topic, agreement_id)
    database = system.processes[SERVICE].database
    where = f"topic = '{topic}' and partition = {partition}"
    stop(system, SERVICE)
    [stored] = system.postgres.rows(database, f"select next_offset from consumer_offsets where {where}")
    end = end_of(system, topic, partition)
    assert stored["next_offset"] <= end, (stored, end)
    system.postgres.execute(database, f"update consumer_offsets set next_offset = {BEYOND} where {where}")
    try:
        system._spawn(SERVICE)
        url = system.processes[SERVICE].url
        with requests.Session() as session:
            session.trust_env = False

            def unready():
                assert system.alive(SERVICE), f"{SERVICE} exited:\n{system.log_tail(SERVICE)}"
                reply = session.get(url + "/health/ready", timeout=5)
                body = reply.json()
                assert "beyond" in (body.get("problem") or ""), f"{reply.status_code} {body}"
                return reply, body
            reply, body = eventually(unready, 30, what=f"{SERVICE} reporting offsets beyond the log")
            assert reply.status_code == 503, (reply.status_code, body)
            detail = f"{topic}[{partition}] stored {BEYOND} > end {end}"
            assert body["status"] == "not_ready" and body["database"] == "ok", body
            assert body["problem"] == f"consumer {CONSUMER}: stored offsets beyond the end of the log ({detail})", body
            assert session.get(url + "/health/live", timeout=5).status_code == 200

            status = wq.services[SERVICE].get("/v1/status", wq.office_token())
            assert status.status == 200, status
            assert status.body["ready"] is False and status.body["problem"] == body["problem"], status.body
            consumers = {c["name"]: c for c in status.body["consumers"]}
            assert consumers[CONSUMER]["state"] == "offsetsBeyondLog", consumers
            assert consumers[CONSUMER]["reason"] == detail, consumers[CONSUMER]
            assert consumers[f"{SERVICE}.reference"]["state"] == "running", consumers
            assert any("no longer holds records" in advice for advice in status.body["advice"]), status.body["advice"]
            # it stays so: nothing is consumed past the gap
            time.sleep(1.0)
            assert session.get(url + "/health/ready", timeout=5).status_code == 503
    finally:
        stop(system, SERVICE)
        system.postgres.execute(database, f"update consumer_offsets set next_offset = {stored['next_offset']} where {where}")
        system._spawn(SERVICE)
        system.wait_ready(SERVICE)

    status = wq.services[SERVICE].get("/v1/status", wq.office_token())
    assert status.body["ready"] is True and "problem" not in status.body, status.body
    assert not any("no longer holds records" in advice for advice in status.body["advice"]), status.body["advice"]
    assert {c["state"] for c in status.body["consumers"]} == {"running"}, status.body["consumers"]
    # and it applies new events again
    expect = world.agreement(world.enroll(1)[0], employer, until="submitted")
    projections_agree(wq, expect, status="submitted")
    wq.wait_status(SERVICE, agreement_id, "submitted")
