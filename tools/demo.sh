#!/usr/bin/env bash
# demo.sh STRATA_BIN: starts Strata on the default ports with ./strata-data,
# then a producer of checkout events into `checkout.orders`. Ctrl-C stops both.
set -euo pipefail
bin=${1:-build/release/strata}
data_dir=${STRATA_DATA_DIR:-./strata-data}
kafka=${STRATA_KAFKA_LISTEN:-127.0.0.1:9092}
log=$(mktemp)

"$bin" server --data-dir "$data_dir" --kafka-listen "$kafka" 2> >(tee "$log" >&2) &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$log"' EXIT INT TERM

for _ in $(seq 1 100); do
  grep -q "msg=ready" "$log" && break
  kill -0 $server 2>/dev/null || { echo "demo: strata exited; see the log above"; exit 1; }
  sleep 0.1
done
grep -q "msg=ready" "$log" || { echo "demo: strata did not become ready"; exit 1; }

cat <<MSG

  Strata is up: Kafka on $kafka, data in $data_dir.
  The demo producer writes checkout events into topic checkout.orders.

  Tail them with kcat in another terminal:
    kcat -b $kafka -C -t checkout.orders -o end -f 'partition %p offset %o key %k: %s\n'

  List topics:   kcat -b $kafka -L
  Stop:          Ctrl-C

MSG
/usr/bin/python3 "$(dirname "$0")/demo_producer.py" --bootstrap "$kafka" --topic checkout.orders
