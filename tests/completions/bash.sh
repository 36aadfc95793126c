#!/usr/bin/env bash
# Checks completions/scoin.bash: loaded with bash-completion into a
# non-interactive bash, `complete -p scoin` names _scoin, and _scoin fills
# COMPREPLY with the expected words for sample command lines.
#
# usage: tests/completions/bash.sh SCOIN_BIN COMPLETIONS_DIR
set -u

if (($# != 2)); then
    echo "usage: $0 SCOIN_BIN COMPLETIONS_DIR" >&2
    exit 2
fi
comp_dir=$(cd "$2" && pwd) || exit 2
script=$comp_dir/scoin.bash
bash_completion=${BASH_COMPLETION:-/usr/share/bash-completion/bash_completion}
[[ -f $script ]] || { echo "bash.sh: FAIL: no $script" >&2; exit 1; }
[[ -f $bash_completion ]] || { echo "bash.sh: FAIL: no $bash_completion (install bash-completion)" >&2; exit 1; }

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/files/ledgerdir" && : >"$tmp/files/admin.key" && : >"$tmp/files/accounts.csv"

# The checks run in a fresh non-interactive bash, in a directory of sample
# files so that file completion is predictable.
cd "$tmp/files" && exec bash --norc --noprofile -s -- "$bash_completion" "$script" <<'EOF'
set -u
failures=0
fail() {
    echo "bash.sh: FAIL: $*" >&2
    failures=$((failures + 1))
}

# shellcheck disable=SC1090
source "$1" || { echo "bash.sh: FAIL: cannot source $1" >&2; exit 1; }
source "$2" || { echo "bash.sh: FAIL: cannot source $2" >&2; exit 1; }

spec=$(complete -p scoin 2>&1)
[[ $spec == 'complete -F _scoin scoin' ]] ||
    fail "complete -p scoin: expected 'complete -F _scoin scoin', got '$spec'"
declare -F _scoin >/dev/null || { fail "_scoin is not defined"; exit 1; }

# complete_line LINE: sets the COMP_* variables as bash does for LINE with the
# cursor at its end (words split at blanks, and '=' a word of its own), calls
# _scoin and leaves the result, sorted, in got.
complete_line() {
    local line=$1 word parts
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMP_WORDS=()
    read -ra parts <<<"$line"
    for word in ${parts[@]+"${parts[@]}"}; do
        while [[ $word == *=* ]]; do
            [[ ${word%%=*} ]] && COMP_WORDS+=("${word%%=*}")
            COMP_WORDS+=('=')
            word=${word#*=}
        done
        [[ $word ]] && COMP_WORDS+=("$word")
    done
    [[ $line == *' ' || $line == *= ]] && COMP_WORDS+=('')
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _scoin scoin "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    got=$(printf '%s\n' ${COMPREPLY[@]+"${COMPREPLY[@]}"} | sort -u | tr '\n' ' ')
    got=${got% }
}

# expect LINE WORD...: COMPREPLY for LINE holds every WORD.
expect() {
    local line=$1 w
    shift
    complete_line "$line"
    for w; do
        [[ " $got " == *" $w "* ]] || fail "[$line] should offer '$w'; COMPREPLY: ($got)"
    done
}
# expect_only LINE WORD...: COMPREPLY for LINE is exactly the WORDs.
expect_only() {
    local line=$1 want
    shift
    complete_line "$line"
    want=$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')
    want=${want% }
    [[ $got == "$want" ]] || fail "[$line] should offer exactly ($want); COMPREPLY: ($got)"
}
# expect_none LINE WORD...: COMPREPLY for LINE holds none of the WORDs.
expect_none() {
    local line=$1 w
    shift
    complete_line "$line"
    for w; do
        [[ " $got " != *" $w "* ]] || fail "[$line] should not offer '$w'; COMPREPLY: ($got)"
    done
}

expect_only 'scoin ' keygen key init account balance log issue transfer redeem submit show-op verify-chain export-csv sync bundle checkpoint cosign prove verify-proof config help
expect_only 'scoin acc' account
expect_only 'scoin k' key keygen
expect_only 'scoin c' checkpoint config cosign
expect_only 'scoin verify' verify-chain verify-proof
expect_only 'scoin account ' open show list
expect_only 'scoin key ' show
expect_only 'scoin account open --k' --key --kind
expect_only 'scoin account open --kind ' resident merchant charity
expect_only 'scoin account open --kind=' resident merchant charity
expect_only 'scoin account open --kind=m' merchant
expect_only 'scoin --json account open --kind ' resident merchant charity
expect_only 'scoin log --type ' genesis role open issue transfer redeem
expect_only 'scoin log --date ' today yesterday
expect_only 'scoin keygen --kdf ' interactive moderate sensitive
expect_only 'scoin --led' --ledger
expect_only 'scoin account --led' --ledger
expect 'scoin keygen -' --out -o --kdf --unencrypted --ledger --config --passphrase-file --json --quiet -q --no-input
expect 'scoin init --' --admin-key --name --unit --decimals --krw-per-coin --utc-offset \
    --allow-resident-transfers --admin --issuer --ledger
expect_none 'scoin init --' --kind --kdf
expect 'scoin log --' --account --date --type --limit --json
expect_only 'scoin --ledger ledgerdir account ' open show list
expect_only 'scoin --ledger ' ledgerdir
expect_only 'scoin --config ' accounts.csv admin.key ledgerdir
expect_only 'scoin account open --csv a' accounts.csv admin.key
expect_only 'scoin account open --key adm' admin.key
expect_only 'scoin keygen -o ad' admin.key
expect_only 'scoin init --admin-key ad' admin.key
expect_only 'scoin --passphrase-file ad' admin.key
expect_only 'scoin key show ad' admin.key
expect_only 'scoin init --name ' # free text: nothing to offer
expect 'scoin verify-chain --' --trust --state --since-state --expect-chain-id --all
expect_only 'scoin verify-chain --state ad' admin.key
expect_only 'scoin verify-chain --trust ' # an address: nothing to offer
expect_only 'scoin bundle -' --since --out -o --ledger --config --passphrase-file --json --quiet -q --no-input --version --help -h
expect_only 'scoin bundle -o ad' admin.key
expect_only 'scoin sync --from ' accounts.csv admin.key ledgerdir
expect 'scoin checkpoint --' --key --name --out
expect_only 'scoin checkpoint --key ad' admin.key
expect_only 'scoin cosign ad' admin.key
expect 'scoin cosign --' --key --name --out
expect 'scoin prove --' --checkpoint --out
expect_only 'scoin prove --checkpoint ad' admin.key
expect_only 'scoin verify-proof ad' admin.key
expect 'scoin verify-proof --' --trust
expect_none 'scoin verify-proof --' --key --state
expect_only 'scoin log --type open --limit ' # free text

if ((failures)); then
    echo "bash.sh: $failures check(s) failed" >&2
    exit 1
fi
echo "bash.sh: ok"
EOF
