#!/usr/bin/env bash
# Checks completions/_scoin: it parses, compinit registers it for scoin, and,
# driven through a real interactive zsh on a pseudo-terminal (zpty), it offers
# the expected words.
#
# usage: tests/completions/zsh.sh SCOIN_BIN COMPLETIONS_DIR
set -u

if (($# != 2)); then
    echo "usage: $0 SCOIN_BIN COMPLETIONS_DIR" >&2
    exit 2
fi
comp_dir=$(cd "$2" && pwd) || exit 2
script=$comp_dir/_scoin
[[ -f $script ]] || { echo "zsh.sh: FAIL: no $script" >&2; exit 1; }
command -v zsh >/dev/null || { echo "zsh.sh: FAIL: zsh is not installed" >&2; exit 1; }

failures=0
fail() {
    echo "zsh.sh: FAIL: $*" >&2
    failures=$((failures + 1))
}

# 1. Syntax.
if ! err=$(zsh -n "$script" 2>&1); then
    fail "zsh -n $script: $err"
fi

# 2. Registration by compinit.
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
reg=$(ZDOTDIR=$tmp zsh -f -c '
    fpath=("$1" $fpath)
    autoload -Uz compinit && compinit -u -d "$2/zcompdump"
    if (( $+_comps[scoin] )); then print -r -- "registered=$_comps[scoin]"; else print -r -- unregistered; fi
' zsh "$comp_dir" "$tmp" 2>&1)
if [[ $reg != "registered=_scoin" ]]; then
    fail "after compinit, _comps[scoin] should be _scoin; got: $reg"
fi

# 3. Real completions. The helper starts an interactive `zsh -f` in a zpty,
# runs compinit there with compadd wrapped to append every match it adds to a
# file, types LINE plus TAB, and waits for the completion to finish
# (comppostfuncs writes a marker). It prints the matches, one a line.
cat >"$tmp/setup.zsh" <<'EOF'
PROMPT='' RPROMPT='' PS2=''
unsetopt zle_bracketed_paste
fpath=("$SCOIN_COMP_DIR" $fpath)
autoload -Uz compinit && compinit -u -d "$SCOIN_TMP/zcompdump-i"
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
bindkey '^I' complete-word
compadd() {
    # Calls that only compute matches into arrays (-O, -A, -D) are internal.
    if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
        builtin compadd "$@"
        return
    fi
    local -a __hits
    builtin compadd -A __hits "$@"
    (( $#__hits )) && print -rl -- $__hits >>"$SCOIN_TMP/matches"
    builtin compadd "$@"
}
_scoin_test_done() { : >"$SCOIN_TMP/done"; }
comppostfuncs=(_scoin_test_done)
: >"$SCOIN_TMP/ready"
EOF

cat >"$tmp/drive.zsh" <<'EOF'
# drive.zsh LINE: prints the matches zsh offers for LINE<TAB>.
zmodload zsh/zpty || exit 3
export SCOIN_COMP_DIR SCOIN_TMP
rm -f "$SCOIN_TMP/ready" "$SCOIN_TMP/done" "$SCOIN_TMP/matches"
zpty z 'TERM=dumb zsh -f -i'
zpty -w z "source ${(q)SCOIN_TMP}/setup.zsh"
integer i
for (( i = 0; i < 100; i++ )); do [[ -e $SCOIN_TMP/ready ]] && break; sleep 0.1; done
[[ -e $SCOIN_TMP/ready ]] || { print -u2 "zsh did not start"; zpty -d z; exit 3; }
zpty -n -w z "$1"$'\t'
for (( i = 0; i < 100; i++ )); do [[ -e $SCOIN_TMP/done ]] && break; sleep 0.1; done
zpty -d z
[[ -e $SCOIN_TMP/done ]] || { print -u2 "completion did not finish"; exit 3; }
[[ -e $SCOIN_TMP/matches ]] && cat "$SCOIN_TMP/matches"
exit 0
EOF

# expect LINE WORD...: LINE<TAB> offers every WORD.
# expect_not LINE WORD...: LINE<TAB> offers none of the WORDs.
offered() {
    # Run in the test's directory of sample files, so file completion is stable.
    (cd "$tmp/files" && SCOIN_COMP_DIR=$comp_dir SCOIN_TMP=$tmp zsh -f "$tmp/drive.zsh" "$1")
}
check() {
    local mode=$1 line=$2 got w
    shift 2
    if ! got=$(offered "$line" 2>&1); then
        fail "[$line<TAB>]: could not drive zsh: $got"
        return
    fi
    for w in "$@"; do
        if [[ $mode == expect ]] && ! grep -qxF -- "$w" <<<"$got"; then
            fail "[$line<TAB>] should offer '$w'; offered: $(tr '\n' ' ' <<<"$got")"
        elif [[ $mode == expect_not ]] && grep -qxF -- "$w" <<<"$got"; then
            fail "[$line<TAB>] should not offer '$w'; offered: $(tr '\n' ' ' <<<"$got")"
        fi
    done
}

mkdir -p "$tmp/files/ledgerdir" && : >"$tmp/files/admin.key" && : >"$tmp/files/accounts.csv"

check expect 'scoin ' keygen key init account balance log issue transfer redeem submit show-op verify-chain export-csv sync bundle checkpoint cosign prove verify-proof config help
check expect_not 'scoin ' __spec
check expect 'scoin acc' account
check expect 'scoin account ' open show list
check expect 'scoin key ' show
check expect 'scoin account open --k' --key --kind
check expect_not 'scoin account open --k' --label --ledger
check expect 'scoin account open --kind ' resident merchant charity
check expect 'scoin account open --kind=' resident merchant charity
check expect 'scoin --json account open --kind ' resident merchant charity
check expect 'scoin keygen --kdf ' interactive moderate sensitive
check expect 'scoin keygen -' --out -o --kdf --unencrypted --ledger --json
check expect 'scoin log --type ' genesis role open issue transfer redeem
check expect 'scoin log --date ' today yesterday
check expect 'scoin --led' --ledger
check expect 'scoin init --' --admin-key --name --allow-resident-transfers --ledger
check expect 'scoin account open --csv ' accounts.csv
check expect 'scoin key show ' admin.key
check expect 'scoin --ledger ' ledgerdir
check expect_not 'scoin --ledger ' admin.key
check expect 'scoin verify-chain --' --trust --state --since-state --expect-chain-id
check expect 'scoin verify-chain --state ' admin.key
check expect 'scoin bundle -' --since --out -o
check expect 'scoin sync --from ' accounts.csv admin.key ledgerdir
check expect 'scoin checkpoint --' --key --name --out
check expect 'scoin cosign ' admin.key
check expect 'scoin prove --' --checkpoint --out
check expect 'scoin verify-proof --' --trust
check expect_not 'scoin verify-proof --' --key --state
check expect 'scoin verify-proof ' admin.key

if ((failures)); then
    echo "zsh.sh: $failures check(s) failed" >&2
    exit 1
fi
echo "zsh.sh: ok"
