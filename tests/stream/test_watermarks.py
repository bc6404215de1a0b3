"""Watermarks, late rows and EMIT ON WINDOW CLOSE, end to end with real clients.

A stream with `WATERMARK FOR ts AS ts - INTERVAL '5 seconds'` and an allowed
lateness of 10 seconds: a row is late when its event time is below the largest
event time read before it minus 15 seconds (docs/streams.md, "Watermarks and
late rows"). Late rows go to the dead-letter topic with the reason "late" and
change no view; an EMIT ON WINDOW CLOSE view shows a window once its end is at
or below that bound, and never changes it afterwards. Records are produced with
python3-confluent-kafka, views read and the dead-letter topic consumed with
psycopg2 and confluent-kafka.
"""

import datetime as dt
import json
import random
import subprocess
import threading
import time

import psycopg2
import pytest
from confluent_kafka import Consumer, Producer

from nexmark_queries import STREAMS
from strata_harness import strata_binary
from stream_clients import connect, produce, rows, view_server


def wait_rows(cur, sql, want, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        got = rows(cur, sql)
        if got == want:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"{sql}\n got: {got}\nwant: {want}")
        time.sleep(0.1)


def at(h, m, s=0, us=0):
    return dt.datetime(2024, 5, 1, h, m, s, us)


def click(user, stamp):
    return json.dumps({"user_id": user, "ts": stamp.isoformat(sep=" ")})


def read_dead_letters(srv, topic, count, timeout=30):
    c = Consumer({"bootstrap.servers": srv.kafka, "group.id": f"dlq-{time.monotonic_ns()}",
                  "auto.offset.reset": "earliest", "enable.auto.commit": False})
    c.subscribe([topic])
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        m = c.poll(0.5)
        if m is not None and m.error() is None:
            got.append(json.loads(m.value()))
    # A little longer: nothing beyond `count` may arrive.
    end = time.monotonic() + 1.0
    while time.monotonic() < end:
        m = c.poll(0.2)
        if m is not None and m.error() is None:
            got.append(json.loads(m.value()))
    c.close()
    return got


WINDOWED = ("SELECT window_start, window_end, count(*) AS n, max(user_id) AS last_user "
            "FROM TUMBLE(clicks, ts, INTERVAL '1 minute') GROUP BY window_start, window_end")
CLOSED = "SELECT * FROM closed ORDER BY 1"
LIVE = "SELECT * FROM live ORDER BY 1"
RAW = "SELECT user_id FROM raw ORDER BY 1"


def create(cur):
    cur.execute("CREATE STREAM clicks (user_id bigint, ts timestamp, "
                "WATERMARK FOR ts AS ts - INTERVAL '5 seconds') "
                "WITH (topic = 'wm.clicks', partitions = 1, allowed_lateness = '10 seconds')")
    cur.execute("CREATE MATERIALIZED VIEW closed AS " + WINDOWED + " EMIT ON WINDOW CLOSE")
    cur.execute("CREATE MATERIALIZED VIEW live AS " + WINDOWED)
    cur.execute("CREATE MATERIALIZED VIEW raw AS SELECT user_id, ts FROM clicks")


def late_before(cur):
    return {r[1]: r[9] for r in rows(cur, "SHOW MATERIALIZED VIEWS")}


def wait_read(cur, count, timeout=30):
    """Until every view has read `count` input records (SHOW's input_records)."""
    deadline = time.monotonic() + timeout
    while True:
        shown = rows(cur, "SHOW MATERIALIZED VIEWS")
        if all(r[4] == count for r in shown):
            return shown
        assert time.monotonic() < deadline, shown
        time.sleep(0.1)


def test_late_rows_are_dead_lettered_and_closed_windows_are_final(server):
    conn = connect(server)
    cur = conn.cursor()
    create(cur)
    # Before any row: nothing closed, no bound yet.
    assert rows(cur, CLOSED) == []
    assert late_before(cur) == {"closed": None, "live": None, "raw": None}

    # Bound before each row = (largest event time so far) - 15 s.
    produce(server, "wm.clicks", [
        click(1, at(12, 0, 10)),
        click(2, at(12, 0, 50)),
        click(3, at(12, 1, 20)),
        click(4, at(12, 0, 55)),          # bound 12:01:05: late
        click(5, at(12, 1, 0)),           # late
        click(6, at(12, 1, 6)),           # on time (>= 12:01:05)
        click(7, at(12, 2, 30)),
        click(8, at(12, 2, 14, 999999)),  # bound 12:02:15: late by 1 µs
        click(9, at(12, 2, 15)),          # exactly the bound: on time
    ])
    wait_read(cur, 9)
    wait_rows(cur, RAW, [(1,), (2,), (3,), (6,), (7,), (9,)])
    live = [(at(12, 0), at(12, 1), 2, 2), (at(12, 1), at(12, 2), 2, 6), (at(12, 2), at(12, 3), 2, 9)]
    wait_rows(cur, LIVE, live)
    # [12:02, 12:03) ends after the bound 12:02:15: still open, not shown.
    closed = [(at(12, 0), at(12, 1), 2, 2), (at(12, 1), at(12, 2), 2, 6)]
    wait_rows(cur, CLOSED, closed)
    assert late_before(cur) == {"closed": at(12, 2, 15), "live": at(12, 2, 15), "raw": at(12, 2, 15)}
    shown = {r[1]: r for r in rows(cur, "SHOW MATERIALIZED VIEWS")}
    assert {n: (r[4], r[5]) for n, r in shown.items()} == {"closed": (9, 3), "live": (9, 3), "raw": (9, 3)}

    # The batch query reads every record of the topic, late ones included.
    assert rows(cur, "SELECT count(*) FROM clicks") == [(9,)]

    # Each view dead-letters each late record once, naming itself.
    dead = read_dead_letters(server, "wm.clicks.dlq", 9)
    assert len(dead) == 9, dead
    by_view = {}
    for d in dead:
        by_view.setdefault(d["view"], []).append(d)
    assert sorted(by_view) == ["closed", "live", "raw"]
    for ds in by_view.values():
        ds.sort(key=lambda d: d["offset"])
        assert [(d["reason"], d["topic"], d["partition"], d["offset"]) for d in ds] == \
            [("late", "wm.clicks", 0, 3), ("late", "wm.clicks", 0, 4), ("late", "wm.clicks", 0, 7)]
        assert json.loads(ds[2]["value"])["user_id"] == 8
        assert "2024-05-01 12:02:14.999999" in ds[2]["detail"], ds[2]
        assert "2024-05-01 12:02:15" in ds[2]["detail"], ds[2]

    # 12:03:20 moves the bound to 12:03:05: [12:02, 12:03) closes, final.
    produce(server, "wm.clicks", [click(10, at(12, 3, 20))])
    wait_read(cur, 10)
    closed.append((at(12, 2), at(12, 3), 2, 9))
    wait_rows(cur, CLOSED, closed)
    wait_rows(cur, LIVE, live + [(at(12, 3), at(12, 4), 1, 10)])
    assert late_before(cur)["closed"] == at(12, 3, 5)
    conn.close()

    # A clean restart keeps the closed windows, the bound and the counts.
    server.stop()
    server.start()
    conn = connect(server)
    cur = conn.cursor()
    assert rows(cur, CLOSED) == closed
    assert late_before(cur) == {"closed": at(12, 3, 5), "live": at(12, 3, 5), "raw": at(12, 3, 5)}
    # A row for a closed window after the restart is still late.
    produce(server, "wm.clicks", [click(11, at(12, 0, 30)), click(12, at(12, 3, 30))])
    wait_read(cur, 12)
    wait_rows(cur, RAW, [(1,), (2,), (3,), (6,), (7,), (9,), (10,), (12,)])
    wait_rows(cur, LIVE, live + [(at(12, 3), at(12, 4), 2, 12)])
    assert rows(cur, CLOSED) == closed
    assert {r[1]: r[5] for r in rows(cur, "SHOW MATERIALIZED VIEWS")} == {"closed": 4, "live": 4, "raw": 4}
    dead = read_dead_letters(server, "wm.clicks.dlq", 12)
    assert len(dead) == 12, dead
    assert sorted(d["view"] for d in dead if d["offset"] == 10) == ["closed", "live", "raw"]
    conn.close()


def test_an_idle_partition_does_not_hold_the_watermark(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("CREATE STREAM clicks (user_id bigint, ts timestamp, WATERMARK FOR ts AS ts) "
                "WITH (topic = 'wm.two', partitions = 2)")
    # GROUP BY window_end alone is a window bound too.
    cur.execute("CREATE MATERIALIZED VIEW per_end AS SELECT window_end, count(*) AS n "
                "FROM TUMBLE(clicks, ts, INTERVAL '10 seconds') GROUP BY window_end EMIT ON WINDOW CLOSE")
    produce(server, "wm.two", [click(1, at(12, 0, 1)), click(2, at(12, 0, 9)), click(3, at(12, 0, 12)),
                               click(4, at(12, 0, 25))], partition=0)
    # Partition 1 has no records: the watermark is partition 0's, 12:00:25.
    wait_rows(cur, "SELECT * FROM per_end ORDER BY 1", [(at(12, 0, 10), 2), (at(12, 0, 20), 1)])
    assert late_before(cur) == {"per_end": at(12, 0, 25)}
    # Partition 1 catches up with an on-time row; the bound does not go back.
    produce(server, "wm.two", [click(5, at(12, 0, 27))], partition=1)
    wait_read(cur, 5)
    assert rows(cur, "SELECT * FROM per_end ORDER BY 1") == [(at(12, 0, 10), 2), (at(12, 0, 20), 1)]
    assert late_before(cur) == {"per_end": at(12, 0, 27)}
    conn.close()


def test_emit_on_window_close_needs_a_watermark_and_a_window_key(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("CREATE STREAM plain (user_id bigint, ts timestamp) WITH (topic = 'wm.plain')")
    cur.execute("CREATE STREAM marked (user_id bigint, ts timestamp, WATERMARK FOR ts AS ts) "
                "WITH (topic = 'wm.marked')")
    with pytest.raises(psycopg2.Error) as e:
        cur.execute("CREATE MATERIALIZED VIEW v1 AS SELECT window_start, count(*) "
                    "FROM TUMBLE(plain, ts, INTERVAL '1 minute') GROUP BY window_start EMIT ON WINDOW CLOSE")
    assert e.value.pgcode == "0A000"
    assert "WATERMARK" in e.value.pgerror
    with pytest.raises(psycopg2.Error) as e:
        cur.execute("CREATE MATERIALIZED VIEW v2 AS SELECT user_id, count(*) FROM marked "
                    "GROUP BY user_id EMIT ON WINDOW CLOSE")
    assert e.value.pgcode == "0A000"
    assert "window_start or window_end" in e.value.pgerror
    assert rows(cur, "SELECT count(*) FROM pg_class WHERE relname IN ('v1', 'v2')") == [(0,)]
    # A batch SELECT accepts EMIT ON WINDOW CLOSE and ignores it: it sees every window.
    produce(server, "wm.marked", [click(1, at(12, 0, 1)), click(2, at(12, 5, 0))])
    q = "SELECT window_start, count(*) FROM TUMBLE(marked, ts, INTERVAL '1 minute') GROUP BY window_start ORDER BY 1"
    assert rows(cur, q + " EMIT ON WINDOW CLOSE") == rows(cur, q) == [(at(12, 0), 1), (at(12, 5), 1)]
    conn.close()


HOPPED = ("SELECT window_start, window_end, count(*) AS n, min(user_id) AS first_user "
          "FROM HOP(clicks, ts, INTERVAL '1 minute', INTERVAL '3 minutes') GROUP BY window_start, window_end")


def test_emit_on_window_close_over_hop_shows_each_window_once_closed(server):
    conn = connect(server)
    cur = conn.cursor()
    create(cur)
    cur.execute("CREATE MATERIALIZED VIEW hopped AS " + HOPPED + " EMIT ON WINDOW CLOSE")
    rng = random.Random(3)
    stamps = sorted(at(12, 0) + dt.timedelta(seconds=rng.uniform(0, 900)) for _ in range(400))
    seen = 0
    for chunk in range(4):
        batch = stamps[chunk * 100:(chunk + 1) * 100]
        produce(server, "wm.clicks", [click(seen + i, t) for i, t in enumerate(batch)])
        seen += len(batch)
        wait_read(cur, seen)
        bound = late_before(cur)["hopped"]
        # Exactly the batch query's windows that end at or before the late bound.
        want = [r for r in rows(cur, HOPPED + " ORDER BY 1") if r[1] <= bound]
        assert rows(cur, "SELECT * FROM hopped ORDER BY 1") == want
        assert want and all(r[1] - r[0] == dt.timedelta(minutes=3) for r in want)
    # Nothing was late (in order), and every closed window counts its 3 minutes of clicks.
    assert {r[1]: r[5] for r in rows(cur, "SHOW MATERIALIZED VIEWS")}["hopped"] == 0
    for start, end, n, _ in rows(cur, "SELECT * FROM hopped"):
        assert n == sum(1 for t in stamps if start <= t < end)
    with pytest.raises(psycopg2.Error) as e:
        cur.execute("CREATE MATERIALIZED VIEW bad AS SELECT window_end, count(*) FROM HOP(clicks, ts, "
                    "INTERVAL '2 minutes', INTERVAL '3 minutes') GROUP BY window_end EMIT ON WINDOW CLOSE")
    assert e.value.pgcode == "0A000" and "multiple of slide" in e.value.pgerror, e.value.pgerror
    conn.close()


def test_kill9_keeps_closed_windows_exact(tmp_path):
    """Nexmark bids produced in order while the server is killed ten times: the
    event times, the late bound and the closed windows survive every crash (view
    checkpoint v2), so at the end the EMIT ON WINDOW CLOSE view holds exactly the
    batch's windows that end at or before late_before, and nothing was late."""
    path = tmp_path / "bid.jsonl"
    with open(path, "wb") as out:
        # 10 events/s of event time: 40,000 events span about 67 minutes.
        r = subprocess.run([strata_binary(), "nexmark", "--events", "40000", "--rate", "10", "--kind", "bid"],
                           stdout=out, stderr=subprocess.PIPE, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    bids = path.read_bytes().splitlines()
    srv = view_server(tmp_path, port=None)  # one Kafka port across restarts
    try:
        srv.start()
        conn = connect(srv)
        cur = conn.cursor()
        # Ten minutes of lateness: a retried (duplicated) producer batch is never late.
        cur.execute(f"CREATE STREAM bid ({STREAMS['bid']}, WATERMARK FOR date_time AS date_time - INTERVAL '4 seconds') "
                    "WITH (topic = 'nexmark.bid', allowed_lateness = '10 minutes')")
        q = ("SELECT window_start, window_end, count(*) AS n, sum(price) AS total, max(price) AS top "
             "FROM TUMBLE(bid, date_time, INTERVAL '1 minute') GROUP BY window_start, window_end")
        cur.execute("CREATE MATERIALIZED VIEW closed AS " + q + " EMIT ON WINDOW CLOSE")
        cur.execute("CREATE MATERIALIZED VIEW live AS " + q)
        conn.close()
        done = threading.Event()

        def producer():
            # One request in flight: a retry never overtakes a later batch.
            p = Producer({"bootstrap.servers": srv.kafka, "acks": "all", "linger.ms": 5,
                          "max.in.flight.requests.per.connection": 1, "message.timeout.ms": 120000,
                          "reconnect.backoff.max.ms": 200})
            for i in range(0, len(bids), 200):
                for v in bids[i:i + 200]:
                    while True:
                        try:
                            p.produce("nexmark.bid", value=v, partition=0)
                            break
                        except BufferError:
                            p.poll(0.1)
                p.poll(0)
                time.sleep(0.05)
            assert p.flush(120) == 0
            done.set()

        t = threading.Thread(target=producer, daemon=True)
        t.start()
        rng = random.Random(7)
        for _ in range(10):
            time.sleep(rng.uniform(0.2, 1.2))
            srv.kill9()
            srv.start()
        t.join(180)
        assert done.is_set()
        conn = connect(srv)
        cur = conn.cursor()
        total = rows(cur, "SELECT count(*) FROM bid")[0][0]
        assert total >= len(bids)  # at least once: retried batches may repeat
        deadline = time.monotonic() + 60
        while [r[4] for r in rows(cur, "SHOW MATERIALIZED VIEWS")] != [total, total]:
            assert time.monotonic() < deadline, rows(cur, "SHOW MATERIALIZED VIEWS")
            time.sleep(0.1)
        shown = rows(cur, "SHOW MATERIALIZED VIEWS")
        assert [r[5] for r in shown] == [0, 0], shown  # nothing late, nothing malformed
        newest = rows(cur, "SELECT max(date_time) FROM bid")[0][0]
        bound = newest - dt.timedelta(minutes=10, seconds=4)
        assert [r[9] for r in shown] == [bound, bound]
        batch = rows(cur, q + " ORDER BY 1")
        assert rows(cur, "SELECT * FROM live ORDER BY 1") == batch
        closed = [w for w in batch if w[1] <= bound]
        assert len(closed) >= 50 and len(closed) < len(batch)
        assert rows(cur, "SELECT * FROM closed ORDER BY 1") == closed
        conn.close()
        srv.stop()
    finally:
        srv.close()


SESSIONS = ("SELECT user_id, window_start, window_end, count(*) AS n "
            "FROM SESSION(visits, ts, INTERVAL '10 seconds', user_id) GROUP BY user_id, window_start, window_end")


def test_session_windows_per_key_merge_as_rows_arrive(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("CREATE STREAM visits (user_id bigint, ts timestamp) WITH (topic = 'wm.visits', partitions = 1)")
    del conn.notices[:]
    cur.execute("CREATE MATERIALIZED VIEW sessions AS " + SESSIONS)
    # No incremental rule covers session windows: the view is recomputed.
    assert any("is recomputed" in n for n in conn.notices), conn.notices
    # User 1: 0, 5, 12 s (one session), 30 s (a new one: 18 s later). User 2:
    # 3, 14 s (11 s apart: two). User 3: a tie at 50 s, then 60 s. User 4: two
    # rows exactly the gap apart (one session: a gap must be exceeded).
    s = lambda sec: at(12, 0) + dt.timedelta(seconds=sec)
    visits = [(1, 0), (2, 3), (1, 5), (1, 12), (2, 14), (1, 30), (3, 50), (3, 50), (3, 60), (4, 0), (4, 10)]
    produce(server, "wm.visits", [click(u, s(t)) for u, t in visits])
    want = [(1, s(0), s(22), 3), (1, s(30), s(40), 1), (2, s(3), s(13), 1), (2, s(14), s(24), 1),
            (3, s(50), s(70), 3), (4, s(0), s(20), 2)]
    wait_rows(cur, "SELECT * FROM sessions ORDER BY 1, 2", want)
    assert rows(cur, SESSIONS + " ORDER BY 1, 2") == want
    # A row at 21 s bridges user 1's two sessions (9 s after 12 s, 9 s before 30 s).
    produce(server, "wm.visits", [click(1, s(21))])
    want = [(1, s(0), s(40), 5)] + want[2:]
    wait_rows(cur, "SELECT * FROM sessions ORDER BY 1, 2", want)
    assert rows(cur, SESSIONS + " ORDER BY 1, 2") == want
    # Without keys every row is in one sequence.
    assert rows(cur, "SELECT window_start, window_end, count(*) FROM SESSION(visits, ts, INTERVAL '10 seconds') "
                     "GROUP BY 1, 2 ORDER BY 1") == [(s(0), s(40), 9), (s(50), s(70), 3)]
    for bad, code in [("SESSION(visits, ts, INTERVAL '0 seconds')", "22023"),
                      ("SESSION(visits, ts, INTERVAL '1 month')", "22023"),
                      ("SESSION(visits, user_id, INTERVAL '1 second')", "42804"),
                      ("SESSION(visits, ts)", "42883")]:
        with pytest.raises(psycopg2.Error) as e:
            cur.execute(f"SELECT count(*) FROM {bad}")
        assert e.value.pgcode == code, (bad, e.value.pgerror)
    conn.close()


PER_MINUTE = ("SELECT window_start, window_end, count(*) AS n, sum(v) AS total "
              "FROM TUMBLE(ticks, ts, INTERVAL '1 minute') GROUP BY window_start, window_end")


def test_closed_windows_leave_the_state(server):
    """A window view's closed windows move out of its state into its rows file:
    the state holds the open windows only, while the view keeps every window."""
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("CREATE STREAM ticks (v bigint, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '5 seconds') "
                "WITH (topic = 'wm.ticks', partitions = 1)")
    cur.execute("CREATE MATERIALIZED VIEW live_min AS " + PER_MINUTE)
    cur.execute("CREATE MATERIALIZED VIEW closed_min AS " + PER_MINUTE + " EMIT ON WINDOW CLOSE")
    # The same groups, but not by a window bound: every group stays in the state.
    cur.execute("CREATE MATERIALIZED VIEW all_min AS SELECT date_trunc('minute', ts) AS m, count(*) AS n, "
                "sum(v) AS total FROM ticks GROUP BY 1")
    plan = "\n".join(r[0] for r in rows(cur, "EXPLAIN CREATE MATERIALIZED VIEW x AS " + PER_MINUTE))
    assert "Closed windows: once the late bound passes a window's end" in plan, plan
    plan = "\n".join(r[0] for r in rows(cur, "EXPLAIN CREATE MATERIALIZED VIEW x AS SELECT date_trunc('minute', ts), "
                                         "count(*) FROM ticks GROUP BY 1"))
    assert "Closed windows" not in plan, plan
    closed_batch = ("SELECT * FROM (" + PER_MINUTE + ") z WHERE window_end <= "
                    "(SELECT max(ts) FROM ticks) - INTERVAL '5 seconds' ORDER BY 1")
    sent = 0

    def send(minutes):
        nonlocal sent
        # One tick every 5 s.
        produce(server, "wm.ticks", [json.dumps({"v": i, "ts": (at(12, 0) + dt.timedelta(seconds=5 * i))
                                                 .isoformat(sep=" ")}) for i in range(sent, sent + minutes * 12)])
        sent += minutes * 12

    def check():
        wait_rows(cur, "SELECT * FROM live_min ORDER BY 1", rows(cur, PER_MINUTE + " ORDER BY 1"))
        wait_rows(cur, "SELECT * FROM closed_min ORDER BY 1", rows(cur, closed_batch))
        wait_rows(cur, "SELECT count(*) FROM all_min", [(sent // 12,)])
    state = []  # per round: view -> state_bytes
    for _ in range(3):
        send(40)
        check()
        state.append({r[1]: r[13] for r in rows(cur, "SHOW MATERIALIZED VIEWS")})
    assert len(rows(cur, "SELECT * FROM live_min")) == 120
    # all_min's state grows with its groups (40, 80, 120); the window views'
    # holds the open window or two whatever the number of closed ones.
    assert state[2]["all_min"] >= 2.5 * state[0]["all_min"], state
    for name in ("live_min", "closed_min"):
        assert state[2][name] <= state[0][name] and state[2][name] * 5 < state[2]["all_min"], (name, state)
    conn.close()
    # The closed windows come back from the rows file after a restart.
    server.stop()
    server.start()
    conn = connect(server)
    cur = conn.cursor()
    check()
    send(10)
    check()
    assert len(rows(cur, "SELECT * FROM closed_min")) == 129
    conn.close()
