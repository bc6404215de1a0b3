#!/usr/bin/python3
"""Nexmark on Strata's materialized views, next to DuckDB on the same events.

    make bench-nexmark      # = /usr/bin/python3 bench/nexmark_bench.py --strata build/release/strata
    /usr/bin/python3 bench/nexmark_bench.py --strata build/release/strata --events 2000000 --json out.json

One run, one machine, one set of events (bench/README.md, "Nexmark"):

1. `strata nexmark --kind bid` writes --events events' bids (92% of the events)
   as JSON lines to a file. The file is produced into the topic nexmark.bid
   of a fresh `strata server` with kcat (acks=all): the ingest row.
2. For each query of tests/stream/nexmark_queries.py, in turn, a materialized
   view over the stream `bid` is created and timed until SHOW MATERIALIZED
   VIEWS says it has read every bid (polled every 10 ms), then dropped: the
   view decodes every record from the log, applies the query and keeps its
   result, on one stream runtime thread (a view is stepped by one thread at a time).
3. DuckDB (bench/node_modules, `make bench-deps`) runs the same query over the
   same file: `CREATE TABLE out AS <query over read_json(file)>`, which also
   parses every JSON line and keeps the result, with all cores.
4. bench/nexmark_loop.cc (built next to strata) computes q0, q1, q5 and q7 by
   hand over the same file on one thread: the machine's limit for the work.
5. The joins of two streams (--join-queries, JOIN_QUERIES in nexmark_queries.py):
   persons and auctions of the same events are generated and produced too, and
   each join view is timed until it has read every record of its two streams;
   events/s counts all --events events, as Nexmark's figures do.
6. Checkpoint overhead (--checkpoint-overhead): the listed queries' views run
   again, alternating between the first server (checkpoints at the default
   interval) and a second one over the same bids whose checkpoint interval is
   an hour (no checkpoint during a run), twice each; the overhead is the best
   time with checkpoints over the best time without, minus one.

Both sides count the rows of their result; a mismatch is printed and the exit
code is 1. The ratio is Strata time / DuckDB time (lower is better): how far a
continuously maintained view, fed one record at a time through the log, is
from a vectorised batch engine doing the same work once over a local file.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "stream"))
sys.path.insert(0, HERE)
from nexmark_queries import DUCKDB, DUCKDB_JOIN, JOIN_QUERIES, QUERIES, STREAMS, TABLES  # noqa: E402
from sql_bench import DuckDBRunner  # noqa: E402
from strata_harness import StrataServer  # noqa: E402

import psycopg2  # noqa: E402

# Flink 2.x, Nexmark suite V2, events/s per core (../shared/design/nexmark.md,
# "Published throughput per core"; 50 M events).
FLINK_V2_PER_CORE = {"q0": 379e3, "q1": 395e3, "q2": 414e3, "q3": 219e3, "q4": 28e3, "q5": 75e3, "q7": 23e3,
                     "q8": 162e3, "q9": 14e3, "q10": 133e3, "q11": 46e3, "q20": 18e3,
                     "q13": 188e3, "q14": 259e3, "q15": 168e3, "q16": 45e3, "q17": 161e3, "q18": 65e3, "q19": 43e3,
                     "q21": 147e3, "q22": 212e3}
# Queries bench/nexmark_loop.cc computes by hand (the machine's limit).
LOOP_QUERIES = ["q0", "q1", "q5", "q7"]
# Goals of issue 4, events/s per core: stateless q0-q2 1 M.
GOAL_PER_CORE = {"q0": 1e6, "q1": 1e6, "q2": 1e6}

# DuckDB's column types for read_json, matching STREAMS.
DUCK_COLUMNS = {
    "bid": ("{auction: 'BIGINT', bidder: 'BIGINT', price: 'BIGINT', channel: 'VARCHAR', "
            "url: 'VARCHAR', date_time: 'TIMESTAMP', extra: 'VARCHAR'}"),
    "person": ("{id: 'BIGINT', name: 'VARCHAR', email_address: 'VARCHAR', credit_card: 'VARCHAR', "
               "city: 'VARCHAR', state: 'VARCHAR', date_time: 'TIMESTAMP', extra: 'VARCHAR'}"),
    "auction": ("{id: 'BIGINT', item_name: 'VARCHAR', description: 'VARCHAR', initial_bid: 'BIGINT', "
                "reserve: 'BIGINT', date_time: 'TIMESTAMP', expires: 'TIMESTAMP', seller: 'BIGINT', "
                "category: 'BIGINT', extra: 'VARCHAR'}"),
}


def log(msg: str):
    print(msg, file=sys.stderr, flush=True)


def generate(strata: str, events: int, path: str, kind: str = "bid") -> int:
    with open(path, "wb") as out:
        r = subprocess.run([strata, "nexmark", "--events", str(events), "--kind", kind], stdout=out,
                           stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise SystemExit(f"strata nexmark failed: {r.stderr.decode()}")
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def shown(cur, view: str):
    cur.execute("SHOW MATERIALIZED VIEWS")
    for r in cur.fetchall():
        if r[1] == view:
            return r
    raise SystemExit(f"view {view} is not in SHOW MATERIALIZED VIEWS")


def strata_view(cur, name: str, sql: str, records: int, timeout_s: float) -> dict:
    """Creates the view, times it until it has read `records` records, drops it."""
    t0 = time.perf_counter()
    cur.execute(f"CREATE MATERIALIZED VIEW {name} AS {sql}")
    while True:
        r = shown(cur, name)
        if r[4] >= records:
            break
        if r[7] != "running":
            raise SystemExit(f"view {name} stopped: {r[7]}")
        if time.perf_counter() - t0 > timeout_s:
            raise SystemExit(f"view {name} read {r[4]} of {records} records in {timeout_s} s")
        time.sleep(0.01)
    seconds = time.perf_counter() - t0
    cur.execute(f"SELECT count(*) FROM {name}")
    rows = cur.fetchone()[0]
    dead = r[5]
    checkpoints = shown(cur, name)[6]
    cur.execute(f"DROP MATERIALIZED VIEW {name}")
    return {"seconds": seconds, "rows": rows, "dead_letters": dead, "checkpoints": checkpoints}


def start_server(work: str, name: str, strata: str, path: str, config: str | None):
    """A fresh server in work/name with the stream bid holding every bid of
    `path` (produced with kcat): (server, cursor, kcat seconds)."""
    extra = ["--pg-listen", "127.0.0.1:0"]
    if config is not None:
        cfg = os.path.join(work, f"{name}.toml")
        with open(cfg, "w") as f:
            f.write(config)
        extra += ["--config", cfg]
    srv = StrataServer(data_dir=os.path.join(work, name), binary=strata, extra_args=extra)
    srv.start()
    host, port = srv.pg_address()
    conn = psycopg2.connect(host=host, port=port, user="strata", dbname="strata")
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute(f"CREATE STREAM bid ({STREAMS['bid']}) WITH (topic = 'nexmark.bid', format = 'json')")
    for table, (cols, fill) in TABLES.items():
        cur.execute(f"CREATE TABLE {table} ({cols})")
        cur.execute(fill)
    t = time.perf_counter()
    r = subprocess.run(["kcat", "-P", "-b", srv.kafka, "-t", "nexmark.bid", "-X", "acks=all",
                        "-X", "linger.ms=5", "-l", path], capture_output=True)
    if r.returncode != 0:
        raise SystemExit(f"kcat failed: {r.stderr.decode()}")
    return srv, cur, time.perf_counter() - t


def duckdb_setup(duck: DuckDBRunner, paths: dict):
    # A view per stream: every query reads and parses the files again, as each
    # Strata view decodes every record.
    for stream, path in paths.items():
        duck.check(f"CREATE VIEW {stream} AS SELECT * FROM read_json('{path}', format = 'newline_delimited', "
                   f"columns = {DUCK_COLUMNS[stream]})")
    for name, (cols, fill) in TABLES.items():
        duck.check(f"CREATE TABLE {name} ({cols})")
        duck.check(fill)


def duckdb_query(duck: DuckDBRunner, sql: str) -> dict:
    r = duck.check(f"CREATE OR REPLACE TABLE out AS {sql}")
    rows = duck.check("SELECT count(*) FROM out")["rows"][0][0]
    return {"seconds": r["ms"] / 1000.0, "rows": int(rows)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--strata", default=os.path.join(HERE, "..", "build", "release", "strata"))
    ap.add_argument("--events", type=int, default=1_000_000, help="Nexmark events (bids are 92%%)")
    ap.add_argument("--queries", default=",".join(QUERIES), help="comma-separated, of " + ",".join(QUERIES))
    ap.add_argument("--dir", default=None, help="work directory (default: a new one under $TMPDIR)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per view")
    ap.add_argument("--json", default=None, help="also write the results here")
    ap.add_argument("--join-queries", default=",".join(JOIN_QUERIES),
                    help="joins of two streams to time too (comma-separated, of " + ",".join(JOIN_QUERIES) +
                    "; '' for none)")
    ap.add_argument("--checkpoint-overhead", default="q0,q15,q18",
                    help="queries whose views also run without checkpoints (comma-separated; '' for none)")
    args = ap.parse_args()
    queries = [q for q in args.queries.split(",") if q]
    overhead_queries = [q for q in args.checkpoint_overhead.split(",") if q]
    join_queries = [q for q in args.join_queries.split(",") if q]
    for q in queries + overhead_queries:
        if q not in QUERIES:
            raise SystemExit(f"unknown query {q}; known: {', '.join(QUERIES)}")
    for q in join_queries:
        if q not in JOIN_QUERIES:
            raise SystemExit(f"unknown join query {q}; known: {', '.join(JOIN_QUERIES)}")

    work = args.dir or tempfile.mkdtemp(prefix="nexmark-bench-")
    path = os.path.join(work, "bid.jsonl")
    t = time.perf_counter()
    bids = generate(os.path.abspath(args.strata), args.events, path)
    gen_s = time.perf_counter() - t
    size_mb = os.path.getsize(path) / 1e6
    log(f"generated {bids} bids ({size_mb:.0f} MB) in {gen_s:.1f} s")

    results = {"events": args.events, "bids": bids, "json_mb": size_mb, "generate_s": gen_s, "queries": {}}
    strata = os.path.abspath(args.strata)
    srv, cur, results["ingest_s"] = start_server(work, "strata", strata, path, None)
    quiet = None  # the server without checkpoints (--checkpoint-overhead)
    duck = None
    try:
        log(f"kcat produced them in {results['ingest_s']:.1f} s")

        loop_bin = os.path.join(os.path.dirname(os.path.abspath(args.strata)), "nexmark_loop")
        r = subprocess.run([loop_bin, path], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"{loop_bin} failed: {r.stderr}")
        results["loop"] = {j["query"]: j for j in map(json.loads, r.stdout.splitlines())}
        for q, j in results["loop"].items():
            log(f"{q}: hand-written loop {j['seconds']:.2f} s ({j['rows']} rows)")

        # The other streams' records, for the join queries.
        counts = {"bid": bids}
        paths = {"bid": path}
        if join_queries:
            for stream in ("person", "auction"):
                paths[stream] = os.path.join(work, f"{stream}.jsonl")
                counts[stream] = generate(strata, args.events, paths[stream], stream)
                cur.execute(f"CREATE STREAM {stream} ({STREAMS[stream]}) WITH (topic = 'nexmark.{stream}', "
                            f"format = 'json')")
                r = subprocess.run(["kcat", "-P", "-b", srv.kafka, "-t", f"nexmark.{stream}", "-X", "acks=all",
                                    "-X", "linger.ms=5", "-l", paths[stream]], capture_output=True)
                if r.returncode != 0:
                    raise SystemExit(f"kcat failed: {r.stderr.decode()}")
            log(f"generated and produced {counts['person']} persons and {counts['auction']} auctions")
        duck = DuckDBRunner(None)
        duckdb_setup(duck, paths)
        for q in queries:
            s = strata_view(cur, q, QUERIES[q], bids, args.timeout)
            d = duckdb_query(duck, DUCKDB[q])
            results["queries"][q] = {"strata": s, "duckdb": d}
            log(f"{q}: Strata view {s['seconds']:.2f} s ({s['rows']} rows), DuckDB {d['seconds']:.2f} s "
                f"({d['rows']} rows)")
        results["joins"] = {}
        for q in join_queries:
            inputs, sql = JOIN_QUERIES[q]
            s = strata_view(cur, q, sql, sum(counts[i] for i in inputs), args.timeout)
            d = duckdb_query(duck, DUCKDB_JOIN[q])
            results["joins"][q] = {"strata": s, "duckdb": d, "inputs": list(inputs)}
            log(f"{q}: Strata view {s['seconds']:.2f} s ({s['rows']} rows), DuckDB {d['seconds']:.2f} s "
                f"({d['rows']} rows)")
        if overhead_queries:
            quiet, quiet_cur, _ = start_server(work, "no-checkpoints", strata, path,
                                               "[streams]\ncheckpoint_interval_ms = 3600000\n")
            results["checkpoint_overhead"] = {}
            for q in overhead_queries:
                on, off, taken = [], [], []
                for _ in range(2):
                    with_ckpt = strata_view(cur, q, QUERIES[q], bids, args.timeout)
                    on.append(with_ckpt["seconds"])
                    taken.append(with_ckpt["checkpoints"])
                    off.append(strata_view(quiet_cur, q, QUERIES[q], bids, args.timeout)["seconds"])
                results["checkpoint_overhead"][q] = {"with_s": min(on), "without_s": min(off),
                                                     "checkpoints": taken}
                log(f"{q}: with checkpoints {on} ({taken} checkpoints), without {off}")
    finally:
        if duck is not None:
            duck.close()
        for server in (srv, quiet):
            if server is not None:
                server.stop(check=False)
                server.close(remove=args.dir is None)

    mismatches = []
    print(f"Nexmark, {args.events} events = {bids} bids ({size_mb:.0f} MB of JSON); "
          f"kcat ingest {bids / results['ingest_s']:,.0f} bids/s")
    print(f"{'query':6} | {'Strata s':>8} | {'events/s':>10} | {'loop ev/s':>10} | {'/loop':>5} | "
          f"{'Flink/core':>10} | {'x Flink':>7} | {'DuckDB s':>8} | {'/DuckDB':>7} | rows")
    ratios = []
    loop = results.get("loop", {})
    for q in list(results["queries"]) + [q for q in LOOP_QUERIES if q not in results["queries"]]:
        lp = loop.get(q)
        loop_eps = args.events / lp["seconds"] if lp and lp["seconds"] > 0 else None
        flink = FLINK_V2_PER_CORE.get(q)
        loop_text = f"{loop_eps:10,.0f}" if loop_eps else f"{'':>10}"
        r = results["queries"].get(q)
        if r is None:
            print(f"{q:6} | {'-':>8} | {'-':>10} | {loop_text} | {'':>5} | {f'{flink:,.0f}' if flink else '':>10} | {'':>7} | "
                  f"{'':>8} | {'':>7} | {lp['rows'] if lp else ''}  "
                  f"{'(not run: --queries)' if q in QUERIES else '(not maintainable yet: docs/streams.md)'}")
            continue
        s, d = r["strata"], r["duckdb"]
        ratio = s["seconds"] / d["seconds"] if d["seconds"] > 0 else float("inf")
        ratios.append(ratio)
        eps = args.events / s["seconds"]
        r["strata"]["events_per_s"] = eps
        same = s["rows"] == d["rows"] and s["dead_letters"] == 0 and (lp is None or lp["rows"] == s["rows"])
        if not same:
            mismatches.append(q)
        goal = GOAL_PER_CORE.get(q)
        verdict = "" if goal is None else f"  goal {goal / 1e6:.0f} M/s: {'met' if eps >= goal else 'not met'}"
        print(f"{q:6} | {s['seconds']:8.2f} | {eps:10,.0f} | {loop_text} | "
              f"{f'{eps / loop_eps:5.2f}' if loop_eps else '':>5} | {f'{flink:,.0f}' if flink else '':>10} | "
              f"{f'{eps / flink:.2f}' if flink else '':>7} | {d['seconds']:8.2f} | {ratio:7.2f} | {s['rows']}"
              f"{'' if same else ' MISMATCH: DuckDB ' + str(d['rows']) + ', dead letters ' + str(s['dead_letters'])}"
              f"{verdict}")
    if ratios:
        gm = math.exp(sum(math.log(x) for x in ratios) / len(ratios))
        results["geomean_ratio"] = gm
        print(f"geomean Strata/DuckDB time: {gm:.2f} (lower is better)")
    print(f"events/s = {args.events} Nexmark events / time (the view reads their {bids} bids; persons and "
          f"auctions are not in its stream). Strata: one view, stepped by one runtime thread at a time, checkpoints on (default "
          f"interval); loop: bench/nexmark_loop.cc, one thread; DuckDB: {os.cpu_count()} threads, /DuckDB is "
          f"Strata time / DuckDB time; Flink: published V2 per-core figures (nexmark.md), not run here.")
    if results.get("joins"):
        print(f"joins of two streams ({', '.join(f'{n} {s}s' for s, n in counts.items())} of the same "
              f"{args.events} events):")
        print(f"{'query':6} | {'inputs':14} | {'Strata s':>8} | {'events/s':>10} | {'Flink/core':>10} | "
              f"{'x Flink':>7} | {'DuckDB s':>8} | {'/DuckDB':>7} | rows")
        for q, r in results["joins"].items():
            s, d = r["strata"], r["duckdb"]
            eps = args.events / s["seconds"]
            s["events_per_s"] = eps
            flink = FLINK_V2_PER_CORE.get(q)
            same = s["rows"] == d["rows"] and s["dead_letters"] == 0
            if not same:
                mismatches.append(q)
            print(f"{q:6} | {'+'.join(r['inputs']):14} | {s['seconds']:8.2f} | {eps:10,.0f} | "
                  f"{f'{flink:,.0f}' if flink else '':>10} | {f'{eps / flink:.2f}' if flink else '':>7} | "
                  f"{d['seconds']:8.2f} | {s['seconds'] / d['seconds'] if d['seconds'] > 0 else float('inf'):7.2f} | "
                  f"{s['rows']}{'' if same else ' MISMATCH: DuckDB ' + str(d['rows'])}")
    for q, o in results.get("checkpoint_overhead", {}).items():
        extra = o["with_s"] / o["without_s"] - 1 if o["without_s"] > 0 else float("inf")
        o["overhead"] = extra
        print(f"checkpoint overhead {q}: {o['with_s']:.2f} s with checkpoints (default interval; "
              f"{'/'.join(map(str, o['checkpoints']))} taken), "
              f"{o['without_s']:.2f} s without: {extra * 100:+.1f}% (goal under 10%: "
              f"{'met' if extra < 0.10 else 'not met'})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
