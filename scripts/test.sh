#!/bin/sh
# Runs every test: the cmocka unit binaries, then the black-box API suite against the real
# server. Ends with one line "N passed, N failed". Usage: scripts/test.sh [BUILD_DIR]
BUILD=${1:-build}
pass=0
fail=0
out=$(mktemp)
pg_state=""
trap 'rm -f "$out"; [ -z "$pg_state" ] || ROSTER_PG_STATE=$pg_state sh scripts/pg.sh stop' EXIT

# The PostgreSQL engine's tests need a server: ROSTER_TEST_PG as given, else a throwaway one
# from scripts/pg.sh where it can install and run it (root, sudo, or the binaries present).
if [ -n "${ROSTER_TEST_PG:-}" ]; then
    echo "pg: PostgreSQL tests run against ROSTER_TEST_PG"
elif [ "$(id -u)" -eq 0 ] || [ -x /usr/lib/postgresql/15/bin/initdb ] ||
    { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }; then
    pg_state="$(pwd)/$BUILD/pg.state"
    if ROSTER_TEST_PG=$(ROSTER_PG_STATE=$pg_state sh scripts/pg.sh start 2>"$out"); then
        export ROSTER_TEST_PG
        echo "pg: PostgreSQL tests run against a throwaway server (scripts/pg.sh)"
    else
        cat "$out"
        echo "pg: scripts/pg.sh start failed: PostgreSQL tests cannot run"
        fail=$((fail + 1))
        unset ROSTER_TEST_PG
    fi
else
    echo "pg: PostgreSQL tests skipped: ROSTER_TEST_PG is not set, and PostgreSQL 15 is neither" \
        "installed nor installable here (not root, no sudo)"
fi

for t in "$BUILD"/tests/test_* "$BUILD"/tests/replay_*; do
    [ -x "$t" ] || continue
    case "$t" in
    */replay_*) target=${t##*/replay_}; set -- fuzz/corpus/$target fuzz/regression/$target ;;
    *) set -- ;;
    esac
    "$t" "$@" >"$out" 2>&1
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' "$out" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # crashed or exited badly without a summary
    fi
    pass=$((pass + p))
    fail=$((fail + f))
    if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
        cat "$out"
    fi
    echo "unit $(basename "$t"): $p passed, $f failed"
done

if [ -f tests/api/package-lock.json ]; then
    (cd tests/api && npm ci --silent --no-audit --no-fund >/dev/null 2>&1) ||
        { echo "npm ci failed in tests/api"; fail=$((fail + 1)); }
fi
# One test file at a time where the runner supports choosing (Node >= 20.10); each file
# starts its own server either way.
conc=""
node --test-concurrency=1 -e 0 >/dev/null 2>&1 && conc="--test-concurrency=1"
# api_pass LABEL ENGINE FILE...: one run of the API suite, counted into the totals.
api_pass() {
    label=$1
    engine=$2
    shift 2
    ROSTER_TEST_ENGINE=$engine ROSTER_BIN="$(pwd)/$BUILD/roster" node --test $conc "$@" >"$out" 2>&1
    rc=$?
    p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out" | tail -n 1)
    f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out" | tail -n 1)
    p=${p:-0}
    f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
    fi
    if [ "$f" -ne 0 ]; then
        grep -v '^# Subtest' "$out" | grep -B2 -A30 'not ok' | head -400
    fi
    echo "$label: $p passed, $f failed"
    pass=$((pass + p))
    fail=$((fail + f))
}
api_pass api sqlite tests/api/
# The same suite again with every server on PostgreSQL (a fresh database each), unless the
# caller opts out (`make sanitize` does: ROSTER_TEST_PG_API=0). The tests that are about
# PostgreSQL whatever the engine (several nodes, a database restart) ran in the first pass.
if [ -n "${ROSTER_TEST_PG:-}" ] && [ "${ROSTER_TEST_PG_API:-1}" != 0 ]; then
    set --
    for t in tests/api/*.test.mjs; do
        case "$t" in
        */multinode.test.mjs | */pg_restart.test.mjs) ;;
        *) set -- "$@" "$t" ;;
        esac
    done
    api_pass "api(pg)" pg "$@"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
