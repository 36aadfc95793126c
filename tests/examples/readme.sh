#!/usr/bin/env bash
# Runs every ```sh block of examples/README.md, in order, in an empty folder
# with the built scoin on the PATH: the walk-through must run as written.
#   tests/examples/readme.sh SCOIN_BIN README
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
readme=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
ln -s "$bin" "$work/bin/scoin"
awk '/^```sh$/ {on=1; next} /^```$/ {on=0; next} on {print}' "$readme" > "$work/steps.sh"
[ -s "$work/steps.sh" ] || { echo "no sh blocks in $readme"; exit 1; }
cd "$work"
unset SCOIN_LEDGER SCOIN_CONFIG SCOIN_PASSPHRASE_FILE
PATH="$work/bin:$PATH" bash -euo pipefail steps.sh > out.txt 2>&1 || { cat out.txt; exit 1; }
grep -q 'VALID' out.txt || { echo "the walk-through's audit did not say VALID"; cat out.txt; exit 1; }
ls settlements-*.csv.manifest.json > /dev/null
echo "examples/README.md: $(grep -c '' steps.sh) lines ran"
