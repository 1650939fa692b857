#!/bin/sh
# A throwaway PostgreSQL 15 for the tests: a cluster in a temporary directory, on a free
# loopback port, with one password-authenticated role and database.
#   scripts/pg.sh start   installs Debian's packages when missing, starts, prints a libpq URL
#   scripts/pg.sh url     prints the URL of the running cluster
#   scripts/pg.sh stop    stops the cluster and removes its directory
#   scripts/pg.sh stop-keep  stops the cluster and keeps it: the next start serves the same
#                         data on the same port and URL (the tests of a database restart)
# Idempotent: start on a running cluster prints its URL, stop on none does nothing.
# ROSTER_PG_STATE names the file that remembers the cluster (default var/pg.state).
set -eu
cd "$(dirname "$0")/.."
STATE=${ROSTER_PG_STATE:-var/pg.state}
BIN=/usr/lib/postgresql/15/bin

die() {
    echo "pg.sh: $*" >&2
    exit 1
}

# PostgreSQL refuses to run as root: as root the cluster belongs to the postgres user; any
# other user runs it as themselves.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

install_missing() {
    missing=""
    for p in postgresql libpq-dev; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing="$missing $p"
    done
    [ -n "$missing" ] || return 0
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "needs$missing installed (no root, no sudo)"
        SUDO="sudo"
    fi
    echo "pg.sh: installing$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq >/dev/null
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# The state file holds: directory, port, password (one per line).
read_state() {
    [ -f "$STATE" ] || return 1
    DIR=$(sed -n 1p "$STATE")
    PORT=$(sed -n 2p "$STATE")
    PASS=$(sed -n 3p "$STATE")
    [ -n "$DIR" ] && [ -d "$DIR" ]
}

running() {
    read_state && as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1
}

url() {
    echo "postgresql://roster:$PASS@127.0.0.1:$PORT/roster?sslmode=disable"
}

random_hex() {
    od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'
}

# The server's settings, the same at every start of a cluster (needs DIR and PORT).
server_options() {
    echo "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR" \
        "-c fsync=off -c full_page_writes=off -c max_connections=100"
}

start() {
    if running; then
        url
        return 0
    fi
    # A cluster stopped with stop-keep starts again where it was.
    if read_state && [ -f "$DIR/data/PG_VERSION" ]; then
        as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -t 30 -s -o "$(server_options)" \
            start >/dev/null 2>&1 ||
            { tail -n 5 "$DIR/log" >&2; die "the kept cluster in $DIR did not start again on port $PORT"; }
        url
        return 0
    fi
    [ -f "$STATE" ] && stop
    install_missing
    [ -x "$BIN/initdb" ] || die "$BIN/initdb not found (Debian's postgresql-15)"
    DIR=$(mktemp -d "${TMPDIR:-/tmp}/roster-pg.XXXXXX")
    chmod 0755 "$DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$DIR"
    PASS=$(random_hex 16)
    printf '%s\n' "$PASS" >"$DIR/pw"
    [ "$(id -u)" -eq 0 ] && chown postgres "$DIR/pw"
    chmod 0600 "$DIR/pw"
    # Password authentication over TCP (scram, Debian's default); on the socket (in the private
    # directory) the OS user, or anyone when not root (the cluster then runs as the caller).
    local_auth=peer
    [ "$(id -u)" -eq 0 ] || { local_auth=trust; chmod 0700 "$DIR"; }
    as_pg "$BIN/initdb" -D "$DIR/data" -E UTF8 --locale=C.UTF-8 -U postgres \
        --auth-local=$local_auth --auth-host=scram-sha-256 >"$DIR/initdb.log" 2>&1 ||
        { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
    # A free port: try random ones until the server binds (no race with a separate probe).
    tries=0
    while :; do
        tries=$((tries + 1))
        [ "$tries" -le 20 ] || die "no free port after 20 tries (see $DIR/log)"
        PORT=$((20000 + $(od -An -tu2 -N2 /dev/urandom | tr -d ' ') % 40000))
        if as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -t 30 -s \
            -o "$(server_options)" start >/dev/null 2>&1; then
            break
        fi
        grep -q "could not bind\|already in use" "$DIR/log" 2>/dev/null ||
            { cat "$DIR/log" >&2; die "postgres did not start"; }
    done
    mkdir -p "$(dirname "$STATE")"
    printf '%s\n%s\n%s\n' "$DIR" "$PORT" "$PASS" >"$STATE"
    chmod 0600 "$STATE"
    # The password goes through a file psql reads, never onto a command line.
    cat >"$DIR/setup.sql" <<'EOF'
\set pw `cat :pwfile`
CREATE ROLE roster LOGIN CREATEDB PASSWORD :'pw';
CREATE DATABASE roster OWNER roster ENCODING 'UTF8';
EOF
    chmod 0644 "$DIR/setup.sql"
    as_pg "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" -p "$PORT" -U postgres -d postgres \
        -v pwfile="$DIR/pw" -f "$DIR/setup.sql" >"$DIR/psql.log" 2>&1 ||
        { cat "$DIR/psql.log" >&2; die "could not create the test role"; }
    rm -f "$DIR/pw"
    url
}

stop() {
    if read_state; then
        as_pg "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w -s stop >/dev/null 2>&1 || true
        rm -rf "$DIR"
    fi
    rm -f "$STATE"
}

# Stops the server (fast shutdown: sessions are cut, as a restart does) and keeps the cluster.
stop_keep() {
    read_state || return 0
    if ! as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast -w -s stop >/dev/null 2>&1; then
        running && die "the cluster in $DIR did not stop"
    fi
    return 0
}

case "${1:-}" in
start) start ;;
stop) stop ;;
stop-keep) stop_keep ;;
url) running || die "not running"; url ;;
*) die "usage: scripts/pg.sh start|stop|stop-keep|url" ;;
esac
