"""Sinks end to end, with real clients: CREATE SINK over materialized views,
the topics read back with kcat and python3-confluent-kafka.

Each mode is checked against the view it writes: an append sink's records are
the view's rows, each once; the last upsert record per key (tombstones
removing keys) is the view; replaying a changelog (Debezium envelopes) gives
the view, and each update's "before" is the previous "after" of its key. Keys
go where Kafka's Java partitioner (murmur2) puts them, as librdkafka's
`murmur2` partitioner computes it. The crash test kills the server with
SIGKILL while records arrive and checks that, afterwards, every sink holds
every change exactly once.
"""

import collections
import json
import random
import subprocess
import threading
import time
from decimal import Decimal

import psycopg2
import pytest
from confluent_kafka import Consumer, Producer

from stream_clients import connect, produce, rows, view_server

KCAT = "/usr/bin/kcat"

STREAM = ("CREATE STREAM orders (order_id bigint NOT NULL, country text, amount numeric(10,2)) "
          "WITH (topic = 'shop.orders', partitions = 3)")
BIG = "SELECT order_id, upper(country) AS c, amount FROM orders WHERE amount >= 50"
REVENUE = ("SELECT country, count(*) AS n, sum(amount) AS total FROM orders "
           "WHERE order_id > 0 GROUP BY country")
# Recomputed (an aggregate joined back to its stream): rows come and go, with no key.
MAXES = ("SELECT o.country, o.order_id, o.amount FROM orders o JOIN (SELECT country, max(amount) AS m "
         "FROM orders GROUP BY country) x ON o.country = x.country AND o.amount = x.m")


def orders(first, count):
    return [json.dumps({"order_id": i, "country": ["BR", "DE", "US", "FR", None][i % 5],
                        "amount": None if i % 11 == 0 else round((i * 7.3) % 100, 2)})
            for i in range(first, first + count)]


def kcat_records(srv, topic):
    """Every record of `topic` as (partition, offset, key or None, value or None), via kcat."""
    out = subprocess.run(
        [KCAT, "-C", "-b", srv.kafka, "-t", topic, "-e", "-q", "-Z",
         "-f", "%p\t%o\t%K\t%k\t%S\t%s\n"],
        capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr.decode(errors="replace")
    recs = []
    for line in out.stdout.decode().splitlines():
        # %K and %S are the key's and value's lengths, -1 for null (-Z prints NULL then).
        p, o, klen, k, vlen, v = line.split("\t")
        recs.append((int(p), int(o), None if int(klen) < 0 else k, None if int(vlen) < 0 else v))
    recs.sort(key=lambda r: (r[0], r[1]))
    return recs


def view_json(cur, view):
    """The view's rows as the dicts a sink writes (numbers as Decimal, as json parses them below)."""
    cur.execute(f"SELECT * FROM {view}")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def parse(v):
    return json.loads(v, parse_float=Decimal, parse_int=Decimal)


def norm(row):
    return tuple(sorted((k, None if v is None else Decimal(v) if isinstance(v, (int, Decimal)) else v)
                        for k, v in row.items()))


def sink_status(cur, name):
    shown = {r[1]: r for r in rows(cur, "SHOW SINKS")}
    return shown[name]


def wait_for(check, timeout=60, what=""):
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got is True:
            return
        assert time.monotonic() < deadline, f"{what}: {got}"
        time.sleep(0.2)


def upsert_table(recs):
    table = {}
    for _, _, k, v in recs:
        if v is None:
            table.pop(k, None)
        else:
            table[k] = parse(v)
    return table


def changelog_table(recs):
    """Replays a changelog; asserts that each change applies to the key's current row."""
    table = {}
    for _, _, k, v in recs:
        e = parse(v)
        if e["op"] == "c":
            assert k not in table, f"create of existing key {k}"
            table[k] = e["after"]
        elif e["op"] == "u":
            assert table.get(k) == e["before"], f"update of {k}: before {e['before']} != {table.get(k)}"
            table[k] = e["after"]
        else:
            assert e["op"] == "d" and table.get(k) == e["before"], e
            del table[k]
    return table


def changelog_multiset(recs):
    """Replays a changelog of a view without a key: creates and deletes of rows
    (keyed by the row itself), as a multiset; a delete must find its row."""
    table = collections.Counter()
    for _, _, k, v in recs:
        e = parse(v)
        assert e["op"] in ("c", "d"), e
        row = norm(e["after"] if e["op"] == "c" else e["before"])
        assert k is not None and norm(parse(k)) == row, (k, e)
        if e["op"] == "d":
            assert table[row] > 0, f"delete of a row not there: {e}"
            table[row] -= 1
        else:
            table[row] += 1
    return +table


def test_append_sink_writes_each_new_row_once(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute(STREAM)
    cur.execute("CREATE MATERIALIZED VIEW big AS " + BIG)
    produce(server, "shop.orders", orders(1, 200))
    cur.execute("CREATE SINK big_out FROM big INTO TOPIC 'shop.big'")  # append: the default for this view
    produce(server, "shop.orders", orders(201, 300))
    want = sorted(norm(r) for r in view_json(cur, "(" + BIG + ") b"))

    def complete():
        got = sorted(norm(parse(v)) for _, _, _, v in kcat_records(server, "shop.big"))
        return True if got == want else f"{len(got)} records, want {len(want)}"
    wait_for(complete, what="append sink")
    recs = kcat_records(server, "shop.big")
    assert all(k is None for _, _, k, _ in recs)
    st = sink_status(cur, "big_out")
    assert st[2:6] == ("big", "shop.big", "append", "json"), st
    assert st[6] == len(want) and st[8] == 0 and st[10] == "running", st
    # More input later: only the new rows are appended.
    produce(server, "shop.orders", orders(501, 100))
    want = sorted(norm(r) for r in view_json(cur, "(" + BIG + ") b"))
    wait_for(complete, what="append sink, second round")
    conn.close()


def test_upsert_sink_keys_rows_by_group_and_partitions_like_kafka(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute(STREAM)
    cur.execute("CREATE MATERIALIZED VIEW revenue AS " + REVENUE)
    cur.execute("CREATE SINK revenue_out FROM revenue INTO TOPIC 'shop.revenue' WITH (mode = 'upsert', partitions = 4)")
    for first in (1, 301, 601):
        produce(server, "shop.orders", orders(first, 300))
        want = {norm(r) for r in view_json(cur, "(" + REVENUE + ") v")}

        def complete():
            table = upsert_table(kcat_records(server, "shop.revenue"))
            got = {norm(r) for r in table.values()}
            return True if got == want else f"{sorted(map(repr, got))} != {sorted(map(repr, want))}"
        wait_for(complete, what="upsert sink")
    recs = kcat_records(server, "shop.revenue")
    for _, _, k, v in recs:
        assert parse(k) == {"country": parse(v)["country"]}
    # Partitions as the Java client's default partitioner (librdkafka: murmur2).
    p = Producer({"bootstrap.servers": server.kafka, "partitioner": "murmur2", "acks": "all"})
    cur.execute("CREATE STREAM probe (x text) WITH (topic = 'probe', partitions = 4)")
    placed = {}
    for key in {k for _, _, k, _ in recs}:
        p.produce("probe", key=key.encode(), value=b"x",
                  on_delivery=lambda err, msg, key=key: placed.__setitem__(key, msg.partition()))
    assert p.flush(30) == 0
    for part, _, k, _ in recs:
        assert placed[k] == part, (k, part, placed[k])
    conn.close()


def test_changelog_sink_replays_to_the_view(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute(STREAM)
    # HAVING makes groups appear and (with negative amounts) disappear: deletes.
    cur.execute("CREATE MATERIALIZED VIEW rich AS SELECT country, sum(amount) AS total FROM orders "
                "GROUP BY country HAVING sum(amount) > 100")
    cur.execute("CREATE SINK rich_log FROM rich INTO TOPIC 'shop.rich' WITH (mode = 'changelog')")

    def replayed():
        got = {norm(r) for r in changelog_table(kcat_records(server, "shop.rich")).values()}
        want = {norm(r) for r in view_json(cur, "rich")}
        return True if got == want else f"{sorted(map(repr, got))} != {sorted(map(repr, want))}"
    # Creates, then updates of the same groups, then BR's total falls below the
    # HAVING bound (a delete) and rises again (a create).
    rounds = [orders(1, 100), orders(101, 100),
              [json.dumps({"order_id": 5000, "country": "BR", "amount": -99999})],
              [json.dumps({"order_id": 5001, "country": "BR", "amount": 199999})]]
    for i, batch in enumerate(rounds):
        produce(server, "shop.orders", batch)
        wait_for(lambda: True if rows(cur, "SELECT count(*) FROM orders")[0][0] == sum(map(len, rounds[:i + 1]))
                 and rows(cur, "SELECT * FROM rich ORDER BY 1") ==
                 rows(cur, "SELECT country, sum(amount) FROM orders GROUP BY country HAVING sum(amount) > 100 "
                           "ORDER BY 1") else "view behind", what="view")
        wait_for(replayed, what=f"changelog after round {i}")
        has_br = any(r["country"] == "BR" for r in view_json(cur, "rich"))
        assert has_br == (i != 2), (i, view_json(cur, "rich"))
    ops = [parse(v)["op"] for *_, v in kcat_records(server, "shop.rich")]
    assert set(ops) == {"c", "u", "d"}, ops
    assert ops.count("d") == 1, ops
    conn.close()


def test_changelog_sink_of_a_recomputed_view_replays_as_a_multiset(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute(STREAM)
    cur.execute("CREATE MATERIALIZED VIEW maxes AS " + MAXES)
    cur.execute("CREATE MATERIALIZED VIEW over_maxes AS SELECT country, count(*) AS n FROM maxes GROUP BY country")
    for sql, words in [("CREATE SINK s FROM maxes INTO TOPIC 'x'", "use mode 'changelog'"),
                       ("CREATE SINK s FROM maxes INTO TOPIC 'x' WITH (mode = 'append')", "use mode 'changelog'"),
                       ("CREATE SINK s FROM over_maxes INTO TOPIC 'x' WITH (mode = 'changelog')", "reads other views")]:
        with pytest.raises(psycopg2.Error) as e:
            cur.execute(sql)
        assert e.value.pgcode == "0A000" and words in e.value.pgerror, (sql, e.value.pgerror)
    cur.execute("CREATE SINK maxes_log FROM maxes INTO TOPIC 'shop.maxes' WITH (mode = 'changelog')")

    def replayed():
        got = changelog_multiset(kcat_records(server, "shop.maxes"))
        want = collections.Counter(norm(r) for r in view_json(cur, "maxes"))
        return True if got == want else f"{sorted(got.items())} != {sorted(want.items())}"
    # Each round raises some countries' maxima (old rows deleted, new created);
    # the ties of a country's maximum are copies of no row, but rows of one value.
    rounds = [orders(1, 100), orders(101, 100),
              [json.dumps({"order_id": 9000 + i, "country": c, "amount": 500}) for i, c in enumerate("BR DE BR".split())]]
    for i, batch in enumerate(rounds):
        produce(server, "shop.orders", batch)
        wait_for(lambda: True if rows(cur, "SELECT * FROM maxes ORDER BY 1, 2") ==
                 rows(cur, MAXES + " ORDER BY 1, 2") and rows(cur, "SELECT count(*) FROM orders")[0][0] ==
                 sum(map(len, rounds[:i + 1])) else "view behind", what="view")
        wait_for(replayed, what=f"changelog after round {i}")
    assert dict(rows(cur, "SELECT country, count(*) FROM maxes GROUP BY 1"))["BR"] == 2
    ops = collections.Counter(parse(v)["op"] for *_, v in kcat_records(server, "shop.maxes"))
    assert ops["c"] > ops["d"] > 0, ops
    conn.close()


def test_sink_errors_and_dependencies(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute(STREAM)
    cur.execute("CREATE MATERIALIZED VIEW big AS " + BIG)
    cur.execute("CREATE MATERIALIZED VIEW revenue AS " + REVENUE)
    cur.execute("CREATE TABLE t (a int)")

    def fails(sql, state, words):
        with pytest.raises(psycopg2.Error) as e:
            cur.execute(sql)
        assert e.value.pgcode == state, (sql, e.value.pgerror)
        assert words in e.value.pgerror, e.value.pgerror
    fails("CREATE SINK s FROM big INTO TOPIC 'x' WITH (mode = 'upsert')", "0A000", "no key")
    fails("CREATE SINK s FROM revenue INTO TOPIC 'x' WITH (mode = 'append')", "0A000", "'upsert' or 'changelog'")
    fails("CREATE SINK s FROM revenue INTO TOPIC 'x' WITH (mode = 'retract')", "22023", "append, upsert or changelog")
    fails("CREATE SINK s FROM revenue INTO TOPIC 'x' WITH (colour = 'red')", "22023", "colour")
    fails("CREATE SINK s FROM revenue INTO TOPIC 'x' WITH (partitions = 0)", "22023", "partitions")
    fails("CREATE SINK s FROM revenue INTO TOPIC 'bad topic'", "22023", "topic names")
    fails("CREATE SINK s FROM big INTO TOPIC 'shop.orders'", "42P17", "its own view reads")
    fails("CREATE SINK s FROM nothing INTO TOPIC 'x'", "42P01", "does not exist")
    fails("CREATE SINK s FROM t INTO TOPIC 'x'", "42809", "not a materialized view")
    cur.execute("CREATE SINK s FROM revenue INTO TOPIC 'x'")  # upsert: the default for an aggregate
    fails("CREATE SINK s FROM big INTO TOPIC 'y'", "42710", "already exists")
    cur.execute("CREATE SINK IF NOT EXISTS s FROM big INTO TOPIC 'y'")
    assert conn.notices and "skipping" in conn.notices[-1]
    assert [r[1:5] for r in rows(cur, "SHOW SINKS")] == [("s", "revenue", "x", "upsert")]
    fails("DROP MATERIALIZED VIEW revenue", "2BP01", "sink \"s\" depends on it")
    cur.execute("CREATE SINK s2 FROM big INTO TOPIC 'y'")
    cur.execute("DROP SINK s2")
    fails("DROP SINK s2", "42704", "does not exist")
    cur.execute("DROP SINK IF EXISTS s2")
    cur.execute("DROP MATERIALIZED VIEW revenue CASCADE")
    assert "drop cascades to sink s" in conn.notices[-1]
    assert rows(cur, "SHOW SINKS") == []
    conn.close()


def test_sinks_survive_a_restart_without_repeating(tmp_path):
    srv = view_server(tmp_path, port=None)
    try:
        srv.start()
        conn = connect(srv)
        cur = conn.cursor()
        cur.execute(STREAM)
        cur.execute("CREATE MATERIALIZED VIEW big AS " + BIG)
        cur.execute("CREATE MATERIALIZED VIEW revenue AS " + REVENUE)
        cur.execute("CREATE SINK big_out FROM big INTO TOPIC 'o.big'")
        cur.execute("CREATE SINK rev_log FROM revenue INTO TOPIC 'o.rev' WITH (mode = 'changelog')")
        produce(srv, "shop.orders", orders(1, 400))
        n_big = rows(cur, "SELECT count(*) FROM (" + BIG + ") b")[0][0]
        wait_for(lambda: True if len(kcat_records(srv, "o.big")) == n_big else "behind", what="big")
        conn.close()
        srv.stop()
        srv.start()
        conn = connect(srv)
        cur = conn.cursor()
        produce(srv, "shop.orders", orders(401, 200))
        want = sorted(norm(r) for r in view_json(cur, "(" + BIG + ") b"))
        wait_for(lambda: True if sorted(norm(parse(v)) for *_, v in kcat_records(srv, "o.big")) == want
                 else "behind", what="big after restart")
        wait_for(lambda: True if {norm(r) for r in changelog_table(kcat_records(srv, "o.rev")).values()}
                 == {norm(r) for r in view_json(cur, "(" + REVENUE + ") v")} else "behind", what="rev")
        conn.close()
    finally:
        srv.stop(check=False)
        srv.close()


def test_kill9_leaves_every_sink_exactly_once(tmp_path):
    """SIGKILL 12 times while orders arrive; afterwards the append sink holds the
    filter view's rows exactly once and the changelog replays, change by
    change, to the aggregate view (a repeated or lost change breaks the chain)."""
    srv = view_server(tmp_path, port=None)
    total = 6000
    try:
        srv.start()
        conn = connect(srv)
        cur = conn.cursor()
        cur.execute(STREAM)
        cur.execute("CREATE MATERIALIZED VIEW big AS " + BIG)
        cur.execute("CREATE MATERIALIZED VIEW revenue AS " + REVENUE)
        cur.execute("CREATE SINK big_out FROM big INTO TOPIC 'o.big'")
        cur.execute("CREATE SINK rev_log FROM revenue INTO TOPIC 'o.rev' WITH (mode = 'changelog')")
        cur.execute("CREATE SINK rev_up FROM revenue INTO TOPIC 'o.up' WITH (mode = 'upsert', partitions = 3)")
        cur.execute("CREATE MATERIALIZED VIEW maxes AS " + MAXES)
        cur.execute("CREATE SINK maxes_log FROM maxes INTO TOPIC 'o.maxes' WITH (mode = 'changelog')")
        conn.close()
        rng = random.Random(7)
        sent = 1
        for kill in range(12):
            batch = rng.randint(300, 900)
            n = min(batch, total + 1 - sent)
            if n > 0:
                # Produced while the server runs; acked records are durable.
                produce(srv, "shop.orders", orders(sent, n))
                sent += n
            time.sleep(rng.uniform(0.05, 0.6))
            srv.kill9()
            srv.start()
        if sent <= total:
            produce(srv, "shop.orders", orders(sent, total + 1 - sent))
        conn = connect(srv)
        cur = conn.cursor()
        want_big = sorted(norm(r) for r in view_json(cur, "(" + BIG + ") b"))
        want_rev = {norm(r) for r in view_json(cur, "(" + REVENUE + ") v")}
        wait_for(lambda: True if {norm(r) for r in view_json(cur, "revenue")} == want_rev else "view behind",
                 timeout=90, what="view")

        def big_done():
            got = sorted(norm(parse(v)) for *_, v in kcat_records(srv, "o.big"))
            return True if got == want_big else f"{len(got)} records, want {len(want_big)}"
        wait_for(big_done, timeout=90, what="append sink after kills")
        wait_for(lambda: True if {norm(r) for r in changelog_table(kcat_records(srv, "o.rev")).values()}
                 == want_rev else "behind", timeout=90, what="changelog after kills")
        wait_for(lambda: True if {norm(r) for r in upsert_table(kcat_records(srv, "o.up")).values()}
                 == want_rev else "behind", timeout=90, what="upsert after kills")
        want_maxes = collections.Counter(norm(r) for r in view_json(cur, "(" + MAXES + ") m"))
        wait_for(lambda: True if changelog_multiset(kcat_records(srv, "o.maxes")) == want_maxes else "behind",
                 timeout=90, what="changelog of the recomputed view after kills")
        for name in ("big_out", "rev_log", "rev_up", "maxes_log"):
            assert sink_status(cur, name)[10] == "running"
        conn.close()
    finally:
        srv.stop(check=False)
        srv.close()


def test_upsert_sink_of_a_top_n_view_is_keyed_by_group_and_rank(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute(STREAM)
    cur.execute("CREATE MATERIALIZED VIEW top2 AS SELECT country, rn, order_id, amount FROM (SELECT *, "
                "row_number() OVER (PARTITION BY country ORDER BY amount DESC NULLS LAST, order_id) AS rn "
                "FROM orders) t WHERE rn <= 2")
    cur.execute("CREATE SINK top2_out FROM top2 INTO TOPIC 'shop.top2'")  # upsert: the default
    for first in (1, 201):
        produce(server, "shop.orders", orders(first, 200))
        want = {norm(r) for r in view_json(cur, "top2")}
        wait_for(lambda: True if {norm(r) for r in upsert_table(kcat_records(server, "shop.top2")).values()}
                 == {norm(r) for r in view_json(cur, "top2")} else "behind", what="top-N upsert")
    recs = kcat_records(server, "shop.top2")
    assert {tuple(sorted(parse(k))) for _, _, k, _ in recs} == {("country", "rn")}
    assert len(upsert_table(recs)) == len(want) == 10
    conn.close()


def test_a_sink_topic_feeds_the_next_view(server):
    """Views in a cascade, through a topic: per-minute closed windows (EMIT ON
    WINDOW CLOSE, final) go to an append sink; a stream over that topic feeds a
    second view, which sees each window exactly once."""
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("CREATE STREAM clicks (user_id bigint, ts timestamp, WATERMARK FOR ts AS ts) "
                "WITH (topic = 'c.clicks')")
    cur.execute("CREATE MATERIALIZED VIEW per_minute AS SELECT window_start, window_end, count(*) AS n "
                "FROM TUMBLE(clicks, ts, INTERVAL '1 minute') GROUP BY window_start, window_end "
                "EMIT ON WINDOW CLOSE")
    cur.execute("CREATE SINK per_minute_out FROM per_minute INTO TOPIC 'c.per_minute'")
    cur.execute("CREATE STREAM minutes (window_start timestamp, window_end timestamp, n bigint) "
                "WITH (topic = 'c.per_minute')")
    cur.execute("CREATE MATERIALIZED VIEW busiest AS SELECT count(*) AS windows, sum(n) AS clicks, max(n) AS top "
                "FROM minutes")
    rng = random.Random(5)
    base = 1_700_000_000
    stamps = sorted(base + rng.uniform(0, 1200) for _ in range(500))
    produce(server, "c.clicks", [json.dumps({"user_id": i, "ts": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))})
                                 for i, t in enumerate(stamps)])
    closed = rows(cur, "SELECT count(*) FROM (SELECT DISTINCT date_trunc('minute', ts) FROM clicks) m")[0][0] - 1

    def cascaded():
        got = rows(cur, "SELECT * FROM busiest")
        want = rows(cur, "SELECT count(*), sum(n), max(n) FROM per_minute")
        return True if got == want and want[0][0] == closed else f"{got} vs {want}, {closed} closed"
    wait_for(cascaded, what="cascade")
    # Every click of a closed minute counted once, through two views and a topic.
    last = rows(cur, "SELECT max(window_end) FROM per_minute")[0][0]
    assert rows(cur, "SELECT clicks FROM busiest")[0][0] == rows(cur, f"SELECT count(*) FROM clicks WHERE ts < '{last}'")[0][0]
    conn.close()
