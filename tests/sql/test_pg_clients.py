"""Real PostgreSQL clients against Strata's SQL engine: psql and psycopg2 (libpq).

Each test starts its own server (loopback, free ports) through strata_harness and
talks to it only as a client nobody here wrote would: psql's scripts and \\copy,
psycopg2's cursors, executemany, copy_expert, error classes and cancellation.
"""

import io
import os
import shutil
import subprocess
import threading
import time

import psycopg2
import psycopg2.errors
import pytest

from strata_harness import StrataServer


@pytest.fixture
def server(request):
    srv = StrataServer(port=0, extra_args=["--pg-listen", "127.0.0.1:0"])
    request.node._strata_servers = [srv]
    srv.start()
    yield srv
    srv.stop(check=False)


def connect(srv, **kw):
    host, port = srv.pg_address()
    return psycopg2.connect(host=host, port=port, user="strata", dbname="strata", connect_timeout=10, **kw)


def psql(srv, *args, input_text=None):
    host, port = srv.pg_address()
    exe = shutil.which("psql")
    if exe is None:
        pytest.skip("psql is not installed (tools/install-deps.sh installs postgresql-client)")
    env = dict(os.environ, PGCONNECT_TIMEOUT="10")
    return subprocess.run([exe, "-h", host, "-p", str(port), "-U", "strata", "-d", "strata", "-X", "-v",
                           "ON_ERROR_STOP=1", *args], input=input_text, capture_output=True, text=True,
                          timeout=120, env=env)


def test_psql_script_and_results(server):
    r = psql(server, "-At", "-c",
             "CREATE TABLE t (id int PRIMARY KEY, name text, price numeric(8,2));"
             "INSERT INTO t VALUES (1, 'apple', 1.50), (2, 'pear', 2.25), (3, NULL, NULL);"
             "SELECT id, name, price FROM t ORDER BY id;")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-3:] == ["1|apple|1.50", "2|pear|2.25", "3||"]
    r = psql(server, "-At", "-c", "SELECT count(*), sum(price), avg(id) FROM t")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "3|3.75|2.0000000000000000"


def test_psql_error_reports_sqlstate(server):
    r = psql(server, "-c", "\\set VERBOSITY verbose", "-c", "SELECT * FROM no_such_table")
    assert r.returncode != 0
    assert "42P01" in r.stderr and "no_such_table" in r.stderr


def test_psql_copy_round_trip(server, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("id,city\n1,Paris\n2,\"Rio, de Janeiro\"\n3,\n")
    out = tmp_path / "out.csv"
    r = psql(server, "-c", "CREATE TABLE c (id int, city text)",
             "-c", f"\\copy c FROM '{src}' WITH (FORMAT csv, HEADER)",
             "-c", f"\\copy (SELECT id, city FROM c ORDER BY id) TO '{out}' WITH (FORMAT csv)")
    assert r.returncode == 0, r.stderr
    assert out.read_text() == "1,Paris\n2,\"Rio, de Janeiro\"\n3,\n"


def test_psycopg2_parameters_types_and_executemany(server):
    conn = connect(server)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("CREATE TABLE m (id bigint, label varchar(20), ok boolean, amount numeric(10,3), "
                "at timestamptz, d date, f double precision)")
    rows = [(i, f"row {i}", i % 2 == 0, i * 1.5, f"2024-01-0{1 + i % 9} 10:00:00+00", "2024-02-29", i / 4)
            for i in range(50)]
    cur.executemany("INSERT INTO m VALUES (%s, %s, %s, %s, %s, %s, %s)", rows)
    cur.execute("SELECT count(*), sum(id), count(*) FILTER (WHERE ok) FROM m")
    assert cur.fetchone() == (50, 1225, 25)
    cur.execute("SELECT id, label, ok, amount, d, f FROM m WHERE id = %s", (7,))
    r = cur.fetchone()
    assert r[0] == 7 and r[1] == "row 7" and r[2] is False
    assert str(r[3]) == "10.500" and str(r[4]) == "2024-02-29" and r[5] == 1.75
    cur.execute("SELECT at FROM m WHERE id = 3")
    assert cur.fetchone()[0].isoformat() == "2024-01-04T10:00:00+00:00"
    conn.close()


def test_psycopg2_copy_expert(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("CREATE TABLE k (a int, b text)")
    data = "".join(f"{i}\tv{i}\n" for i in range(1000)) + "1000\t\\N\n"
    cur.copy_expert("COPY k FROM STDIN", io.StringIO(data))
    conn.commit()
    cur.execute("SELECT count(*), count(b), max(a) FROM k")
    assert cur.fetchone() == (1001, 1000, 1000)
    out = io.StringIO()
    cur.copy_expert("COPY (SELECT a, b FROM k WHERE a < 3 OR a = 1000 ORDER BY a) TO STDOUT WITH (FORMAT csv)", out)
    assert out.getvalue() == "0,v0\n1,v1\n2,v2\n1000,\n"
    conn.close()


def test_psycopg2_errors_and_transactions(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("CREATE TABLE u (id int PRIMARY KEY)")
    conn.commit()
    cur.execute("INSERT INTO u VALUES (1)")
    with pytest.raises(psycopg2.errors.UniqueViolation):
        cur.execute("INSERT INTO u VALUES (1)")
    with pytest.raises(psycopg2.errors.InFailedSqlTransaction):
        cur.execute("SELECT 1")
    conn.rollback()
    cur.execute("SELECT count(*) FROM u")
    assert cur.fetchone() == (0,)
    with pytest.raises(psycopg2.errors.DivisionByZero):
        cur.execute("SELECT 1 / 0")
    conn.rollback()
    with pytest.raises(psycopg2.errors.UndefinedColumn) as e:
        cur.execute("SELECT nope FROM u")
    assert e.value.pgcode == "42703"
    conn.rollback()
    with pytest.raises(psycopg2.errors.SyntaxError):
        cur.execute("SELEKT 1")
    conn.close()


def test_psycopg2_cancel(server):
    conn = connect(server)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("CREATE TABLE big (x int)")
    cur.execute("INSERT INTO big SELECT a * 100 + b FROM (VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)) s(a), "
                "(VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)) t(b)")
    timer = threading.Timer(1.0, conn.cancel)
    timer.start()
    started = time.monotonic()
    # A correlated subquery per row of a 10^6-row cross join: long enough to cancel.
    with pytest.raises(psycopg2.errors.QueryCanceled):
        cur.execute("SELECT count(*) FROM big a, big b, big c WHERE a.x + b.x + c.x = "
                    "(SELECT max(x) FROM big WHERE x < a.x + 1)")
    timer.cancel()
    assert time.monotonic() - started < 60
    cur.execute("SELECT 1")
    assert cur.fetchone() == (1,)
    conn.close()


def test_pg_sleep_sleeps_and_is_cancelled(server):
    conn = connect(server)
    conn.autocommit = True
    cur = conn.cursor()
    started = time.monotonic()
    cur.execute("SELECT pg_sleep(0.3), pg_sleep(NULL)")  # the literal is numeric: cast to double precision
    assert cur.fetchone() == ("", None)
    assert time.monotonic() - started >= 0.3
    timer = threading.Timer(0.5, conn.cancel)
    timer.start()
    started = time.monotonic()
    with pytest.raises(psycopg2.errors.QueryCanceled):
        cur.execute("SELECT pg_sleep(30)")
    timer.cancel()
    assert time.monotonic() - started < 10
    conn.close()


def test_tables_survive_restart(server):
    conn = connect(server)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("CREATE TABLE d (id int, v text)")
    cur.execute("INSERT INTO d VALUES (1, 'a'), (2, 'b')")
    cur.execute("DELETE FROM d WHERE id = 1")
    conn.close()
    server.restart(clean=False)
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("SELECT id, v FROM d")
    assert cur.fetchall() == [(2, "b")]
    conn.close()


DESCRIBE_SETUP = (
    "CREATE TABLE orders (id bigint PRIMARY KEY, country varchar(2) NOT NULL, "
    "amount numeric(10,2) DEFAULT 0, note text, CHECK (amount >= 0));"
    "CREATE INDEX orders_country_idx ON orders (country);"
    "CREATE VIEW big_orders AS SELECT id, amount FROM orders WHERE amount > 100;"
    "CREATE SCHEMA sales;"
    "CREATE TABLE sales.leads (id int);"
    "COMMENT ON TABLE orders IS 'one row per checkout';"
    "COMMENT ON COLUMN orders.amount IS 'in euros';"
)


def describe(srv, *commands):
    args = []
    for c in commands:
        args += ["-c", c]
    r = psql(srv, *args)
    assert r.returncode == 0, r.stderr
    assert "ERROR" not in r.stderr, r.stderr
    return r.stdout


def test_psql_lists_relations_schemas_and_databases(server):
    describe(server, DESCRIBE_SETUP)
    out = describe(server, "\\d")
    assert "public | big_orders | view  | strata" in out
    assert "public | orders     | table | strata" in out
    assert "leads" not in out  # not on the search path, as in PostgreSQL
    out = describe(server, "\\dt")
    assert "orders" in out and "big_orders" not in out
    out = describe(server, "\\dv")
    assert "big_orders" in out and "| table" not in out
    out = describe(server, "\\di")
    assert "orders_pkey" in out and "orders_country_idx" in out and "| index | strata | orders" in out
    out = describe(server, "\\dn")
    assert "public" in out and "sales" in out and "pg_catalog" not in out
    out = describe(server, "\\l")
    assert "strata" in out and "UTF8" in out
    out = describe(server, "\\dt+")
    assert "one row per checkout" in out


def test_psql_describes_a_table(server):
    describe(server, DESCRIBE_SETUP)
    out = describe(server, "\\d orders")
    assert 'Table "public.orders"' in out
    assert "id      | bigint               |           | not null |" in out
    assert "country | character varying(2) |           | not null |" in out
    assert "amount  | numeric(10,2)        |           |          | 0" in out
    assert '"orders_pkey" PRIMARY KEY, btree (id)' in out
    assert '"orders_country_idx" btree (country)' in out
    assert "Check constraints:" in out and "CHECK" in out and "amount" in out
    out = describe(server, "\\d+ orders")
    assert "in euros" in out
    assert "one row per checkout" not in out or "Description" in out
    assert "Access method: heap" in out
    out = describe(server, "\\d+ big_orders")
    assert 'View "public.big_orders"' in out and "View definition:" in out and "amount > 100" in out
    out = describe(server, "\\d orders_pkey")
    assert 'Index "public.orders_pkey"' in out and "primary key, btree, for table \"public.orders\"" in out
    # psql's FETCH_COUNT reads results through a cursor (DECLARE ... FETCH FORWARD n).
    out = describe(server, "\\set FETCH_COUNT 3", "SELECT g FROM generate_series(1, 10) g")
    assert out.split() == ["g", "---"] + [str(i) for i in range(1, 11)] + ["(10", "rows)"]
    r = psql(server, "-c", "\\d no_such_table")
    assert "Did not find any relation named \"no_such_table\"" in r.stderr


def test_psycopg2_named_cursor_streams_in_batches(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("CREATE TABLE n (i int, s text)")
    cur.execute("INSERT INTO n SELECT x, 'v' || x::text FROM generate_series(1, 5000) g(x)")
    conn.commit()
    named = conn.cursor(name="c1")
    named.itersize = 700
    named.execute("SELECT i, s FROM n WHERE i % 2 = 0 ORDER BY i")
    got = [r[0] for r in named]
    assert got == list(range(2, 5001, 2))
    named.close()
    named = conn.cursor(name="c2")
    named.execute("SELECT i FROM n ORDER BY i")
    assert named.fetchmany(3) == [(1,), (2,), (3,)]
    assert named.fetchone() == (4,)
    named.scroll(10)  # MOVE FORWARD 10
    assert named.fetchone() == (15,)
    assert len(named.fetchall()) == 5000 - 15
    named.close()
    conn.commit()
    conn.close()


def test_cursor_statements_and_errors(server):
    conn = connect(server)
    cur = conn.cursor()
    cur.execute("CREATE TABLE w (i int)")
    cur.execute("INSERT INTO w VALUES (1), (2), (3), (4)")
    conn.commit()
    conn.autocommit = True
    with pytest.raises(psycopg2.errors.NoActiveSqlTransaction):
        cur.execute("DECLARE c CURSOR FOR SELECT i FROM w")
    with pytest.raises(psycopg2.errors.InvalidCursorName):
        cur.execute("FETCH 1 FROM nope")
    # WITH HOLD outside a transaction block: materialised, survives until CLOSE.
    cur.execute("DECLARE h CURSOR WITH HOLD FOR SELECT i FROM w ORDER BY i")
    cur.execute("FETCH 2 FROM h")
    assert cur.fetchall() == [(1,), (2,)]
    assert cur.statusmessage == "FETCH 2"
    cur.execute("FETCH ALL FROM h")
    assert cur.fetchall() == [(3,), (4,)]
    cur.execute("CLOSE h")
    conn.autocommit = False
    cur.execute("DECLARE s SCROLL CURSOR FOR SELECT i FROM w ORDER BY i")
    cur.execute("FETCH LAST FROM s")
    assert cur.fetchall() == [(4,)]
    cur.execute("FETCH BACKWARD 2 FROM s")
    assert cur.fetchall() == [(3,), (2,)]
    cur.execute("FETCH ABSOLUTE 1 FROM s")
    assert cur.fetchall() == [(1,)]
    cur.execute("MOVE FORWARD ALL IN s")
    assert cur.statusmessage == "MOVE 3"
    cur.execute("DECLARE f NO SCROLL CURSOR FOR SELECT i FROM w ORDER BY i")
    cur.execute("FETCH NEXT FROM f")
    assert cur.fetchall() == [(1,)]
    with pytest.raises(psycopg2.errors.DuplicateCursor):
        cur.execute("DECLARE f CURSOR FOR SELECT 1")
    conn.rollback()
    cur.execute("DECLARE f CURSOR FOR SELECT i FROM w ORDER BY i")
    cur.execute("FETCH FORWARD 3 FROM f")
    assert cur.fetchall() == [(1,), (2,), (3,)]
    with pytest.raises(psycopg2.errors.ObjectNotInPrerequisiteState):
        cur.execute("FETCH PRIOR FROM f")
    conn.rollback()
    cur.execute("DECLARE a CURSOR FOR SELECT 1")
    cur.execute("DECLARE b CURSOR FOR SELECT 2")
    cur.execute("CLOSE ALL")
    with pytest.raises(psycopg2.errors.InvalidCursorName):
        cur.execute("CLOSE a")
    conn.rollback()
    # Cursors without HOLD end with their transaction.
    cur.execute("DECLARE t CURSOR FOR SELECT i FROM w")
    conn.commit()
    with pytest.raises(psycopg2.errors.InvalidCursorName):
        cur.execute("FETCH 1 FROM t")
    conn.close()
