"""Streams over topics end to end, with clients nobody here wrote.

One real server per test (loopback, free ports): a stream is created with
psycopg2, JSON records are produced with python3-confluent-kafka (librdkafka),
SELECTed back with psycopg2 (counts, aggregates, a join with a table, a malformed
record skipped with a NOTICE), then rows INSERTed into the stream are read back
with kcat.
"""

import io
import json
import shutil
import subprocess

import psycopg2
import psycopg2.errors
import pytest

from strata_harness import StrataServer
from stream_clients import connect, produce


@pytest.fixture
def server(request):
    srv = StrataServer(port=0, extra_args=["--pg-listen", "127.0.0.1:0"])
    request.node._strata_servers = [srv]
    srv.start()
    yield srv
    srv.stop(check=False)


def kcat_values(srv, topic):
    exe = shutil.which("kcat")
    if exe is None:
        pytest.skip("kcat is not installed (tools/install-deps.sh installs it)")
    r = subprocess.run([exe, "-C", "-b", srv.kafka, "-t", topic, "-e", "-q", "-f", "%p\t%s\n"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return [line.split("\t", 1) for line in r.stdout.splitlines() if line]


ORDERS = [
    {"order_id": 1, "country": "BR", "amount": 48.90, "ts": "2024-05-01 12:00:00"},
    {"order_id": 2, "country": "DE", "amount": 10, "ts": "2024-05-01 12:00:01"},
    {"order_id": 3, "country": "BR", "amount": 1.10, "ts": 1714564802000},
    {"order_id": 4, "country": "US", "amount": 7.25, "ts": "2024-05-01 12:00:03"},
]


def test_select_over_produced_records(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("CREATE STREAM orders (order_id bigint NOT NULL, country text, amount numeric(10,2), ts timestamp, "
                "WATERMARK FOR ts AS ts - INTERVAL '5 seconds') "
                "WITH (topic = 'checkout.orders', format = 'json', partitions = 3, allowed_lateness = '10 seconds')")
    cur.execute("SHOW STREAMS")
    assert cur.fetchall() == [("public", "orders", "checkout.orders", "json", 3, "ts AS ts - INTERVAL '5 seconds'",
                               __import__("datetime").timedelta(seconds=10), "checkout.orders.dlq")]
    cur.execute("SELECT count(*) FROM orders")
    assert cur.fetchone() == (0,)

    produce(server, "checkout.orders", [json.dumps(o) for o in ORDERS[:2]], partition=0)
    produce(server, "checkout.orders", [json.dumps(o) for o in ORDERS[2:]], partition=2)
    produce(server, "checkout.orders", ['{"order_id": 5, "country": ', '{"country": "FR"}'], partition=1)

    del conn.notices[:]
    cur.execute("SELECT order_id, country, amount::text, ts::text FROM orders ORDER BY order_id")
    assert cur.fetchall() == [(1, "BR", "48.90", "2024-05-01 12:00:00"), (2, "DE", "10.00", "2024-05-01 12:00:01"),
                              (3, "BR", "1.10", "2024-05-01 12:00:02"), (4, "US", "7.25", "2024-05-01 12:00:03")]
    assert any("skipped 2 records of stream \"orders\"" in n for n in conn.notices), conn.notices

    cur.execute("SELECT country, count(*), sum(amount)::text FROM orders GROUP BY country ORDER BY country")
    assert cur.fetchall() == [("BR", 2, "50.00"), ("DE", 1, "10.00"), ("US", 1, "7.25")]

    cur.execute("CREATE TABLE countries (code text PRIMARY KEY, name text)")
    cur.execute("INSERT INTO countries VALUES ('BR', 'Brazil'), ('DE', 'Germany')")
    cur.execute("SELECT c.name, sum(o.amount)::text FROM orders o JOIN countries c ON c.code = o.country "
                "GROUP BY c.name ORDER BY c.name")
    assert cur.fetchall() == [("Brazil", "50.00"), ("Germany", "10.00")]

    # The snapshot is taken at statement start: records produced later show up
    # in the next statement.
    produce(server, "checkout.orders", [json.dumps({"order_id": 6, "country": "BR", "amount": 1})])
    cur.execute("SELECT count(*), max(order_id) FROM orders")
    assert cur.fetchone() == (5, 6)
    conn.close()


def test_insert_is_read_back_by_kcat(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("CREATE STREAM events (id bigint, name text, score double precision) "
                "WITH (topic = 'app.events', partitions = 2)")
    cur.execute("INSERT INTO events VALUES (1, 'signup', 0.5), (2, 'login', NULL)")
    assert cur.rowcount == 2
    cur.execute("CREATE TABLE more (id bigint)")
    cur.execute("INSERT INTO more SELECT * FROM generate_series(3, 12)")
    cur.execute("INSERT INTO events (id, name) SELECT id, 'bulk' FROM more")
    assert cur.rowcount == 10

    got = kcat_values(server, "app.events")
    values = sorted((json.loads(v) for _, v in got), key=lambda o: o["id"])
    assert len(values) == 12
    assert values[0] == {"id": 1, "name": "signup", "score": 0.5}
    assert values[1] == {"id": 2, "name": "login", "score": None}
    assert [v["id"] for v in values] == list(range(1, 13))
    assert {p for p, _ in got} <= {"0", "1"}

    # What kcat sees, SELECT sees too.
    cur.execute("SELECT count(*), count(score), sum(id) FROM events")
    assert cur.fetchone() == (12, 1, 78)

    # CSV streams encode rows as CSV lines.
    cur.execute("CREATE STREAM lines (a int, b text) WITH (format = 'csv')")
    cur.execute("INSERT INTO lines VALUES (1, 'x,y'), (2, NULL)")
    assert sorted(v for _, v in kcat_values(server, "lines")) == ['1,"x,y"', "2,"]
    # COPY FROM appends like INSERT.
    cur.copy_expert("COPY lines FROM STDIN WITH (FORMAT csv)", io.StringIO("3,z\n4,\n"))
    assert sorted(v for _, v in kcat_values(server, "lines")) == ['1,"x,y"', "2,", "3,z", "4,"]
    conn.close()


def test_errors_and_drop(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("CREATE TABLE t (a int)")
    with pytest.raises(psycopg2.errors.DuplicateTable):
        cur.execute("CREATE STREAM t (a int)")
    with pytest.raises(psycopg2.errors.InvalidParameterValue):
        cur.execute("CREATE STREAM s (a int) WITH (format = 'avro')")
    with pytest.raises(psycopg2.errors.InvalidParameterValue):
        cur.execute("CREATE STREAM s (a int) WITH (topic = 'no spaces')")
    with pytest.raises(psycopg2.errors.DatatypeMismatch):
        cur.execute("CREATE STREAM s (a int, WATERMARK FOR a AS a)")
    cur.execute("CREATE STREAM s (a int)")
    with pytest.raises(psycopg2.errors.WrongObjectType):
        cur.execute("DELETE FROM s")
    cur.execute("INSERT INTO s VALUES (1)")
    cur.execute("DROP STREAM s")
    cur.execute("DROP STREAM IF EXISTS s")
    with pytest.raises(psycopg2.errors.UndefinedTable):
        cur.execute("SELECT * FROM s")
    # The topic outlives the stream: its record is still there.
    assert [v for _, v in kcat_values(server, "s")] == ['{"a": 1}']
    conn.close()


def test_streams_survive_restart(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("CREATE STREAM r (v text) WITH (format = 'raw')")
    cur.execute("INSERT INTO r VALUES ('hello'), ('world')")
    conn.close()
    server.stop()
    server.start()
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("SELECT v FROM r ORDER BY v")
    assert cur.fetchall() == [("hello",), ("world",)]
    conn.close()


def test_psql_lists_and_describes_streams(server):
    exe = shutil.which("psql")
    if exe is None:
        pytest.skip("psql is not installed (tools/install-deps.sh installs postgresql-client)")
    conn = connect(server)
    conn.cursor().execute("CREATE STREAM clicks (url text NOT NULL, at timestamptz) WITH (topic = 'web.clicks')")
    conn.close()
    host, port = server.pg_address()
    base = [exe, "-h", host, "-p", str(port), "-U", "strata", "-d", "strata", "-X", "-v", "ON_ERROR_STOP=1"]
    r = subprocess.run(base + ["-c", "\\d"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "clicks" in r.stdout
    r = subprocess.run(base + ["-c", "\\d clicks"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "url" in r.stdout and "not null" in r.stdout and "timestamp with time zone" in r.stdout
