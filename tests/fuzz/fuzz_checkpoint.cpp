// fuzz_checkpoint: checkpoint notes and inclusion proofs (DESIGN.md §9), as
// `verify-chain --state`, `cosign` and `verify-proof` read them. Every input
// is tried as both.
//
// Properties:
// - a note that parses is exactly the note it writes back (`text()`), has at
//   most k_checkpoint_signatures_max signatures, and a body ending in "\n";
//   checking it against a key never finds a signature the key did not make;
//   once that key signs it (as `cosign` does), the key's signature checks;
// - a proof that parses is exactly the proof it writes back; checking it
//   never crashes, and a valid one names who signed its checkpoint.
// Refusals are data errors (65).
#include <algorithm>

#include "fuzz.hpp"
#include "scoin/checkpoint.hpp"
#include "scoin/proof.hpp"

using namespace scoin;

namespace {

void check_note(std::string_view text, const SecretKey& witness) {
  auto cp = parse_checkpoint(text, "fuzz.note");
  if (!cp) {
    FUZZ_CHECK(cp.error().exit == Exit::data);
    return;
  }
  FUZZ_CHECK(cp->text() == text);
  FUZZ_CHECK(cp->signatures.size() <= k_checkpoint_signatures_max);
  FUZZ_CHECK(cp->body.ends_with('\n'));
  const Key32 trusted[] = {witness.public_key()};
  FUZZ_CHECK(check_checkpoint(*cp, trusted).signed_by.empty());
  if (auto sg = sign_checkpoint(*cp, "witness", witness); !sg) {
    FUZZ_CHECK(sg.error().exit == Exit::data && cp->signatures.size() == k_checkpoint_signatures_max);
    return;
  }
  auto signed_now = check_checkpoint(*cp, trusted);
  FUZZ_CHECK(signed_now.signed_by.size() == 1 && signed_now.signer_names[0] == "witness");
}

void check_proof_text(std::string_view text, const SecretKey& witness) {
  auto proof = parse_proof(text, "fuzz.proof");
  if (!proof) {
    FUZZ_CHECK(proof.error().exit == Exit::data);
    return;
  }
  FUZZ_CHECK(proof->text() == text);
  const Key32 trusted[] = {witness.public_key()};
  auto check = check_proof(*proof, trusted);
  FUZZ_CHECK(!check.valid);  // the witness signed nothing in it
  if (!sign_checkpoint(proof->checkpoint, "witness", witness)) return;
  check = check_proof(*proof, trusted);
  if (check.valid) FUZZ_CHECK(check.signer_names == std::vector<std::string>{"witness"});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool k_ready = (crypto_init(), true);
  (void)k_ready;
  fuzz::TargetScope scope;
  // A key no seed input was signed with (seed 0x77).
  static const SecretKey witness = SecretKey::from_seed(Bytes(32, 0x77));
  auto text = fuzz::as_text(data, size);
  check_note(text, witness);
  check_proof_text(text, witness);
  return 0;
}
