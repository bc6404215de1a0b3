#!/usr/bin/env bash
# demo.sh STRATA_BIN: starts Strata on the default ports with ./strata-data, creates
# the reference table `countries` for psql, then a producer of checkout events into
# `checkout.orders`. Ctrl-C stops both.
set -euo pipefail
bin=${1:-build/release/strata}
data_dir=${STRATA_DATA_DIR:-./strata-data}
kafka=${STRATA_KAFKA_LISTEN:-127.0.0.1:9092}
pg_port=${STRATA_PG_PORT:-5433}
log=$(mktemp)

"$bin" server --data-dir "$data_dir" --kafka-listen "$kafka" --pg-listen "127.0.0.1:$pg_port" 2> >(tee "$log" >&2) &
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
SQL

cat <<MSG

  Strata is up: Kafka on $kafka, PostgreSQL on 127.0.0.1:$pg_port, data in $data_dir.
  The demo producer writes checkout events into topic checkout.orders.

  Tail them with kcat in another terminal:
    kcat -b $kafka -C -t checkout.orders -o end -f 'partition %p offset %o key %k: %s\n'

  List topics:   kcat -b $kafka -L
  SQL:           psql -h 127.0.0.1 -p $pg_port -U strata strata -c 'SELECT * FROM countries ORDER BY code'

  Stop:          Ctrl-C

MSG
/usr/bin/python3 "$(dirname "$0")/demo_producer.py" --bootstrap "$kafka" --topic checkout.orders
