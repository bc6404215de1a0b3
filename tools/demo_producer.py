#!/usr/bin/python3
"""Produces a steady stream of checkout events (JSON) into a Strata topic.

Each event: order_id, user_id, country, amount, currency, event_time (ISO 8601,
UTC). The key is the user id, so one user's orders stay in one partition.
Orders come from 5000 users, so a user rarely orders twice in a minute; every
--burst-every events one user places a burst of 5 orders in a row, which the
demo's fraud view (more than 3 orders in one minute) catches.
Runs until interrupted, or for --count events.
"""
import argparse
import json
import random
import signal
import sys
import time
from datetime import datetime, timezone

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

COUNTRIES = [("BR", "BRL"), ("US", "USD"), ("DE", "EUR"), ("FR", "EUR"), ("JP", "JPY"),
             ("IN", "INR"), ("GB", "GBP"), ("MX", "MXN"), ("NG", "NGN"), ("AU", "AUD")]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bootstrap", default="127.0.0.1:9092")
    ap.add_argument("--topic", default="checkout.orders")
    ap.add_argument("--partitions", type=int, default=3)
    ap.add_argument("--rate", type=float, default=20.0, help="events per second")
    ap.add_argument("--count", type=int, default=0, help="stop after this many (0 = run forever)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--burst-every", type=int, default=300, help="events between two order bursts (0 = none)")
    args = ap.parse_args()

    admin = AdminClient({"bootstrap.servers": args.bootstrap})
    futures = admin.create_topics([NewTopic(args.topic, num_partitions=args.partitions, replication_factor=1)])
    for f in futures.values():
        try:
            f.result(timeout=10)
        except Exception as e:  # an existing topic is fine
            if "TOPIC_ALREADY_EXISTS" not in str(e) and "already exists" not in str(e):
                print(f"demo: create topic failed: {e}", file=sys.stderr)
                return 1

    producer = Producer({"bootstrap.servers": args.bootstrap, "acks": "all", "linger.ms": 5})
    rng = random.Random(args.seed)
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    sent = 0
    acked = 0

    def on_delivery(err, msg):
        nonlocal acked
        if err is None:
            acked += 1
        else:
            print(f"demo: delivery failed: {err}", file=sys.stderr)

    # The first event is the one the docs follow through every layer.
    first = {"order_id": "o-000001", "user_id": "u-0042", "country": "BR", "amount": 48.90,
             "currency": "BRL", "event_time": datetime.now(timezone.utc).isoformat(timespec="milliseconds")}
    next_id = 2
    burst_user, burst_left = "", 0
    event = first
    while not stopping and (args.count == 0 or sent < args.count):
        producer.produce(args.topic, key=event["user_id"], value=json.dumps(event), on_delivery=on_delivery)
        sent += 1
        producer.poll(0)
        if sent % 100 == 0:
            print(f"demo: {sent} orders sent, {acked} acknowledged", file=sys.stderr)
        time.sleep(1.0 / args.rate)
        if burst_left > 0:
            burst_left -= 1
        elif args.burst_every > 0 and sent % args.burst_every == 0:
            burst_user, burst_left = f"u-{rng.randint(1, 5000):04d}", 5
        country, currency = rng.choice(COUNTRIES)
        user = burst_user if burst_left > 0 else f"u-{rng.randint(1, 5000):04d}"
        event = {"order_id": f"o-{next_id:06d}", "user_id": user,
                 "country": country, "amount": round(rng.uniform(5, 500), 2), "currency": currency,
                 "event_time": datetime.now(timezone.utc).isoformat(timespec="milliseconds")}
        next_id += 1
    producer.flush(30)
    print(f"demo: stopped after {sent} orders, {acked} acknowledged", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
