"""Differential test: the same data and queries in Strata (over psycopg2) and in
SQLite (Python's sqlite3, a reference nobody here wrote); the results must match.

The data is generated from a fixed seed with NULLs, duplicates and skew. Queries
are written in the dialect both accept and order their output completely (NULL
placement spelled out), so results compare row by row. Floating-point results are
compared to 9 significant digits.
"""

import decimal
import random
import sqlite3

import psycopg2
import pytest

from strata_harness import StrataServer

SEED = 20261122
ROWS = 3000

QUERIES = [
    "SELECT id, a, b, s FROM t1 ORDER BY id",
    "SELECT count(*), count(a), count(DISTINCT a), sum(a), min(a), max(a) FROM t1",
    "SELECT a, count(*), sum(b) FROM t1 GROUP BY a ORDER BY a NULLS FIRST",
    "SELECT s, count(*) FROM t1 WHERE b > 10 GROUP BY s HAVING count(*) > 2 ORDER BY s NULLS FIRST",
    "SELECT id, a * 3 - b, a / 3, a % 7, -a FROM t1 WHERE a IS NOT NULL AND b IS NOT NULL ORDER BY id",
    "SELECT id FROM t1 WHERE a BETWEEN 10 AND 20 AND s LIKE 'b%' ORDER BY id",
    "SELECT id FROM t1 WHERE a IN (1, 3, 5, 7) OR b NOT IN (2, 4) ORDER BY id",
    "SELECT CASE WHEN a > 50 THEN 'hi' WHEN a > 20 THEN 'mid' ELSE 'lo' END AS k, count(*) FROM t1 GROUP BY 1 ORDER BY 1",
    "SELECT coalesce(a, b, -1), nullif(a, b) FROM t1 ORDER BY id",
    "SELECT t1.id, t2.label FROM t1 JOIN t2 ON t1.a = t2.k ORDER BY t1.id, t2.label",
    "SELECT t1.id, t2.label FROM t1 LEFT JOIN t2 ON t1.a = t2.k ORDER BY t1.id, t2.label NULLS FIRST",
    "SELECT t2.k, count(t1.id) FROM t2 LEFT JOIN t1 ON t1.a = t2.k GROUP BY t2.k ORDER BY t2.k NULLS FIRST",
    "SELECT t1.id FROM t1, t2 WHERE t1.a = t2.k AND t2.label = 'even' AND t1.b < 30 ORDER BY t1.id",
    "SELECT id FROM t1 WHERE a > (SELECT avg(a) FROM t1) ORDER BY id",
    "SELECT id, (SELECT count(*) FROM t2 WHERE t2.k < t1.a) FROM t1 WHERE id < 200 ORDER BY id",
    "SELECT id FROM t1 WHERE EXISTS (SELECT 1 FROM t2 WHERE t2.k = t1.b) ORDER BY id",
    "SELECT id FROM t1 WHERE a NOT IN (SELECT k FROM t2 WHERE k IS NOT NULL) ORDER BY id",
    "SELECT a FROM t1 UNION SELECT k FROM t2 ORDER BY 1 NULLS FIRST",
    "SELECT a FROM t1 INTERSECT SELECT k FROM t2 ORDER BY 1 NULLS FIRST",
    "SELECT b FROM t1 EXCEPT SELECT k FROM t2 ORDER BY 1 NULLS FIRST",
    "SELECT DISTINCT s FROM t1 ORDER BY s NULLS LAST",
    "SELECT id, a FROM t1 ORDER BY a DESC NULLS LAST, id LIMIT 25 OFFSET 10",
    "SELECT upper(s), length(s), substr(s, 2, 3), s || '-' || id FROM t1 WHERE s IS NOT NULL ORDER BY id",
    "SELECT abs(b - a), round(a * 1.0 / 7, 3) FROM t1 WHERE a IS NOT NULL AND b IS NOT NULL ORDER BY id",
    "SELECT s, max(b), min(a) FROM t1 GROUP BY s ORDER BY s NULLS FIRST",
    "SELECT avg(a), avg(b) FROM t1",
    "SELECT x.id, y.id FROM t1 x JOIN t1 y ON x.a = y.b AND x.id < y.id WHERE x.id < 300 ORDER BY 1, 2",
    "WITH big AS (SELECT id, a FROM t1 WHERE a > 60) SELECT count(*), sum(a) FROM big",
    "SELECT id FROM t1 WHERE s IS NULL AND a IS NULL ORDER BY id",
    "SELECT sum(CASE WHEN s = 'alpha' THEN 1 ELSE 0 END), sum(CASE WHEN b IS NULL THEN 1 END) FROM t1",
]


def generate():
    rnd = random.Random(SEED)
    words = ["alpha", "beta", "gamma", "bravo", "delta", None, "b", ""]
    t1 = []
    for i in range(ROWS):
        a = None if rnd.random() < 0.08 else int(rnd.paretovariate(1.2)) % 100
        b = None if rnd.random() < 0.05 else rnd.randint(-5, 60)
        s = rnd.choice(words)
        t1.append((i, a, b, s))
    t2 = [(k, "even" if k % 2 == 0 else "odd") for k in range(0, 40, 3)] + [(None, "none")]
    return t1, t2


def normalize(rows):
    out = []
    for r in rows:
        nr = []
        for v in r:
            if isinstance(v, decimal.Decimal):
                v = float(v)
            if isinstance(v, float):
                v = float(f"{v:.9g}")
                if v == int(v) and abs(v) < 1e15:
                    v = int(v)
            nr.append(v)
        out.append(tuple(nr))
    return out


@pytest.fixture(scope="module")
def engines():
    t1, t2 = generate()
    lite = sqlite3.connect(":memory:")
    lite.execute("CREATE TABLE t1 (id INTEGER, a INTEGER, b INTEGER, s TEXT)")
    lite.execute("CREATE TABLE t2 (k INTEGER, label TEXT)")
    lite.executemany("INSERT INTO t1 VALUES (?, ?, ?, ?)", t1)
    lite.executemany("INSERT INTO t2 VALUES (?, ?)", t2)
    srv = StrataServer(port=0)
    srv.start()
    host, port = srv.pg_address()
    conn = psycopg2.connect(host=host, port=port, user="strata", dbname="strata", connect_timeout=10)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("CREATE TABLE t1 (id integer, a integer, b integer, s text)")
    cur.execute("CREATE TABLE t2 (k integer, label text)")
    cur.execute("BEGIN")
    cur.executemany("INSERT INTO t1 VALUES (%s, %s, %s, %s)", t1)
    cur.executemany("INSERT INTO t2 VALUES (%s, %s)", t2)
    cur.execute("COMMIT")
    yield lite, cur
    conn.close()
    srv.stop(check=False)


@pytest.mark.parametrize("query", QUERIES)
def test_same_result_as_sqlite(engines, query):
    lite, cur = engines
    expected = normalize(lite.execute(query).fetchall())
    cur.execute(query)
    got = normalize(cur.fetchall())
    assert len(got) == len(expected), query
    assert got == expected, query
