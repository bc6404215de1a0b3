"""Joins of two streams in materialized views, end to end with real clients.

Orders and customers arrive on two topics, in any order relative to each other:
an inner join view and an aggregate over the join must equal the batch SELECT
of the same query once the input stops, across a clean restart and across
SIGKILLs while both topics keep receiving records (each pair joined exactly
once). Records are produced with python3-confluent-kafka and the views read
with psycopg2.
"""

import datetime as dt
import json
import random
import time

import psycopg2
import pytest

from stream_clients import connect, produce, rows, view_server

ORDERS = ("CREATE STREAM orders (order_id bigint NOT NULL, customer bigint, amount numeric(10,2)) "
          "WITH (topic = 'j.orders', partitions = 3)")
CUSTOMERS = "CREATE STREAM customers (id bigint, name text, tier text) WITH (topic = 'j.customers', partitions = 2)"
JOINED = ("SELECT o.order_id, c.name, o.amount * 2 AS doubled FROM orders o JOIN customers c "
          "ON o.customer = c.id WHERE c.tier <> 'none'")
PER_TIER = ("SELECT c.tier, count(*) AS n, sum(o.amount) AS total, max(o.order_id) AS last FROM orders o "
            "JOIN customers c ON o.customer = c.id GROUP BY c.tier")
# Outer joins: a row's NULL-padded partner changes as the other side grows, so
# these views are recomputed from both inputs at each step.
UNMATCHED = ("SELECT o.order_id, o.customer, c.name FROM orders o LEFT JOIN customers c ON o.customer = c.id "
             "WHERE o.order_id % 5 = 0")
PER_CUSTOMER = ("SELECT c.id, c.name, count(o.order_id) AS orders FROM orders o RIGHT JOIN customers c "
                "ON o.customer = c.id GROUP BY c.id, c.name")
BOTH_SIDES = "SELECT o.order_id, c.id, c.tier FROM orders o FULL JOIN customers c ON o.customer = c.id"
VIEWS = {"joined": JOINED, "per_tier": PER_TIER, "unmatched": UNMATCHED, "per_customer": PER_CUSTOMER,
         "both_sides": BOTH_SIDES}


def orders(first, count):
    return [json.dumps({"order_id": i, "customer": i % 40, "amount": round((i * 3.7) % 50, 2)})
            for i in range(first, first + count)]


def customers(first, count):
    # A customer id can arrive more than once (each copy joins: an inner join of
    # two streams joins every pair).
    return [json.dumps({"id": i % 45, "name": f"c{i}", "tier": ["gold", "none", "basic"][i % 3]})
            for i in range(first, first + count)]


def wait_equal(cur, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        diff = {}
        for name, q in VIEWS.items():
            got, want = rows(cur, f"SELECT * FROM {name} ORDER BY 1, 2, 3"), rows(cur, q + " ORDER BY 1, 2, 3")
            if got != want:
                diff[name] = (len(got), len(want))
        if not diff:
            return
        assert time.monotonic() < deadline, diff
        time.sleep(0.2)


def create(cur):
    cur.execute(ORDERS)
    cur.execute(CUSTOMERS)
    for name, q in VIEWS.items():
        cur.execute(f"CREATE MATERIALIZED VIEW {name} AS {q}")


def test_join_of_two_streams_equals_batch_and_survives_restart(server):
    conn = connect(server)
    cur = conn.cursor()
    create(cur)
    cur.execute("EXPLAIN CREATE MATERIALIZED VIEW x AS " + PER_TIER)
    plan = "\n".join(r[0] for r in cur.fetchall())
    assert 'Join of two streams: "orders" (left input) with "customers"' in plan, plan
    # Orders before their customers, customers before their orders, both.
    produce(server, "j.orders", orders(1, 200))
    wait_equal(cur)
    assert rows(cur, "SELECT count(*) FROM joined") == [(0,)]
    produce(server, "j.customers", customers(0, 30))
    wait_equal(cur)
    produce(server, "j.orders", orders(201, 200))
    produce(server, "j.customers", customers(30, 30))
    wait_equal(cur)
    assert rows(cur, "SELECT count(*) FROM joined")[0][0] > 100
    shown = {r[1]: r for r in rows(cur, "SHOW MATERIALIZED VIEWS")}
    assert shown["per_tier"][4] == 400 + 60 and shown["per_tier"][7] == "running", shown["per_tier"]
    conn.close()
    server.stop()
    server.start()
    conn = connect(server)
    cur = conn.cursor()
    produce(server, "j.customers", customers(60, 15))
    produce(server, "j.orders", orders(401, 100))
    wait_equal(cur)

    def refused(state, sql, words):
        with pytest.raises(psycopg2.Error) as e:
            cur.execute(sql)
        assert e.value.pgcode == state and words in e.value.pgerror, e.value.pgerror
    cur.execute("EXPLAIN CREATE MATERIALIZED VIEW x AS " + UNMATCHED)
    plan = "\n".join(r[0] for r in cur.fetchall())
    assert "an outer, semi or anti join: its rows change as either side grows" in plan, plan
    refused("2BP01", "DROP STREAM customers", "materialized view")
    conn.close()


def test_kill9_keeps_a_join_of_two_streams_exact(tmp_path):
    """SIGKILL 6 times while both streams receive records; afterwards every
    (order, customer) pair is in the join exactly once."""
    srv = view_server(tmp_path, port=None)
    try:
        srv.start()
        conn = connect(srv)
        cur = conn.cursor()
        create(cur)
        conn.close()
        rng = random.Random(11)
        o_next, c_next = 1, 0
        for _ in range(6):
            n = rng.randint(200, 600)
            produce(srv, "j.orders", orders(o_next, n))
            o_next += n
            k = rng.randint(5, 20)
            produce(srv, "j.customers", customers(c_next, k))
            c_next += k
            time.sleep(rng.uniform(0.05, 0.5))
            srv.kill9()
            srv.start()
        conn = connect(srv)
        cur = conn.cursor()
        wait_equal(cur, timeout=90)
        shown = {r[1]: r for r in rows(cur, "SHOW MATERIALIZED VIEWS")}
        assert shown["joined"][4] == (o_next - 1) + c_next, shown["joined"]
        conn.close()
    finally:
        srv.stop(check=False)
        srv.close()


AUCTIONS = ("CREATE STREAM auctions (id bigint, ts timestamp, expires timestamp, "
            "WATERMARK FOR ts AS ts - INTERVAL '1 second') WITH (topic = 'j.auctions', partitions = 1)")
# The same topic without a watermark: its join keeps every bid.
AUCTIONS_UNBOUNDED = ("CREATE STREAM auctions_all (id bigint, ts timestamp, expires timestamp) "
                      "WITH (topic = 'j.auctions', partitions = 1)")
BIDS = "CREATE STREAM bids (auction bigint, price bigint, ts timestamp) WITH (topic = 'j.bids', partitions = 2)"
WINNING = ("SELECT a.id, count(*) AS n, max(b.price) AS top FROM {auctions} a JOIN bids b ON a.id = b.auction "
           "AND b.ts BETWEEN a.ts AND a.expires GROUP BY a.id")


def test_an_interval_join_drops_bids_no_later_auction_can_join(server):
    conn = connect(server)
    cur = conn.cursor()
    for ddl in (AUCTIONS, AUCTIONS_UNBOUNDED, BIDS):
        cur.execute(ddl)
    cur.execute("CREATE MATERIALIZED VIEW pruned AS " + WINNING.format(auctions="auctions"))
    cur.execute("CREATE MATERIALIZED VIEW unpruned AS " + WINNING.format(auctions="auctions_all"))
    plan = "\n".join(r[0] for r in rows(cur, "EXPLAIN CREATE MATERIALIZED VIEW x AS " +
                                        WINNING.format(auctions="auctions")))
    assert "State pruning: right input rows whose ts is below auctions's late bound are dropped" in plan, plan
    assert "State pruning" not in "\n".join(r[0] for r in rows(
        cur, "EXPLAIN CREATE MATERIALIZED VIEW x AS " + WINNING.format(auctions="auctions_all")))
    base = dt.datetime(2024, 5, 1, 12, 0)
    at = lambda sec: (base + dt.timedelta(seconds=sec)).isoformat(sep=" ")
    # Auction i opens at i s and runs 5 s; its bids come at +0, +2 and +7 s (the
    # last one too late to count). Odd rounds send the bids first: they wait in
    # the state for their auctions, just above the late bound (which lags the
    # auctions by the watermark's second), and must not be pruned.
    for r in range(4):
        ids = range(r * 50, r * 50 + 50)
        batches = [("j.auctions", [json.dumps({"id": i, "ts": at(i), "expires": at(i + 5)}) for i in ids]),
                   ("j.bids", [json.dumps({"auction": i, "price": i * 10 + d, "ts": at(i + d)})
                               for i in ids for d in (0, 2, 7)])]
        for topic, values in (batches if r % 2 == 0 else reversed(batches)):
            produce(server, topic, values)
            time.sleep(0.3)  # (so the view steps over the first topic's records alone)
        for name, auctions in (("pruned", "auctions"), ("unpruned", "auctions_all")):
            deadline = time.monotonic() + 60
            while rows(cur, f"SELECT * FROM {name} ORDER BY 1") != rows(
                    cur, WINNING.format(auctions=auctions) + " ORDER BY 1"):
                assert time.monotonic() < deadline, name
                time.sleep(0.1)
    got = rows(cur, "SELECT * FROM pruned ORDER BY 1")
    assert got == [(i, 2, i * 10 + 2) for i in range(200)]
    shown = {r[1]: r for r in rows(cur, "SHOW MATERIALIZED VIEWS")}
    assert shown["pruned"][5] == 0 and shown["pruned"][7] == "running", shown["pruned"]
    # The pruned view keeps only bids at or after the auctions' late bound
    # (the last few seconds'), the other every one of the 600: at least 500
    # bids of 3 eight-byte columns fewer (both keep the auctions and groups).
    pruned, unpruned = shown["pruned"][13], shown["unpruned"][13]
    assert unpruned - pruned >= 500 * 24 and pruned * 2 < unpruned, (pruned, unpruned)
    conn.close()
