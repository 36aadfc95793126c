// Cryptography of DESIGN.md §3: SHA-256, Ed25519 and Bech32m addresses, over
// libsodium. Secret keys live only in `SecretKey`, whose bytes are in
// `sodium_malloc`ed, locked memory, wiped when it goes away.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scoin/bytes.hpp"
#include "scoin/error.hpp"

namespace scoin {

// Initialises libsodium once; safe to call from any thread. Aborts (exit 70)
// if libsodium cannot start, since nothing can be signed or checked without it.
void crypto_init();

Hash32 sha256(ByteView data);

// Incremental SHA-256 for hashes over several parts.
class Sha256 {
 public:
  Sha256();
  Sha256& update(ByteView data);
  Sha256& update(std::string_view s) { return update(as_bytes(s)); }
  Hash32 final();

 private:
  alignas(64) unsigned char m_state[128];
};

bool verify_signature(const Key32& public_key, ByteView message, const Sig64& sig);

// An Ed25519 key pair. The 64-byte libsodium secret key (seed ‖ public key) is
// kept in guarded memory: `sodium_malloc`, `sodium_mlock`ed, read-only except
// while being filled, wiped by `sodium_free`.
class SecretKey {
 public:
  // Derives the pair from a 32-byte seed (`crypto_sign_seed_keypair`).
  static SecretKey from_seed(ByteView seed32);
  // A fresh random key pair.
  static SecretKey generate();

  SecretKey(SecretKey&&) noexcept = default;
  SecretKey& operator=(SecretKey&&) noexcept = default;
  ~SecretKey() = default;

  const Key32& public_key() const { return m_public; }
  Sig64 sign(ByteView message) const;
  // Copies the 32-byte seed into `out` (which must itself be guarded memory).
  void copy_seed(std::uint8_t* out32) const;

 private:
  struct Free {
    void operator()(unsigned char* p) const;
  };
  SecretKey() = default;
  std::unique_ptr<unsigned char, Free> m_secret;  // 64 bytes
  Key32 m_public{};
};

// A buffer for secrets (seeds, passphrases, derived keys) in guarded memory.
// The first guarded allocation (here or in `SecretKey`) also turns core dumps
// off for the process (RLIMIT_CORE 0, PR_SET_DUMPABLE 0).
class SecretBuffer {
 public:
  explicit SecretBuffer(std::size_t size);
  SecretBuffer(SecretBuffer&& o) noexcept : m_data(o.m_data), m_size(o.m_size) {
    o.m_data = nullptr;
    o.m_size = 0;
  }
  SecretBuffer(const SecretBuffer&) = delete;
  SecretBuffer& operator=(const SecretBuffer&) = delete;
  ~SecretBuffer();
  unsigned char* data() { return m_data; }
  const unsigned char* data() const { return m_data; }
  std::size_t size() const { return m_size; }
  // Shrinks the visible size (the tail is wiped).
  void truncate(std::size_t size);

 private:
  unsigned char* m_data;
  std::size_t m_size;
};

void random_bytes(std::uint8_t* out, std::size_t n);

// Wipes what a secret leaves behind when it goes through ordinary code
// (base64, a key file's text): the SIMD registers a copy moved it through,
// which a later lazy symbol binding would save on the stack, and the stack
// below the caller, where its callees ran. Call it once the secret's own
// copies are wiped. (A process that allocated guarded memory also never
// dumps core: see `SecretBuffer`.)
inline constexpr std::size_t k_stack_scrub_bytes = 32 * 1024;
void wipe_transient_copies();

// The key id of DESIGN.md §3: first 8 bytes of SHA-256(public key), hex.
std::string key_id(const Key32& public_key);

// Bech32m (BIP-350) with the human-readable part `sc`.
inline constexpr std::string_view k_address_hrp = "sc";
std::string encode_address(const Key32& public_key);
// Decodes an address; errors say what is wrong (checksum, hrp, length, case).
Result<Key32> decode_address(std::string_view address);

// Generic Bech32/Bech32m, exposed for the BIP-350 test vectors.
enum class Bech32Variant { bech32, bech32m };
std::string bech32_encode(std::string_view hrp, const std::vector<std::uint8_t>& data5,
                          Bech32Variant variant);
struct Bech32Decoded {
  std::string hrp;
  std::vector<std::uint8_t> data5;
  Bech32Variant variant;
};
std::optional<Bech32Decoded> bech32_decode(std::string_view text);
// Regroups bits (8→5 with padding, or 5→8 without); nullopt on bad padding.
std::optional<std::vector<std::uint8_t>> convert_bits(ByteView in, int from, int to, bool pad);

}  // namespace scoin
