"""`make demo`'s pipeline end to end: tools/demo.sh as a user runs it.

The script starts the server, creates the `countries` table, the `orders` stream
and its two views, then produces checkout events. Here it runs on free loopback
ports with a fixed number of events; the test waits until both views equal the
batch SELECT of their own query over the stream (stream = batch), and checks
absolute facts (every event counted once, the producer's bursts caught by the
fraud view) so that both sides cannot be wrong together.
"""

import os
import signal
import subprocess
import time
from pathlib import Path

import psycopg2

from strata_harness import free_port, strata_binary

REPO = Path(__file__).resolve().parents[2]
EVENTS = 1500
BURST_EVERY = 300  # the producer's default: one user places 5 orders in a row

REVENUE = ("SELECT country, window_start, window_end, count(*) AS orders, sum(amount) AS revenue "
           "FROM TUMBLE(orders, event_time, INTERVAL '1 minute') GROUP BY country, window_start, window_end")
# A view over revenue_per_country_minute (a cascade), with the revenue view inlined.
TOP_COUNTRY = ("SELECT r.window_start, r.country, r.revenue FROM (" + REVENUE + ") r JOIN (SELECT window_start, "
               "max(revenue) AS top FROM (" + REVENUE + ") x GROUP BY window_start) m "
               "ON r.window_start = m.window_start AND r.revenue = m.top")
FRAUD = ("SELECT user_id, window_start, window_end, count(*) AS orders "
         "FROM TUMBLE(orders, event_time, INTERVAL '1 minute') "
         "GROUP BY user_id, window_start, window_end HAVING count(*) > 3")


def rows(cur, sql):
    cur.execute(sql)
    return sorted(cur.fetchall())


def test_demo_views_equal_their_batch_queries(tmp_path):
    pg_port = free_port()
    env = dict(os.environ, STRATA_DATA_DIR=str(tmp_path / "data"),
               STRATA_KAFKA_LISTEN=f"127.0.0.1:{free_port()}", STRATA_PG_PORT=str(pg_port),
               STRATA_HTTP_LISTEN=f"127.0.0.1:{free_port()}", STRATA_DEMO_RATE="500",
               STRATA_DEMO_COUNT=str(EVENTS))
    log = open(tmp_path / "demo.log", "w+")
    demo = subprocess.Popen(["bash", str(REPO / "tools/demo.sh"), os.path.abspath(strata_binary())], cwd=tmp_path, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while f"stopped after {EVENTS} orders, {EVENTS} acknowledged" not in (tmp_path / "demo.log").read_text():
            assert demo.poll() is None, (tmp_path / "demo.log").read_text()[-4000:]
            assert time.monotonic() < deadline, (tmp_path / "demo.log").read_text()[-4000:]
            time.sleep(0.2)

        conn = psycopg2.connect(host="127.0.0.1", port=pg_port, user="strata", dbname="strata", connect_timeout=10)
        conn.autocommit = True
        cur = conn.cursor()
        assert rows(cur, "SELECT count(*) FROM orders") == [(EVENTS,)]
        deadline = time.monotonic() + 60
        while True:
            view = (sorted(rows(cur, "SELECT * FROM revenue_per_country_minute")),
                    sorted(rows(cur, "SELECT * FROM fraud_suspects")),
                    sorted(rows(cur, "SELECT * FROM top_country_per_minute")))
            batch = (sorted(rows(cur, REVENUE)), sorted(rows(cur, FRAUD)), sorted(rows(cur, TOP_COUNTRY)))
            if view == batch:
                break
            assert time.monotonic() < deadline, f"views never equalled the batch:\n{view}\n{batch}"
            time.sleep(0.2)
        revenue, fraud, top = view
        # The view over the revenue view: each window's best country (ties: all).
        best = {}
        for country, start, _, _, amount in revenue:
            best[start] = max(best.get(start, amount), amount)
        assert sorted((start, country, amount) for country, start, _, _, amount in revenue
                      if amount == best[start]) == top
        assert sum(r[3] for r in revenue) == EVENTS
        assert len({r[0] for r in revenue}) == 10  # the producer's ten countries
        # Five bursts of five orders; a burst split by a minute boundary may miss.
        assert len(fraud) >= EVENTS // BURST_EVERY - 1, fraud
        assert all(r[3] > 3 for r in fraud)
        # The reference table is there too.
        assert rows(cur, "SELECT count(*) FROM countries") == [(10,)]
        conn.close()
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        try:
            demo.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()
        log.close()
