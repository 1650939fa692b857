#!/bin/sh
# SQLite and PostgreSQL on the same workloads, in one run: one roster node on a temporary
# SQLite file and one on a fresh throwaway PostgreSQL (scripts/pg.sh, its own state, stopped
# at the end), seeded alike; each point is measured on one engine and then at once on the
# other, and printed with the PG/SQLite ratio. Not part of make test.
# Usage: bench/engines.sh [SECONDS]   (per point; 20 points)
# BENCH_PG_FSYNC=off keeps pg.sh's test settings (fsync off); by default the cluster is
# restarted durable (fsync, full_page_writes on) so that its writes compare with SQLite's
# synchronous=FULL. BENCH_KEEP=1 keeps the temporary directory.
set -e
cd "$(dirname "$0")/.."
SECS=${1:-3}
NU=${BENCH_USERS:-$((SECS * 3000))} # service users per engine: the most adds one point makes
make --no-print-directory -s all
mkdir -p build/bench
cc -O2 -pthread -o build/bench/load bench/load.c
DIR=$(mktemp -d)
export ROSTER_PG_STATE="$DIR/pg.state"
PIDS=
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    sh scripts/pg.sh stop 2>/dev/null || true
    if [ -n "$BENCH_KEEP" ]; then echo "kept $DIR"; else rm -rf "$DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

as_pg() { # as pg.sh runs the cluster: as the postgres user when root
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg.sh's cluster, restarted with PostgreSQL's durable defaults unless BENCH_PG_FSYNC=off.
pg_start() {
    url=$(sh scripts/pg.sh start) || return 1
    if [ "${BENCH_PG_FSYNC:-on}" != off ]; then
        d=$(sed -n 1p "$ROSTER_PG_STATE")
        p=$(sed -n 2p "$ROSTER_PG_STATE")
        as_pg /usr/lib/postgresql/15/bin/pg_ctl -D "$d/data" -l "$d/log" -w -s restart -o \
            "-c listen_addresses=127.0.0.1 -c port=$p -c unix_socket_directories=$d \
             -c max_connections=100" >/dev/null || return 1
    fi
    PG_URL=$url
    d=$(sed -n 1p "$ROSTER_PG_STATE")
    p=$(sed -n 2p "$ROSTER_PG_STATE")
    PG_SETTINGS=$(as_pg /usr/lib/postgresql/15/bin/psql -X -At -h "$d" -p "$p" -U postgres \
        -d roster -c "SELECT 'fsync=' || current_setting('fsync') || ' synchronous_commit=' ||
                      current_setting('synchronous_commit') || ' ' || version()")
}

load() { build/bench/load 127.0.0.1 "$@"; }

# node NAME STORE: init a team, start serve, seed; the store goes in ROSTER_STORE (for
# PostgreSQL the URL carries the password: never on a command line). Sets NAME_PORT,
# NAME_AUTH, NAME_OKTA.
node() {
    name=$1
    creds=$(ROSTER_STORE=$2 build/roster init --team bench 2>"$DIR/$name.init") ||
        { echo "$name: roster init failed: $(cat "$DIR/$name.init")"; return 1; }
    field() { echo "$creds" | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
    port=$((20000 + ($$ + ${#name} * 7919) % 20000))
    ROSTER_STORE=$2 build/roster serve --listen 127.0.0.1:$port --access-log off $BENCH_SERVE_ARGS \
        2>"$DIR/$name.log" &
    PIDS="$PIDS $!"
    i=0
    until curl -s -o /dev/null "http://127.0.0.1:$port/openapi.json"; do
        i=$((i + 1))
        [ $i -lt 50 ] || { echo "$name: serve did not start: $(cat "$DIR/$name.log")"; return 1; }
        sleep 0.1
    done
    b=http://127.0.0.1:$port/v1/teams/bench
    tok=$(curl -s -X POST "$b/service_token" \
        -d "{\"key_id\":\"$(field key_id)\",\"key_secret\":\"$(field key_secret)\"}" |
        sed -n 's/.*"bearer_token":"\([^"]*\)".*/\1/p')
    auth="Authorization: Bearer $tok"
    okta="Authorization: SSWS $(field api_token)"
    # 300 groups; NU service users; 'big' with 200 of them; empty add1 and add8
    LOAD_MAX=300 load $port /v1/teams/bench/groups 4 60 "$auth" POST \
        '{"name":"seed-%d","roles":[]}' >/dev/null
    LOAD_MAX=$NU load $port /v1/teams/bench/service_users 4 120 "$auth" POST \
        '{"name":"svc%d"}' >/dev/null
    for g in big add1 add8; do
        curl -s -o /dev/null -H "$auth" -X POST "$b/groups" -d "{\"name\":\"$g\",\"roles\":[]}"
    done
    LOAD_MAX=200 load $port /v1/teams/bench/groups/big/users 4 60 "$auth" POST \
        '{"name":"svc%d"}' >/dev/null
    eval "${name}_PORT=$port ${name}_AUTH='$auth' ${name}_OKTA='$okta'"
}

echo "seeding: SQLite…"
node sqlite "sqlite:$DIR/bench.db"
HAVE_PG=
echo "seeding: PostgreSQL…"
if ! pg_start; then
    echo "PostgreSQL: scripts/pg.sh could not start a server; SQLite only"
elif echo "PostgreSQL: $PG_SETTINGS" && node pg "$PG_URL"; then
    HAVE_PG=1
else
    echo "PostgreSQL: no roster node on it; SQLite only"
fi

# point ENGINE CONNS PATH AUTH [METHOD BODY] → "req/s" (with "!E" when E requests failed)
point() {
    eng=$1 c=$2 path=$3
    shift 3
    eval "port=\$${eng}_PORT"
    out=$(load "$port" "$path" "$c" "$SECS" "$@") || true
    rps=$(echo "$out" | cut -d' ' -f1)
    errs=$(echo "$out" | sed -n 's/.*, \([0-9]*\) errors).*/\1/p')
    [ "${errs:-0}" -eq 0 ] && echo "$rps" || echo "$rps!$errs"
}
# row LABEL CONNS PATH 'ASA'|'OKTA' [METHOD BODY]
row() {
    label=$1 c=$2 path=$3 which=$4
    shift 4
    eval "a=\$sqlite_$which"
    s=$(point sqlite "$c" "$path" "$a" "$@")
    p=-
    ratio=-
    if [ -n "$HAVE_PG" ]; then
        eval "a=\$pg_$which"
        p=$(point pg "$c" "$path" "$a" "$@")
        ratio=$(awk -v a="${p%%!*}" -v b="${s%%!*}" 'BEGIN { printf "%.2f", b ? a / b : 0 }')
    fi
    printf '%-40s %5s %12s %12s %9s\n' "$label" "$c" "$s" "$p" "$ratio"
}

echo "workloads: ${SECS}s a point, closed loop over keep-alive; N!E means E requests failed"
printf '%-40s %5s %12s %12s %9s\n' workload conns "SQLite r/s" "PG r/s" PG/SQLite
for c in 1 8; do
    row "ASA GET one group" $c /v1/teams/bench/groups/seed-7 AUTH
    row "Okta GET /api/v1/groups?limit=200" $c "/api/v1/groups?limit=200" OKTA
    row "ASA GET group's users count=100" $c "/v1/teams/bench/groups/big/users?count=100" AUTH
    export LOAD_MAX=$NU # one add per service user, none repeated
    row "ASA POST group's users (add one member)" $c /v1/teams/bench/groups/add$c/users AUTH \
        POST '{"name":"svc%d"}'
    unset LOAD_MAX
    row "ASA POST groups (create one)" $c /v1/teams/bench/groups AUTH POST \
        "{\"name\":\"c$c-%d\",\"roles\":[]}"
done
