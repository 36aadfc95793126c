#!/usr/bin/env bash
# Checks completions/scoin.fish: sourced into `fish --no-config`, `complete -C`
# offers the expected words for sample command lines.
#
# usage: tests/completions/fish.sh SCOIN_BIN COMPLETIONS_DIR
set -u

if (($# != 2)); then
    echo "usage: $0 SCOIN_BIN COMPLETIONS_DIR" >&2
    exit 2
fi
comp_dir=$(cd "$2" && pwd) || exit 2
script=$comp_dir/scoin.fish
[[ -f $script ]] || { echo "fish.sh: FAIL: no $script" >&2; exit 1; }
command -v fish >/dev/null || { echo "fish.sh: FAIL: fish is not installed" >&2; exit 1; }

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/files/ledgerdir" && : >"$tmp/files/admin.key" && : >"$tmp/files/accounts.csv"

failures=0
fail() {
    echo "fish.sh: FAIL: $*" >&2
    failures=$((failures + 1))
}

# Sourcing must be silent: fish reports errors in the script on stderr.
# shellcheck disable=SC2016 # $argv is fish's, expanded by fish
if ! err=$(fish --no-config -c 'source $argv[1]' "$script" 2>&1) || [[ $err ]]; then
    fail "sourcing $script: $err"
fi

# offered LINE: the candidates (without descriptions) fish offers for LINE,
# one a line, sorted. Runs in a directory of sample files.
# shellcheck disable=SC2016 # $argv is fish's, expanded by fish
offered() {
    (cd "$tmp/files" &&
        fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$script" "$1" 2>&1 |
        cut -f1 | sort -u)
}

# expect LINE WORD...: LINE offers every WORD.
expect() {
    local line=$1 got w
    shift
    got=$(offered "$line")
    for w; do
        grep -qxF -- "$w" <<<"$got" || fail "[$line] should offer '$w'; offered: $(tr '\n' ' ' <<<"$got")"
    done
}
# expect_only LINE WORD...: LINE offers exactly the WORDs.
expect_only() {
    local line=$1 got want
    shift
    got=$(offered "$line")
    want=$(printf '%s\n' "$@" | sed '/^$/d' | sort -u)
    [[ $got == "$want" ]] ||
        fail "[$line] should offer exactly ($(tr '\n' ' ' <<<"$want")); offered: ($(tr '\n' ' ' <<<"$got"))"
}

expect_only 'scoin ' keygen key init account balance log issue transfer redeem submit show-op verify-chain export-csv sync bundle checkpoint cosign prove verify-proof config help
expect_only 'scoin ac' account
expect_only 'scoin account ' open show list
expect_only 'scoin key ' show
expect_only 'scoin account open --kind ' resident merchant charity
expect_only 'scoin --json account open --kind ' resident merchant charity
expect_only 'scoin account open --kind=m' --kind=merchant
expect_only 'scoin account open --k' --key --kind
expect_only 'scoin --led' --ledger
expect_only 'scoin account --led' --ledger
expect_only 'scoin log --type ' genesis role open issue transfer redeem
expect_only 'scoin log --date ' today yesterday
expect_only 'scoin keygen --kdf ' interactive moderate sensitive
expect 'scoin keygen -' --out -o --kdf --unencrypted --ledger --config --passphrase-file --json --quiet -q --no-input
expect 'scoin init --' --admin-key --name --unit --decimals --krw-per-coin --utc-offset \
    --allow-resident-transfers --admin --issuer --ledger
expect 'scoin log --' --account --date --type --limit --json
expect_only 'scoin --ledger ledgerdir account ' open show list
expect_only 'scoin --ledger ' ledgerdir/
expect_only 'scoin account open --csv a' accounts.csv admin.key
expect_only 'scoin keygen -o ad' admin.key
expect_only 'scoin init --admin-key ad' admin.key
expect_only 'scoin key show ad' admin.key
expect_only 'scoin account show ' # an address or label: nothing to offer
expect_only 'scoin verify' verify-chain verify-proof
expect 'scoin verify-chain --' --trust --state --since-state --expect-chain-id --all
expect_only 'scoin verify-chain --state ad' admin.key
expect 'scoin bundle -' --since --out -o
expect_only 'scoin bundle -o ad' admin.key
expect 'scoin sync --from ' accounts.csv admin.key ledgerdir/
expect 'scoin checkpoint --' --key --name --out
expect_only 'scoin checkpoint --key ad' admin.key
expect 'scoin cosign ' accounts.csv admin.key
expect 'scoin prove --' --checkpoint --out
expect_only 'scoin prove --checkpoint ad' admin.key
expect 'scoin verify-proof ' accounts.csv admin.key
expect 'scoin verify-proof --' --trust

if ((failures)); then
    echo "fish.sh: $failures check(s) failed" >&2
    exit 1
fi
echo "fish.sh: ok"
