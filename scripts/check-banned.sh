#!/bin/sh
# Fails when a banned libc function appears in the project's C sources (STYLE.md rule 7).
bad=$(grep -nE '\b(sprintf|strcpy|strcat|strncpy|strtok|atoi|atol|sscanf|gets)[[:space:]]*\(' \
    $(find src tests/unit fuzz bench -name '*.[ch]' 2>/dev/null) | grep -vE '\b(snprintf|vsnprintf)\(' )
if [ -n "$bad" ]; then
    echo "banned function used:" >&2
    echo "$bad" >&2
    exit 1
fi
exit 0
