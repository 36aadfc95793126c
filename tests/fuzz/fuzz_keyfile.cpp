// fuzz_keyfile: secret key files (DESIGN.md §3), through the text entry
// points `parse_key_info` and `load_key_text` (the file checks of
// `read_key_info` and `load_key` are left out; they run on no content).
//
// Properties:
// - what `parse_key_info` refuses is a data error (65); what it accepts,
//   `load_key_text` never calls malformed: it loads the key or refuses it (77);
// - a loaded key has the public key the file shows, and the key file is
//   unencrypted or was unsealed with the passphrase;
// - the passphrase is asked for at most once, only for an encrypted file, and
//   only once its KDF limits are within [MIN, SENSITIVE].
// So that no run pays for Argon2 at real limits, the passphrase ("fuzz") is
// only given when the file asks for at most 3 passes over 64 KiB (the seed
// corpus holds such a key); above that the passphrase source refuses.
#include <sodium.h>

#include <cstring>

#include "fuzz.hpp"
#include "scoin/keyfile.hpp"

using namespace scoin;

namespace {
constexpr std::uint64_t k_cheap_opslimit = 3;
constexpr std::uint64_t k_cheap_memlimit = 64 * 1024;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool k_ready = (crypto_init(), true);
  (void)k_ready;
  fuzz::TargetScope scope;
  auto text = fuzz::as_text(data, size);
  auto info = parse_key_info(text, "fuzz.key");
  int asked = 0;
  bool given = false;
  auto passphrase = [&]() -> Result<SecretBuffer> {
    ++asked;
    FUZZ_CHECK(info && info->encrypted);
    FUZZ_CHECK(info->opslimit >= crypto_pwhash_argon2id_OPSLIMIT_MIN &&
               info->opslimit <= crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE);
    FUZZ_CHECK(info->memlimit >= crypto_pwhash_argon2id_MEMLIMIT_MIN &&
               info->memlimit <= crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE);
    if (info->opslimit > k_cheap_opslimit || info->memlimit > k_cheap_memlimit) {
      return fail(Exit::key_refused, "no passphrase for costly KDF limits in the fuzzer");
    }
    given = true;
    SecretBuffer b(4);
    std::memcpy(b.data(), "fuzz", 4);
    return b;
  };
  auto key = load_key_text(text, "fuzz.key", passphrase);
  FUZZ_CHECK(asked <= 1);
  if (!info) {
    FUZZ_CHECK(info.error().exit == Exit::data);
    FUZZ_CHECK(!key && key.error().exit == Exit::data);
    FUZZ_CHECK(key.error().message == info.error().message);
    return 0;
  }
  if (!key) {
    FUZZ_CHECK(key.error().exit == Exit::key_refused);
    return 0;
  }
  FUZZ_CHECK(key->public_key() == info->public_key);
  FUZZ_CHECK(!info->encrypted || given);
  return 0;
}
