#!/usr/bin/python3
"""Analytical SQL benchmark: the Star Schema Benchmark on Strata, DuckDB, SQLite, PostgreSQL.

    /usr/bin/python3 bench/sql_bench.py --strata build/release/strata [--sf 1] [--runs 3]

Generates the SSB tables at scale factor --sf as CSV files (once, with DuckDB SQL),
loads the same files into every engine with its COPY, runs the 13 SSB queries on each
engine (one warm-up, then the best of --runs), checks that all engines return the same
rows and prints one table: per-query times, Strata / peer time ratios, their geometric
mean against the goals, and COPY rows/s. See bench/README.md.

DuckDB comes from npm (bench/package.json; `make bench-sql` runs `npm ci`), PostgreSQL
15 and sqlite3 from Debian (tools/install-deps.sh).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
sys.path.insert(0, HERE)
from strata_harness import StrataServer, free_port  # noqa: E402
import ssb  # noqa: E402

import psycopg2  # noqa: E402

PG_BIN = "/usr/lib/postgresql/15/bin"
ENGINES = ["strata", "duckdb", "sqlite", "postgres"]
LABELS = {"strata": "Strata", "duckdb": "DuckDB", "sqlite": "SQLite", "postgres": "PostgreSQL"}
# Goals on the geometric mean of Strata time / peer time over the 13 queries.
GOALS = {"duckdb": 2.0, "sqlite": 0.1, "postgres": 0.1}
GOAL_TEXT = {"duckdb": "within 2x of DuckDB", "sqlite": "at least 10x faster than SQLite",
             "postgres": "at least 10x faster than PostgreSQL"}
LOAD_ORDER = ["dwdate", "customer", "supplier", "part", "lineorder"]


def log(msg: str):
    print(msg, file=sys.stderr, flush=True)


class QueryError(Exception):
    pass


# ---------------------------------------------------------------- result values

def norm_value(v):
    """One value in a form that compares equal across engines: integral numbers as
    int, other numbers rounded to 2 decimals, text as is."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, Decimal):
        return int(v) if v.is_finite() and v == v.to_integral_value() else round(float(v), 2)
    if isinstance(v, float):
        return int(v) if v.is_integer() else round(v, 2)
    return str(v)


def norm_rows(rows) -> list[tuple]:
    return [tuple(norm_value(v) for v in r) for r in rows]


def row_set(rows: list[tuple]) -> list[tuple]:
    return sorted(rows, key=repr)


# ---------------------------------------------------------------- DuckDB process

class DuckDBRunner:
    """bench/duckdb_runner.mjs over one database (None: in memory)."""

    def __init__(self, db_path: str | None):
        if not os.path.isdir(os.path.join(HERE, "node_modules", "@duckdb", "node-api")):
            raise SystemExit("DuckDB is not installed: run `npm ci` in bench/ "
                             "(`make bench-sql` does)")
        cmd = ["node", os.path.join(HERE, "duckdb_runner.mjs")] + ([db_path] if db_path else [])
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, cwd=HERE)

    def run(self, sql: str, timeout_s: float = 0) -> dict:
        self.proc.stdin.write(json.dumps({"sql": sql, "timeout_ms": int(timeout_s * 1000)}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise QueryError(f"duckdb_runner exited with code {self.proc.wait()}")
        return json.loads(line)

    def check(self, sql: str) -> dict:
        r = self.run(sql)
        if not r["ok"]:
            raise SystemExit(f"DuckDB failed: {r['error']}\n{sql}")
        return r

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def duck_value(v, type_name: str):
    if v is None:
        return None
    t = type_name.upper()
    if "INT" in t:
        return int(v)
    if t.startswith("DECIMAL"):
        return Decimal(v)
    if t in ("DOUBLE", "FLOAT", "REAL"):
        return float(v)
    return v


# ---------------------------------------------------------------- data

def generate(data_dir: str, sf: float, seed: int) -> dict:
    """The SSB CSV files in data_dir, generated unless a matching set is there already.

    Returns the manifest: {"sf", "seed", "generator", "rows": {table: n}, "files": {table: path}}.
    """
    os.makedirs(data_dir, exist_ok=True)
    manifest_path = os.path.join(data_dir, "manifest.json")
    files = {t: os.path.join(data_dir, f"{t}.csv") for t in ssb.TABLES}
    want = {"sf": sf, "seed": seed, "generator": ssb.GENERATOR_VERSION}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            have = json.load(f)
        if {k: have.get(k) for k in want} == want and all(os.path.exists(p) for p in files.values()):
            log(f"reusing the SF {sf:g} data in {data_dir}")
            return have
        os.unlink(manifest_path)
    log(f"generating SSB SF {sf:g} (seed {seed}) into {data_dir} ...")
    t0 = time.perf_counter()
    duck = DuckDBRunner(None)
    rows = {}
    try:
        for sql in ssb.generator_sql(sf, seed, files):
            r = duck.check(sql)
            if sql.startswith("COPY"):
                table = next(t for t, p in files.items() if f"'{p}'" in sql)
                rows[table] = int(r["rows"][0][0])
    finally:
        duck.close()
    for p in files.values():
        os.chmod(p, 0o644)   # PostgreSQL's server (user postgres) reads them
    manifest = dict(want, rows=rows, files=files, seconds=time.perf_counter() - t0)
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)
    log(f"generated {sum(rows.values()):,} rows in {manifest['seconds']:.1f}s "
        f"(lineorder {rows['lineorder']:,})")
    return manifest


# ---------------------------------------------------------------- engines

def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_idle(pid: int, limit_s: float = 120) -> float:
    """Wait until process pid uses < 5% of a core over a second (background work after
    a load, such as merges, is done); returns the seconds waited."""
    t0 = time.monotonic()
    last = cpu_seconds(pid)
    while time.monotonic() - t0 < limit_s:
        time.sleep(1)
        now = cpu_seconds(pid)
        if now - last < 0.05:
            break
        last = now
    return time.monotonic() - t0


class PgWireEngine:
    """Shared by Strata and PostgreSQL: psycopg2, autocommit, cancel on timeout."""

    copy_mode = "file"

    def connect(self, **kw):
        self.conn = psycopg2.connect(**kw)
        self.conn.autocommit = True

    def execute(self, sql: str):
        with self.conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall() if cur.description else None

    def create(self, ddl: str):
        self.execute(ddl)

    def load(self, table: str, path: str) -> float:
        t0 = time.perf_counter()
        with self.conn.cursor() as cur:
            if self.copy_mode == "stdin":
                with open(path, "rb") as f:
                    cur.copy_expert(f"COPY {table} FROM STDIN WITH (FORMAT csv)", f, size=1 << 20)
            else:
                cur.execute(f"COPY {table} FROM '{path}' WITH (FORMAT csv)")
        return time.perf_counter() - t0

    def count(self, table: str) -> int:
        return int(self.execute(f"SELECT count(*) FROM {table}")[0][0])

    def query(self, sql: str, timeout_s: float):
        timer = threading.Timer(timeout_s, self.conn.cancel)
        timer.start()
        t0 = time.perf_counter()
        try:
            with self.conn.cursor() as cur:
                cur.execute(sql)
                rows = cur.fetchall()
            ms = (time.perf_counter() - t0) * 1e3
        except psycopg2.extensions.QueryCanceledError as e:
            raise QueryError(f"canceled after the {timeout_s:g}s timeout ({e.pgcode})") from e
        except psycopg2.Error as e:
            msg = (e.pgerror or str(e)).strip()
            if self.conn.closed:
                self.reconnect()
            raise QueryError(f"{e.pgcode or 'connection'}: {msg}") from e
        finally:
            timer.cancel()
        return ms, rows

    def reconnect(self):
        pass


class StrataEngine(PgWireEngine):
    name = "strata"

    def __init__(self, binary: str, work: str):
        self.binary = os.path.abspath(binary)
        self.srv = StrataServer(data_dir=os.path.join(work, "strata"), binary=self.binary,
                                extra_args=["--pg-listen", "127.0.0.1:0"])

    def start(self):
        self.srv.start()
        self.reconnect()

    def reconnect(self):
        if not self.srv.running():
            raise QueryError(f"strata server exited\n{self.srv.log_tail(30)}")
        host, port = self.srv.pg_address()
        self.connect(host=host, port=port, user="strata", dbname="strata")

    def version(self) -> str:
        r = subprocess.run([self.binary, "--version"], capture_output=True, text=True)
        return (r.stdout or r.stderr).strip()

    def after_load(self) -> str:
        return f"waited {wait_idle(self.srv.pid):.1f}s for the server to go idle"

    def stop(self):
        try:
            self.conn.close()
        except Exception:
            pass
        try:
            self.srv.stop()
        finally:
            self.srv.close(remove=False)


class PostgresEngine(PgWireEngine):
    """A PostgreSQL 15 cluster of our own in the work dir, on 127.0.0.1 and a free port."""

    name = "postgres"
    settings = {
        "shared_buffers": "'2GB'", "work_mem": "'256MB'", "maintenance_work_mem": "'1GB'",
        "effective_cache_size": "'8GB'", "max_parallel_workers_per_gather": "2",
        "max_wal_size": "'8GB'", "autovacuum": "off",   # VACUUM ANALYZE runs after the load
    }

    def __init__(self, work: str):
        self.root = os.path.join(work, "postgres")
        self.data = os.path.join(self.root, "data")
        self.started = False

    def _as_postgres(self, *cmd, **kw):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        r = subprocess.run(prefix + list(cmd), capture_output=True, text=True, **kw)
        if r.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
        return r

    def start(self):
        os.makedirs(self.root)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._as_postgres(f"{PG_BIN}/initdb", "-D", self.data, "-A", "trust", "-U", "postgres",
                          "-E", "UTF8", "--locale=C", "--no-sync")
        self.port = free_port()
        conf = dict(self.settings, listen_addresses="'127.0.0.1'", port=str(self.port),
                    unix_socket_directories=f"'{self.root}'")
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write("\n# sql_bench.py\n" + "".join(f"{k} = {v}\n" for k, v in conf.items()))
        self._as_postgres(f"{PG_BIN}/pg_ctl", "-D", self.data, "-l",
                          os.path.join(self.root, "server.log"), "-w", "-t", "120", "start")
        self.started = True
        self.reconnect()

    def reconnect(self):
        self.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")

    def version(self) -> str:
        return self.execute("SELECT version()")[0][0].split(" on ")[0]

    def after_load(self) -> str:
        t0 = time.perf_counter()
        self.execute("VACUUM ANALYZE")
        return f"VACUUM ANALYZE {time.perf_counter() - t0:.1f}s"

    def stop(self):
        try:
            self.conn.close()
        except Exception:
            pass
        if self.started:
            self._as_postgres(f"{PG_BIN}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")
            self.started = False


class SQLiteEngine:
    """A database file; loaded with the sqlite3 shell's .import, queried in process."""

    name = "sqlite"

    def __init__(self, work: str):
        self.path = os.path.join(work, "sqlite", "ssb.sqlite")

    def start(self):
        os.makedirs(os.path.dirname(self.path))
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA cache_size = -2000000")   # 2 GB of page cache
        self.conn.execute("PRAGMA temp_store = MEMORY")

    def version(self) -> str:
        return f"SQLite {sqlite3.sqlite_version}"

    def create(self, ddl: str):
        self.conn.execute(ddl)

    def load(self, table: str, path: str) -> float:
        t0 = time.perf_counter()
        r = subprocess.run(["sqlite3", self.path], input=f".import --csv '{path}' {table}\n",
                           capture_output=True, text=True)
        if r.returncode != 0 or r.stderr.strip():
            raise SystemExit(f"sqlite3 .import {table} failed: {r.stderr}")
        return time.perf_counter() - t0

    def count(self, table: str) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def after_load(self) -> str:
        t0 = time.perf_counter()
        self.conn.execute("ANALYZE")
        return f"ANALYZE {time.perf_counter() - t0:.1f}s"

    def query(self, sql: str, timeout_s: float):
        timer = threading.Timer(timeout_s, self.conn.interrupt)
        timer.start()
        t0 = time.perf_counter()
        try:
            rows = self.conn.execute(sql).fetchall()
        except sqlite3.Error as e:
            raise QueryError(f"{type(e).__name__}: {e}") from e
        finally:
            timer.cancel()
        return (time.perf_counter() - t0) * 1e3, rows

    def stop(self):
        self.conn.close()


class DuckDBEngine:
    """A database file, default settings (threads = cores)."""

    name = "duckdb"

    def __init__(self, work: str):
        self.path = os.path.join(work, "duckdb", "ssb.duckdb")

    def start(self):
        os.makedirs(os.path.dirname(self.path))
        self.duck = DuckDBRunner(self.path)

    def version(self) -> str:
        return "DuckDB " + self.duck.check("SELECT version()")["rows"][0][0]

    def create(self, ddl: str):
        self.duck.check(ddl)

    def load(self, table: str, path: str) -> float:
        r = self.duck.check(f"COPY {table} FROM '{path}' "
                            "(FORMAT csv, HEADER false, DELIMITER ',', QUOTE '\"')")
        return r["ms"] / 1e3

    def count(self, table: str) -> int:
        return int(self.duck.check(f"SELECT count(*) FROM {table}")["rows"][0][0])

    def after_load(self) -> str:
        self.duck.check("CHECKPOINT")
        return "CHECKPOINT"

    def query(self, sql: str, timeout_s: float):
        r = self.duck.run(sql, timeout_s)
        if not r["ok"]:
            raise QueryError(r["error"].splitlines()[0])
        rows = [tuple(duck_value(v, t) for v, t in zip(row, r["types"])) for row in r["rows"]]
        return r["ms"], rows

    def stop(self):
        self.duck.close()


# ---------------------------------------------------------------- one engine's run

def run_engine(engine, manifest: dict, queries: dict, runs: int, timeout_s: float,
               budget_s: float) -> dict:
    out = {"load": {}, "queries": {}}
    engine.start()
    try:
        out["version"] = engine.version()
        log(f"[{LABELS[engine.name]}] {out['version']}: loading ...")
        for table in LOAD_ORDER:
            engine.create(ssb.TABLES[table])
        for table in LOAD_ORDER:
            seconds = engine.load(table, manifest["files"][table])
            rows = engine.count(table)
            if rows != manifest["rows"][table]:
                log(f"!!! [{LABELS[engine.name]}] {table}: {rows} rows after COPY, "
                    f"the file has {manifest['rows'][table]}")
            out["load"][table] = {"rows": rows, "seconds": seconds, "rows_per_s": rows / seconds}
        lo = out["load"]["lineorder"]
        log(f"[{LABELS[engine.name]}] COPY lineorder: {lo['rows']:,} rows in {lo['seconds']:.2f}s "
            f"= {lo['rows_per_s']:,.0f} rows/s")
        out["after_load"] = engine.after_load()
        log(f"[{LABELS[engine.name]}] {out['after_load']}")
        for name, sql in queries.items():
            out["queries"][name] = measure(engine, name, sql, runs, timeout_s, budget_s)
    finally:
        engine.stop()
    return out


def measure(engine, name: str, sql: str, runs: int, timeout_s: float, budget_s: float) -> dict:
    """One warm-up run, then `runs` timed runs, fewer (at least one) once the query has
    taken budget_s in all; the figure is the best of them."""
    label = LABELS[engine.name]
    try:
        warm_ms, rows = engine.query(sql, timeout_s)
        times = []
        while len(times) < runs and (not times or warm_ms + sum(times) < budget_s * 1e3):
            times.append(engine.query(sql, timeout_s)[0])
    except QueryError as e:
        log(f"!!! [{label}] {name} failed: {e}")
        return {"error": str(e)}
    res = {"ms": min(times), "median_ms": statistics.median(times), "runs_ms": times,
           "warmup_ms": warm_ms, "rows": norm_rows(rows)}
    log(f"[{label}] {name}: {res['ms']:.1f} ms (best of {len(times)}, median "
        f"{res['median_ms']:.1f}, warm-up {warm_ms:.1f}), {len(rows)} rows")
    return res


# ---------------------------------------------------------------- checks and output

def compare(results: dict, queries: dict) -> list[dict]:
    """Every engine's rows against the reference engine (DuckDB if it ran)."""
    mismatches = []
    order = [e for e in ("duckdb", "postgres", "sqlite", "strata") if e in results]
    for q in queries:
        have = [e for e in order if "rows" in results[e]["queries"][q]]
        if len(have) < 2:
            continue
        ref = have[0]
        want = row_set(results[ref]["queries"][q]["rows"])
        for e in have[1:]:
            got = row_set(results[e]["queries"][q]["rows"])
            if got == want:
                continue
            missing = [r for r in want if r not in got][:5]
            extra = [r for r in got if r not in want][:5]
            mismatches.append({"query": q, "engine": e, "reference": ref,
                               "rows": len(got), "reference_rows": len(want),
                               "missing": missing, "unexpected": extra})
    return mismatches


def geomean(xs):
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def verdict(ratio, goal) -> str:
    if ratio is None:
        return "-"
    speed = f"{1 / ratio:.1f}x faster" if ratio < 1 else f"{ratio:.1f}x slower"
    return ("yes" if ratio <= goal else "NO") + f" ({speed})"


def report(res: dict, queries: dict, engines: list[str], mismatches: list[dict]) -> list[str]:
    R = res["engines"]
    ran = [e for e in engines if e in R]
    peers = [e for e in ran if e != "strata"] if "strata" in ran else []
    bad = {(m["query"], m["engine"]) for m in mismatches}

    def ms(e, q):
        return R[e]["queries"][q].get("ms")

    head = ["query"] + [f"{LABELS[e]} ms" for e in ran] + [f"Strata/{LABELS[p]}" for p in peers] \
        + ["rows", "check"]
    table = []
    for q in queries:
        cells = [q]
        for e in ran:
            cells.append(f"{ms(e, q):.1f}" if ms(e, q) is not None else "ERROR")
        for p in peers:
            a, b = ms("strata", q), ms(p, q)
            cells.append(f"{a / b:.3f}" if a and b else "-")
        nrows = {len(R[e]["queries"][q]["rows"]) for e in ran if "rows" in R[e]["queries"][q]}
        cells.append("/".join(str(n) for n in sorted(nrows)) or "-")
        errs = [LABELS[e] for e in ran if "error" in R[e]["queries"][q]]
        wrong = [LABELS[e] for e in ran if (q, e) in bad]
        cells.append(("MISMATCH " + ",".join(wrong) + " " if wrong else "")
                     + ("ERROR " + ",".join(errs) if errs else "") or "same")
        table.append(cells)

    # Engine columns: geomean over the queries every engine answered; ratio columns:
    # over the queries Strata and that peer both answered.
    ok = [q for q in queries if all(ms(e, q) for e in ran)]
    gm = ["geomean"] + [f"{geomean([ms(e, q) for q in ok]):.1f}" if ok else "-" for e in ran]
    verdicts = {}
    for p in peers:
        both = [q for q in queries if ms("strata", q) and ms(p, q)]
        g = geomean([ms("strata", q) / ms(p, q) for q in both])
        verdicts[p] = g
        gm.append(("-" if g is None else f"{g:.3f}")
                  + ("" if len(both) == len(queries) else f" ({len(both)} q)"))
    gm += [f"{len(ok)}/{len(queries)} q", ""]
    table.append(gm)
    if peers:
        goal = ["goal (geomean)"] + [""] * len(ran)
        met = ["goal met?"] + [""] * len(ran)
        for p in peers:
            goal.append(f"<= {GOALS[p]:g}")
            met.append(verdict(verdicts[p], GOALS[p]))
        table += [goal + ["", ""], met + ["", ""]]

    # COPY rows: engine columns are rows/s; ratio columns stay Strata time / peer time.
    for label, tables in (("COPY lineorder rows/s", ["lineorder"]),
                          ("COPY all tables rows/s", LOAD_ORDER)):
        row = [label]
        for e in ran:
            n = sum(R[e]["load"][t]["rows"] for t in tables)
            s = sum(R[e]["load"][t]["seconds"] for t in tables)
            row.append(f"{n / s:,.0f}")
        for p in peers:
            a = sum(R["strata"]["load"][t]["seconds"] for t in tables)
            b = sum(R[p]["load"][t]["seconds"] for t in tables)
            row.append(f"{a / b:.3f}")
        row += ["", ""]
        table.append(row)

    widths = [max(len(str(r[i])) for r in [head] + table) for i in range(len(head))]
    lines = []

    def line(cells):
        return " | ".join(str(c).ljust(widths[0]) if i == 0 else str(c).rjust(widths[i])
                          for i, c in enumerate(cells)).rstrip()
    lines.append(line(head))
    lines.append("-+-".join("-" * w for w in widths))
    for i, r in enumerate(table):
        if r[0] == "geomean" or r[0] == "COPY lineorder rows/s":
            lines.append("-+-".join("-" * w for w in widths))
        lines.append(line(r))
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--strata", default=os.path.join(HERE, "..", "build", "release", "strata"),
                    help="the strata binary, a release build (build/release/strata)")
    ap.add_argument("--sf", type=float, default=1.0, help="SSB scale factor (1; 0.1 for a quick run)")
    ap.add_argument("--seed", type=int, default=20240101, help="data generator seed")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per query after a warm-up (3)")
    ap.add_argument("--engines", default=",".join(ENGINES),
                    help=f"comma-separated subset of {','.join(ENGINES)}")
    ap.add_argument("--queries", default="", help="comma-separated subset, e.g. Q1.1,Q3.2")
    ap.add_argument("--budget", type=float, default=60,
                    help="seconds per query and engine after which no further timed runs start "
                    "(at least one timed run; 60)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per query run before it "
                    "is canceled and reported as an error (600)")
    ap.add_argument("--copy", choices=["file", "stdin"], default="file",
                    help="Strata and PostgreSQL load with server-side COPY FROM 'file' (default) "
                    "or COPY FROM STDIN through psycopg2")
    ap.add_argument("--dir", default=None, help="parent of the work directory (default $TMPDIR)")
    ap.add_argument("--data", default=None, help="directory for the CSV files, kept and reused "
                    "when sf and seed match (default: inside the work directory)")
    ap.add_argument("--json", help="also write the results as JSON to this file")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    for e in engines:
        if e not in ENGINES:
            ap.error(f"unknown engine {e!r}; choose from {','.join(ENGINES)}")
    queries = ssb.QUERIES
    if args.queries:
        names = [q.strip().upper() for q in args.queries.split(",")]
        unknown = [q for q in names if q not in ssb.QUERIES]
        if unknown:
            ap.error(f"unknown queries {unknown}; choose from {','.join(ssb.QUERIES)}")
        queries = {q: ssb.QUERIES[q] for q in names}
    if "strata" in engines and not os.access(args.strata, os.X_OK):
        raise SystemExit(f"no strata binary at {args.strata}: build with `make build` or give --strata")

    t_start = time.perf_counter()
    work = tempfile.mkdtemp(prefix="strata-sqlbench-", dir=args.dir)
    os.chmod(work, 0o755)   # PostgreSQL's server runs as postgres and reads the CSV files
    data_dir = os.path.abspath(args.data) if args.data else os.path.join(work, "data")
    res = {"sf": args.sf, "seed": args.seed, "runs": args.runs, "budget_s": args.budget,
           "copy": args.copy,
           "engines": {}, "errors": {}}
    try:
        manifest = generate(data_dir, args.sf, args.seed)
        res["rows"] = manifest["rows"]
        # DuckDB first: it is the reference for the result check.
        for name in sorted(engines, key=["duckdb", "strata", "postgres", "sqlite"].index):
            if name == "strata":
                eng = StrataEngine(args.strata, work)
            elif name == "postgres":
                eng = PostgresEngine(work)
            elif name == "sqlite":
                eng = SQLiteEngine(work)
            else:
                eng = DuckDBEngine(work)
            if hasattr(eng, "copy_mode"):
                eng.copy_mode = args.copy
            t0 = time.perf_counter()
            res["engines"][name] = run_engine(eng, manifest, queries, args.runs, args.timeout,
                                              args.budget)
            res["engines"][name]["seconds"] = time.perf_counter() - t0
            if name != "strata":
                shutil.rmtree(os.path.join(work, name), ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    mismatches = compare(res["engines"], queries)
    res["mismatches"] = mismatches
    total_s = time.perf_counter() - t_start
    res["seconds"] = total_s

    print(f"\nStar Schema Benchmark, SF {args.sf:g} (lineorder {manifest['rows']['lineorder']:,} rows, "
          f"seed {args.seed}); each query: 1 warm-up, best of {args.runs} runs, in ms")
    short = sorted({f"{LABELS[e]} {q} ({len(r['runs_ms'])})" for e in engines
                    for q, r in res["engines"][e]["queries"].items()
                    if "runs_ms" in r and len(r["runs_ms"]) < args.runs})
    if short:
        print(f"  fewer runs, over the {args.budget:g}s budget: " + ", ".join(short))
    for e in engines:
        print(f"  {LABELS[e]:<10} {res['engines'][e]['version']}")
    print()
    for line in report(res, queries, engines, mismatches):
        print(line)
    print("\nStrata/X = Strata time / X time: below 1 Strata is faster (0.100 = 10x faster).")
    peers = [e for e in engines if e != "strata"] if "strata" in engines else []
    if peers:
        print("Goals on the geomean of Strata/X: "
              + "; ".join(f"<= {GOALS[p]:g} ({GOAL_TEXT[p]})" for p in peers) + ".")
    print("COPY rows are rows/s of COPY FROM the same CSV files "
          f"({'server-side file' if args.copy == 'file' else 'STDIN'} for Strata and PostgreSQL, "
          "COPY for DuckDB, .import for SQLite); their ratios are load times, Strata / X.")
    failed = False
    for q in queries:
        errs = [(e, res["engines"][e]["queries"][q].get("error")) for e in engines]
        errs = [(e, err) for e, err in errs if err]
        if errs:
            failed = True
            print(f"\n!!! {q} failed on " + "; ".join(f"{LABELS[e]}: {err}" for e, err in errs))
            print(queries[q])
    for m in mismatches:
        failed = True
        print(f"\n!!! MISMATCH {m['query']}: {LABELS[m['engine']]} returned {m['rows']} rows, "
              f"{LABELS[m['reference']]} {m['reference_rows']}")
        print(f"    missing (first 5):    {m['missing']}")
        print(f"    unexpected (first 5): {m['unexpected']}")
        print(queries[m["query"]])
    answers = {q: [res["engines"][e]["queries"][q]["rows"] for e in engines
                   if "rows" in res["engines"][e]["queries"][q]] for q in queries}
    empty = [q for q, a in answers.items() if a and not any(a)]
    if empty:
        print(f"\nnote: {', '.join(empty)} returned no rows on every engine "
              f"(selective queries at a small scale factor)")
    print(f"\ntotal {total_s:.0f}s ("
          + ", ".join(f"{LABELS[e]} {res['engines'][e]['seconds']:.0f}s" for e in engines)
          + f"); work dir {work}{' (kept)' if args.keep else ''}")
    if args.json:
        for e in res["engines"].values():
            for q in e["queries"].values():
                if "rows" in q:
                    q["row_count"] = len(q["rows"])
                    q["rows"] = q["rows"][:50]
        with open(args.json, "w") as f:
            json.dump(res, f, indent=2, default=str)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
