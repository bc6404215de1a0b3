"""Acknowledged records survive a clean restart and a kill -9."""

import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from strata_harness import create_topic, read_partitions  # noqa: E402

from confluent_kafka import Producer  # noqa: E402

PARTITIONS = 3


def producer(bootstrap, acks):
    return Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5,
                     "message.timeout.ms": 60000,
                     "on_delivery": lambda err, msg: acks.append(
                         (err, msg.partition(), msg.offset(), msg.value()))})


def stored_values(bootstrap, topic):
    got = read_partitions(bootstrap, topic, PARTITIONS)
    return {p: [(m.offset(), m.value()) for m in got[p]] for p in range(PARTITIONS)}


def test_clean_restart_keeps_everything(strata):
    topic = "durable-clean"
    create_topic(strata.kafka, topic, PARTITIONS)
    acks = []
    p = producer(strata.kafka, acks)
    n = 20000
    for i in range(n):
        p.produce(topic, value=f"rec-{i}".encode(), key=str(i).encode(), partition=i % PARTITIONS)
        if i % 1000 == 0:
            p.poll(0)
    assert p.flush(60) == 0
    assert all(a[0] is None for a in acks) and len(acks) == n
    before = stored_values(strata.kafka, topic)
    strata.stop()                      # asserts exit code 0
    strata.start()
    after = stored_values(strata.kafka, topic)
    assert after == before
    for q in range(PARTITIONS):
        assert [v for _, v in after[q]] == [f"rec-{i}".encode() for i in range(q, n, PARTITIONS)]
    # Still writable after the restart, offsets continue.
    acks.clear()
    p = producer(strata.kafka, acks)
    p.produce(topic, value=b"after", partition=0)
    assert p.flush(30) == 0
    assert acks[0][0] is None and acks[0][2] == len(after[0]), acks


def test_kill9_keeps_acknowledged(strata):
    topic = "durable-kill"
    create_topic(strata.kafka, topic, PARTITIONS)
    acks = []
    p = producer(strata.kafka, acks)
    stop = threading.Event()
    sent = [0]

    def run():
        i = 0
        while not stop.is_set():
            try:
                p.produce(topic, value=f"k9-{i}".encode(), partition=i % PARTITIONS)
                i += 1
            except BufferError:
                p.poll(0.05)
            if i % 200 == 0:
                p.poll(0.01)
        sent[0] = i

    t = threading.Thread(target=run)
    t.start()
    try:
        # Kill while acknowledgements are flowing (a real condition, not a sleep).
        deadline = time.monotonic() + 60
        while sum(1 for a in acks if a[0] is None) < 5000:
            assert time.monotonic() < deadline, f"only {len(acks)} acks after 60s"
            time.sleep(0.02)
        strata.kill9()
    finally:
        stop.set()
        t.join()
    strata.start()                     # same data dir and port: in-flight messages retry
    assert p.flush(90) == 0, "producer could not deliver after the restart"
    ok = [(part, off, v) for err, part, off, v in acks if err is None]
    failed = [a for a in acks if a[0] is not None]
    assert not failed, f"{len(failed)} deliveries failed, first {failed[:3]}"
    stored = stored_values(strata.kafka, topic)
    at = {(q, off): v for q in range(PARTITIONS) for off, v in stored[q]}
    # Without idempotence a retried batch may legitimately be stored twice, so
    # this test checks presence at the acknowledged offset; tests/crash checks
    # exactly-once with an idempotent producer.
    missing = [(part, off, v) for part, off, v in ok if at.get((part, off)) != v]
    print(f"sent={sent[0]} acked={len(ok)} stored={len(at)}")
    assert not missing, f"{len(missing)} acknowledged records missing or moved, first {missing[:5]}"
    for q in range(PARTITIONS):
        assert [off for off, _ in stored[q]] == list(range(len(stored[q]))), f"offset gap in {q}"
