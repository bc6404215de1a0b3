#!/usr/bin/env bash
# demo.sh STRATA_BIN: starts Strata on the default ports with ./strata-data, creates
# the reference table `countries`, the stream `orders` over topic `checkout.orders`
# and two materialized views over it (revenue per country per minute, and users
# with more than 3 orders in one minute), then a producer of checkout events into
# `checkout.orders`. Ctrl-C stops both.
# Environment (tests use them): STRATA_DATA_DIR, STRATA_KAFKA_LISTEN, STRATA_PG_PORT,
# STRATA_HTTP_LISTEN, STRATA_DEMO_RATE (events/s, default 20), STRATA_DEMO_COUNT
# (stop the producer after this many events and keep the server until Ctrl-C/TERM).
set -euo pipefail
bin=${1:-build/release/strata}
data_dir=${STRATA_DATA_DIR:-./strata-data}
kafka=${STRATA_KAFKA_LISTEN:-127.0.0.1:9092}
pg_port=${STRATA_PG_PORT:-5433}
http=${STRATA_HTTP_LISTEN:-127.0.0.1:8080}
rate=${STRATA_DEMO_RATE:-20}
count=${STRATA_DEMO_COUNT:-0}
log=$(mktemp)

"$bin" server --data-dir "$data_dir" --kafka-listen "$kafka" --pg-listen "127.0.0.1:$pg_port" --http-listen "$http" 2> >(tee "$log" >&2) &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$log"' EXIT INT TERM

for _ in $(seq 1 100); do
  grep -q "msg=ready" "$log" && break
  kill -0 $server 2>/dev/null || { echo "demo: strata exited; see the log above"; exit 1; }
  sleep 0.1
done
grep -q "msg=ready" "$log" || { echo "demo: strata did not become ready"; exit 1; }

# A small reference table for SQL, created once (IF NOT EXISTS keeps a restart quiet).
psql -q -h 127.0.0.1 -p "$pg_port" -U strata strata -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
CREATE TABLE IF NOT EXISTS countries (code text PRIMARY KEY, name text NOT NULL, currency text NOT NULL);
INSERT INTO countries VALUES ('BR', 'Brazil', 'BRL'), ('US', 'United States', 'USD'),
  ('DE', 'Germany', 'EUR'), ('FR', 'France', 'EUR'), ('JP', 'Japan', 'JPY'), ('GB', 'United Kingdom', 'GBP'),
  ('IN', 'India', 'INR'), ('MX', 'Mexico', 'MXN'), ('NG', 'Nigeria', 'NGN'), ('AU', 'Australia', 'AUD')
ON CONFLICT (code) DO NOTHING;

-- The checkout events as a typed stream, and views kept fresh as they arrive.
CREATE STREAM IF NOT EXISTS orders (
  order_id text NOT NULL, user_id text NOT NULL, country text, amount numeric(10,2),
  currency text, event_time timestamp NOT NULL,
  WATERMARK FOR event_time AS event_time - INTERVAL '5 seconds'
) WITH (topic = 'checkout.orders', format = 'json', partitions = 3);
CREATE MATERIALIZED VIEW IF NOT EXISTS revenue_per_country_minute AS
  SELECT country, window_start, window_end, count(*) AS orders, sum(amount) AS revenue
  FROM TUMBLE(orders, event_time, INTERVAL '1 minute')
  GROUP BY country, window_start, window_end;
CREATE MATERIALIZED VIEW IF NOT EXISTS fraud_suspects AS
  SELECT user_id, window_start, window_end, count(*) AS orders
  FROM TUMBLE(orders, event_time, INTERVAL '1 minute')
  GROUP BY user_id, window_start, window_end HAVING count(*) > 3;
-- A view over a view: each minute's best country, recomputed as revenue changes.
CREATE MATERIALIZED VIEW IF NOT EXISTS top_country_per_minute AS
  SELECT r.window_start, r.country, r.revenue FROM revenue_per_country_minute r
  JOIN (SELECT window_start, max(revenue) AS top FROM revenue_per_country_minute GROUP BY window_start) m
    ON r.window_start = m.window_start AND r.revenue = m.top;
SQL

cat <<MSG

  Strata is up: Kafka on $kafka, PostgreSQL on 127.0.0.1:$pg_port, data in $data_dir.
  The demo producer writes checkout events into topic checkout.orders.

  Tail them with kcat in another terminal:
    kcat -b $kafka -C -t checkout.orders -o end -f 'partition %p offset %o key %k: %s\n'

  List topics:   kcat -b $kafka -L
  SQL:           psql -h 127.0.0.1 -p $pg_port -U strata strata -c 'SELECT * FROM countries ORDER BY code'

  Live views over the stream \`orders\` (topic checkout.orders):
    psql -h 127.0.0.1 -p $pg_port -U strata strata -c 'SELECT * FROM revenue_per_country_minute ORDER BY window_start DESC, revenue DESC LIMIT 10'
    psql -h 127.0.0.1 -p $pg_port -U strata strata -c 'SELECT * FROM fraud_suspects ORDER BY window_start DESC'
    psql -h 127.0.0.1 -p $pg_port -U strata strata -c 'SELECT * FROM top_country_per_minute ORDER BY window_start DESC'
    psql -h 127.0.0.1 -p $pg_port -U strata strata -c 'SHOW MATERIALIZED VIEWS'

  Stop:          Ctrl-C

MSG
/usr/bin/python3 "$(dirname "$0")/demo_producer.py" --bootstrap "$kafka" --topic checkout.orders \
  --rate "$rate" --count "$count"
# With a count, the server stays up after the producer ends (until Ctrl-C or TERM).
if [ "$count" != 0 ]; then wait $server; fi
