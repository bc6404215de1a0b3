"""Client helpers shared by the stream suites: a psycopg2 connection to a test
server and a confluent-kafka producer that waits for every record's ack."""

import psycopg2
from confluent_kafka import Producer


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
