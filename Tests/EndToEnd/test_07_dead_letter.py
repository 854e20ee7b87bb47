"""A malformed or unknown record on the agreement topic goes to the dead-letter topic; every consumer keeps
applying the events after it."""
from __future__ import annotations

import json

from consistency import projections_agree
from demo_data import eventually
from scenarios import World

AGREEMENT_TOPIC = "wangqian.agreement.events.v1"
DEAD_LETTER_TOPIC = "wangqian.deadletter.v1"


def test_malformed_records_are_dead_lettered_and_consumers_keep_going(system, wq, world: World):
    topics = system.topics()
    agreement_topic = system.topic_prefix + AGREEMENT_TOPIC
    dead_letter_topic = system.topic_prefix + DEAD_LETTER_TOPIC
    if topics:
        assert agreement_topic in topics and dead_letter_topic in topics, f"topics of this run: {topics}"
    partitions = topics.get(agreement_topic, 1)

    # garbage on every partition, one record per produce request: not JSON, and a CloudEvent-ish unknown type
    tags = []
    for partition in range(partitions):
        for kind in ("text", "unknown"):
            tag = f"garbage-{system.run_id}-p{partition}-{kind}"
            tags.append(tag)
            value = f"{tag}: this is not a CloudEvent" if kind == "text" else \
                {"specversion": "1.0", "type": "edu.example.unknown.v1", "id": tag, "data": {"tag": tag}}
            system.produce_raw(agreement_topic, [{"key": tag, "value": value}], partition=partition)

    # events after the garbage are still applied by every service
    students = world.enroll(2 * partitions)
    employer, _ = world.employer()
    ids = [world.agreement(student, employer, until="submitted") for student in students]
    for agreement_id in ids:
        projections_agree(wq, agreement_id, status="submitted")

    def dead_lettered():
        text = "".join(json.dumps(r, ensure_ascii=False, default=str)
                       for p in range(topics.get(dead_letter_topic, 1))
                       for r in system.consume_raw(dead_letter_topic, p))
        missing = [tag for tag in tags if tag not in text]
        assert not missing, f"not in the dead-letter topic: {missing}"
        return True
    eventually(dead_lettered, 30, what="every garbage record in the dead-letter topic", interval=1.0)
    assert all(status == 200 for status in wq.ready().values()), wq.ready()
