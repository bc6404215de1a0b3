"""Unit tests of the sqllogictest runner (tests/sqllogictest/slt.py).

Small inline .test scripts run on the sqlite engine; they check the parser,
value rendering, sorting, hashing, labels, skipif/onlyif and the counting
rules (every counted record is pass or fail). Run:
    /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/sqllogictest/test_slt_runner.py
"""

import hashlib
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import slt  # noqa: E402

# md5 of "1\n2\n...9\n", computed independently: printf '1\n2\n3\n4\n5\n6\n7\n8\n9\n' | md5sum
MD5_1_TO_9 = "22e400a2ddbb013acf2a5852d6ab69fc"

T1 = """\
statement ok
CREATE TABLE t1(a INTEGER, b TEXT, c REAL)

statement ok
INSERT INTO t1 VALUES(1,'x',1.5),(2,'',NULL),(3,'y',-0.25)
"""


def run(tmp_path, text, engine=None, name="t.test"):
    """Write text to a .test file and run it on a fresh sqlite engine; return the FileResult."""
    p = tmp_path / name
    p.write_text(text)
    return slt.run_file(engine or slt.SqliteEngine(timeout_s=10), str(p))


def failed_lines(res):
    return [f.line for f in res.failures]


# --------------------------------------------------------------------- parser

def test_parse_records_comments_crlf_and_conditions(tmp_path):
    p = tmp_path / "p.test"
    p.write_bytes(b"# a comment\r\nhash-threshold 3\r\n\r\n"
                  b"skipif mysql # trailing words ignored\r\nonlyif sqlite\r\n"
                  b"query IT rowsort label-7\r\nSELECT 1,\r\n# comment inside\r\n'a'\r\n----\r\n1\r\na\r\n"
                  b"   \r\n"
                  b"statement error\nSELECT nope\n\nquery I\nSELECT 1\n\nhalt\n")
    recs = list(slt.parse_records(str(p)))
    assert [r.kind for r in recs] == ["hash-threshold", "query", "statement", "query", "halt"]
    assert recs[0].threshold == 3
    q = recs[1]
    assert q.conditions == [("skipif", "mysql"), ("onlyif", "sqlite")]
    assert (q.types, q.sortmode, q.label) == ("IT", "rowsort", "label-7")
    assert q.sql == "SELECT 1,\n'a'" and q.expected == ["1", "a"] and q.line == 6
    assert recs[2].expect_ok is False and recs[2].sql == "SELECT nope"
    assert recs[3].sortmode == "nosort" and recs[3].expected is None
    assert q.skipped_for("postgresql") and not q.skipped_for("sqlite") and not q.skipped_for("SQLite")


# ------------------------------------------------------------- value rendering

@pytest.mark.parametrize("value,letter,text", [
    (None, "I", "NULL"), (None, "R", "NULL"), (None, "T", "NULL"),
    (7, "I", "7"), (-7.9, "I", "-7"), (7.9, "I", "7"), ("12abc", "I", "12"), ("abc", "I", "0"),
    (" -3.5x", "I", "-3"), (1 << 32, "I", "0"), ((1 << 31) + 5, "I", "-2147483643"),
    (2, "R", "2.000"), (0.0625, "R", "0.063"), (-0.0625, "R", "-0.063"), (-0.0, "R", "0.000"),
    (1.0005, "R", "1.000"), ("2.5e1xyz", "R", "25.000"), ("abc", "R", "0.000"),
    (-9223372036854775808.0, "R", "-9223372036854776000.000"),
    ("", "T", "(empty)"), ("a\tb", "T", "a@b"), ("é", "T", "@@"), ("~ ", "T", "~ "),
    (3, "T", "3"), (1.0, "T", "1.0"), (1e20, "T", "1.0e+20"), (0.1 + 0.2, "T", "0.3"),
])
def test_sqlite_value(value, letter, text):
    assert slt.sqlite_value(value, letter) == text


@pytest.mark.parametrize("raw,oid,letter,text", [
    ("t", 16, "I", "1"), ("f", 16, "T", "0"), ("t", 16, "R", "1.000"),
    ("42", 23, "I", "42"), ("42", 20, "R", "42.000"), ("2.5000000000000000", 1700, "I", "2"),
    ("-2.5000000000000000", 1700, "R", "-2.500"), ("1e+20", 701, "I", "-1"),
    ("3.75", 701, "I", "3"), ("NaN", 701, "I", "0"), ("hello", 25, "T", "hello"), ("", 25, "T", "(empty)"),
    (None, 23, "I", "NULL"), (None, 25, "T", "NULL"),
])
def test_pg_column_formatter(raw, oid, letter, text):
    assert slt.pg_column_formatter(letter, oid)(raw) == text


# ----------------------------------------------------------- records and counts

def test_all_pass_and_wrong_result_is_a_failure(tmp_path):
    res = run(tmp_path, "hash-threshold 0\n\n" + T1 + """
query ITR nosort
SELECT a, b, c FROM t1 ORDER BY a
----
1
x
1.500
2
(empty)
NULL
3
y
-0.250

query I nosort
SELECT a FROM t1 ORDER BY a
----
1
2
4

query I nosort
SELECT a FROM t1 ORDER BY a
----
1
2

query I nosort
SELECT a FROM t1 WHERE a > 5
----
""")
    assert (res.passed, res.total) == (4, 6)
    assert failed_lines(res) == [22, 29]
    f = res.failures[0]
    assert f.message == "wrong result" and f.expected == ["1", "2", "4"] and f.got == ["1", "2", "3"]


def test_statement_ok_and_error(tmp_path):
    res = run(tmp_path, """\
statement ok
CREATE TABLE t(x INTEGER)

statement error
CREATE TABLE t(x INTEGER)

statement error
INSERT INTO t VALUES(1)

statement ok
INSERT INTO nosuchtable VALUES(1)

statement ok
INSERT INTO t VALUES(1); INSERT INTO t VALUES(2)

query I nosort
SELECT count(*) FROM t
----
3
""")
    assert (res.passed, res.total) == (4, 6)
    assert failed_lines(res) == [7, 10]
    assert res.failures[0].message == "statement succeeded, error expected"
    assert res.failures[1].message.startswith("statement failed:")


def test_query_errors_and_bad_records_are_failures(tmp_path):
    res = run(tmp_path, """\
query I nosort
SELECT * FROM nosuchtable
----

query II nosort
SELECT 1
----
1

query X nosort
SELECT 1
----
1

query I sideways
SELECT 1
----
1

frobnicate the table
""")
    assert (res.passed, res.total) == (0, 5)
    msgs = [f.message for f in res.failures]
    assert msgs[0].startswith("query failed:") and "wrong number of result columns" in msgs[1]
    assert msgs[2].startswith("bad type string") and msgs[3].startswith("unknown sort mode")
    assert msgs[4].startswith("unknown record type")


def test_runtime_error_ends_result_like_reference_sqlite_engine(tmp_path):
    # slt_sqlite.c stops at the first failing sqlite3_step: sum() overflow -> empty result.
    res = run(tmp_path, """\
statement ok
CREATE TABLE t(x INTEGER)

statement ok
INSERT INTO t VALUES(9223372036854775807),(1)

query I nosort
SELECT sum(x) FROM t
----
""")
    assert (res.passed, res.total) == (3, 3)


def test_sort_modes(tmp_path):
    # rowsort and valuesort compare rendered strings: "10" sorts before "9".
    res = run(tmp_path, """\
query IT rowsort
SELECT * FROM (VALUES (9,'b'),(10,'z'),(9,'a'))
----
10
z
9
a
9
b

query IT valuesort
SELECT * FROM (VALUES (9,'b'),(10,'z'))
----
10
9
b
z

query I nosort
SELECT * FROM (VALUES (9),(10))
----
10
9
""")
    assert (res.passed, res.total) == (2, 3)
    assert failed_lines(res) == [19]


def test_hashing_threshold_and_known_md5(tmp_path):
    values = "SELECT * FROM (VALUES (3),(1),(2),(5),(4),(6),(7),(9),(8))"
    md5_of_1 = hashlib.md5(b"1\n").hexdigest()
    assert hashlib.md5("".join(f"{i}\n" for i in range(1, 10)).encode()).hexdigest() == MD5_1_TO_9
    res = run(tmp_path, f"""\
query I rowsort
{values}
----
9 values hashing to {MD5_1_TO_9}

query I rowsort
{values}
----
9 values hashing to 00000000000000000000000000000000

query I rowsort
{values}
----
1
2
3
4
5
6
7
8
9

hash-threshold 0

query I rowsort
{values}
----
1
2
3
4
5
6
7
8
9

query I rowsort
SELECT 1
----
1 values hashing to {md5_of_1}
""")
    # 2nd: wrong md5; 3rd: 9 values > default threshold 8, so only the hash form can match.
    assert (res.passed, res.total) == (3, 5)
    assert failed_lines(res) == [6, 11]
    assert res.failures[0].got == [f"9 values hashing to {MD5_1_TO_9}"]


def test_labels_must_agree(tmp_path):
    res = run(tmp_path, """\
query I rowsort label-1
SELECT 1
----
1

query I rowsort label-1
SELECT 1 + 0
----
1

query I rowsort label-1
SELECT 2
----
1

query I rowsort label-2
SELECT 2
----
2
""")
    assert (res.passed, res.total) == (3, 4)
    assert failed_lines(res) == [11]
    assert "label-1" in res.failures[0].message


def test_skipif_onlyif_not_counted(tmp_path):
    res = run(tmp_path, """\
skipif sqlite
query I nosort
SELECT 'never run' FROM nosuchtable
----

onlyif postgresql
statement ok
CREATE TABLE x(a SERIAL)

onlyif sqlite
query I nosort
SELECT 1
----
1

skipif mysql
skipif postgresql
query I nosort
SELECT 2
----
2

onlyif sqlite
skipif sqlite
statement ok
garbage
""")
    assert (res.passed, res.total) == (2, 2)


def test_halt_stops_the_file(tmp_path):
    res = run(tmp_path, """\
query I nosort
SELECT 1
----
1

onlyif mysql
halt

halt

query I nosort
SELECT 'not counted'
----
x
""")
    assert (res.passed, res.total) == (1, 1)


class DyingEngine(slt.SqliteEngine):
    """Loses the engine at the n-th statement/query."""

    def __init__(self, n):
        super().__init__(timeout_s=10)
        self.left = n

    def _tick(self):
        self.left -= 1
        if self.left <= 0:
            raise slt.EngineUnavailable("server crashed")

    def statement(self, sql):
        self._tick()
        super().statement(sql)

    def query(self, sql, types):
        self._tick()
        return super().query(sql, types)


def test_engine_loss_counts_remaining_records_failed(tmp_path):
    text = "\n".join(f"query I nosort\nSELECT {i}\n----\n{i}\n" for i in range(10))
    res = run(tmp_path, text, engine=DyingEngine(4))
    assert (res.passed, res.total) == (3, 10)
    assert res.engine_error == "server crashed" and res.unavailable_failed == 7


def test_create_tracking_regex():
    m = slt._CREATE_RE.match
    assert m("CREATE TABLE t1(a INTEGER)").groups() == ("TABLE", "t1")
    assert m("create unique index idx_1 ON t1(a)").groups() == ("index", "idx_1")
    assert m("CREATE VIEW IF NOT EXISTS v9 AS SELECT 1").groups() == ("VIEW", "v9")
    assert m("CREATE TEMP TABLE tt (a)").groups() == ("TABLE", "tt")
    assert m("INSERT INTO t1 VALUES(1)") is None


# ------------------------------------------------------------------------ CLI

def test_cli_lines_require_and_min_pass(tmp_path, capsys):
    good = tmp_path / "good.test"
    good.write_text("query I nosort\nSELECT 1\n----\n1\n")
    bad = tmp_path / "sub" / "bad.test"
    bad.parent.mkdir()
    bad.write_text("query I nosort\nSELECT 1\n----\n2\n\nquery I nosort\nSELECT 1\n----\n1\n")
    base = ["--engine", "sqlite", str(tmp_path)]
    assert slt.main(base) == 0
    out = capsys.readouterr().out
    assert f"{good}: 1/1 (100.00%) in " in out and f"{bad}: 1/2 (50.00%) in " in out
    assert "total: 2/3 (66.66%)" in out
    assert slt.main(base + ["--require", str(good)]) == 0
    assert slt.main(base + ["--require", str(tmp_path / "sub" / "*.test")]) == 1
    assert slt.main(base + ["--require", str(tmp_path / "nothing*.test")]) == 1
    assert slt.main(base + ["--min-pass", "0.6"]) == 0
    assert slt.main(base + ["--min-pass", "0.7"]) == 1
    capsys.readouterr()
    assert slt.main(base + ["--max-files", "1"]) == 0
    assert "total: 1/1" in capsys.readouterr().out
    assert slt.main(["--engine", "sqlite", "--verbose", str(bad)]) == 0
    out = capsys.readouterr().out
    assert f"FAIL {bad}:1: wrong result" in out and "expected: 2" in out and "got:      1" in out
