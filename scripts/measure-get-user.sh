#!/usr/bin/env bash
# GET /v1/users/{id} throughput and resident memory of an emulator binary over USERS users:
#   scripts/measure-get-user.sh target/release/clerk-emulator 8801
# Needs wrk. Starts the binary, creates the users with populate-users.lua, reports the user
# count and resident memory, then runs `wrk -t2 -c64 -d10s` three times on one user.
set -euo pipefail
BIN=$1; PORT=${2:-8801}
KEY=sk_test_bench
HERE="$(cd "$(dirname "$0")" && pwd)"
"$BIN" --port "$PORT" --secret-key "$KEY" > /dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
sleep 1
URL="http://127.0.0.1:$PORT"
SECRET_KEY=$KEY wrk -t1 -c16 -d15s -s "$HERE/populate-users.lua" "$URL" > /dev/null
curl -s -H "Authorization: Bearer $KEY" "$URL/v1/users/count"; echo
echo "resident memory: $(ps -o rss= -p $PID) KiB"
ID=$(curl -s -H "Authorization: Bearer $KEY" "$URL/v1/users?limit=1&offset=50000" \
  | python3 -c "import sys, json; print(json.load(sys.stdin)[0]['id'])")
for run in 1 2 3; do
  wrk -t2 -c64 -d10s -H "Authorization: Bearer $KEY" "$URL/v1/users/$ID" | grep "Requests/sec"
done
