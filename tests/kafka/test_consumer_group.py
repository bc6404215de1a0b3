"""Consumer groups: join, rebalance on leave, committed offsets across a restart.

Three librdkafka consumers in one group on a 3-partition topic, driven from
one thread (each consume() call serves that consumer's rebalance callbacks).
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from strata_harness import create_topic  # noqa: E402

from confluent_kafka import Consumer, Producer, TopicPartition  # noqa: E402

PARTITIONS = 3
TOPIC = "cg"
GROUP = "cg-group"


def consumer(bootstrap, name):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": GROUP, "client.id": name,
                  "auto.offset.reset": "earliest", "enable.auto.commit": False,
                  "session.timeout.ms": 10000, "heartbeat.interval.ms": 500})
    c.subscribe([TOPIC])
    return c


def produce(bootstrap, phase, per_partition):
    """value = b"<phase>-<partition>-<j>"; returns {partition: [values in order]}."""
    errors = []
    p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5,
                  "on_delivery": lambda err, msg: errors.append(err) if err else None})
    want = {q: [] for q in range(PARTITIONS)}
    for j in range(per_partition):
        for q in range(PARTITIONS):
            v = f"{phase}-{q}-{j}".encode()
            p.produce(TOPIC, value=v, key=str(j).encode(), partition=q)
            want[q].append(v)
        p.poll(0)
    assert p.flush(60) == 0
    assert not errors, errors[:3]
    return want


def assignment(c):
    return sorted(tp.partition for tp in c.assignment())


def poll_until(consumers, got, pred, timeout, what):
    """Drive every consumer round-robin until pred() holds; collect messages into got[name]."""
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            state = {n: (assignment(c), len(got[n])) for n, c in consumers.items()}
            raise AssertionError(f"timed out after {timeout}s waiting for {what}; "
                                 f"(assignment, consumed) per consumer: {state}")
        for name, c in consumers.items():
            for m in c.consume(num_messages=1000, timeout=0.05):
                if m.error():
                    raise AssertionError(f"{name}: consumer error {m.error()}")
                got[name].append(m)


def by_partition(msgs):
    out = {q: [] for q in range(PARTITIONS)}
    for m in msgs:
        out[m.partition()].append(m)
    return out


def commit_sync(c, expect_offsets):
    res = c.commit(asynchronous=False)
    errs = [tp for tp in res if tp.error]
    assert not errs, f"commit errors: {errs}"
    committed = c.committed(c.assignment(), timeout=10)
    got = {tp.partition: tp.offset for tp in committed}
    want = {q: expect_offsets[q] for q in got}
    assert got == want, f"committed offsets {got}, want {want}"


def test_group_rebalance_commit_restart(strata):
    create_topic(strata.kafka, TOPIC, PARTITIONS)
    names = ["c1", "c2", "c3"]
    cons = {n: consumer(strata.kafka, n) for n in names}
    got = {n: [] for n in names}
    try:
        # 1. Three members: each owns exactly one partition.
        def one_each():
            a = [assignment(c) for c in cons.values()]
            return all(len(x) == 1 for x in a) and sorted(x[0] for x in a) == [0, 1, 2]
        poll_until(cons, got, one_each, 60, "one partition per consumer")
        owner = {assignment(c)[0]: n for n, c in cons.items()}

        want_a = produce(strata.kafka, "A", 500)
        total = PARTITIONS * 500
        poll_until(cons, got, lambda: sum(map(len, got.values())) >= total, 60,
                   f"{total} phase-A records")
        assert one_each(), "assignment changed while consuming"
        for q in range(PARTITIONS):
            n = owner[q]
            assert {m.partition() for m in got[n]} == {q}, f"{n} read other partitions"
            assert [m.value() for m in got[n]] == want_a[q], f"partition {q} content/order"
            assert [m.offset() for m in got[n]] == list(range(500))
        for c in cons.values():
            commit_sync(c, {q: 500 for q in range(PARTITIONS)})

        # 2. One member leaves: the other two own all three partitions.
        leaver = owner[2]
        cons.pop(leaver).close()
        for n in cons:
            got[n] = []

        def two_cover_all():
            a = [assignment(c) for c in cons.values()]
            return all(a) and sorted(x for s in a for x in s) == [0, 1, 2]
        poll_until(cons, got, two_cover_all, 60, "two consumers covering three partitions")

        want_b = produce(strata.kafka, "B", 400)
        total = PARTITIONS * 400
        poll_until(cons, got, lambda: sum(map(len, got.values())) >= total, 60,
                   f"{total} phase-B records")
        assert two_cover_all(), "assignment changed while consuming"
        allmsgs = [m for n in cons for m in got[n]]
        assert len(allmsgs) == total, f"read {len(allmsgs)} records, want {total} (re-read?)"
        parts = by_partition(allmsgs)
        for q in range(PARTITIONS):
            assert [m.value() for m in parts[q]] == want_b[q], \
                f"partition {q}: after rebalance want exactly the phase-B records in order"
            assert [m.offset() for m in parts[q]] == list(range(500, 900))
        committed_at = {q: 900 for q in range(PARTITIONS)}
        for c in cons.values():
            commit_sync(c, committed_at)

        # 3. Uncommitted records, then everybody leaves, then a clean restart.
        want_c = produce(strata.kafka, "C", 100)
        for n in list(cons):
            cons.pop(n).close()
    finally:
        for c in cons.values():
            c.close()

    strata.stop()                      # SIGTERM; asserts exit code 0
    strata.start()                     # same data dir, same port
    want_d = produce(strata.kafka, "D", 100)

    c4 = consumer(strata.kafka, "c4")
    got4 = {"c4": []}
    try:
        committed = c4.committed([TopicPartition(TOPIC, q) for q in range(PARTITIONS)],
                                 timeout=20)
        assert {tp.partition: tp.offset for tp in committed} == committed_at, \
            f"committed offsets after restart: {committed}"
        total = PARTITIONS * 200
        poll_until({"c4": c4}, got4, lambda: len(got4["c4"]) >= total, 60,
                   f"{total} records after the committed offsets")
        assert len(got4["c4"]) == total, f"read {len(got4['c4'])}, want {total}"
        parts = by_partition(got4["c4"])
        for q in range(PARTITIONS):
            assert parts[q][0].offset() == committed_at[q], \
                f"partition {q}: resumed at {parts[q][0].offset()}, committed {committed_at[q]}"
            assert [m.value() for m in parts[q]] == want_c[q] + want_d[q], f"partition {q}"
            assert [m.offset() for m in parts[q]] == list(range(900, 1100))
    finally:
        c4.close()
