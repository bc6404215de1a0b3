"""Nexmark end to end: `strata nexmark` events through Kafka into streams and
materialized views, each view checked against the same query as a batch SELECT.

The generator's JSON lines (docs/formats/nexmark.md) are produced with kcat into
three topics; every Nexmark query the view maintainer can express today (one
stream, filters, projections, GROUP BY aggregates) becomes a materialized view.
Once each view has consumed every bid (SHOW MATERIALIZED VIEWS' input_records),
its rows must equal the batch SELECT of its own query as multisets (stream =
batch), and absolute facts recomputed here in Python from the generated JSON
(counts, q2's and q22's rows, q14's and q21's derived columns) pin both sides.
The queries that cannot be maintained yet are listed in docs/streams.md.
"""

import collections
import datetime as dt
import json
import re
import subprocess
import time
from decimal import Decimal

import pytest

from nexmark_queries import JOIN_QUERIES, QUERIES, STREAMS, TABLES
from strata_harness import StrataServer, strata_binary
from stream_clients import connect, rows

EVENTS = 30000
# 0.25 events/s of event time: 30,000 events span 33 hours, so q14's day/night
# buckets and q17's per-day groups all occur (10,000 ev/s would fit in 3 s).
RATE = 0.25

def generate(kind, path):
    with open(path, "wb") as out:
        r = subprocess.run([strata_binary(), "nexmark", "--events", str(EVENTS), "--rate", str(RATE),
                            "--kind", kind], stdout=out, stderr=subprocess.PIPE, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    return [json.loads(line) for line in open(path, encoding="utf-8")]


def kcat_produce(srv, topic, path):
    r = subprocess.run(["kcat", "-P", "-b", srv.kafka, "-t", topic, "-X", "acks=all", "-l", str(path)],
                       capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr.decode()


def multiset(rs):
    return collections.Counter(tuple(r) for r in rs)


def ts(text):
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f")


@pytest.fixture
def server(request, tmp_path):
    cfg = tmp_path / "strata.toml"
    cfg.write_text("[streams]\ncheckpoint_interval_ms = 500\n")
    srv = StrataServer(extra_args=["--pg-listen", "127.0.0.1:0", "--config", str(cfg)])
    request.node._strata_servers = [srv]
    srv.start()
    yield srv
    srv.stop(check=False)
    srv.close()


def test_the_command_checks_its_arguments():
    exe = strata_binary()
    for args in (["--events", "10", "--kind", "bids"], ["--events", "10", "--format", "avro"],
                 ["--events", "10", "--rate", "0"], ["--events", "10", "--rate", "-3"], ["--events", "-1"],
                 ["--events", "x"], ["--events", "10", "--first-event", "9223372036854775807"], [],
                 ["--events", "10", "--bogus"]):
        r = subprocess.run([exe, "nexmark", *args], capture_output=True, timeout=30)
        assert r.returncode == 2, (args, r.returncode, r.stderr)
        assert r.stderr.strip(), args
        assert r.stdout == b"", args
    r = subprocess.run([exe, "nexmark", "--events", "0"], capture_output=True, timeout=30)
    assert (r.returncode, r.stdout) == (0, b"")
    # --kind all: every event with event_type; a range from an offset is the same slice.
    full = subprocess.run([exe, "nexmark", "--events", "200"], capture_output=True, timeout=30).stdout.splitlines()
    part = subprocess.run([exe, "nexmark", "--events", "50", "--first-event", "120"], capture_output=True,
                          timeout=30).stdout.splitlines()
    assert len(full) == 200 and part == full[120:170]
    kinds = [json.loads(x)["event_type"] for x in full]
    assert collections.Counter(kinds) == {0: 4, 1: 12, 2: 184}
    bids = subprocess.run([exe, "nexmark", "--events", "200", "--kind", "bid"], capture_output=True,
                          timeout=30).stdout.splitlines()
    assert [json.loads(b) for b in bids] == [{k: v for k, v in json.loads(x).items() if k != "event_type"}
                                            for x in full if json.loads(x)["event_type"] == 2]


def test_nexmark_views_equal_batch_queries(server, tmp_path):
    data = {kind: generate(kind, tmp_path / f"{kind}.jsonl") for kind in STREAMS}
    bids = data["bid"]
    assert (len(data["person"]), len(data["auction"]), len(bids)) == (EVENTS // 50, EVENTS * 3 // 50,
                                                                        EVENTS * 46 // 50)
    conn = connect(server)
    cur = conn.cursor()
    for name, cols in STREAMS.items():
        cur.execute(f"CREATE STREAM {name} ({cols}) WITH (topic = 'nexmark.{name}', format = 'json')")
    for name, (cols, fill) in TABLES.items():
        cur.execute(f"CREATE TABLE {name} ({cols})")
        cur.execute(fill)
    for q, sql in QUERIES.items():
        cur.execute(f"CREATE MATERIALIZED VIEW {q} AS {sql}")
    for q, (_, sql) in JOIN_QUERIES.items():
        cur.execute(f"CREATE MATERIALIZED VIEW {q} AS {sql}")
    for name in STREAMS:
        kcat_produce(server, f"nexmark.{name}", tmp_path / f"{name}.jsonl")

    # Every view has consumed every bid, none dead-lettered.
    deadline = time.monotonic() + 180
    while True:
        shown = {r[1]: r for r in rows(cur, "SHOW MATERIALIZED VIEWS")}
        done = all(shown[q][4] == len(bids) for q in QUERIES) and all(
            shown[q][4] == sum(len(data[s]) for s in inputs) for q, (inputs, _) in JOIN_QUERIES.items())
        if done:
            break
        assert time.monotonic() < deadline, {q: (shown[q][4], shown[q][7]) for q in list(QUERIES) + list(JOIN_QUERIES)}
        time.sleep(0.2)
    for q in list(QUERIES) + list(JOIN_QUERIES):
        assert shown[q][5] == 0 and shown[q][7] == "running", shown[q]

    # The streams hold exactly what was generated.
    assert rows(cur, "SELECT count(*), sum(id) FROM person") == [(len(data["person"]),
                                                                   sum(p["id"] for p in data["person"]))]
    assert rows(cur, "SELECT count(*), max(id) FROM auction") == [(len(data["auction"]),
                                                                    1000 + len(data["auction"]) - 1)]

    got = {}
    for q, sql in list(QUERIES.items()) + [(q, sql) for q, (_, sql) in JOIN_QUERIES.items()]:
        view, batch = rows(cur, f"SELECT * FROM {q}"), rows(cur, sql)
        assert multiset(view) == multiset(batch), f"{q}: view differs from batch ({len(view)} vs {len(batch)} rows)"
        got[q] = view

    # Absolute facts from the generated JSON.
    assert len(got["q0"]) == len(got["q1"]) == len(got["q10"]) == len(got["q22"]) == len(bids)
    assert multiset(got["q0"]) == multiset((b["auction"], b["bidder"], b["price"], ts(b["date_time"]), b["extra"])
                                           for b in bids)
    assert sum(r[2] for r in got["q1"]) == sum(Decimal(b["price"]) * Decimal("0.908") for b in bids)
    assert multiset(got["q13"]) == multiset((b["auction"], b["bidder"], b["price"], ts(b["date_time"]),
                                             str(b["auction"] % 10000)) for b in bids)
    want_q2 = multiset((b["auction"], b["price"]) for b in bids if b["auction"] % 123 == 0)
    assert multiset(got["q2"]) == want_q2 and len(got["q2"]) > 0
    assert {r[5] for r in got["q10"]} == {"2015-07-15", "2015-07-16"}

    def time_type(hour):
        return "dayTime" if 8 <= hour <= 18 else "nightTime" if hour <= 6 or hour >= 20 else "otherTime"
    want_q14 = multiset((b["auction"], b["bidder"], Decimal(b["price"]) * Decimal("0.908"),
                         time_type(ts(b["date_time"]).hour), ts(b["date_time"]), b["extra"], b["extra"].count("c"))
                        for b in bids if 1000000 < Decimal(b["price"]) * Decimal("0.908") < 50000000)
    assert multiset(got["q14"]) == want_q14
    assert {r[3] for r in got["q14"]} == {"dayTime", "nightTime", "otherTime"}

    # q15: per day, distinct bidders and auctions overall and per price rank.
    rank = lambda p: 1 if p < 10000 else 2 if p < 1000000 else 3
    days = sorted({b["date_time"][:10] for b in bids})
    want_q15 = []
    for d in days:
        day_bids = [b for b in bids if b["date_time"][:10] == d]
        row = [d, len(day_bids)] + [sum(1 for b in day_bids if rank(b["price"]) == k) for k in (1, 2, 3)]
        for field in ("bidder", "auction"):
            row += [len({b[field] for b in day_bids})]
            row += [len({b[field] for b in day_bids if rank(b["price"]) == k}) for k in (1, 2, 3)]
        want_q15.append(tuple(row))
    assert sorted(got["q15"]) == want_q15
    assert sum(r[3] for r in got["q16"]) == len(bids) and len(got["q16"]) > 10

    per_day = collections.Counter((b["auction"], b["date_time"][:10]) for b in bids)
    assert len(got["q17"]) == len(per_day)
    assert {(r[0], r[1]): r[2] for r in got["q17"]} == dict(per_day)
    assert all(r[2] == r[3] + r[4] + r[5] for r in got["q17"])

    # q18: the latest bid time of each (bidder, auction); q19: each auction's 10 highest prices.
    latest = {}
    for b in bids:
        k = (b["bidder"], b["auction"])
        latest[k] = max(latest.get(k, b["date_time"]), b["date_time"])
    assert {(r[1], r[0]): r[5] for r in got["q18"]} == {k: ts(v) for k, v in latest.items()}
    assert len(got["q18"]) == len(latest)
    prices = collections.defaultdict(list)
    for b in bids:
        prices[b["auction"]].append(b["price"])
    want_q19 = multiset((a, p) for a, ps in prices.items() for p in sorted(ps, reverse=True)[:10])
    assert multiset((r[0], r[2]) for r in got["q19"]) == want_q19
    assert max(r[7] for r in got["q19"]) == 10

    # q3 and q20 from the JSON: the joins recomputed in Python.
    people = {p["id"]: p for p in data["person"]}
    want_q3 = multiset((people[a["seller"]]["name"], people[a["seller"]]["city"], people[a["seller"]]["state"], a["id"])
                       for a in data["auction"] if a["category"] == 10 and a["seller"] in people
                       and people[a["seller"]]["state"] in ("OR", "ID", "CA"))
    assert multiset(got["q3"]) == want_q3 and len(got["q3"]) > 0
    auctions = {a["id"]: a for a in data["auction"]}
    want_q20 = multiset((b["auction"], b["bidder"], b["price"]) for b in bids
                        if b["auction"] in auctions and auctions[b["auction"]]["category"] == 10)
    assert multiset(r[:3] for r in got["q20"]) == want_q20 and len(got["q20"]) > 0
    best = {}
    for b in bids:
        a = auctions.get(b["auction"])
        if a is not None and a["date_time"] <= b["date_time"] <= a["expires"]:
            best[a["id"]] = max(best.get(a["id"], b["price"]), b["price"])
    assert {r[0]: r[12] for r in got["q9"]} == best and len(best) > 0
    finals = collections.defaultdict(list)
    for auction_id, price in best.items():
        finals[auctions[auction_id]["category"]].append(price)
    # (numeric division: compared to 6 places, the view's scale differing from Python's)
    assert {r[0]: round(r[1], 6) for r in got["q4"]} == {
        c: round(Decimal(sum(ps)) / len(ps), 6) for c, ps in finals.items()} and len(finals) > 1

    # q11: sessions per bidder, a gap of more than 10 s starting a new one.
    by_bidder = collections.defaultdict(list)
    for b in bids:
        by_bidder[b["bidder"]].append(ts(b["date_time"]))
    want_q11 = collections.Counter()
    for bidder, times in by_bidder.items():
        times.sort()
        start = prev = times[0]
        n = 0
        for t in times:
            if t - prev > dt.timedelta(seconds=10):
                want_q11[(bidder, n, start)] += 1
                start, n = t, 0
            n += 1
            prev = t
        want_q11[(bidder, n, start)] += 1
    assert multiset(r[:3] for r in got["q11"]) == want_q11 and len(want_q11) > len(by_bidder)

    # q5 and q7 over windows aligned to the epoch, in microseconds.
    epoch = dt.datetime(1970, 1, 1)
    micros = lambda t: (t - epoch) // dt.timedelta(microseconds=1)
    slide, size = 2_000_000, 10_000_000
    counts = collections.Counter()
    for b in bids:
        t = micros(ts(b["date_time"]))
        start = t - t % slide
        while start > t - size:
            counts[(start, b["auction"])] += 1
            start -= slide
    window_max = collections.defaultdict(int)
    for (start, _), n in counts.items():
        window_max[start] = max(window_max[start], n)
    want_q5 = multiset((auction, n) for (start, auction), n in counts.items() if n >= window_max[start])
    assert multiset(got["q5"]) == want_q5 and len(want_q5) > 0
    highest = collections.defaultdict(int)  # window end -> highest price
    for b in bids:
        t = micros(ts(b["date_time"]))
        end = t - t % size + size
        highest[end] = max(highest[end], b["price"])
    want_q7 = collections.Counter()
    for b in bids:
        t = micros(ts(b["date_time"]))
        # The windows whose [end - 10 s, end] holds t: the one it is in, and the
        # one before when t is exactly that window's end.
        for end in {t - t % size + size} | ({t} if t % size == 0 else set()):
            if highest.get(end) == b["price"]:
                want_q7[(b["auction"], b["price"], b["bidder"], ts(b["date_time"]), b["extra"])] += 1
    assert multiset(got["q7"]) == want_q7 and len(want_q7) >= len(highest)
    # q8: a person's id, name and window when they opened an auction in it.
    window = lambda text: micros(ts(text)) - micros(ts(text)) % size
    sellers = {(a["seller"], window(a["date_time"])) for a in data["auction"]}
    want_q8 = multiset((p["id"], p["name"], epoch + dt.timedelta(microseconds=window(p["date_time"])))
                       for p in {(p["id"], p["name"], p["date_time"]): p for p in data["person"]}.values()
                       if (p["id"], window(p["date_time"])) in sellers)
    assert multiset(got["q8"]) == want_q8 and len(want_q8) > 0

    hot = {"apple": "0", "google": "1", "facebook": "2", "baidu": "3"}
    want_q21 = collections.Counter()
    for b in bids:
        m = re.search(r"(?:&|^)channel_id=([^&]*)", b["url"])
        if b["channel"].lower() in hot or m:
            want_q21[(b["auction"], b["bidder"], b["price"], b["channel"],
                      hot.get(b["channel"].lower(), m.group(1) if m else None))] += 1
    assert multiset(got["q21"]) == want_q21
    assert multiset(got["q22"]) == multiset((b["auction"], b["bidder"], b["price"], b["channel"],
                                             *b["url"].split("/")[3:6]) for b in bids)
    conn.close()
