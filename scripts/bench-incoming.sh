#!/usr/bin/env bash
# Benchmark of the incoming channel webhook endpoint (not a test): starts
# the built parley on a fresh SQLite file with the rate limit off, creates a
# channel and a webhook, and drives POSTs with wrk over loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
BIN=${PARLEY_BIN:-./target/debug/parley}
PORT=${PORT:-3191}
DIR=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$DIR"' EXIT

# BENCH_DATABASE_URL runs it on another database (make bench-postgres).
DB_URL=${BENCH_DATABASE_URL:-sqlite://$DIR/bench.db}
DB_LABEL=${BENCH_DATABASE_LABEL:-SQLite (WAL)}
DATABASE_URL="$DB_URL" PARLEY_ADDR="127.0.0.1:$PORT" CHANNEL_WEBHOOK_RATE_LIMIT=0 \
  RUST_LOG=warn "$BIN" >"$DIR/log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/auths/" && break; sleep 0.1; done

json() { python3 -c "import sys,json;print(json.load(sys.stdin)['$1'])"; }
TOKEN=$(curl -s "http://127.0.0.1:$PORT/api/v1/auths/signup" -H 'Content-Type: application/json' \
  -d '{"name":"Bench","email":"bench@example.com","password":"correct horse"}' | json token)
CHANNEL=$(curl -s "http://127.0.0.1:$PORT/api/v1/channels/create" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d '{"name":"bench"}' | json id)
URL=$(curl -s "http://127.0.0.1:$PORT/api/v1/channels/$CHANNEL/webhooks/create" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d '{"name":"wrk"}' | json url)

# One wrk run of POSTs with the body in $2 (JSON), labelled $1.
bench() {
  python3 - "$2" >"$DIR/post.lua" <<'PY'
import json, sys
print('wrk.method = "POST"')
print('wrk.headers["Content-Type"] = "application/json"')
print('wrk.body = ' + json.dumps(sys.argv[1]))
PY
  echo "incoming webhook endpoint, $1, $DB_LABEL, rate limit off, $(basename "$BIN") binary ($BUILD build), wrk -t2 -c16 -d15s:"
  wrk -t2 -c16 -d15s --latency -s "$DIR/post.lua" "$URL" | tee "$DIR/wrk.txt" | grep -E "Requests/sec|Non-2xx|Socket errors" || true
  p50=$(awk '/ 50%/{print $2}' "$DIR/wrk.txt"); p99=$(awk '/ 99%/{print $2}' "$DIR/wrk.txt")
  rps=$(awk '/Requests\/sec/{printf "%.0f", $2}' "$DIR/wrk.txt")
  echo "latency p50 $p50, p99 $p99"
  echo "B1 | incoming webhook, $1, wrk 16 connections | $rps req/s, p50 $p50, p99 $p99 | >= 5,000 req/s, p99 < 50 ms | $BUILD | $DB_LABEL"
}
BUILD=${PARLEY_BUILD:-debug}
bench "plain {content}" '{"content": "build #4711 **passed** in 3m12s"}'
# A rich body as monitoring tools send it (SPEC C10): a Slack attachment
# with fields and a footer, no images (those are fetched in the background).
bench "Slack attachment card" '{"text": "Alert", "attachments": [{"color": "danger", "pretext": "Prometheus alert", "title": "HighCPU on db-1", "title_link": "https://prometheus.example/alerts", "text": "CPU above *90 %* for 5m", "fields": [{"title": "Severity", "value": "critical", "short": true}, {"title": "Instance", "value": "db-1:9100", "short": true}], "footer": "Alertmanager", "ts": 1764579600}]}'
stored=$(curl -s "http://127.0.0.1:$PORT/api/v1/channels/$CHANNEL/messages" -H "Authorization: Bearer $TOKEN" | python3 -c 'import sys,json;print(len(json.load(sys.stdin)))')
echo "messages readable afterwards: $stored (the API returns the newest 100)"

# B5 worst-case inputs on the same server (a channel and webhook of their own).
CHANNEL5=$(curl -s "http://127.0.0.1:$PORT/api/v1/channels/create" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d '{"name":"worst-case"}' | json id)
URL5=$(curl -s "http://127.0.0.1:$PORT/api/v1/channels/$CHANNEL5/webhooks/create" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d '{"name":"worst case"}' | json url)
python3 scripts/bench-worst-case.py "http://127.0.0.1:$PORT" "$TOKEN" "$CHANNEL5" "$URL5" "$BUILD" "$DB_LABEL"
