#!/bin/sh
# `make run`: a demo team on the embedded SQLite store, then the server on 127.0.0.1:8080.
set -e
STORE=${ROSTER_STORE:-sqlite:var/roster.db}
DB=${STORE#sqlite:}
if [ "$STORE" != "$DB" ] && [ ! -f "$DB" ]; then
    echo "Creating $DB with team 'demo'. Its credentials (shown once):"
    build/roster init --store "$STORE" --team demo
    build/roster user add --store "$STORE" --team demo --name Jason.Compson.IV \
        --email jason.compson@example.com --first Jason --last Compson >/dev/null
else
    echo "Using the existing store $STORE (new credentials: build/roster init --team demo)."
fi
exec build/roster serve --store "$STORE" "$@"
