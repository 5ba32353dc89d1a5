#!/bin/sh
# Every MESSAGE_ID in the sources (a 32-hex-digit string in quotes, as in the Scenario
# constants) has an entry "-- ID" in the journal catalog, so journalctl -x explains it.
set -eu
src=${SOURCE_ROOT:?SOURCE_ROOT must name the source tree}
catalog=$src/systemd/bpftune.catalog

ids=$(grep -rhoE '"[0-9a-fA-F]{32}"' "$src/src" "$src/tuners" | tr -d '"' | tr 'A-F' 'a-f' | sort -u)
if [ -z "$ids" ]; then
    echo "no MESSAGE_ID found under $src/src and $src/tuners: is the pattern still right?" >&2
    exit 1
fi

missing=0
for id in $ids; do
    if ! grep -qx -- "-- $id" "$catalog"; then
        echo "MESSAGE_ID $id is used in: $(grep -rlE "\"$id\"" "$src/src" "$src/tuners" | tr '\n' ' ')" >&2
        echo "  but $catalog has no entry \"-- $id\"" >&2
        missing=$((missing + 1))
    fi
done
[ "$missing" -eq 0 ] || exit 1
echo "all $(echo "$ids" | wc -l) MESSAGE_IDs have a catalog entry"
