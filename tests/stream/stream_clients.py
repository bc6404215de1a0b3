"""Helpers shared by the stream suites: a test server with short view
checkpoints and steps, a psycopg2 connection to it, a query's rows, and a
confluent-kafka producer that waits for every record's ack."""

import psycopg2
from confluent_kafka import Producer

from strata_harness import StrataServer

# View checkpoints every 200 ms and 64 KiB steps: crashes and restarts land
# between many checkpoints and steps even in short tests.
CHECKPOINT_MS = 200


def view_server(tmp_path, port=0):
    """A server (not started) for view tests; port=None keeps one Kafka port across restarts."""
    cfg = tmp_path / "strata.toml"
    cfg.write_text(f"[streams]\ncheckpoint_interval_ms = {CHECKPOINT_MS}\nview_step_bytes = 65536\n")
    return StrataServer(port=port, extra_args=["--pg-listen", "127.0.0.1:0", "--config", str(cfg)])


def rows(cur, sql):
    cur.execute(sql)
    return cur.fetchall()


def connect(srv):
    host, port = srv.pg_address()
    conn = psycopg2.connect(host=host, port=port, user="strata", dbname="strata", connect_timeout=10)
    conn.autocommit = True
    return conn


def produce(srv, topic, values, partition=None):
    p = Producer({"bootstrap.servers": srv.kafka, "acks": "all", "linger.ms": 0})
    for v in values:
        kw = {} if partition is None else {"partition": partition}
        p.produce(topic, value=v.encode() if isinstance(v, str) else v, **kw)
    assert p.flush(30) == 0
