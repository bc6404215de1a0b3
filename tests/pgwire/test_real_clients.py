"""Real PostgreSQL clients against pgwire with the test-only FakeBackend
(tests/pgwire/fake_pg_server.cc; canned statements listed in
src/pgwire/fake_backend.h). End-to-end SQL tests come with the engine.

psql (libpq, simple protocol), psycopg2 (libpq, client-side parameters, simple
protocol) and psycopg 3 (libpq, server-side parameters through the extended
protocol, binary parameters and results) when installed.
"""

import os
import re
import shutil
import subprocess
import time
import datetime
import decimal

import pytest

FAKE_BIN = os.environ.get("PGWIRE_FAKE_SERVER_BIN", "")


@pytest.fixture(scope="module")
def server():
    if not FAKE_BIN or not os.access(FAKE_BIN, os.X_OK):
        pytest.skip("PGWIRE_FAKE_SERVER_BIN not set (run through ctest)")
    proc = subprocess.Popen([FAKE_BIN, "--listen", "127.0.0.1:0"], stderr=subprocess.PIPE, text=True)
    port = None
    deadline = time.time() + 30
    lines = []
    while time.time() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        m = re.search(r'msg="?ready"?.*\bpg="?[0-9.]+:(\d+)', line)
        if m:
            port = int(m.group(1))
            break
    if port is None:
        proc.kill()
        pytest.fail("fake server did not get ready: " + "".join(lines))
    yield port
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    assert proc.returncode == 0


def psql(port, *args):
    if shutil.which("psql") is None:
        pytest.skip("psql not installed (apt-get install postgresql-client)")
    return subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "tester", "-d", "db",
                           "-X", "-A", "-t", *args],
                          capture_output=True, text=True, timeout=30,
                          env={**os.environ, "PGCONNECT_TIMEOUT": "10", "PGSSLMODE": "prefer"})


def test_psql_select_1(server):
    r = psql(server, "-c", "select 1")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "1"


def test_psql_reports_sqlstate_and_position(server):
    r = psql(server, "-v", "VERBOSITY=verbose", "-c", "select boom")
    assert r.returncode == 1
    assert "42703" in r.stderr
    assert 'column "boom" does not exist' in r.stderr
    assert "LINE 1: select boom" in r.stderr  # psql draws the caret from the P field


def test_psql_copy_round_trip(server):
    r = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(server), "-U", "tester", "-d", "db", "-X", "-c",
         "copy t from stdin"], input="1\tone\n2\ttwo\n", capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "COPY 2"
    r = psql(server, "-c", "copy t to stdout")
    assert r.returncode == 0, r.stderr
    assert "1\tone\n2\ttwo\n" in r.stdout


def test_psql_notice(server):
    r = psql(server, "-c", "drop table if exists ghost")
    assert r.returncode == 0, r.stderr
    assert 'table "ghost" does not exist, skipping' in r.stderr


def test_psycopg2(server):
    psycopg2 = pytest.importorskip("psycopg2")
    import psycopg2.errors  # noqa: F401
    conn = psycopg2.connect(host="127.0.0.1", port=server, user="tester", dbname="db",
                            application_name="pytest")
    try:
        assert conn.server_version == 150000
        cur = conn.cursor()
        cur.execute("select * from types")  # inside BEGIN (psycopg2 is not autocommit)
        row = cur.fetchone()
        assert row[0] is True
        assert row[1] == -2 and row[2] == 123456 and row[3] == -9000000000
        assert row[6] == decimal.Decimal("12345.678")
        assert row[7] == "héllo"
        assert bytes(row[10]) == b"\x00\x01\xff"
        assert row[11] == datetime.date(2024, 2, 29)
        assert row[13] == datetime.datetime(2000, 1, 2, 3, 4, 5, 6000)
        assert row[14] == datetime.datetime(1999, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc)
        assert row[15] == datetime.timedelta(days=365 + 60 + 3, seconds=4 * 3600 + 5 * 60 + 6)
        assert cur.fetchone() == (None,) * 17
        conn.commit()
        # Client-side parameters (psycopg2 interpolates): the simple protocol.
        cur.execute("select generate_series(1, %s)", (5000,))
        assert [r[0] for r in cur.fetchall()] == list(range(1, 5001))
        conn.rollback()
        with pytest.raises(psycopg2.Error) as e:
            cur.execute("select boom")
        assert e.value.pgcode == "42703"
        assert conn.get_transaction_status() == 3  # TRANSACTION_STATUS_INERROR
        conn.rollback()
        with pytest.raises(psycopg2.Error) as e:
            cur.execute("select 1/0")
        assert e.value.pgcode == "22012"
    finally:
        conn.close()


def test_psycopg3_extended_protocol_binary(server):
    psycopg = pytest.importorskip("psycopg", reason="python3-psycopg (psycopg 3) not installed")
    with psycopg.connect(host="127.0.0.1", port=server, user="tester", dbname="db", autocommit=True) as conn:
        # Server-side parameters: Parse/Bind/Describe/Execute/Sync, binary and text.
        values = (42, 2 ** 40, 1.5, decimal.Decimal("-12345.678"), "héllo", b"\x00\xff",
                  datetime.date(2024, 2, 29), datetime.datetime(2000, 1, 2, 3, 4, 5, 6000),
                  datetime.datetime(1999, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc),
                  datetime.timedelta(days=3, seconds=14706), True, None)
        query = "select " + ", ".join(["%s"] * len(values))
        for binary in (True, False):
            row = conn.cursor(binary=binary).execute(query, values).fetchone()
            assert row == values, f"binary={binary}: {row!r}"
        # A named prepared statement, reused, with a row count over one batch.
        for _ in range(2):
            cur = conn.execute("select generate_series(1, 2500)", prepare=True)
            assert [r[0] for r in cur.fetchall()] == list(range(1, 2501))
        with pytest.raises(psycopg.Error) as e:
            conn.execute("select boom", prepare=True)
        assert e.value.sqlstate == "42703"
        assert e.value.diag.statement_position == "8"
        with pytest.raises(psycopg.Error) as e:
            conn.execute("select 1/0")
        assert e.value.sqlstate == "22012"
        # The connection is usable after errors.
        assert conn.execute("select 1").fetchone() == (1,)
