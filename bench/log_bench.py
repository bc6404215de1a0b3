#!/usr/bin/python3
"""Log benchmark: Strata's Kafka append/read next to fio on the same filesystem.

    /usr/bin/python3 bench/log_bench.py --strata build/release/strata [--mb 512]

Prints one table (metric | Strata | fio | ratio). See bench/README.md.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from array import array

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
from strata_harness import StrataServer, create_topic  # noqa: E402

from confluent_kafka import Consumer, Producer, TopicPartition, OFFSET_BEGINNING  # noqa: E402

MB = 1 << 20


def pct(sorted_vals, q):
    if not sorted_vals:
        return float("nan")
    i = min(len(sorted_vals) - 1, int(round(q / 100 * (len(sorted_vals) - 1))))
    return sorted_vals[i]


def rss_mb(srv):
    kb = srv.rss_kb()
    return None if kb is None else kb / 1024


def produce(bootstrap, topic, partitions, n, size):
    send = array("d", bytes(8 * n))
    lat = array("d", bytes(8 * n))
    state = {"acked": 0, "errors": 0, "last": 0.0}
    now = time.perf_counter

    def on_delivery(err, msg):
        t = now()
        if err is not None:
            state["errors"] += 1
            return
        i = int.from_bytes(msg.value()[:8], "big")
        lat[i] = t - send[i]
        state["acked"] += 1
        state["last"] = t

    p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5,
                  "batch.size": 1 << 20, "batch.num.messages": 100000,
                  "compression.type": "none", "queue.buffering.max.kbytes": 1 << 20,
                  "queue.buffering.max.messages": 1_000_000, "message.timeout.ms": 300000,
                  "on_delivery": on_delivery})
    filler = os.urandom(size - 8)
    t0 = now()
    for i in range(n):
        v = i.to_bytes(8, "big") + filler
        while True:
            try:
                send[i] = now()
                p.produce(topic, value=v, partition=i % partitions)
                break
            except BufferError:
                p.poll(0.001)
        p.poll(0)
    left = p.flush(600)
    if left or state["errors"] or state["acked"] != n:
        raise SystemExit(f"produce failed: {left} undelivered, {state['errors']} errors, "
                         f"{state['acked']} of {n} acknowledged")
    elapsed = state["last"] - t0
    lats = sorted(lat)
    return {"seconds": elapsed, "mb_s": n * size / MB / elapsed,
            "p50_ms": pct(lats, 50) * 1e3, "p99_ms": pct(lats, 99) * 1e3}


def produce_one_at_a_time(bootstrap, topic, n, size):
    """Unloaded ack latency: one record in flight, linger.ms=0, wait for each ack."""
    p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 0,
                  "compression.type": "none"})
    filler = os.urandom(size)
    lats = []
    for _ in range(n):
        t = time.perf_counter()
        p.produce(topic, value=filler, partition=0)
        if p.flush(30) != 0:
            raise SystemExit("single-record produce not acknowledged within 30s")
        lats.append(time.perf_counter() - t)
    lats.sort()
    return {"p50_ms": pct(lats, 50) * 1e3, "p99_ms": pct(lats, 99) * 1e3}


def consume(bootstrap, topic, partitions):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": f"bench-{time.time_ns()}",
                  "enable.auto.commit": False, "fetch.max.bytes": 64 * MB,
                  "max.partition.fetch.bytes": 16 * MB, "queued.max.messages.kbytes": 262144})
    try:
        highs = {}
        for q in range(partitions):
            highs[q] = c.get_watermark_offsets(TopicPartition(topic, q), timeout=30, cached=False)[1]
        todo = {q for q in highs if highs[q] > 0}
        c.assign([TopicPartition(topic, q, OFFSET_BEGINNING) for q in todo])
        nbytes = 0
        count = 0
        t0 = time.perf_counter()
        total = sum(highs.values())
        while todo:
            # consume() returns when it has num_messages or at the timeout:
            # never ask for more than what is left.
            want = max(1, min(10000, total - count))
            for m in c.consume(num_messages=want, timeout=1.0):
                if m.error():
                    raise SystemExit(f"consume error {m.error()}")
                nbytes += len(m.value())
                count += 1
                if m.offset() + 1 >= highs[m.partition()]:
                    todo.discard(m.partition())
        el = time.perf_counter() - t0
        return {"seconds": el, "mb_s": nbytes / MB / el, "records": count}
    finally:
        c.close()


def fio(workdir, name, rw, bs, size, runtime, sync):
    cmd = ["fio", f"--name={name}", f"--directory={workdir}", f"--filename={name}.fio",
           f"--rw={rw}", f"--bs={bs}", f"--size={size}", "--ioengine=sync",
           f"--runtime={runtime}", "--output-format=json"]
    if sync:
        cmd.append("--fdatasync=1")
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"fio failed: {' '.join(cmd)}\n{r.stderr}")
    job = json.loads(r.stdout[r.stdout.index("{"):])["jobs"][0]
    side = job["write" if "write" in rw else "read"]
    out = {"mb_s": side["bw_bytes"] / MB, "cmd": " ".join(cmd)}
    # Per-operation latency: write completion + fdatasync.
    clat = side.get("clat_ns", {}).get("percentile", {})
    sync_p = job.get("sync", {}).get("lat_ns", {}).get("percentile", {})
    for q, key in ((50, "50.000000"), (99, "99.000000")):
        ns = clat.get(key, 0) + (sync_p.get(key, 0) if sync else 0)
        out[f"p{q}_ms"] = ns / 1e6
    return out


def fmt(v, digits=1):
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    return f"{v:.{digits}f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--strata", required=True, help="path to the strata binary (release build)")
    ap.add_argument("--mb", type=int, default=512, help="MB of 1 KB records to produce (512)")
    ap.add_argument("--record-size", type=int, default=1024)
    ap.add_argument("--partitions", type=int, default=1)
    ap.add_argument("--dir", default=None,
                    help="parent dir for the server data and fio files (one filesystem); default $TMPDIR")
    ap.add_argument("--latency-records", type=int, default=2000,
                    help="records for the one-in-flight latency run (2000)")
    ap.add_argument("--fio-size-1k", default="64M")
    ap.add_argument("--fio-size-1m", default="512M")
    ap.add_argument("--fio-runtime", type=int, default=30, help="cap per fio job, seconds")
    ap.add_argument("--json", help="also write the results as JSON to this file")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="strata-bench-", dir=args.dir)
    data = os.path.join(work, "data")
    fio_dir = os.path.join(work, "fio")
    os.makedirs(fio_dir)
    res = {}
    srv = StrataServer(data_dir=data, binary=os.path.abspath(args.strata))
    try:
        srv.start()
        res["rss_start_mb"] = rss_mb(srv)
        time.sleep(2)  # measurement point: idle two seconds after ready
        res["rss_idle_mb"] = rss_mb(srv)
        create_topic(srv.kafka, "bench", args.partitions)
        n = args.mb * MB // args.record_size
        print(f"producing {n} records of {args.record_size} B ({args.mb} MB) ...", file=sys.stderr)
        res["produce"] = produce(srv.kafka, "bench", args.partitions, n, args.record_size)
        res["rss_after_produce_mb"] = rss_mb(srv)
        print(f"single-record latency ({args.latency_records} records) ...", file=sys.stderr)
        create_topic(srv.kafka, "bench-latency", 1)
        res["single"] = produce_one_at_a_time(srv.kafka, "bench-latency", args.latency_records,
                                              args.record_size)
        print("consuming ...", file=sys.stderr)
        res["consume"] = consume(srv.kafka, "bench", args.partitions)
        if res["consume"]["records"] != n:
            raise SystemExit(f"read back {res['consume']['records']} records, produced {n}")
        res["rss_after_run_mb"] = rss_mb(srv)
        srv.stop()
        print("fio ...", file=sys.stderr)
        res["fio_w1k"] = fio(fio_dir, "w1k", "write", "1k", args.fio_size_1k, args.fio_runtime, True)
        res["fio_w1m"] = fio(fio_dir, "w1m", "write", "1m", args.fio_size_1m, args.fio_runtime, True)
        # Reads the file the 1m job just wrote: its page cache is as warm as
        # Strata's freshly written segments were.
        res["fio_r1m"] = fio(fio_dir, "w1m", "read", "1m", args.fio_size_1m, args.fio_runtime, False)
    finally:
        srv.close(remove=False)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    pr, co, si = res["produce"], res["consume"], res["single"]
    w1k, w1m, r1m = res["fio_w1k"], res["fio_w1m"], res["fio_r1m"]

    def ratio(a, b):
        return f"{a / b:.2f}" if a and b else "-"
    rows = [
        ("append MB/s (acks=all, 1 KB) vs fio write bs=1k fdatasync", pr["mb_s"], w1k["mb_s"]),
        ("append MB/s (acks=all, 1 KB) vs fio write bs=1m fdatasync", pr["mb_s"], w1m["mb_s"]),
        ("ack latency p50 ms, saturated vs fio 1k write+fdatasync", pr["p50_ms"], w1k["p50_ms"]),
        ("ack latency p99 ms, saturated vs fio 1k write+fdatasync", pr["p99_ms"], w1k["p99_ms"]),
        ("ack latency p50 ms, 1 in flight vs fio 1k write+fdatasync", si["p50_ms"], w1k["p50_ms"]),
        ("ack latency p99 ms, 1 in flight vs fio 1k write+fdatasync", si["p99_ms"], w1k["p99_ms"]),
        ("read MB/s (consumer) vs fio read bs=1m (warm cache)", co["mb_s"], r1m["mb_s"]),
    ]
    w = max(len(r[0]) for r in rows) + 2
    print(f"\n{'metric':<{w}}| {'Strata':>10} | {'fio':>10} | {'ratio':>6}")
    print("-" * w + "+" + "-" * 12 + "+" + "-" * 12 + "+" + "-" * 7)
    for name, a, b in rows:
        print(f"{name:<{w}}| {fmt(a, 2):>10} | {fmt(b, 2):>10} | {ratio(a, b):>6}")
    for name, key in (("server RSS MB at ready", "rss_start_mb"),
                      ("server RSS MB idle (goal < 100)", "rss_idle_mb"),
                      ("server RSS MB after produce", "rss_after_produce_mb"),
                      ("server RSS MB after run", "rss_after_run_mb")):
        print(f"{name:<{w}}| {fmt(res[key]):>10} | {'-':>10} | {'-':>6}")
    print(f"\n{args.mb} MB produced in {pr['seconds']:.1f}s; read back in {co['seconds']:.1f}s; "
          f"work dir {work}{' (kept)' if args.keep else ''}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=2)


if __name__ == "__main__":
    main()
