"""Produce and consume through Strata's Kafka surface with real clients.

confluent_kafka (librdkafka 2.0.2) for every compression codec; kcat for a
byte-exact round trip and metadata; ListOffsets (watermarks, offsets by time);
an idempotent producer. Every check compares what was read against what was
produced in the same test.
"""

import json
import os
import random
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from strata_harness import create_topic, read_partitions  # noqa: E402

from confluent_kafka import (Consumer, Producer, TopicPartition,  # noqa: E402
                             TIMESTAMP_CREATE_TIME)

CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]
PARTITIONS = 3
# Records per codec (env knobs: see docs/testing.md).
FULL = int(os.environ.get("STRATA_PC_RECORDS", "100000"))
PER_CODEC = int(os.environ.get("STRATA_PC_CODEC_RECORDS", "100000"))
KCAT = os.environ.get("KCAT", "/usr/bin/kcat")
BASE_TS = 1_700_000_000_000


def make_records(n, seed):
    """Deterministic records covering null/empty keys and values, binary bytes,
    no/one/many/duplicate/null-valued headers, explicit CreateTime timestamps."""
    rng = random.Random(seed)
    recs = []
    for i in range(n):
        r = i % 1000
        if r == 7:
            key = None
        elif r == 10:
            key = b""
        elif i % 3 == 0:
            key = rng.randbytes(rng.randint(1, 16))
        else:
            key = f"key-{i}".encode()
        size = rng.randint(50, 100)
        if r == 8:
            value = None
        elif r == 9:
            value = b""
        elif i % 4 == 0:
            value = rng.randbytes(size)
        else:
            value = (f"v{i}:" + "abcdefghijklmnopqrstuvwxyz0123456789" * 3)[:size].encode()
        h = i % 5
        if h == 0:
            headers = None
        elif h == 1:
            headers = [("one", b"1")]
        elif r == 11:
            headers = [("nullvalue", None), ("seq", str(i).encode())]
        else:
            headers = [("seq", str(i).encode()), ("bin", bytes([i % 256, 0, 255])),
                       ("dup", b"a"), ("dup", b"b"), ("empty", b"")]
        ts = BASE_TS + i * 7 + (i % 3)
        recs.append((i % PARTITIONS, key, value, headers, ts))
    return recs


class DeliveryLog:
    def __init__(self):
        self.ok = []        # (partition, offset)
        self.errors = []

    def __call__(self, err, msg):
        if err is not None:
            self.errors.append(str(err))
        else:
            self.ok.append((msg.partition(), msg.offset()))


def produce_all(bootstrap, topic, recs, conf_extra, flush_timeout=180):
    dl = DeliveryLog()
    conf = {"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5,
            "batch.size": 1_000_000, "batch.num.messages": 10000,
            "queue.buffering.max.messages": 200_000, "queue.buffering.max.kbytes": 1 << 20,
            "message.timeout.ms": 120_000, "on_delivery": dl}
    conf.update(conf_extra)
    p = Producer(conf)
    for part, key, value, headers, ts in recs:
        while True:
            try:
                p.produce(topic, value=value, key=key, partition=part, headers=headers,
                          timestamp=ts)
                break
            except BufferError:
                p.poll(0.05)
        p.poll(0)
    left = p.flush(flush_timeout)
    assert left == 0, f"{left} messages still undelivered after {flush_timeout}s"
    assert not dl.errors, f"{len(dl.errors)} delivery errors, first: {dl.errors[:3]}"
    assert len(dl.ok) == len(recs)
    return dl


def expected_by_partition(recs):
    out = {p: [] for p in range(PARTITIONS)}
    for rec in recs:
        out[rec[0]].append(rec)
    return out


def norm_headers(h):
    return None if not h else [(k, v) for k, v in h]


def check_partition(p, msgs, want):
    """msgs: consumed Messages for partition p; want: produced records, in order."""
    assert len(msgs) == len(want), f"partition {p}: got {len(msgs)} records, produced {len(want)}"
    for j, (m, (wp, key, value, headers, ts)) in enumerate(zip(msgs, want)):
        got = (m.offset(), m.key(), m.value(), norm_headers(m.headers()), m.timestamp())
        exp = (j, key, value, norm_headers(headers), (TIMESTAMP_CREATE_TIME, ts))
        if got != exp:
            raise AssertionError(f"partition {p} record #{j} differs:\n got {got!r}\nwant {exp!r}")


def consume_group(bootstrap, topic, total, timeout):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": f"pc-{topic}-{time.time_ns()}",
                  "auto.offset.reset": "earliest", "enable.auto.commit": False,
                  "fetch.max.bytes": 16 << 20, "max.partition.fetch.bytes": 4 << 20})
    got = {p: [] for p in range(PARTITIONS)}
    n = 0
    try:
        c.subscribe([topic])
        deadline = time.monotonic() + timeout
        while n < total:
            assert time.monotonic() < deadline, \
                f"consumed {n} of {total} after {timeout}s: {[len(v) for v in got.values()]}"
            for m in c.consume(num_messages=max(1, min(10000, total - n)), timeout=0.5):
                if m.error():
                    raise AssertionError(f"consumer error: {m.error()}")
                got[m.partition()].append(m)
                n += 1
    finally:
        c.close()
    return got


@pytest.mark.parametrize("codec", CODECS)
def test_codec_round_trip(strata, codec):
    n = FULL if codec == "none" else PER_CODEC
    topic = f"pc-{codec}"
    create_topic(strata.kafka, topic, PARTITIONS)
    recs = make_records(n, seed=CODECS.index(codec))
    t0 = time.monotonic()
    dl = produce_all(strata.kafka, topic, recs, {"compression.type": codec})
    t1 = time.monotonic()
    # Acknowledged offsets: per partition exactly 0..count-1.
    acked = {p: sorted(o for q, o in dl.ok if q == p) for p in range(PARTITIONS)}
    want = expected_by_partition(recs)
    for p in range(PARTITIONS):
        assert acked[p] == list(range(len(want[p]))), f"partition {p}: acked offsets not 0..n-1"
    got = consume_group(strata.kafka, topic, n, timeout=180)
    t2 = time.monotonic()
    for p in range(PARTITIONS):
        check_partition(p, got[p], want[p])
    print(f"codec={codec} records={n} produce={t1 - t0:.1f}s consume={t2 - t1:.1f}s")


# ----------------------------------------------------------------------- kcat

def kcat(*args, input=None, timeout=60):
    r = subprocess.run([KCAT, *args], input=input, capture_output=True, timeout=timeout)
    assert r.returncode == 0, f"kcat {' '.join(args)} -> {r.returncode}\n{r.stderr.decode(errors='replace')}"
    return r


def kcat_lines(n, codec):
    lines = []
    for i in range(n):
        key = f"k{codec}{i}".encode()
        # Bytes that must survive exactly: '|' inside the value, UTF-8, high bytes, tabs.
        value = (f"value {i} | with pipe\tand tab é ".encode() + bytes([0xfe, 0x01, 0x7f])
                 + b"x" * (i % 40))
        lines.append((key, value))
    return lines


@pytest.mark.parametrize("codec", CODECS)
def test_kcat_round_trip(strata, codec):
    topic = f"kcat-{codec}"          # auto-created by the producer's metadata request
    lines = kcat_lines(300, codec)
    data = b"".join(k + b"|" + v + b"\n" for k, v in lines)
    t_before = int(time.time() * 1000)
    kcat("-P", "-b", strata.kafka, "-t", topic, "-p", "0", "-K", "|", "-z", codec,
         "-X", "acks=all", input=data)
    t_after = int(time.time() * 1000)
    r = kcat("-C", "-b", strata.kafka, "-t", topic, "-o", "beginning", "-e",
             "-f", "%k|%s|%T|%p|%o\n")
    out = r.stdout.split(b"\n")
    assert out[-1] == b""
    out = out[:-1]
    assert len(out) == len(lines), f"kcat read {len(out)} lines, wrote {len(lines)}"
    for i, (line, (k, v)) in enumerate(zip(out, lines)):
        key, rest = line.split(b"|", 1)
        value, ts, part, off = rest.rsplit(b"|", 3)
        assert (key, value, int(part), int(off)) == (k, v, 0, i), f"line {i}: {line!r}"
        assert t_before - 1000 <= int(ts) <= t_after + 1000, f"line {i}: timestamp {ts!r}"


def test_kcat_metadata(strata):
    topic = "kcat-meta"
    create_topic(strata.kafka, topic, 3)
    r = kcat("-L", "-J", "-b", strata.kafka, "-t", topic)
    md = json.loads(r.stdout)
    topics = {t["topic"]: t for t in md["topics"]}
    assert topic in topics, md
    t = topics[topic]
    assert not t.get("err"), t
    parts = sorted(p["partition"] for p in t["partitions"])
    assert parts == [0, 1, 2], t
    broker_ids = {b["id"] for b in md["brokers"]}
    assert all(p["leader"] in broker_ids for p in t["partitions"]), md
    hosts = {f'{b["name"]}' for b in md["brokers"]}
    assert strata.kafka in hosts, f"advertised brokers {hosts} do not include {strata.kafka}"


# ----------------------------------------------------------------- ListOffsets

def test_list_offsets(strata):
    topic = "offsets"
    create_topic(strata.kafka, topic, PARTITIONS)
    n = 3000
    # Timestamps strictly increasing per partition with gaps of 30 ms.
    recs = [(i % PARTITIONS, f"k{i}".encode(), f"v{i}".encode(), None, BASE_TS + 10 * i)
            for i in range(n)]
    produce_all(strata.kafka, topic, recs, {})
    want = expected_by_partition(recs)
    c = Consumer({"bootstrap.servers": strata.kafka, "group.id": "offsets-probe"})
    try:
        for p in range(PARTITIONS):
            lo, hi = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10, cached=False)
            assert (lo, hi) == (0, len(want[p])), f"partition {p} watermarks {(lo, hi)}"
        # One timestamp per partition per request (Kafka rejects a partition
        # listed twice in one ListOffsets request).
        cases = [lambda ts: (ts[0] - 1_000_000, 0),          # before everything -> earliest
                 lambda ts: (ts[0], 0),
                 lambda ts: (ts[17], 17),                    # exact hit
                 lambda ts: (ts[17] + 1, 18),                # between -> next record
                 lambda ts: (ts[-1], len(ts) - 1),           # last record
                 lambda ts: (ts[-1] + 1, -1)]                # after everything -> none (-1)
        got, expect = [], []
        for case in cases:
            queries = []
            for p in range(PARTITIONS):
                q, off = case([r[4] for r in want[p]])
                queries.append(TopicPartition(topic, p, q))
                expect.append((p, q, off))
            res = c.offsets_for_times(queries, timeout=20)
            errs = [tp.error for tp in res if tp.error]
            assert not errs, errs
            got += [(tp.partition, q.offset, tp.offset) for tp, q in zip(res, queries)]
        assert got == expect, f"offsets_for_times:\n got {got}\nwant {expect}"
    finally:
        c.close()
    # A produce after the queries moves the latest offset by exactly one.
    produce_all(strata.kafka, topic, [(1, b"late", b"late", None, BASE_TS + 10 * n)], {})
    c = Consumer({"bootstrap.servers": strata.kafka, "group.id": "offsets-probe2"})
    try:
        lo, hi = c.get_watermark_offsets(TopicPartition(topic, 1), timeout=10, cached=False)
        assert (lo, hi) == (0, len(want[1]) + 1)
    finally:
        c.close()


# ------------------------------------------------------------------ idempotence

def test_idempotent_producer(strata):
    topic = "idem"
    create_topic(strata.kafka, topic, PARTITIONS)
    n = 10_000
    recs = [(i % PARTITIONS, str(i).encode(), f"idem-{i}".encode(), None, BASE_TS + i)
            for i in range(n)]
    produce_all(strata.kafka, topic, recs, {"enable.idempotence": True})
    got = read_partitions(strata.kafka, topic, PARTITIONS)
    values = [m.value() for p in range(PARTITIONS) for m in got[p]]
    assert len(values) == n, f"stored {len(values)} records, produced {n}"
    assert len(set(values)) == n, "duplicates stored"
    want = expected_by_partition(recs)
    for p in range(PARTITIONS):
        assert [m.value() for m in got[p]] == [r[2] for r in want[p]], f"partition {p} order"
