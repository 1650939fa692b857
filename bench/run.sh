#!/bin/sh
# Loopback benchmark: starts the real server on a temporary SQLite store, seeds it, and
# prints throughput for each workload with its ratio to a baseline (GET current_user:
# auth + one tiny response) measured in the same run. Usage: bench/run.sh [SECONDS] [CONNS]
set -e
cd "$(dirname "$0")/.."
SECS=${1:-3}
CONNS=${2:-8}
make --no-print-directory -s all
mkdir -p build/bench
cc -O2 -pthread -o build/bench/load bench/load.c
DIR=$(mktemp -d)
trap 'kill $SRV 2>/dev/null; [ -n "$BENCH_KEEP" ] && echo "kept $DIR" || rm -rf "$DIR"' EXIT
STORE="sqlite:$DIR/bench.db"
CREDS=$(build/roster init --store "$STORE" --team bench)
field() { echo "$CREDS" | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
PORT=$((20000 + $$ % 20000))
build/roster serve --store "$STORE" --listen 127.0.0.1:$PORT --access-log off $BENCH_SERVE_ARGS 2>"$DIR/log" &
SRV=$!
sleep 0.5
B=http://127.0.0.1:$PORT/v1/teams/bench
TOK=$(curl -s -X POST "$B/service_token" \
    -d "{\"key_id\":\"$(field key_id)\",\"key_secret\":\"$(field key_secret)\"}" |
    sed -n 's/.*"bearer_token":"\([^"]*\)".*/\1/p')
AUTH="Authorization: Bearer $TOK"
NM=${BENCH_MEMBERS:-2000}
echo "seeding groups for ${SECS}s, then a group with $NM members…"
build/bench/load 127.0.0.1 $PORT /v1/teams/bench/groups 4 "$SECS" "$AUTH" POST \
    '{"name":"seed-%d","roles":[]}' >/dev/null
curl -s -o /dev/null -H "$AUTH" -X POST "$B/groups" -d '{"name":"big","roles":[]}'
i=0
while [ $i -lt "$NM" ]; do
    curl -s -o /dev/null -H "$AUTH" -X POST "$B/service_users" -d "{\"name\":\"svc$i\"}" \
         --next -s -o /dev/null -H "$AUTH" -X POST "$B/groups/big/users" -d "{\"name\":\"svc$i\"}"
    i=$((i + 1))
done
# Okta: the same store through /api/v1 with the API token; $NM human users in 'big'
OKTA="Authorization: SSWS $(field api_token)"
O=http://127.0.0.1:$PORT/api/v1
BIG=$(curl -s -H "$OKTA" "$O/groups?search=profile.name%20eq%20%22big%22" |
    grep -o '"id":"00g[^"]*"' | head -n 1 | cut -d'"' -f4)
i=0
while [ $i -lt "$NM" ]; do
    [ $i -gt 0 ] && echo next
    printf 'url = "%s/users?activate=false"\nheader = "%s"\noutput = "/dev/null"\n' "$O" "$OKTA"
    printf 'data = "{\\"profile\\":{\\"login\\":\\"m%d@example.com\\",' $i
    printf '\\"email\\":\\"m%d@example.com\\"},\\"groupIds\\":[\\"%s\\"]}"\n' $i "$BIG"
    i=$((i + 1))
done >"$DIR/okta-users.curl"
curl -s -K "$DIR/okta-users.curl"
last_id() { curl -s -H "$AUTH" "$1" | grep -o '"id":"[^"]*"' | tail -n 1 | cut -d'"' -f4; }
okta_last_id() { curl -s -H "$OKTA" "$1" | grep -o '"id":"00[gu][^"]*"' | tail -n 1 | cut -d'"' -f4; }
# deep cursors: 150 objects before the end, so the page after them is full and last
DEEP_G=$(last_id "$B/groups?count=150&descending=true")
DEEP_U=$(last_id "$B/groups/big/users?count=150&descending=true")
# Okta lists are in id (creation) order: the newest 200 by created give the id ~200 before
# the end
SINCE='created%20gt%20%222000-01-01T00:00:00.000Z%22&sortBy=created&sortOrder=desc&limit=200'
ODEEP_G=$(okta_last_id "$O/groups?search=$SINCE")
ODEEP_U=$(okta_last_id "$O/users?search=$SINCE")

run() { # name, then load arguments
    name=$1
    shift
    out=$(build/bench/load 127.0.0.1 $PORT "$@") || true
    rps=$(echo "$out" | cut -d' ' -f1)
    [ -z "$BASE" ] && BASE=$rps
    ratio=$(awk -v a="$rps" -v b="$BASE" 'BEGIN { printf "%.2f", a / b }')
    printf '%-34s %s  ratio %s\n' "$name" "$out" "$ratio"
}
BASE=
NGROUPS=$(curl -s -H "$AUTH" "$B/groups?count=1000" | grep -o '"id"' | wc -l)
echo "store: $NGROUPS+ groups (first page of 1000 counted), group 'big' with $NM members"
echo "workload (${SECS}s, $CONNS connections)  figures are this machine's, ratios vs baseline"
run "baseline GET current_user" /v1/teams/bench/current_user $CONNS $SECS "$AUTH"
run "GET groups count=100 first page" "/v1/teams/bench/groups?count=100" $CONNS $SECS "$AUTH"
run "GET groups count=100 deep page" "/v1/teams/bench/groups?count=100&offset=$DEEP_G" $CONNS $SECS "$AUTH"
run "GET members count=100 first page" "/v1/teams/bench/groups/big/users?count=100" $CONNS $SECS "$AUTH"
run "GET members count=100 deep page" "/v1/teams/bench/groups/big/users?count=100&offset=$DEEP_U" $CONNS $SECS "$AUTH"
run "okta GET groups limit=200 first" "/api/v1/groups?limit=200" $CONNS $SECS "$OKTA"
run "okta GET groups limit=200 deep" "/api/v1/groups?limit=200&after=$ODEEP_G" $CONNS $SECS "$OKTA"
run "okta GET groups search name co" "/api/v1/groups?search=profile.name%20co%20%22eed-1%22" $CONNS $SECS "$OKTA"
run "okta GET groups q=seed-1 limit=10" "/api/v1/groups?q=seed-1&limit=10" $CONNS $SECS "$OKTA"
run "okta GET members limit=200 first" "/api/v1/groups/$BIG/users?limit=200" $CONNS $SECS "$OKTA"
run "okta GET members limit=200 deep" "/api/v1/groups/$BIG/users?limit=200&after=$ODEEP_U" $CONNS $SECS "$OKTA"
run "POST groups (durable writes)" /v1/teams/bench/groups $CONNS $SECS "$AUTH" POST '{"name":"w-%d","roles":["access_user"]}'
