#!/usr/bin/env bash
# A walk through scoin on a fresh ledger: keys made, the ledger created,
# accounts opened from a CSV file, a welfare centre's reward CSV issued (and
# issued again, safely), a facility paid, a donation signed offline and
# submitted, a settlement redeemed, balances and the log shown, the chain
# audited with verify-chain, and yesterday's and today's settlements exported.
# Then the ledger is replicated: the admin signs a checkpoint, a follower is
# made from the primary's directory and fed a bundle of the next payment,
# that payment is proved against a checkpoint and the proof checked with no
# replica, and an auditor checks the follower against the checkpoints with a
# state file that carries over from one audit to the next.
#
#   examples/demo.sh [SCOIN_BINARY] [WORK_DIR]
#
# Everything is created in WORK_DIR (default: a new temporary directory).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
scoin_bin=$(realpath "${1:-$here/../build/cli/scoin}")
work=${2:-$(mktemp -d -t scoin-demo.XXXXXX)}
mkdir -p "$work"
cd "$work"
umask 077

scoin() { "$scoin_bin" "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

export SCOIN_LEDGER="$work/ledger"
# The admin key is encrypted; its passphrase comes from a 0600 file, as a
# cron job or a systemd unit would give it. (Interactively, scoin asks on the
# terminal instead.)
printf 'correct horse battery staple\n' > admin.pass
export SCOIN_PASSPHRASE_FILE="$work/admin.pass"

step "keys: an encrypted admin key, an issuer key, and one per account"
scoin keygen -o admin.key --kdf interactive
scoin keygen -o issuer.key --unencrypted
for who in R-000001 R-000002 gym cafeteria foodbank; do
  scoin keygen -o "$who.key" --unencrypted -q
done
scoin key show admin.key

step "init: the ledger and its genesis entry (the chain id is printed)"
scoin init --admin-key admin.key --name "서초 리워드" --unit SC --decimals 2 \
  --krw-per-coin 200 --utc-offset +09:00 \
  --issuer "$(scoin key show issuer.key --json | sed -n 's/.*"address": "\(.*\)".*/\1/p')"

step "account open --csv: residents, facilities and a charity, all or nothing"
cp "$here/accounts.csv" accounts.csv
for who in R-000001 R-000002 gym cafeteria foodbank; do
  addr=$(scoin key show "$who.key" --json | sed -n 's/.*"address": "\(.*\)".*/\1/p')
  sed -i "s/{$who}/$addr/" accounts.csv
done
cat accounts.csv
scoin account open --key admin.key --csv accounts.csv

step "issue --csv: a welfare centre's rewards, checked whole, then signed and appended"
cat "$here/rewards.csv"
scoin issue --key issuer.key --csv "$here/rewards.csv" --dry-run
scoin issue --key issuer.key --csv "$here/rewards.csv"

step "issue again: the same file pays nobody twice (every row already applied)"
scoin issue --key issuer.key --csv "$here/rewards.csv"

step "issue: one reward from the command line"
scoin issue --key issuer.key --to R-000002 --amount 2 --reason "health program" \
  --ref 2026-11-26/seocho-welfare/0005

step "transfer: a resident pays the gym"
scoin transfer --key R-000001.key --to 서초구민체육센터 --amount 10.50 --memo "monthly pass"

step "offline signing: a donation signed into an op file, inspected, then submitted (twice: safe)"
scoin transfer --key R-000002.key --to 서초푸드뱅크 --amount 5 --out donation.op
cat donation.op
scoin show-op donation.op
scoin submit donation.op
scoin submit donation.op

step "redeem: the gym returns coins for its won settlement"
scoin redeem --key gym.key --amount 10 --ref 2026-11-26/gym-settlement

step "account list, account show, balance"
scoin account list
scoin account show 서초구민체육센터
scoin balance

step "log"
scoin log

step "verify-chain: every entry, signature, rule and derived table checked"
scoin verify-chain

step "export-csv: yesterday's settlement (what the nightly cron job takes) and today's so far"
scoin export-csv settlements --date yesterday
scoin export-csv settlements --date today -o "settlements-%Y%m%d.csv" --manifest
cat settlements-*.csv
cat settlements-*.csv.manifest.json

step "checkpoint: the admin signs the ledger's size and Merkle root"
scoin checkpoint --key admin.key -o checkpoint.txt
cat checkpoint.txt
admin=$(scoin key show admin.key --json | sed -n 's/.*"address": "\(.*\)".*/\1/p')

step "sync: a follower made from the primary's directory (every entry checked again; checkpoints copied)"
follower="$work/follower"
SCOIN_LEDGER="$follower" scoin sync --from "$SCOIN_LEDGER"
# The height the next bundle starts at: the number of entries the follower holds.
since=$(SCOIN_LEDGER="$follower" scoin sync --from "$SCOIN_LEDGER" --json |
  sed -n 's/.*"size": \([0-9]*\).*/\1/p')

step "bundle: a further payment on the primary, carried to the follower in a bundle file"
scoin transfer --key R-000001.key --to 서초구민체육센터 --amount 0.50 --memo "day pass"
height=$(scoin log --json --limit 1 | sed -n 's/^ *"height": \([0-9]*\),.*/\1/p')
scoin bundle --since "$since" -o day.bundle
SCOIN_LEDGER="$follower" scoin sync --from day.bundle

step "prove: the payment's inclusion proof against a new checkpoint; verify-proof needs no replica"
scoin checkpoint --key admin.key -o checkpoint.txt --quiet
scoin prove "$height" -o payment.proof
cat payment.proof
(unset SCOIN_LEDGER; scoin verify-proof payment.proof --trust "$admin")

step "verify-chain --state: the auditor's follower checked against the admin's checkpoints"
SCOIN_LEDGER="$follower" scoin verify-chain --trust "$admin" --state audit.state
cat audit.state

step "the next audit: a sync copies the new checkpoint; only the new entries are verified"
SCOIN_LEDGER="$follower" scoin sync --from "$SCOIN_LEDGER"
SCOIN_LEDGER="$follower" scoin verify-chain --trust "$admin" --state audit.state --since-state

printf '\nDemo ledger in %s, its follower in %s\n' "$work" "$follower"
