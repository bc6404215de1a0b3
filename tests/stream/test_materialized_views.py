"""Materialized views over streams end to end, with real clients.

A stream and views over it are created with psycopg2, JSON records produced
with python3-confluent-kafka. Each test polls until a view equals the batch
SELECT of the same query over the stream (stream = batch), then checks that it
keeps up with more input, survives a clean restart and, in the crash test,
`kill -9` at random moments while records keep arriving (every input record
counted exactly once). Records that do not decode are read back from the
stream's dead-letter topic.
"""

import json
import random
import threading
import time
from decimal import Decimal

import psycopg2
import pytest
from confluent_kafka import Consumer, Producer

from strata_harness import StrataServer
from stream_clients import connect, produce, rows, view_server

def wait_equal(cur, view_sql, batch_sql, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        got, want = rows(cur, view_sql), rows(cur, batch_sql)
        if got == want:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"view never equalled the batch result:\nview:  {got[:20]}\nbatch: {want[:20]}")
        time.sleep(0.1)


AGG = ("SELECT country, count(*) AS n, count(amount) AS na, sum(amount) AS total, avg(amount) AS mean, "
       "min(order_id) AS lo, max(order_id) AS hi FROM orders WHERE order_id > 0 GROUP BY country")
AGG_VIEW = "SELECT * FROM revenue ORDER BY country"
AGG_BATCH = AGG + " ORDER BY country"
BIG = "SELECT order_id, upper(country) AS c, amount * 2 AS doubled FROM orders WHERE amount >= 50"
BIG_VIEW = "SELECT * FROM big ORDER BY order_id"
BIG_BATCH = BIG + " ORDER BY order_id"


def orders(first, count):
    out = []
    for i in range(first, first + count):
        out.append(json.dumps({"order_id": i, "country": ["BR", "DE", "US", None][i % 4],
                               "amount": None if i % 11 == 0 else round((i * 7.3) % 100, 2)}))
    return out


def create(cur):
    cur.execute("CREATE STREAM orders (order_id bigint NOT NULL, country text, amount numeric(10,2)) "
                "WITH (topic = 'shop.orders', partitions = 3)")
    cur.execute("CREATE MATERIALIZED VIEW revenue AS " + AGG)
    cur.execute("CREATE MATERIALIZED VIEW big AS " + BIG)


def test_view_equals_batch_updates_and_survives_restart(server):
    conn = connect(server)
    cur = conn.cursor()
    create(cur)
    cur.execute("SHOW MATERIALIZED VIEWS")
    shown = cur.fetchall()
    assert [(r[0], r[1], r[2]) for r in shown] == [("public", "big", "orders"), ("public", "revenue", "orders")]
    # psql's \d lists relations by pg_class.relkind: 'm' for materialized views.
    assert rows(cur, "SELECT relname, relkind FROM pg_class WHERE relname IN ('revenue', 'big', 'orders') "
                     "ORDER BY relname") == [("big", "m"), ("orders", "r"), ("revenue", "m")]
    assert rows(cur, "SELECT count(*) FROM revenue") == [(0,)]

    produce(server, "shop.orders", orders(1, 300))
    first = wait_equal(cur, AGG_VIEW, AGG_BATCH)
    assert sum(r[1] for r in first) == 300
    wait_equal(cur, BIG_VIEW, BIG_BATCH)

    produce(server, "shop.orders", orders(301, 200), partition=1)
    second = wait_equal(cur, AGG_VIEW, AGG_BATCH)
    assert sum(r[1] for r in second) == 500
    big = wait_equal(cur, BIG_VIEW, BIG_BATCH)
    # The normal planner runs over a view: filters, joins, aggregates.
    assert rows(cur, "SELECT count(*) FROM big WHERE c = 'BR'") == \
        rows(cur, "SELECT count(*) FROM orders WHERE amount >= 50 AND country = 'BR'")
    assert rows(cur, "SELECT r.country, count(*) FROM revenue r JOIN big b ON b.c = upper(r.country) "
                     "GROUP BY r.country ORDER BY 1") == \
        rows(cur, "SELECT country, count(*) FROM orders WHERE amount >= 50 AND country IS NOT NULL "
                  "GROUP BY country ORDER BY 1")
    oids = dict(rows(cur, "SELECT relname, oid FROM pg_class WHERE relkind = 'm'"))
    conn.close()

    server.stop()
    # The clean shutdown left one checkpoint per view; the append-only view's rows
    # are in its rows file, the aggregate's state in its checkpoint.
    views_dir = server.data_dir / "sql" / "views"
    for oid in oids.values():
        assert (views_dir / f"{oid}.ckpt").stat().st_size > 0
    assert (views_dir / f"{oids['big']}.rows").stat().st_size > (views_dir / f"{oids['big']}.ckpt").stat().st_size
    assert not (views_dir / f"{oids['revenue']}.rows").exists()
    server.start()
    conn = connect(server)
    cur = conn.cursor()
    # Right after the restart, from the checkpoint written at shutdown.
    assert rows(cur, AGG_VIEW) == second
    assert rows(cur, BIG_VIEW) == big
    produce(server, "shop.orders", orders(501, 50))
    assert sum(r[1] for r in wait_equal(cur, AGG_VIEW, AGG_BATCH)) == 550
    cur.execute("DROP MATERIALIZED VIEW big")
    assert rows(cur, "SELECT count(*) FROM pg_class WHERE relname = 'big'") == [(0,)]
    assert not (views_dir / f"{oids['big']}.rows").exists() and not (views_dir / f"{oids['big']}.ckpt").exists()
    conn.close()


# Queries over the stream that no incremental rule covers: each is recomputed
# from every input row at each step (CREATE says so in a NOTICE).
RECOMPUTED = {
    "ids": "SELECT country, string_agg(CAST(order_id AS text), ',' ORDER BY order_id) AS ids FROM orders "
           "GROUP BY country",
    "all_over_1": "SELECT country, bool_and(amount > 1) AS b, count(*) AS n FROM orders GROUP BY country",
    "self": "SELECT a.order_id, b.country FROM orders a JOIN orders b USING (order_id)",
    # An aggregate joined back to its own stream (the shape of Nexmark q7).
    "max_per_country": "SELECT o.country, o.order_id, o.amount FROM orders o JOIN (SELECT country, max(amount) AS m "
                       "FROM orders GROUP BY country) x ON o.country = x.country AND o.amount = x.m",
}


def test_what_no_incremental_rule_covers_is_recomputed(server):
    conn = connect(server)
    cur = conn.cursor()
    create(cur)
    for name, q in RECOMPUTED.items():
        del conn.notices[:]
        cur.execute(f"CREATE MATERIALIZED VIEW {name} AS {q}")
        assert any("is recomputed from every input row at each step" in n for n in conn.notices), conn.notices
    for first in (1, 301):
        produce(server, "shop.orders", orders(first, 300))
        for name, q in RECOMPUTED.items():
            wait_equal(cur, f"SELECT * FROM {name} ORDER BY 1, 2", f"SELECT * FROM ({q}) z ORDER BY 1, 2")
    assert rows(cur, "SELECT count(*) FROM self") == [(600,)]
    # Volatile and time-dependent functions and subqueries are still refused.
    for q in ["SELECT random() AS r, string_agg(country, ',') FROM orders",
              "SELECT * FROM orders WHERE amount > (SELECT avg(amount) FROM orders)",
              "SELECT now(), * FROM orders a JOIN orders b USING (order_id)"]:
        with pytest.raises(psycopg2.Error) as e:
            cur.execute("CREATE MATERIALIZED VIEW nope AS " + q)
        assert e.value.pgcode == "0A000", q
        assert "cannot be maintained incrementally" in e.value.pgerror
    with pytest.raises(psycopg2.Error) as e:
        cur.execute("INSERT INTO revenue VALUES ('x', 1, 1, 1, 1, 1, 1)")
    assert e.value.pgcode == "42809"
    with pytest.raises(psycopg2.Error) as e:
        cur.execute("DROP STREAM orders")
    assert e.value.pgcode == "2BP01"
    conn.close()


def test_malformed_records_reach_the_dead_letter_topic(server):
    conn = connect(server)
    cur = conn.cursor()
    create(cur)
    produce(server, "shop.orders", orders(1, 5) + ['{"order_id": 6, "country": ', '{"country": "FR"}'],
            partition=2)
    wait_equal(cur, AGG_VIEW, AGG_BATCH)
    c = Consumer({"bootstrap.servers": server.kafka, "group.id": "dlq-reader", "auto.offset.reset": "earliest",
                  "enable.auto.commit": False})
    c.subscribe(["shop.orders.dlq"])
    got = []
    deadline = time.monotonic() + 30
    while len(got) < 4 and time.monotonic() < deadline:
        m = c.poll(0.5)
        if m is not None and m.error() is None:
            got.append(json.loads(m.value()))
    c.close()
    # Both views dead-letter each bad record once (each names itself).
    assert len(got) == 4, got
    by_view = {}
    for d in got:
        by_view.setdefault(d["view"], []).append(d)
    assert sorted(by_view) == ["big", "revenue"]
    for v, ds in by_view.items():
        ds.sort(key=lambda d: d["offset"])
        assert [(d["stream"], d["topic"], d["partition"], d["offset"]) for d in ds] == \
            [("orders", "shop.orders", 2, 5), ("orders", "shop.orders", 2, 6)]
        assert ds[0]["value"] == '{"order_id": 6, "country": '
        assert "JSON" in ds[0]["reason"] or "json" in ds[0]["reason"], ds[0]
        assert "order_id" in ds[1]["reason"], ds[1]
    assert [r[4] for r in rows(cur, "SHOW MATERIALIZED VIEWS")] == [7, 7]
    assert [r[5] for r in rows(cur, "SHOW MATERIALIZED VIEWS")] == [2, 2]
    conn.close()


def test_kill9_while_producing_counts_every_record_once(tmp_path):
    srv = view_server(tmp_path, port=None)  # one Kafka port across restarts
    try:
        srv.start()
        conn = connect(srv)
        cur = conn.cursor()
        create(cur)
        # A recomputed view (its state: every order) and a view over a view.
        cur.execute("CREATE MATERIALIZED VIEW max_per_country AS " + RECOMPUTED["max_per_country"])
        cur.execute("CREATE MATERIALIZED VIEW over_revenue AS SELECT count(*) AS groups, sum(n) AS n FROM revenue")
        conn.close()
        stop = threading.Event()
        produced = [0]

        def producer():
            p = Producer({"bootstrap.servers": srv.kafka, "acks": "all", "linger.ms": 5,
                          "message.timeout.ms": 60000, "reconnect.backoff.max.ms": 200})
            i = 1
            while not stop.is_set():
                for v in orders(i, 50):
                    while True:
                        try:
                            p.produce("shop.orders", value=v.encode())
                            break
                        except BufferError:
                            p.poll(0.1)
                i += 50
                produced[0] = i - 1
                p.poll(0)
                time.sleep(0.02)
            p.flush(60)

        t = threading.Thread(target=producer, daemon=True)
        t.start()
        rng = random.Random(4)
        for _ in range(10):
            time.sleep(rng.uniform(0.2, 1.2))
            srv.kill9()
            srv.start()
        stop.set()
        t.join(90)
        assert not t.is_alive()
        assert produced[0] > 500
        conn = connect(srv)
        cur = conn.cursor()
        final = wait_equal(cur, AGG_VIEW, AGG_BATCH, timeout=60)
        total = rows(cur, "SELECT count(*) FROM orders WHERE order_id > 0")[0][0]
        assert sum(r[1] for r in final) == total
        wait_equal(cur, BIG_VIEW, BIG_BATCH, timeout=60)
        wait_equal(cur, "SELECT * FROM max_per_country ORDER BY 1, 2",
                   f"SELECT * FROM ({RECOMPUTED['max_per_country']}) z ORDER BY 1, 2", timeout=60)
        assert wait_equal(cur, "SELECT * FROM over_revenue",
                          f"SELECT count(*), sum(n) FROM ({AGG}) revenue", timeout=60) == [(4, total)]
        conn.close()
        srv.stop()
    finally:
        srv.close()


def test_tumbling_windows_in_batch_and_in_a_view(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("CREATE STREAM clicks (user_id bigint, ts timestamp) WITH (topic = 'web.clicks', partitions = 2)")
    q = ("SELECT window_start, window_end, count(*) AS n, max(user_id) AS last_user "
         "FROM TUMBLE(clicks, ts, INTERVAL '1 minute') GROUP BY window_start, window_end")
    cur.execute("CREATE MATERIALIZED VIEW per_minute AS " + q)
    # Boundaries: 12:00:59.999 is in [12:00, 12:01); 12:01:00 starts the next window.
    stamps = ["2024-05-01 12:00:00", "2024-05-01 12:00:59.999", "2024-05-01 12:01:00", "2024-05-01 12:02:30",
              "2024-05-01 12:02:59.999999"]
    produce(server, "web.clicks", [json.dumps({"user_id": i, "ts": t}) for i, t in enumerate(stamps)])
    got = wait_equal(cur, "SELECT * FROM per_minute ORDER BY 1", q + " ORDER BY 1")
    import datetime as dt
    m = lambda h, mi: dt.datetime(2024, 5, 1, h, mi)
    assert got == [(m(12, 0), m(12, 1), 2, 1), (m(12, 1), m(12, 2), 1, 2), (m(12, 2), m(12, 3), 2, 4)]
    assert rows(cur, "SELECT user_id, window_start::text, window_end::text FROM TUMBLE(clicks, ts, "
                     "INTERVAL '30 seconds') AS w WHERE w.user_id IN (1, 3) ORDER BY 1") == \
        [(1, "2024-05-01 12:00:30", "2024-05-01 12:01:00"), (3, "2024-05-01 12:02:30", "2024-05-01 12:03:00")]
    with pytest.raises(psycopg2.Error) as e:
        cur.execute("SELECT * FROM TUMBLE(clicks, user_id, INTERVAL '1 minute')")
    assert e.value.pgcode == "42804"
    conn.close()


def test_explain_shows_the_dataflow_and_creates_nothing(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("CREATE STREAM orders (order_id bigint NOT NULL, country text, amount numeric(10,2)) "
                "WITH (topic = 'shop.orders', partitions = 3)")
    plan = [r[0] for r in rows(cur, "EXPLAIN CREATE MATERIALIZED VIEW revenue AS " + AGG)]
    assert cur.statusmessage == "EXPLAIN"
    assert plan[0] == 'Materialized view "revenue" over stream "orders" (topic "shop.orders", format json)'
    assert any(l.startswith("  Event time: none") for l in plan), plan
    assert any(l.startswith("  Emit: on update") for l in plan), plan
    steps = [i for i, l in enumerate(plan) if l.startswith("  Step ")]
    assert len(steps) == 3, plan
    # Step 1 aggregates the new records (filter below it), step 2 merges them into the state.
    step1 = plan[steps[0] + 1:steps[1]]
    assert step1[0].strip().startswith("HashAggregate") and any("Filter" in l for l in step1), plan
    assert any("Scan (orders)" in l for l in step1), plan
    assert any("Scan (view state)" in l for l in plan[steps[1] + 1:steps[2]]), plan
    append = [r[0] for r in rows(cur, "EXPLAIN CREATE MATERIALIZED VIEW big AS " + BIG)]
    assert "  State: the view's rows, appended to (append-only)" in append
    assert any("rows file" in l for l in append) and not any("rows file" in l for l in plan), (plan, append)
    assert rows(cur, "SELECT count(*) FROM pg_class WHERE relname IN ('revenue', 'big')") == [(0,)]
    recomputed = [r[0] for r in rows(cur, "EXPLAIN CREATE MATERIALIZED VIEW d AS "
                                          "SELECT string_agg(country, ',') FROM orders")]
    assert any("no incremental rule covers the aggregate string_agg()" in l for l in recomputed), recomputed
    with pytest.raises(psycopg2.Error) as e:
        cur.execute("EXPLAIN CREATE MATERIALIZED VIEW d AS SELECT random(), string_agg(country, ',') FROM orders")
    assert e.value.pgcode == "0A000"
    with pytest.raises(psycopg2.Error) as e:
        cur.execute("EXPLAIN ANALYZE CREATE MATERIALIZED VIEW r2 AS " + AGG)
    assert e.value.pgcode == "0A000"
    conn.close()


def test_freshness_is_measured_from_record_timestamps(server):
    conn = connect(server)
    cur = conn.cursor()
    create(cur)
    assert [r[10:13] for r in rows(cur, "SHOW MATERIALIZED VIEWS")] == [(None, None, None)] * 2
    # Records stamped an hour ago (CreateTime set by the producer): an hour stale.
    hour_ago_ms = int(time.time() * 1000) - 3_600_000
    p = Producer({"bootstrap.servers": server.kafka, "acks": "all", "linger.ms": 0})
    for v in orders(1, 20):
        p.produce("shop.orders", value=v.encode(), timestamp=hour_ago_ms)
    assert p.flush(30) == 0
    deadline = time.monotonic() + 30
    while [r[4] for r in rows(cur, "SHOW MATERIALIZED VIEWS")] != [20, 20]:
        assert time.monotonic() < deadline, rows(cur, "SHOW MATERIALIZED VIEWS")
        time.sleep(0.1)
    for r in rows(cur, "SHOW MATERIALIZED VIEWS"):
        last, p50, p99 = r[10:13]
        assert 3_600_000 <= p50 <= p99 <= last < 3_600_000 + 60_000, r
    # More than a window (4096 records) of fresh records: the percentiles forget the old ones.
    produce(server, "shop.orders", orders(21, 5000))
    deadline = time.monotonic() + 60
    while [r[4] for r in rows(cur, "SHOW MATERIALIZED VIEWS")] != [5020, 5020]:
        assert time.monotonic() < deadline, rows(cur, "SHOW MATERIALIZED VIEWS")
        time.sleep(0.1)
    for r in rows(cur, "SHOW MATERIALIZED VIEWS"):
        last, p50, p99 = r[10:13]
        assert 0 <= p50 <= p99 < 60_000 and 0 <= last < 60_000, r
    conn.close()


def test_hopping_windows_in_batch_and_in_a_view(server):
    import datetime as dt
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("CREATE STREAM bids (auction bigint, ts timestamp) WITH (topic = 'web.bids', partitions = 2)")
    q = ("SELECT auction, window_start, window_end, count(*) AS n FROM "
         "HOP(bids, ts, INTERVAL '2 seconds', INTERVAL '10 seconds') GROUP BY auction, window_start, window_end")
    cur.execute("CREATE MATERIALIZED VIEW hot AS " + q)
    produce(server, "web.bids", [json.dumps({"auction": i % 3, "ts": f"2024-05-01 12:00:{i:02d}"})
                                 for i in range(20)])
    got = wait_equal(cur, "SELECT * FROM hot ORDER BY 1, 2", q + " ORDER BY 1, 2")
    # Each bid is in size / slide = 5 windows: 20 bids, 100 (auction, window) memberships.
    assert sum(r[3] for r in got) == 100
    s = lambda sec: dt.datetime(2024, 5, 1, 12, 0) + dt.timedelta(seconds=sec)
    # Auction 0 has bids at 0, 3, 6, ..., 18 s; [12:00:00, 12:00:10) holds 0, 3, 6, 9.
    assert (0, s(0), s(10), 4) in got and (0, s(-8), s(2), 1) in got and (0, s(18), s(28), 1) in got
    # A slide that does not divide the size: the windows holding 12:00:05 of size
    # 7 s starting every 3 s are [12:00:00, 12:00:07) and [12:00:03, 12:00:10).
    assert rows(cur, "SELECT window_start::text, window_end::text FROM HOP(bids, ts, INTERVAL '3 seconds', "
                     "INTERVAL '7 seconds') AS w WHERE ts = '2024-05-01 12:00:05' ORDER BY 1") == \
        [("2024-05-01 12:00:00", "2024-05-01 12:00:07"), ("2024-05-01 12:00:03", "2024-05-01 12:00:10")]
    for bad, code in [("HOP(bids, auction, INTERVAL '1 second', INTERVAL '2 seconds')", "42804"),
                      ("HOP(bids, ts, INTERVAL '1 month', INTERVAL '2 months')", "22023"),
                      ("HOP(bids, ts, INTERVAL '0 seconds', INTERVAL '2 seconds')", "22023"),
                      ("HOP(bids, ts, INTERVAL '1 millisecond', INTERVAL '10 seconds')", "22023"),
                      ("HOP(bids, ts, INTERVAL '1 second')", "42883")]:
        with pytest.raises(psycopg2.Error) as e:
            cur.execute(f"SELECT count(*) FROM {bad}")
        assert e.value.pgcode == code, (bad, e.value.pgerror)
    conn.close()


LOOKUP = ("SELECT c.region, count(*) AS n, sum(o.amount) AS total FROM orders o "
          "JOIN countries c ON c.code = o.country GROUP BY c.region")


def test_lookup_join_with_a_table(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("CREATE TABLE countries (code text PRIMARY KEY, region text)")
    cur.execute("INSERT INTO countries VALUES ('BR', 'Americas'), ('DE', 'Europe'), ('US', 'Americas')")
    cur.execute("CREATE STREAM orders (order_id bigint NOT NULL, country text, amount numeric(10,2)) "
                "WITH (topic = 'shop.orders', partitions = 3)")
    cur.execute("CREATE MATERIALIZED VIEW by_region AS " + LOOKUP)
    cur.execute("CREATE MATERIALIZED VIEW enriched AS SELECT o.order_id, o.country, c.region "
                "FROM orders o LEFT JOIN countries c ON c.code = o.country")
    produce(server, "shop.orders", orders(1, 200))
    # While the table does not change, view = batch (None-country and unknown rows drop out of the inner join).
    wait_equal(cur, "SELECT * FROM by_region ORDER BY 1", LOOKUP + " ORDER BY 1")
    wait_equal(cur, "SELECT * FROM enriched ORDER BY 1",
               "SELECT o.order_id, o.country, c.region FROM orders o LEFT JOIN countries c ON c.code = o.country "
               "ORDER BY 1")
    assert rows(cur, "SELECT count(*) FROM enriched WHERE region IS NULL") == [(50,)]  # country NULL: 1 in 4

    # A lookup join reads the table as it is when the records arrive; rows already joined stay.
    cur.execute("UPDATE countries SET region = 'Latin America' WHERE code = 'BR'")
    produce(server, "shop.orders", orders(201, 100))
    def by_region_expected():
        want = {}
        for line in orders(1, 300):
            o = json.loads(line)
            region = {"BR": "Americas" if o["order_id"] <= 200 else "Latin America", "DE": "Europe",
                      "US": "Americas"}.get(o["country"])
            if region is None:
                continue
            n, total = want.get(region, (0, Decimal(0)))
            want[region] = (n + 1, total + (Decimal(str(o["amount"])) if o["amount"] is not None else 0))
        return sorted((r, n, total) for r, (n, total) in want.items())
    deadline = time.monotonic() + 30
    while rows(cur, "SHOW MATERIALIZED VIEWS")[0][4] != 300 or rows(cur, "SHOW MATERIALIZED VIEWS")[1][4] != 300:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    got = rows(cur, "SELECT * FROM by_region ORDER BY 1")
    assert [(r, n) for r, n, _ in got] == [(r, n) for r, n, _ in by_region_expected()]
    assert [t for _, _, t in got] == [t for _, _, t in by_region_expected()]
    assert rows(cur, "SELECT region, count(*) FROM enriched WHERE country = 'BR' GROUP BY region ORDER BY 1") == \
        [("Americas", 50), ("Latin America", 25)]

    for stmt in ["DROP TABLE countries", "ALTER TABLE countries ADD COLUMN x int"]:
        with pytest.raises(psycopg2.Error) as e:
            cur.execute(stmt)
        assert e.value.pgcode == "2BP01", stmt
        assert "by_region" in e.value.pgerror or "enriched" in e.value.pgerror, stmt
    # An outer join that keeps the table's unmatched rows is no lookup: such a
    # view is recomputed from every order at each step, with the table as it is
    # then (so BR's orders all read 'Latin America' here).
    for name, q in [("full_j", "SELECT o.order_id, c.code, c.region FROM orders o FULL JOIN countries c "
                               "ON c.code = o.country"),
                    ("left_j", "SELECT c.code, o.order_id FROM countries c LEFT JOIN orders o ON c.code = o.country")]:
        del conn.notices[:]
        cur.execute(f"CREATE MATERIALIZED VIEW {name} AS {q}")
        assert any("unmatched rows" in n for n in conn.notices), conn.notices
        wait_equal(cur, f"SELECT * FROM {name} ORDER BY 1, 2", f"SELECT * FROM ({q}) z ORDER BY 1, 2")
        cur.execute(f"DROP MATERIALIZED VIEW {name}")
    conn.close()

    # After a restart the views keep their rows and keep looking up.
    server.stop()
    server.start()
    conn = connect(server)
    cur = conn.cursor()
    assert rows(cur, "SELECT * FROM by_region ORDER BY 1") == got
    cur.execute("INSERT INTO countries VALUES ('FR', 'Europe')")
    produce(server, "shop.orders", [json.dumps({"order_id": 1000, "country": "FR", "amount": 5})])
    wait_rows = lambda: rows(cur, "SELECT region, country FROM enriched WHERE order_id = 1000")
    deadline = time.monotonic() + 30
    while wait_rows() != [("Europe", "FR")]:
        assert time.monotonic() < deadline, wait_rows()
        time.sleep(0.1)
    cur.execute("DROP MATERIALIZED VIEW by_region, enriched")
    cur.execute("DROP TABLE countries")
    conn.close()


DISTINCT_VIEWS = {
    "users_by_country": "SELECT country, count(*) AS n, count(DISTINCT amount) AS amounts, "
                        "count(DISTINCT amount) FILTER (WHERE order_id % 2 = 0) AS even_amounts, sum(amount) AS total, "
                        "max(order_id) AS hi FROM orders GROUP BY country",
    "overall": "SELECT count(DISTINCT country) AS countries, count(*) AS n, "
               "count(DISTINCT order_id % 10) FILTER (WHERE amount < 10) AS small FROM orders",
    "busy": "SELECT country, count(DISTINCT order_id % 7) AS k FROM orders GROUP BY country "
            "HAVING count(DISTINCT order_id % 7) > 3",
    # Other DISTINCT aggregates, and avg next to them.
    "distinct_sums": "SELECT country, sum(DISTINCT order_id % 13) AS s13, avg(DISTINCT amount) AS mean_distinct, "
                     "min(DISTINCT amount) AS lo, avg(amount) AS mean, avg(amount) FILTER (WHERE order_id % 2 = 0) "
                     "AS mean_even, count(amount) AS na FROM orders GROUP BY country",
    # SELECT DISTINCT: GROUP BY every column.
    "seen": "SELECT DISTINCT country, order_id % 3 AS k FROM orders WHERE amount > 20",
}


def test_count_distinct_views_equal_batch_and_survive_restart(server):
    conn = connect(server)
    cur = conn.cursor()
    create(cur)
    for name, q in DISTINCT_VIEWS.items():
        cur.execute(f"CREATE MATERIALIZED VIEW {name} AS {q}")
    # No GROUP BY: one row before any input, counts 0.
    assert rows(cur, "SELECT * FROM overall") == [(0, 0, 0)]
    produce(server, "shop.orders", orders(1, 400))
    for name, q in DISTINCT_VIEWS.items():
        wait_equal(cur, f"SELECT * FROM {name} ORDER BY 1, 2", q + " ORDER BY 1, 2")
    assert rows(cur, "SELECT countries, n FROM overall") == [(3, 400)]
    plan = [r[0] for r in rows(cur, "EXPLAIN CREATE MATERIALIZED VIEW x AS " + DISTINCT_VIEWS["overall"])]
    assert any("group and distinct argument values" in l for l in plan), plan
    assert any("count(DISTINCT" in l for l in plan), plan
    conn.close()
    server.stop()
    server.start()
    conn = connect(server)
    cur = conn.cursor()
    produce(server, "shop.orders", orders(401, 100), partition=2)
    for name, q in DISTINCT_VIEWS.items():
        wait_equal(cur, f"SELECT * FROM {name} ORDER BY 1, 2", q + " ORDER BY 1, 2")
    assert rows(cur, "SELECT n FROM overall") == [(500,)]
    conn.close()


def test_a_view_whose_state_outgrows_its_limit_stops_with_53200(tmp_path):
    cfg = tmp_path / "strata.toml"
    cfg.write_text("[streams]\ncheckpoint_interval_ms = 200\nview_state_bytes_max = 1048576\n")
    srv = StrataServer(extra_args=["--pg-listen", "127.0.0.1:0", "--config", str(cfg)])
    try:
        srv.start()
        conn = connect(srv)
        cur = conn.cursor()
        create(cur)  # revenue: 4 groups, tiny; big: every order with amount >= 50, growing
        # A first small batch lands while under the limit, so the view has a state to keep when
        # a later step outgrows it (one step reading all 40,000 orders at once would keep none).
        produce(srv, "shop.orders", orders(1, 1000))
        wait_equal(cur, BIG_VIEW, BIG_BATCH, timeout=60)
        produce(srv, "shop.orders", orders(1001, 39000))
        deadline = time.monotonic() + 60
        while True:
            shown = {r[1]: r for r in rows(cur, "SHOW MATERIALIZED VIEWS")}
            if "53200" in shown["big"][7] or "view_state_bytes_max" in shown["big"][7]:
                break
            assert time.monotonic() < deadline, shown["big"]
            time.sleep(0.2)
        assert "view_state_bytes_max" in shown["big"][7], shown["big"]
        # The stopped view kept its last state, under the limit; SHOW gives its size.
        assert 0 < shown["big"][13] <= 1048576, shown["big"]
        with pytest.raises(psycopg2.Error) as e:
            cur.execute("SELECT count(*) FROM big")
        assert e.value.pgcode == "53200", e.value.pgerror
        # The small view is not affected.
        wait_equal(cur, AGG_VIEW, AGG_BATCH, timeout=60)
        assert shown["revenue"][7] == "running"
        conn.close()
    finally:
        srv.stop(check=False)
        srv.close()


def test_union_all_of_one_stream(server):
    conn = connect(server)
    cur = conn.cursor()
    create(cur)
    cur.execute("CREATE STREAM other (order_id bigint) WITH (topic = 'shop.other')")
    views = {
        "flagged": "SELECT order_id, 'big' AS why FROM orders WHERE amount >= 90 "
                   "UNION ALL SELECT order_id, 'br' FROM orders WHERE country = 'BR'",
        # UNION: DISTINCT over UNION ALL.
        "countries": "SELECT country, 1 AS one FROM orders WHERE amount >= 90 "
                     "UNION SELECT lower(country), 1 FROM orders",
        "per_why": "SELECT why, count(*) AS n FROM (SELECT order_id, 'big' AS why FROM orders WHERE amount >= 90 "
                   "UNION ALL SELECT order_id, 'all' FROM orders) x GROUP BY why",
    }
    for name, q in views.items():
        cur.execute(f"CREATE MATERIALIZED VIEW {name} AS {q}")
    produce(server, "shop.orders", orders(1, 300))
    for name, q in views.items():
        wait_equal(cur, f"SELECT * FROM {name} ORDER BY 1, 2", f"SELECT * FROM ({q}) z ORDER BY 1, 2")
    assert dict(rows(cur, "SELECT * FROM per_why"))["all"] == 300
    # UNION ALL of two streams and INTERSECT are recomputed at each step.
    recomputed = {"both_streams": "SELECT order_id FROM orders UNION ALL SELECT order_id FROM other",
                  "common": "SELECT order_id FROM orders INTERSECT SELECT order_id FROM orders WHERE amount > 50"}
    for name, q in recomputed.items():
        del conn.notices[:]
        cur.execute(f"CREATE MATERIALIZED VIEW {name} AS {q}")
        assert any("no incremental rule covers" in n for n in conn.notices), conn.notices
    produce(server, "shop.other", [json.dumps({"order_id": i}) for i in range(5)])
    for name, q in recomputed.items():
        wait_equal(cur, f"SELECT * FROM {name} ORDER BY 1", f"SELECT * FROM ({q}) z ORDER BY 1")
    assert rows(cur, "SELECT count(*) FROM both_streams") == [(305,)]
    conn.close()


TOP3 = ("SELECT country, order_id, amount, rn FROM (SELECT country, order_id, amount, row_number() OVER "
        "(PARTITION BY country ORDER BY amount DESC NULLS LAST, order_id) AS rn FROM orders) t WHERE rn <= 3")
LATEST = ("SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY country ORDER BY order_id DESC) AS rn "
          "FROM orders) t WHERE rn = 1")
DENSE = ("SELECT country, amount FROM (SELECT country, amount, dense_rank() OVER (PARTITION BY country "
         "ORDER BY amount) AS r FROM orders WHERE amount IS NOT NULL) t WHERE r < 3 AND amount > 1")


def test_top_n_and_dedup_views_equal_batch_and_survive_restart(server):
    conn = connect(server)
    cur = conn.cursor()
    create(cur)
    views = {"top3": TOP3, "latest": LATEST, "dense": DENSE}
    for name, q in views.items():
        cur.execute(f"CREATE MATERIALIZED VIEW {name} AS {q}")
    cur.execute("EXPLAIN CREATE MATERIALIZED VIEW x AS " + TOP3)
    plan = "\n".join(r[0] for r in cur.fetchall())
    assert "State: the rows ranked within the top 3 of their group" in plan, plan
    for first in (1, 301):
        produce(server, "shop.orders", orders(first, 300))
        for name, q in views.items():
            wait_equal(cur, f"SELECT * FROM {name} ORDER BY 1, 2", q + " ORDER BY 1, 2")
    # 3 rows for each of the 4 countries (NULL is one).
    assert rows(cur, "SELECT count(*) FROM top3") == [(12,)]
    conn.close()
    server.stop()
    server.start()
    conn = connect(server)
    cur = conn.cursor()
    produce(server, "shop.orders", orders(601, 300))
    for name, q in views.items():
        wait_equal(cur, f"SELECT * FROM {name} ORDER BY 1, 2", q + " ORDER BY 1, 2")
    assert rows(cur, "SELECT max(order_id) FROM latest") == [(900,)]

    # Window functions no top-N rule covers are recomputed from every row at each step.
    others = {
        "numbered": "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY country ORDER BY order_id) AS rn "
                    "FROM orders) t",
        "unordered": "SELECT count(*) AS n FROM (SELECT *, row_number() OVER (PARTITION BY country) AS rn "
                     "FROM orders) t WHERE rn <= 2",
        "lagged": "SELECT * FROM (SELECT order_id, amount - lag(amount) OVER (ORDER BY order_id) AS step "
                  "FROM orders) t WHERE step > 3",
        "last5": "SELECT * FROM orders ORDER BY order_id DESC LIMIT 5",
    }
    for name, q in others.items():
        cur.execute("EXPLAIN CREATE MATERIALIZED VIEW x AS " + q)
        plan = "\n".join(r[0] for r in cur.fetchall())
        assert "each step recomputes the view from all of them" in plan, plan
        cur.execute(f"CREATE MATERIALIZED VIEW {name} AS {q}")
    produce(server, "shop.orders", orders(901, 50))
    for name, q in others.items():
        deadline = time.monotonic() + 30
        while sorted(map(repr, rows(cur, f"SELECT * FROM {name}"))) != sorted(map(repr, rows(cur, q))):
            assert time.monotonic() < deadline, name
            time.sleep(0.1)
    assert rows(cur, "SELECT count(*) FROM last5") == [(5,)]
    conn.close()


ABOVE_AGGREGATE = {
    # ORDER BY and LIMIT over an aggregate: the top countries by revenue.
    "top2": "SELECT country, sum(amount) AS total FROM orders GROUP BY country ORDER BY total DESC NULLS LAST LIMIT 2",
    # A second level of aggregation.
    "avg_of_max": "SELECT c, avg(m) AS a, count(*) AS n FROM (SELECT country AS c, order_id % 7 AS k, "
                  "max(amount) AS m FROM orders GROUP BY country, order_id % 7) q GROUP BY c",
    # A window function over the groups, and an ordered-set aggregate of them.
    "ranked": "SELECT * FROM (SELECT country, count(*) AS n, rank() OVER (ORDER BY count(*) DESC, country) AS r "
              "FROM orders GROUP BY country) t WHERE r <= 2",
    "median": "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY total) AS median FROM "
              "(SELECT country, sum(amount) AS total FROM orders GROUP BY country) t",
}


def test_operators_above_an_aggregate_are_recomputed_from_its_state(server):
    conn = connect(server)
    cur = conn.cursor()
    create(cur)
    for name, q in ABOVE_AGGREGATE.items():
        cur.execute(f"CREATE MATERIALIZED VIEW {name} AS {q}")
    for first in (1, 301):
        produce(server, "shop.orders", orders(first, 300))
        for name, q in ABOVE_AGGREGATE.items():
            wait_equal(cur, f"SELECT * FROM {name} ORDER BY 1", f"SELECT * FROM ({q}) x ORDER BY 1")
    assert len(rows(cur, "SELECT * FROM top2")) == 2
    # Such a view's rows have no key for an upsert or changelog sink.
    with pytest.raises(psycopg2.Error) as e:
        cur.execute("CREATE SINK s FROM top2 INTO TOPIC 'x'")
    assert e.value.pgcode == "0A000", e.value.pgerror
    conn.close()


# Views over views (cascades): each level equals the same query over the
# levels below it inlined as subqueries over the stream.
CASCADE = {
    "per_c": ("SELECT c, count(*) AS n, sum(doubled) AS s FROM big GROUP BY c", {"big": BIG}),
    "top_country": ("SELECT revenue.country, revenue.total FROM revenue JOIN (SELECT max(total) AS m FROM revenue) x "
                    "ON revenue.total = x.m", {"revenue": AGG}),
    "summary": ("SELECT count(*) AS groups, sum(n) AS n FROM per_c", {}),
}


def inlined(name):
    q, below = CASCADE[name]
    for view, sql in below.items():
        q = q.replace(f"FROM {view}", f"FROM ({sql}) {view}")
    if name == "summary":
        q = q.replace("FROM per_c", f"FROM ({inlined('per_c')}) per_c")
    return q


def test_a_view_over_views_is_recomputed_from_theirs(server):
    conn = connect(server)
    cur = conn.cursor()
    create(cur)
    for name, (q, _) in CASCADE.items():
        cur.execute(f"CREATE MATERIALIZED VIEW {name} AS {q}")
    cur.execute("EXPLAIN CREATE MATERIALIZED VIEW x AS " + CASCADE["summary"][0])
    plan = "\n".join(r[0] for r in cur.fetchall())
    assert 'Materialized view "x" over materialized views "per_c" (a cascade)' in plan, plan
    assert rows(cur, "SELECT * FROM summary") == [(0, None)]
    for first in (1, 301):
        produce(server, "shop.orders", orders(first, 300))
        for name in CASCADE:
            wait_equal(cur, f"SELECT * FROM {name} ORDER BY 1", f"SELECT * FROM ({inlined(name)}) z ORDER BY 1")
    assert rows(cur, "SELECT n FROM summary") == rows(cur, "SELECT count(*) FROM orders WHERE amount >= 50")
    shown = {r[1]: r for r in rows(cur, "SHOW MATERIALIZED VIEWS")}
    assert shown["summary"][2] == "orders" and shown["summary"][7] == "running", shown["summary"]

    # A view another view reads cannot go alone; CASCADE takes its readers with it.
    with pytest.raises(psycopg2.Error) as e:
        cur.execute("DROP MATERIALIZED VIEW per_c")
    assert e.value.pgcode == "2BP01" and 'materialized view "summary" depends on it' in e.value.pgerror, \
        e.value.pgerror
    with pytest.raises(psycopg2.Error) as e:
        cur.execute("DROP MATERIALIZED VIEW big")
    assert e.value.pgcode == "2BP01" and "per_c" in e.value.pgerror, e.value.pgerror
    conn.close()

    # After a restart every level is there again, and keeps up.
    server.stop()
    server.start()
    conn = connect(server)
    cur = conn.cursor()
    for name in CASCADE:
        wait_equal(cur, f"SELECT * FROM {name} ORDER BY 1", f"SELECT * FROM ({inlined(name)}) z ORDER BY 1")
    produce(server, "shop.orders", orders(601, 100))
    for name in CASCADE:
        wait_equal(cur, f"SELECT * FROM {name} ORDER BY 1", f"SELECT * FROM ({inlined(name)}) z ORDER BY 1")
    del conn.notices[:]
    cur.execute("DROP MATERIALIZED VIEW big CASCADE")
    assert any("drop cascades to materialized view summary" in n for n in conn.notices), conn.notices
    assert any("drop cascades to materialized view per_c" in n for n in conn.notices), conn.notices
    assert rows(cur, "SELECT relname FROM pg_class WHERE relkind = 'm' ORDER BY 1") == [("revenue",), ("top_country",)]
    conn.close()
