#!/usr/bin/env bash
# Regenerates the valid seed inputs of the fuzz corpus (the `seed-*` files in
# tests/fuzz/corpus/<target>/) from a real ledger: the one examples/demo.sh
# builds, plus op files written with --out, a bundle split into its entries,
# key files and CSV exports. Hand-written inputs (`bad-*`, `edge-*`) and crash
# reproducers (`crash-*`) are left alone.
#
#   tests/fuzz/make_seeds.sh [SCOIN_BINARY]      (default: build/cli/scoin)
#
# Needs python3 (to split the bundle) and cc with libsodium (for the one key
# file whose KDF limits are cheap enough for the fuzzer to unseal).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
scoin_bin=$(realpath "${1:-$root/build/cli/scoin}")
corpus=$here/corpus
work=$(mktemp -d -t scoin-seeds.XXXXXX)
trap 'rm -rf "$work"' EXIT

bash "$root/examples/demo.sh" "$scoin_bin" "$work/demo" > "$work/demo.log" 2>&1 ||
  { cat "$work/demo.log"; exit 1; }
cd "$work/demo"
export SCOIN_LEDGER=$work/demo/ledger
export SCOIN_PASSPHRASE_FILE=$work/demo/admin.pass
scoin() { "$scoin_bin" "$@"; }
addr() { scoin key show "$1" --json | sed -n 's/.*"address": "\(.*\)".*/\1/p'; }

for t in op opfile keyfile csv config bech32 text checkpoint bundle; do
  mkdir -p "$corpus/$t"
  rm -f "$corpus/$t"/seed-*
done

# Op files: one op of each signing command, and a batch of several blocks.
scoin issue --key issuer.key --to R-000001 --amount 1.25 --reason volunteering \
  --ref seeds/1 --memo $'two\nlines' --out issue.op -q
scoin transfer --key R-000001.key --to 서초구민체육센터 --amount 0.01 --out transfer.op -q
scoin redeem --key gym.key --amount 0.25 --ref seeds/redeem --memo "" --out redeem.op -q
printf 'account,amount,reason,ref,memo\nR-000001,1,health,seeds/2,\nR-000002,2.5,carbon,seeds/3,"a, b"\n' \
  > batch.csv
scoin issue --key issuer.key --csv batch.csv --out batch.op -q
cp donation.op issue.op transfer.op redeem.op batch.op "$corpus/opfile/"
for f in donation issue transfer redeem batch; do mv "$corpus/opfile/$f.op" "$corpus/opfile/seed-$f.op"; done
sed 's/$/\r/' issue.op > "$corpus/opfile/seed-crlf.op"

# Ops and entries: every entry of the demo ledger (from a bundle), and the op
# inside each; ops from op files are the same bytes less their signature.
scoin bundle --since 0 -o ledger.bundle -q
python3 - "$corpus/op" ledger.bundle <<'EOF'
import struct, sys
out, path = sys.argv[1], sys.argv[2]
b = open(path, 'rb').read()
assert b[:4] == b'SCBN'
count = struct.unpack('>Q', b[4 + 1 + 32 + 8:4 + 1 + 32 + 16])[0]
pos = 4 + 1 + 32 + 16
for i in range(count):
    n = struct.unpack('>I', b[pos:pos + 4])[0]
    entry = b[pos + 4:pos + 4 + n]
    pos += 4 + n
    op_len = struct.unpack('>I', entry[48:52])[0]
    open(f'{out}/seed-entry-{i:02}', 'wb').write(entry)
    open(f'{out}/seed-op-{i:02}', 'wb').write(entry[52:52 + op_len])
assert pos == len(b)
EOF

# Bundles: the whole demo ledger, and its tail (which an empty follower
# refuses: it does not start at the genesis).
cp ledger.bundle "$corpus/bundle/seed-demo.bundle"
scoin bundle --since 10 -o "$corpus/bundle/seed-demo-tail.bundle" -q

# The test vectors' entries (tests/vectors), which include a role op, one by
# one and as a bundle.
python3 - "$corpus" "$root/tests/vectors/ledger-v1.json" <<'EOF'
import json, struct, sys
out, path = sys.argv[1], sys.argv[2]
vectors = json.load(open(path))
bundle = b'SCBN\x01' + bytes.fromhex(vectors['chain_id']) + struct.pack('>QQ', 0, len(vectors['entries']))
for e in vectors['entries']:
    entry = bytes.fromhex(e['entry'])
    open(f'{out}/op/seed-vector-entry-{e["height"]}-{e["type"]}', 'wb').write(entry)
    bundle += struct.pack('>I', len(entry)) + entry
open(f'{out}/bundle/seed-vectors.bundle', 'wb').write(bundle)
EOF

# Checkpoints and proofs: a note signed by the admin, cosigned by a witness
# under a name, and proofs of the first and the last entry against it.
scoin checkpoint --key admin.key -o note -q > /dev/null
scoin cosign --key issuer.key --name auditor.example note -o cosigned -q > /dev/null
cp note "$corpus/checkpoint/seed-note"
cp cosigned "$corpus/checkpoint/seed-note-cosigned"
head=$(($(ls "$corpus"/op/seed-entry-* | wc -l) - 1))
scoin prove 0 --checkpoint cosigned -o "$corpus/checkpoint/seed-proof-0" -q
scoin prove "$head" -o "$corpus/checkpoint/seed-proof-head" -q

# Key files: unencrypted, encrypted at the interactive level, and encrypted
# at libsodium's minimum limits with the passphrase "fuzz", which the fuzzer
# gives (so it reaches the unsealing path at no cost).
cp issuer.key "$corpus/keyfile/seed-unencrypted.key"
cp admin.key "$corpus/keyfile/seed-interactive.key"
cat > cheap.c <<'EOF'
#include <sodium.h>
#include <stdio.h>
#include <string.h>
static void be64(unsigned char *p, unsigned long long v) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = (unsigned char)v;
}
int main(void) {
  if (sodium_init() < 0) return 1;
  unsigned char seed[32], pk[32], sk[64], blob[93 + 48], key[32], id[32];
  randombytes_buf(seed, sizeof seed);
  crypto_sign_seed_keypair(pk, sk, seed);
  memcpy(blob, "SK\x01" "A2", 5);
  memcpy(blob + 5, pk, 32);
  be64(blob + 37, crypto_pwhash_argon2id_OPSLIMIT_MIN);
  be64(blob + 45, crypto_pwhash_argon2id_MEMLIMIT_MIN);
  randombytes_buf(blob + 53, 16 + 24);
  if (crypto_pwhash(key, 32, "fuzz", 4, blob + 53, crypto_pwhash_argon2id_OPSLIMIT_MIN,
                    crypto_pwhash_argon2id_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return 1;
  crypto_aead_xchacha20poly1305_ietf_encrypt(blob + 93, NULL, seed, 32, blob, 93, NULL,
                                             blob + 69, key);
  char b64[sodium_base64_ENCODED_LEN(sizeof blob, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(b64, sizeof b64, blob, sizeof blob, sodium_base64_VARIANT_ORIGINAL);
  crypto_hash_sha256(id, pk, 32);
  printf("untrusted comment: scoin secret key ");
  for (int i = 0; i < 8; ++i) printf("%02x", id[i]);
  printf("\n%s\n", b64);
  return 0;
}
EOF
cc -o cheap cheap.c -lsodium
./cheap > "$corpus/keyfile/seed-cheap-fuzz.key"

# CSV: the examples' inputs and what scoin exports.
cp "$root/examples/rewards.csv" "$corpus/csv/seed-rewards.csv"
cp accounts.csv "$corpus/csv/seed-accounts.csv"
cp batch.csv "$corpus/csv/seed-batch.csv"
printf 'account,amount,memo\n서초구민체육센터,1.50,gym\n%s,0.5,\n' "$(addr gym.key)" \
  > "$corpus/csv/seed-transfer.csv"
scoin export-csv transactions --date today -o "$corpus/csv/seed-transactions.csv" -q
scoin export-csv settlements --date today -o "$corpus/csv/seed-settlements.csv" -q
scoin export-csv balances -o "$corpus/csv/seed-balances.csv" -q

# Addresses: every key of the demo.
for k in *.key; do printf '%s' "$(addr "$k")" > "$corpus/bech32/seed-${k%.key}"; done

chmod 644 "$corpus"/*/seed-*
ls "$corpus"/*/seed-* | wc -l
