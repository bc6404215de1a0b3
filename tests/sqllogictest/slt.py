#!/usr/bin/python3
"""Run SQLite's sqllogictest files against SQLite, PostgreSQL or Strata.

Usage (Debian's /usr/bin/python3; stdlib sqlite3 and python3-psycopg2 only):

    slt.py --engine sqlite PATH...
    slt.py --engine postgres --dsn "host=127.0.0.1 port=55433 user=postgres dbname=postgres" PATH...
    slt.py --engine strata --dsn "host=127.0.0.1 port=5433 user=strata" PATH...
    slt.py --engine strata --strata-bin build/dev/strata PATH...

PATH is a .test file or a directory (searched recursively for *.test). The
run prints one line per file, ``file: passed/total (pct%) in X s``, then a
``total`` line; ``--verbose`` also prints every failure. See ``--help`` and
tests/sqllogictest/README.md.

File format (the reference is SQLite's sqllogictest.c; this is our own code)
---------------------------------------------------------------------------
A file is a sequence of *records* separated by one or more blank lines (a
line of only white space is blank). A line whose first character is ``#`` is
a comment: it is dropped wherever it appears, even inside a record. A
trailing CR is dropped from every line. A record's first line is split on
white space; its first token is the record type:

``statement ok`` / ``statement error``
    The rest of the record is one SQL text (lines joined with newlines). It
    passes when it runs without error (ok) or fails with an error (error).
``query <types> [<sortmode> [<label>]]``
    ``types`` has one letter per result column: ``I`` integer, ``R`` real,
    ``T`` text. The SQL runs up to a line ``----``; the lines after it up to
    the end of the record are the expected values, one value per line in
    row-major order (or one line ``N values hashing to MD5``). A missing
    ``----`` means an empty result is expected.
    sortmode: ``nosort`` (default), ``rowsort`` (sort rows, comparing their
    values as strings column by column), ``valuesort`` (sort all values).
    label: queries of one file with the same label must give the same
    values (compared through their MD5); a label also forces hashing.
``hash-threshold N``
    From here on, a result with more than N values (N > 0) is compared as
    ``<count> values hashing to <md5>`` where md5 is taken over every value
    followed by ``\\n``, after sorting. The default threshold is 8.
``halt``
    Stop reading the file (for debugging a script).
``skipif <db>`` / ``onlyif <db>`` lines before a record's first line
    Skip the record when the engine's label equals ``db`` (skipif) or does
    not (onlyif); comparison ignores case. Several may be stacked.

Value rendering (what the reference engines do, whatever the column's SQL
type; the type letter decides the conversion):
    NULL -> ``NULL`` for every type letter.
    I -> the value converted to a 64-bit integer as sqlite3_column_int does
         (reals truncate toward zero, text parses its leading integer digits,
         anything else 0), then narrowed to a C ``int`` (32 bits), ``%d``.
    R -> the value converted to a double (text: its leading numeric prefix),
         ``%.3f`` with ties rounded away from zero (SQLite's printf).
    T -> the value as text (SQLite: reals as ``%!.15g``; PostgreSQL: the
         server's text output); empty text is ``(empty)``; every byte of the
         UTF-8 text outside 0x20..0x7e becomes ``@``.
    PostgreSQL booleans count as 1 and 0 (as psqlODBC, the reference's
    driver for PostgreSQL, renders them).

Counting: every statement and query record that is not skipped counts once,
as passed or failed; hash-threshold, halt and skipped records do not count.
If the engine cannot go on with a file (server crash, lost connection that
cannot be re-established), every remaining record of that file is counted
as failed and the file's line says why.
"""

from __future__ import annotations

import argparse
import fnmatch
import glob
import hashlib
import os
import re
import socket
import sqlite3
import sys
import threading
import time
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

DEFAULT_HASH_THRESHOLD = 8
HASH_LINE_RE = re.compile(r"^(\d+) values hashing to ([0-9a-f]{32})$")
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1

# ---------------------------------------------------------------------------
# Parsing


class Record:
    """One record of a .test file.

    kind is "statement", "query", "hash-threshold", "halt" or "unknown".
    line: 1-based line number of the record's type line. conditions: list of
    ("skipif"|"onlyif", db). statement: sql, expect_ok (None when the
    statement's argument is neither ok nor error). query: sql, types,
    sortmode, label, expected (list of lines, None without ``----``).
    hash-threshold: threshold. unknown: head (the offending first line).
    """

    __slots__ = ("kind", "line", "conditions", "sql", "expect_ok", "types", "sortmode",
                 "label", "expected", "threshold", "head")

    def __init__(self, kind: str, line: int, conditions: list):
        self.kind = kind
        self.line = line
        self.conditions = conditions
        self.sql = ""
        self.expect_ok = None
        self.types = ""
        self.sortmode = ""
        self.label = ""
        self.expected = None
        self.threshold = 0
        self.head = ""

    def skipped_for(self, engine_label: str) -> bool:
        """True when a skipif names the engine or an onlyif names another one."""
        e = engine_label.lower()
        for cond, db in self.conditions:
            if (cond == "skipif") == (db.lower() == e):
                return True
        return False


def _blocks(f):
    """Yield the records of an open text file as lists of (lineno, line).

    Lines lose their trailing LF and CR; white-space-only lines are blank and
    separate blocks; comment lines (first char '#') are dropped.
    """
    block = []
    n = 0
    for raw in f:
        n += 1
        if raw.endswith("\n"):
            raw = raw[:-1]
        if raw.endswith("\r"):
            raw = raw[:-1]
        if not raw or raw.isspace():
            if block:
                yield block
                block = []
            continue
        if raw[0] == "#":
            continue
        block.append((n, raw))
    if block:
        yield block


def parse_block(block: list) -> Record:
    """Turn one block of (lineno, line) into a Record (see the module docstring)."""
    i = 0
    conditions = []
    while i < len(block):
        toks = block[i][1].split(None, 2)
        if toks[0] in ("skipif", "onlyif"):
            conditions.append((toks[0], toks[1] if len(toks) > 1 else ""))
            i += 1
        else:
            break
    if i == len(block):
        rec = Record("unknown", block[-1][0], conditions)
        rec.head = "(skipif/onlyif without a record)"
        return rec
    lineno, head = block[i]
    toks = head.split(None, 4)[:4]
    kind = toks[0]
    body = block[i + 1:]
    if kind == "statement":
        rec = Record("statement", lineno, conditions)
        arg = toks[1] if len(toks) > 1 else ""
        rec.expect_ok = True if arg == "ok" else False if arg == "error" else None
        rec.sql = "\n".join(line for _, line in body)
        return rec
    if kind == "query":
        rec = Record("query", lineno, conditions)
        rec.types = toks[1] if len(toks) > 1 else ""
        rec.sortmode = toks[2] if len(toks) > 2 else "nosort"
        rec.label = toks[3] if len(toks) > 3 else ""
        sql = []
        for j, (_, line) in enumerate(body):
            if line == "----":
                rec.expected = [l for _, l in body[j + 1:]]
                break
            sql.append(line)
        rec.sql = "\n".join(sql)
        return rec
    if kind == "hash-threshold":
        rec = Record("hash-threshold", lineno, conditions)
        try:
            rec.threshold = int(toks[1])
        except (IndexError, ValueError):
            rec.kind, rec.head = "unknown", head
        return rec
    if kind == "halt":
        return Record("halt", lineno, conditions)
    rec = Record("unknown", lineno, conditions)
    rec.head = head
    return rec


def parse_records(path: str):
    """Yield the Records of a .test file, reading it as a stream."""
    with open(path, "r", encoding="utf-8", errors="surrogateescape", newline="") as f:
        for block in _blocks(f):
            yield parse_block(block)


# ---------------------------------------------------------------------------
# Value conversion (mirrors sqlite3_column_int / _double / _text)

_INT_PREFIX_RE = re.compile(r"[ \t\n\v\f\r]*([+-]?)0*(\d*)")
_REAL_PREFIX_RE = re.compile(r"[ \t\n\v\f\r]*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")


def text_to_int64(s: str) -> int:
    """The integer sqlite3Atoi64 reads from s: leading digits, clamped to int64, else 0."""
    m = _INT_PREFIX_RE.match(s)
    digits = m.group(2)
    if not digits:
        return 0
    v = int(digits[:20]) if len(digits) <= 20 else INT64_MAX + 1
    if m.group(1) == "-":
        v = -v
    return INT64_MIN if v < INT64_MIN else INT64_MAX if v > INT64_MAX else v


def text_to_real(s: str) -> float:
    """The double sqlite3AtoF reads from s: its longest numeric prefix, else 0.0."""
    m = _REAL_PREFIX_RE.match(s)
    return float(m.group(1)) if m else 0.0


def real_to_int64(r: float) -> int:
    """SQLite's doubleToInt64: truncate toward zero, clamp to int64 (NaN -> 0)."""
    if r != r:
        return 0
    if r <= -9.223372036854775e18:
        return INT64_MIN
    if r >= 9.223372036854775e18:
        return INT64_MAX
    return int(r)


def int_text(v: int) -> str:
    """%d of (int)v: the low 32 bits of a 64-bit integer, as C narrows it."""
    if -2147483648 <= v <= 2147483647:
        return str(v)
    return str(((v + 2147483648) & 0xFFFFFFFF) - 2147483648)


_THOUSANDTH = Decimal("0.001")


def real_text3(r: float) -> str:
    """'%.3f' as SQLite's printf does it.

    SQLite rounds the decimal expansion half away from zero at the third
    decimal or at the 16th significant digit, whichever comes first (digits
    after the 16th print as 0: 2**63 -> 9223372036854776000.000), and prints
    no '-0.000' for negative zero. Plain '%.3f' agrees except on exact ties
    and above 1e13, which take the exact Decimal path.
    """
    if r != r or r in (float("inf"), float("-inf")):
        return "%.3f" % r
    if r == 0:
        return "0.000"
    if abs(r) >= 1e13:
        d = Decimal(r)
        quantum = max(-3, d.adjusted() - 15)
        q = d.quantize(Decimal(1).scaleb(quantum), rounding=ROUND_HALF_UP)
        return f"{q:.3f}"
    x = r * 2000.0
    if x.is_integer() and int(x) % 2 == 1 and Fraction(r) * 2000 == int(x):
        return str(Decimal(r).quantize(_THOUSANDTH, rounding=ROUND_HALF_UP))
    return "%.3f" % r


def sqlite_real_as_text(r: float) -> str:
    """SQLite's text form of a REAL ('%!.15g': always a '.', e.g. 1.0, 1.0e+20)."""
    if r != r:
        return "NaN"
    if r in (float("inf"), float("-inf")):
        return "Inf" if r > 0 else "-Inf"
    s = "%.15g" % r
    if "e" in s:
        mant, exp = s.split("e")
        if "." not in mant:
            mant += ".0"
        return mant + "e" + exp
    if "." not in s:
        s += ".0"
    return s


def printable_text(s: str) -> str:
    """T rendering of a text: '(empty)' for '', '@' for every byte outside 0x20..0x7e."""
    if not s:
        return "(empty)"
    if s.isascii() and s.isprintable():
        return s
    b = s.encode("utf-8", "surrogateescape")
    return "".join(chr(c) if 32 <= c <= 126 else "@" for c in b)


def sqlite_value(v, t: str) -> str:
    """Render one value from Python's sqlite3 (None/int/float/str/bytes) for type letter t."""
    if v is None:
        return "NULL"
    tv = type(v)
    if t == "I":
        if tv is int:
            return int_text(v)
        if tv is float:
            return int_text(real_to_int64(v))
        if tv is bytes:
            v = v.decode("latin-1")
        return int_text(text_to_int64(v))
    if t == "R":
        if tv is int or tv is float:
            return real_text3(float(v))
        if tv is bytes:
            v = v.decode("latin-1")
        return real_text3(text_to_real(v))
    if tv is str:
        return printable_text(v)
    if tv is int:
        return str(v)
    if tv is float:
        return sqlite_real_as_text(v)
    if tv is bytes:
        return printable_text(v.decode("utf-8", "surrogateescape")) if v else "(empty)"
    return printable_text(str(v))


# PostgreSQL type OIDs whose text the runner interprets (everything else is text).
PG_INT_OIDS = {20, 21, 23, 26}          # int8, int2, int4, oid
PG_FLOAT_OIDS = {700, 701}              # float4, float8
PG_BOOL_OID = 16


def pg_column_formatter(t: str, oid: int):
    """A function rendering one raw PostgreSQL text value (or None) of type `oid` as letter t."""
    if oid == PG_BOOL_OID:
        if t == "R":
            return lambda s: "NULL" if s is None else ("1.000" if s == "t" else "0.000")
        return lambda s: "NULL" if s is None else ("1" if s == "t" else "0")
    if t == "I":
        if oid in PG_INT_OIDS:
            return lambda s: "NULL" if s is None else int_text(int(s))
        if oid in PG_FLOAT_OIDS:
            return lambda s: "NULL" if s is None else int_text(real_to_int64(float(s)))
        return lambda s: "NULL" if s is None else int_text(text_to_int64(s))
    if t == "R":
        if oid in PG_INT_OIDS or oid in PG_FLOAT_OIDS:
            return lambda s: "NULL" if s is None else real_text3(float(s))
        return lambda s: "NULL" if s is None else real_text3(text_to_real(s))
    return lambda s: "NULL" if s is None else printable_text(s)


# ---------------------------------------------------------------------------
# Engines


class SqlError(Exception):
    """The engine reported an error for this SQL (the record may expect it)."""


class EngineUnavailable(Exception):
    """The engine cannot run anything more for the current file."""


class Watchdog:
    """A thread that interrupts a statement running longer than timeout_s.

    arm(cancel, hard_stop) before a statement, disarm() after. At the deadline
    it calls cancel(); timeout_s/2 (at least 2 s) later, if the statement still
    runs, hard_stop() (e.g. shut the socket down). Arming costs two attribute
    stores; the thread polls.
    """

    def __init__(self, timeout_s: float):
        self.timeout_s = timeout_s
        self._armed = None        # (start, cancel, hard_stop, generation)
        self._gen = 0
        self.fired = False
        t = threading.Thread(target=self._run, name="slt-watchdog", daemon=True)
        t.start()

    def arm(self, cancel, hard_stop=None):
        self._gen += 1
        self.fired = False
        self._armed = (time.monotonic(), cancel, hard_stop, self._gen)

    def disarm(self):
        self._armed = None

    def _run(self):
        grace = max(2.0, self.timeout_s / 2)
        done = (0, 0)                  # (generation, stage) already acted on
        while True:
            time.sleep(min(0.2, self.timeout_s / 4))
            armed = self._armed
            if armed is None:
                continue
            start, cancel, hard_stop, gen = armed
            late = time.monotonic() - start - self.timeout_s
            stage = 2 if late > grace else 1 if late > 0 else 0
            if stage and done < (gen, stage):
                self.fired = True
                try:
                    (cancel if stage == 1 or hard_stop is None else hard_stop)()
                except Exception:
                    pass
                done = (gen, stage)


class Engine:
    """Interface of an engine. label: the name skipif/onlyif compare with.

    begin_file(path) prepares an empty database (raises EngineUnavailable);
    statement(sql) raises SqlError on an SQL error; query(sql, types) returns
    the flat list of rendered values (row-major) or raises SqlError;
    both raise EngineUnavailable when nothing more can run in this file.
    end_file() cleans up (never raises); close() releases everything.
    """

    label = ""

    def begin_file(self, path: str):
        pass

    def statement(self, sql: str):
        raise NotImplementedError

    def query(self, sql: str, types: str) -> list:
        raise NotImplementedError

    def end_file(self):
        pass

    def close(self):
        pass


class SqliteEngine(Engine):
    """Python's sqlite3, an in-memory database per file, autocommit (like sqlite3_exec)."""

    label = "sqlite"

    def __init__(self, timeout_s: float):
        self.timeout_s = timeout_s
        self.conn = None
        self._deadline = 0.0

    def _progress(self):
        return 1 if time.monotonic() > self._deadline else 0

    def begin_file(self, path):
        self.conn = sqlite3.connect(":memory:", isolation_level=None)
        self.conn.set_progress_handler(self._progress, 20000)

    def statement(self, sql):
        self._deadline = time.monotonic() + self.timeout_s
        try:
            self.conn.execute(sql)
        except sqlite3.ProgrammingError as e:
            if "one statement at a time" not in str(e):
                raise SqlError(str(e)) from None
            try:                      # several statements: run them as sqlite3_exec would
                self.conn.executescript(sql)
            except sqlite3.Error as e2:
                raise SqlError(str(e2)) from None
        except (sqlite3.Error, sqlite3.Warning, OverflowError, ValueError) as e:
            raise SqlError(str(e)) from None

    def _prepares(self, sql) -> bool:
        """True when sql compiles (EXPLAIN prepares it without running it)."""
        try:
            self.conn.execute("EXPLAIN " + sql).fetchall()
            return True
        except Exception:
            return False

    def query(self, sql, types):
        """Run a query; as slt_sqlite.c does, an error raised while stepping a
        statement that prepared fine just ends the result (rows so far are kept:
        e.g. sum() overflow gives an empty result, which the corpus expects)."""
        self._deadline = time.monotonic() + self.timeout_s
        rows = []
        try:
            cur = self.conn.execute(sql)
        except (sqlite3.Error, sqlite3.Warning, OverflowError, ValueError) as e:
            if isinstance(e, sqlite3.ProgrammingError) or not self._prepares(sql):
                raise SqlError(str(e)) from None
            cur = None
        if cur is not None:
            ncol = len(cur.description) if cur.description else 0
            if ncol != len(types):
                raise SqlError(f"wrong number of result columns: expected {len(types)}, got {ncol}")
            try:
                for row in cur:
                    rows.append(row)
            except (sqlite3.Error, OverflowError, ValueError):
                pass
        out = []
        append = out.append
        if types == "I" * len(types):          # the common case, inlined
            for row in rows:
                for v in row:
                    if type(v) is int and -2147483648 <= v <= 2147483647:
                        append(str(v))
                    else:
                        append(sqlite_value(v, "I"))
            return out
        for row in rows:
            for v, t in zip(row, types):
                append(sqlite_value(v, t))
        return out

    def end_file(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:
                pass
            self.conn = None


def _import_psycopg2():
    try:
        import psycopg2
        import psycopg2.extensions
    except ImportError:
        sys.exit("slt.py: psycopg2 is missing (apt-get install python3-psycopg2)")
    return psycopg2


class PgWireEngine(Engine):
    """Common part of the PostgreSQL-protocol engines (psycopg2, autocommit, raw text values).

    Values come back as the server's text (no psycopg2 type conversion) and
    are rendered by pg_column_formatter from the column's type OID.
    """

    label = "postgresql"

    def __init__(self, timeout_s: float):
        self.pg = _import_psycopg2()
        self.timeout_s = timeout_s
        self.watchdog = Watchdog(timeout_s)
        self.conn = None
        self._conn_kwargs = None
        oids = tuple(sorted(self.pg.extensions.string_types.keys()))
        self._raw = self.pg.extensions.new_type(oids, "SLT_RAW", lambda s, cur: s)

    # -- connection ---------------------------------------------------------
    def _connect(self, dsn: str, **kw):
        """Open self.conn (autocommit, raw text values, statement_timeout when supported)."""
        self._conn_kwargs = (dsn, kw)
        conn = self.pg.connect(dsn, connect_timeout=max(5, int(self.timeout_s)), **kw)
        conn.autocommit = True
        self.pg.extensions.register_type(self._raw, conn)
        try:
            with conn.cursor() as c:
                c.execute(f"SET statement_timeout = {int(self.timeout_s * 1000)}")
        except self.pg.Error:
            pass                                  # the client watchdog still applies
        self.conn = conn

    def _reconnect(self, why: str):
        """After a lost connection: connect again to the same database, or give up on the file."""
        self._close_conn()
        dsn, kw = self._conn_kwargs
        try:
            self._connect(dsn, **kw)
        except Exception as e:
            raise EngineUnavailable(f"{why}; reconnect failed: {e}") from None

    def _close_conn(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:
                pass
            self.conn = None

    def _hard_stop(self):
        """Shut the socket down so a call blocked on an unresponsive server returns."""
        conn = self.conn
        if conn is not None and not conn.closed:
            s = socket.socket(fileno=os.dup(conn.fileno()))
            try:
                s.shutdown(socket.SHUT_RDWR)
            finally:
                s.close()

    # -- execution ----------------------------------------------------------
    def _execute(self, sql: str, types: str | None):
        if self.conn is None:
            raise EngineUnavailable("no connection")
        cur = self.conn.cursor()
        self.watchdog.arm(self.conn.cancel, self._hard_stop)
        try:
            cur.execute(sql)
            if types is None:
                return None
            desc = cur.description
            if desc is None:
                raise SqlError(f"wrong number of result columns: expected {len(types)}, got none")
            if len(desc) != len(types):
                raise SqlError(f"wrong number of result columns: expected {len(types)}, got {len(desc)}")
            rows = cur.fetchall()
        except self.pg.Error as e:
            diag = getattr(e, "diag", None)
            primary = diag.message_primary if diag is not None else None
            msg = f"{e.pgcode or ''} {primary}".strip() if primary else \
                " ".join(str(e).split())
            if self.watchdog.fired:
                msg = f"timeout after {self.timeout_s:g} s: {msg}"
            if self.conn.closed:
                self._reconnect(f"connection lost ({msg})")
                raise SqlError(msg) from None
            raise SqlError(msg) from None
        finally:
            self.watchdog.disarm()
            try:
                cur.close()
            except Exception:
                pass
        fmts = [pg_column_formatter(t, d.type_code) for t, d in zip(types, desc)]
        if len(fmts) == 1:
            f = fmts[0]
            return [f(r[0]) for r in rows]
        return [f(v) for r in rows for f, v in zip(fmts, r)]

    def statement(self, sql):
        self._execute(sql, None)

    def query(self, sql, types):
        return self._execute(sql, types)

    def close(self):
        self._close_conn()


class PostgresEngine(PgWireEngine):
    """A real PostgreSQL: a fresh database slt_<pid>_<n> per file, dropped after it."""

    def __init__(self, dsn: str, timeout_s: float):
        super().__init__(timeout_s)
        self.dsn = dsn
        self.admin = self.pg.connect(dsn, connect_timeout=10)
        self.admin.autocommit = True
        self.n = 0
        self.db = None

    def begin_file(self, path):
        self.n += 1
        self.db = f"slt_{os.getpid()}_{self.n}"
        try:
            with self.admin.cursor() as c:
                c.execute(f"DROP DATABASE IF EXISTS {self.db}")
                c.execute(f"CREATE DATABASE {self.db}")
            self._connect(self.dsn, dbname=self.db)
        except Exception as e:
            raise EngineUnavailable(f"cannot create/connect database {self.db}: {e}") from None

    def end_file(self):
        self._close_conn()
        if self.db:
            try:
                with self.admin.cursor() as c:
                    c.execute(f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE)")
            except Exception:
                pass
            self.db = None

    def close(self):
        self.end_file()
        try:
            self.admin.close()
        except Exception:
            pass


_CREATE_RE = re.compile(
    r"^\s*CREATE\s+(?:(?:UNIQUE|TEMP|TEMPORARY)\s+)?(TABLE|VIEW|INDEX)\s+"
    r"(?:IF\s+NOT\s+EXISTS\s+)?(\"[^\"]+\"|[A-Za-z_][\w$.]*)", re.IGNORECASE)


class StrataEngine(PgWireEngine):
    """Strata over pgwire.

    Without strata_bin: one server at dsn; after each file, every table, view
    and index the file's CREATE statements named is dropped (DROP ... IF
    EXISTS, errors ignored). With strata_bin: a fresh server per file in a
    temporary data dir (tests/strata_harness.py), pg port read from the ready
    line; dsn then only adds connection options (user, dbname, ...).
    """

    _PG_RE = re.compile(r'(?:^|\s)pg="?([0-9.]+):(\d+)"?')

    def __init__(self, dsn: str, timeout_s: float, strata_bin: str | None = None):
        super().__init__(timeout_s)
        self.dsn = dsn or ""
        self.strata_bin = strata_bin
        self.server = None
        self.created = []            # (kind, name) in creation order

    def begin_file(self, path):
        self.created = []
        if self.strata_bin:
            tests_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
            if tests_dir not in sys.path:
                sys.path.insert(0, tests_dir)
            from strata_harness import StrataServer
            try:
                self.server = StrataServer(binary=self.strata_bin, port=0,
                                           extra_args=["--pg-listen", "127.0.0.1:0"])
                self.server.start()
                pg = None
                for line in self.server.log_lines():
                    m = self._PG_RE.search(line) if "ready" in line else None
                    if m:
                        pg = (m.group(1), int(m.group(2)))
                if pg is None:
                    raise EngineUnavailable("ready line has no pg=HOST:PORT")
                self._connect(self.dsn, host=pg[0], port=pg[1])
            except EngineUnavailable:
                raise
            except Exception as e:
                raise EngineUnavailable(f"cannot start strata: {e}") from None
        else:
            try:
                self._connect(self.dsn)
            except Exception as e:
                raise EngineUnavailable(f"cannot connect to {self.dsn!r}: {e}") from None

    def statement(self, sql):
        m = _CREATE_RE.match(sql)
        if m:
            self.created.append((m.group(1).upper(), m.group(2)))
        super().statement(sql)

    def _execute(self, sql, types):
        if self.server is not None and not self.server.running():
            raise EngineUnavailable(f"strata exited with code {self.server.proc.returncode}")
        return super()._execute(sql, types)

    def end_file(self):
        if self.server is not None:
            self._close_conn()
            try:
                self.server.stop(check=False)
            except Exception:
                pass
            self.server.close()
            self.server = None
            return
        if self.conn is not None and not self.conn.closed:
            order = {"VIEW": 0, "INDEX": 1, "TABLE": 2}
            for kind, name in sorted(reversed(self.created), key=lambda kn: order[kn[0]]):
                try:
                    with self.conn.cursor() as c:
                        c.execute(f"DROP {kind} IF EXISTS {name}")
                except Exception:
                    pass
        self._close_conn()

    def close(self):
        self.end_file()


# ---------------------------------------------------------------------------
# Running


class Failure:
    """One failed record: line, sql, message, and expected/got lines when a result was compared."""

    __slots__ = ("line", "sql", "message", "expected", "got")

    def __init__(self, line, sql, message, expected=None, got=None):
        self.line, self.sql, self.message = line, sql, message
        self.expected, self.got = expected, got


class FileResult:
    """Outcome of one file: passed/total records, seconds, failures, engine error (or None)."""

    def __init__(self, path):
        self.path = path
        self.passed = 0
        self.total = 0
        self.seconds = 0.0
        self.failures = []
        self.engine_error = None
        self.unavailable_failed = 0     # records counted failed because the engine gave up


def md5_of(values: list) -> str:
    """MD5 hex of every value followed by a newline."""
    h = hashlib.md5()
    for v in values:
        h.update(v.encode("utf-8", "surrogateescape"))
        h.update(b"\n")
    return h.hexdigest()


def check_query(rec: Record, values: list, threshold: int, labels: dict):
    """Compare a query's rendered values with the record's expectation.

    values: flat, row-major, not yet sorted. Sorts per rec.sortmode; labels
    maps label -> md5 of the first result seen with it in this file.
    Returns None when it passes, else (message, expected_lines, got_lines).
    """
    ncol = len(rec.types)
    if rec.sortmode == "rowsort":
        if ncol > 1:
            rows = [tuple(values[i:i + ncol]) for i in range(0, len(values), ncol)]
            rows.sort()
            values = [v for r in rows for v in r]
        else:
            values = sorted(values)
    elif rec.sortmode == "valuesort":
        values = sorted(values)
    expected = rec.expected if rec.expected is not None else []
    n = len(values)
    hashed_expect = len(expected) == 1 and HASH_LINE_RE.match(expected[0])
    digest = None
    if rec.label or hashed_expect or (threshold > 0 and n > threshold):
        digest = md5_of(values)
    if rec.label:
        first = labels.setdefault(rec.label, digest)
        if first != digest:
            return (f"result differs from earlier queries labelled {rec.label}",
                    expected, [f"{n} values hashing to {digest}"])
    if hashed_expect or (threshold > 0 and n > threshold):
        got = [f"{n} values hashing to {digest}"]
    else:
        got = values
    if got == expected:
        return None
    return ("wrong result", expected, got if len(got) <= 1000 else got[:1000] + ["..."])


def run_file(engine: Engine, path: str, keep_failures: bool = True) -> FileResult:
    """Run every record of one file on a fresh database of the engine.

    Every statement/query record not skipped for engine.label counts once as
    passed or failed; after EngineUnavailable the remaining ones count failed.
    """
    res = FileResult(path)
    t0 = time.monotonic()
    threshold = DEFAULT_HASH_THRESHOLD
    labels = {}
    label = engine.label
    try:
        engine.begin_file(path)
    except EngineUnavailable as e:
        res.engine_error = str(e)
    try:
        for rec in parse_records(path):
            if rec.conditions and rec.skipped_for(label):
                continue
            kind = rec.kind
            if kind == "hash-threshold":
                threshold = rec.threshold
                continue
            if kind == "halt":
                break
            res.total += 1
            if res.engine_error is not None:
                res.unavailable_failed += 1
                continue
            fail = None
            try:
                if kind == "statement":
                    if rec.expect_ok is None:
                        fail = ("statement argument must be 'ok' or 'error'", None, None)
                    else:
                        try:
                            engine.statement(rec.sql)
                            if not rec.expect_ok:
                                fail = ("statement succeeded, error expected", None, None)
                        except SqlError as e:
                            if rec.expect_ok:
                                fail = (f"statement failed: {e}", None, None)
                elif kind == "query":
                    if not rec.types or rec.types.strip("IRT"):
                        fail = (f"bad type string {rec.types!r}", None, None)
                    elif rec.sortmode not in ("nosort", "rowsort", "valuesort"):
                        fail = (f"unknown sort mode {rec.sortmode!r}", None, None)
                    else:
                        try:
                            values = engine.query(rec.sql, rec.types)
                        except SqlError as e:
                            fail = (f"query failed: {e}", rec.expected, None)
                        else:
                            fail = check_query(rec, values, threshold, labels)
                else:
                    fail = (f"unknown record type: {rec.head!r}", None, None)
            except EngineUnavailable as e:
                res.engine_error = str(e)
                res.unavailable_failed += 1
                fail = (f"engine unavailable: {e}", None, None)
            if fail is None:
                res.passed += 1
            elif keep_failures:
                res.failures.append(Failure(rec.line, rec.sql, *fail))
    finally:
        engine.end_file()
    res.seconds = time.monotonic() - t0
    return res


def collect_files(paths: list) -> list:
    """The .test files named by paths (files as given, directories searched recursively), sorted."""
    out = []
    for p in paths:
        if os.path.isdir(p):
            found = []
            for root, _, files in os.walk(p):
                found += [os.path.join(root, f) for f in files if f.endswith(".test")]
            out += sorted(found)
        elif os.path.isfile(p):
            out.append(p)
        else:
            matches = sorted(glob.glob(p, recursive=True))
            if not matches:
                raise SystemExit(f"slt.py: no such file or directory: {p}")
            out += matches
    seen = set()
    return [f for f in out if not (f in seen or seen.add(f))]


def matches_require(path: str, pattern: str) -> bool:
    """True when a --require pattern (file, directory or glob) names this file."""
    ap, pat = os.path.abspath(path), os.path.abspath(pattern)
    if os.path.isdir(pattern):
        return ap.startswith(pat.rstrip(os.sep) + os.sep)
    return ap == pat or fnmatch.fnmatch(ap, pat) or fnmatch.fnmatch(path, pattern)


def pct(passed: int, total: int) -> str:
    """Percentage with two decimals, rounded down (100.00% only when all passed)."""
    if not total:
        return "n/a"
    return f"{(10000 * passed // total) / 100:.2f}%"


def _short(lines, limit=20):
    if lines is None:
        return "(none)"
    if len(lines) > limit:
        return " | ".join(lines[:limit]) + f" | ... ({len(lines)} lines)"
    return " | ".join(lines) if lines else "(empty result)"


def print_failures(res: FileResult, out):
    for f in res.failures:
        out.write(f"FAIL {res.path}:{f.line}: {f.message}\n")
        sql = f.sql if len(f.sql) <= 2000 else f.sql[:2000] + "..."
        out.write("  sql: " + sql.replace("\n", "\n       ") + "\n")
        if f.expected is not None or f.got is not None:
            out.write(f"  expected: {_short(f.expected)}\n")
            out.write(f"  got:      {_short(f.got)}\n")


def make_engine(args) -> Engine:
    if args.engine == "sqlite":
        return SqliteEngine(args.timeout_s)
    if args.engine == "postgres":
        if not args.dsn:
            raise SystemExit("slt.py: --engine postgres needs --dsn")
        return PostgresEngine(args.dsn, args.timeout_s)
    if not args.dsn and not args.strata_bin:
        raise SystemExit("slt.py: --engine strata needs --dsn or --strata-bin")
    return StrataEngine(args.dsn, args.timeout_s, args.strata_bin)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Run sqllogictest files (see the module docstring).")
    ap.add_argument("paths", nargs="+", help=".test files or directories (recursive)")
    ap.add_argument("--engine", choices=("sqlite", "postgres", "strata"), required=True)
    ap.add_argument("--dsn", help="libpq connection string (postgres: a database that may "
                                  "CREATE DATABASE; strata: the server, or options with --strata-bin)")
    ap.add_argument("--strata-bin", help="start a fresh `PATH server` per file (strata engine)")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every failure")
    ap.add_argument("--require", action="append", default=[], metavar="FILE_OR_GLOB",
                    help="exit 1 unless every record of these files passes (repeatable)")
    ap.add_argument("--min-pass", type=float, default=None, metavar="RATE",
                    help="exit 1 if the overall pass rate (0..1) is below RATE")
    ap.add_argument("--timeout-s", type=float, default=60.0, help="per statement (default 60)")
    ap.add_argument("--max-files", type=int, default=None, help="run at most this many files")
    ap.add_argument("--by-dir", action="store_true", help="also print per-directory subtotals")
    args = ap.parse_args(argv)

    files = collect_files(args.paths)
    if args.max_files is not None:
        files = files[:args.max_files]
    if not files:
        print("slt.py: no .test files", file=sys.stderr)
        return 2
    engine = make_engine(args)
    out = sys.stdout
    results = []
    t0 = time.monotonic()
    try:
        for path in files:
            res = run_file(engine, path, keep_failures=args.verbose)
            results.append(res)
            if args.verbose:
                print_failures(res, out)
            note = ""
            if res.engine_error is not None:
                note = (f"  ENGINE ERROR: {res.engine_error} "
                        f"({res.unavailable_failed} records counted failed)")
            out.write(f"{path}: {res.passed}/{res.total} ({pct(res.passed, res.total)}) "
                      f"in {res.seconds:.1f} s{note}\n")
            out.flush()
    finally:
        engine.close()
    elapsed = time.monotonic() - t0
    passed = sum(r.passed for r in results)
    total = sum(r.total for r in results)
    if args.by_dir:
        dirs = {}
        for r in results:
            d = dirs.setdefault(os.path.dirname(r.path) or ".", [0, 0, 0.0])
            d[0] += r.passed
            d[1] += r.total
            d[2] += r.seconds
        for d, (p, t, s) in dirs.items():
            out.write(f"dir {d}: {p}/{t} ({pct(p, t)}) in {s:.1f} s\n")
    out.write(f"total: {passed}/{total} ({pct(passed, total)}) in {elapsed:.1f} s, "
              f"{len(results)} files, engine {args.engine}\n")

    rc = 0
    for pattern in args.require:
        named = [r for r in results if matches_require(r.path, pattern)]
        if not named:
            out.write(f"REQUIRE {pattern}: no file run matches\n")
            rc = 1
        for r in named:
            if r.passed != r.total or r.engine_error is not None:
                out.write(f"REQUIRE {r.path}: {r.passed}/{r.total} (every record must pass)\n")
                rc = 1
    if args.min_pass is not None and (total == 0 or passed / total < args.min_pass):
        out.write(f"MIN-PASS: {pct(passed, total)} is below {100 * args.min_pass:.2f}%\n")
        rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
