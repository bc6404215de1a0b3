#!/usr/bin/python3
"""Producer for the kill -9 crash test (tests/crash/test_kill9.py).

Idempotent, acks=all, sequentially numbered records: record number `seq` goes
to partition seq % P with key and value b"p<partition>-<seq>". Every
acknowledged record is appended to the ack log as "seq partition offset"
(flushed after each poll's batch of delivery callbacks); a failed delivery is
logged as "F seq error"; "S n" says n records have been produced so far. Runs until SIGTERM, then flushes every in-flight
message and prints one JSON summary line on stdout.
"""

import argparse
import json
import signal
import sys
import time

from confluent_kafka import Producer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--topic", required=True)
    ap.add_argument("--partitions", type=int, default=3)
    ap.add_argument("--ack-log", required=True)
    ap.add_argument("--rate", type=float, default=2000, help="records per second (cap)")
    ap.add_argument("--flush-timeout", type=float, default=280)
    args = ap.parse_args()

    seq = 0
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    signal.signal(signal.SIGINT, lambda *_: stop.__setitem__(0, True))

    ack_f = open(args.ack_log, "a", buffering=1 << 16)
    pending_lines = []
    counts = {"acked": 0, "failed": 0}
    fatal = []

    def on_delivery(err, msg):
        seq = int(msg.key().split(b"-", 1)[1])
        if err is None:
            counts["acked"] += 1
            pending_lines.append(f"{seq} {msg.partition()} {msg.offset()}\n")
        else:
            counts["failed"] += 1
            pending_lines.append(f"F {seq} {err.str()!r}\n")

    def on_error(err):
        print(f"crash_producer: client error: {err}", file=sys.stderr, flush=True)
        if err.fatal():
            fatal.append(str(err))

    p = Producer({
        "bootstrap.servers": args.bootstrap,
        "enable.idempotence": True,
        "acks": "all",
        "linger.ms": 5,
        "message.timeout.ms": 300000,
        "retry.backoff.ms": 100,
        "reconnect.backoff.ms": 50,
        "reconnect.backoff.max.ms": 500,
        "queue.buffering.max.messages": 1_000_000,
        "on_delivery": on_delivery,
        "error_cb": on_error,
    })

    last_status = [-1]

    def drain(timeout):
        p.poll(timeout)
        if seq != last_status[0]:
            # "S n": n records handed to the client so far (lets the test see
            # how many were in flight when it killed the server).
            pending_lines.append(f"S {seq}\n")
            last_status[0] = seq
        if pending_lines:
            ack_f.write("".join(pending_lines))
            ack_f.flush()
            pending_lines.clear()

    t0 = time.monotonic()
    while not stop[0] and not fatal:
        allowed = int((time.monotonic() - t0) * args.rate) + 1
        while seq < allowed and not stop[0]:
            part = seq % args.partitions
            v = f"p{part}-{seq}".encode()
            try:
                p.produce(args.topic, value=v, key=v, partition=part)
            except BufferError:
                break
            seq += 1
        drain(0.01)

    deadline = time.monotonic() + args.flush_timeout
    while len(p) > 0 and time.monotonic() < deadline and not fatal:
        drain(0.1)
    drain(0)
    ack_f.close()
    summary = {"produced": seq, "acked": counts["acked"], "failed": counts["failed"],
               "undelivered": len(p), "fatal": fatal}
    print(json.dumps(summary), flush=True)
    return 0 if (len(p) == 0 and not fatal and counts["failed"] == 0) else 2


if __name__ == "__main__":
    sys.exit(main())
