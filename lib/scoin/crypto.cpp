#include "scoin/crypto.hpp"

#include <sodium.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <mutex>

#include "scoin/text.hpp"

namespace scoin {

void crypto_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) {
      std::fprintf(stderr, "scoin: internal error: libsodium failed to initialise\n");
      std::_Exit(static_cast<int>(Exit::internal));
    }
  });
}

Hash32 sha256(ByteView data) {
  Hash32 out;
  crypto_hash_sha256(out.data(), data.data(), data.size());
  return out;
}

static_assert(sizeof(crypto_hash_sha256_state) <= 128);

Sha256::Sha256() {
  crypto_hash_sha256_init(reinterpret_cast<crypto_hash_sha256_state*>(m_state));
}
Sha256& Sha256::update(ByteView data) {
  crypto_hash_sha256_update(reinterpret_cast<crypto_hash_sha256_state*>(m_state), data.data(),
                            data.size());
  return *this;
}
Hash32 Sha256::final() {
  Hash32 out;
  crypto_hash_sha256_final(reinterpret_cast<crypto_hash_sha256_state*>(m_state), out.data());
  return out;
}

bool verify_signature(const Key32& public_key, ByteView message, const Sig64& sig) {
  return crypto_sign_verify_detached(sig.data(), message.data(), message.size(),
                                     public_key.data()) == 0;
}

void SecretKey::Free::operator()(unsigned char* p) const { sodium_free(p); }

namespace {

// A process that holds a secret never dumps core, and other processes of
// the same user may not read its memory (ptrace, /proc/PID/mem): guarded
// memory is left out of core dumps, but registers and stack are not. As
// ssh-agent and gpg-agent do.
void forbid_core_dumps() {
  static std::once_flag once;
  std::call_once(once, [] {
    // The soft limit is what a crash dumps by; the hard one is left to the
    // parent (lowering it could not be undone by the user's later programs).
    rlimit core{};
    if (::getrlimit(RLIMIT_CORE, &core) == 0) {
      core.rlim_cur = 0;
      ::setrlimit(RLIMIT_CORE, &core);
    }
#if !defined(__SANITIZE_ADDRESS__)
    // (Not under ASan: LeakSanitizer ptraces its own process at exit.)
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
  });
}

// Zeroes the SIMD registers: a memcpy of a secret leaves it there, and the
// dynamic linker's lazy binding saves them on the stack (xsave) at the next
// first call of a library function, out of guarded memory.
void clear_vector_registers() {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f")) {
    // glibc's EVEX string functions use ymm16-31, which vzeroall leaves alone.
    __asm__ __volatile__(
        "vpxord %%zmm16, %%zmm16, %%zmm16\n\tvpxord %%zmm17, %%zmm17, %%zmm17\n\t"
        "vpxord %%zmm18, %%zmm18, %%zmm18\n\tvpxord %%zmm19, %%zmm19, %%zmm19\n\t"
        "vpxord %%zmm20, %%zmm20, %%zmm20\n\tvpxord %%zmm21, %%zmm21, %%zmm21\n\t"
        "vpxord %%zmm22, %%zmm22, %%zmm22\n\tvpxord %%zmm23, %%zmm23, %%zmm23\n\t"
        "vpxord %%zmm24, %%zmm24, %%zmm24\n\tvpxord %%zmm25, %%zmm25, %%zmm25\n\t"
        "vpxord %%zmm26, %%zmm26, %%zmm26\n\tvpxord %%zmm27, %%zmm27, %%zmm27\n\t"
        "vpxord %%zmm28, %%zmm28, %%zmm28\n\tvpxord %%zmm29, %%zmm29, %%zmm29\n\t"
        "vpxord %%zmm30, %%zmm30, %%zmm30\n\tvpxord %%zmm31, %%zmm31, %%zmm31" :::
#if defined(__AVX512F__)
        // Only a compiler allowed AVX-512 knows these, and only it may use them.
        "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24", "xmm25",
        "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31",
#endif
        "memory");
  }
  if (__builtin_cpu_supports("avx")) {
    __asm__ __volatile__("vzeroall" ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
                         "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
                         "xmm15", "memory");
  } else {
    __asm__ __volatile__(
        "pxor %%xmm0, %%xmm0\n\tpxor %%xmm1, %%xmm1\n\tpxor %%xmm2, %%xmm2\n\t"
        "pxor %%xmm3, %%xmm3\n\tpxor %%xmm4, %%xmm4\n\tpxor %%xmm5, %%xmm5\n\t"
        "pxor %%xmm6, %%xmm6\n\tpxor %%xmm7, %%xmm7\n\tpxor %%xmm8, %%xmm8\n\t"
        "pxor %%xmm9, %%xmm9\n\tpxor %%xmm10, %%xmm10\n\tpxor %%xmm11, %%xmm11\n\t"
        "pxor %%xmm12, %%xmm12\n\tpxor %%xmm13, %%xmm13\n\tpxor %%xmm14, %%xmm14\n\t"
        "pxor %%xmm15, %%xmm15" ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
        "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory");
  }
#endif
}

// Zeroes the stack below the caller's frame, where its callees ran.
[[gnu::noinline]] void scrub_stack() {
  unsigned char below[k_stack_scrub_bytes];
  sodium_memzero(below, sizeof below);
  __asm__ __volatile__("" : : "r"(below) : "memory");
}

}  // namespace

void wipe_transient_copies() {
  clear_vector_registers();
  scrub_stack();
}

static unsigned char* guarded_alloc(std::size_t n) {
  crypto_init();
  forbid_core_dumps();
  auto* p = static_cast<unsigned char*>(sodium_malloc(n));
  if (p == nullptr) {
    std::fprintf(stderr, "scoin: internal error: cannot allocate guarded memory\n");
    std::_Exit(static_cast<int>(Exit::internal));
  }
  // sodium_malloc already mlock()s where it can; keep the pages out of core
  // dumps too (sodium_malloc does MADV_DONTDUMP on Linux).
  return p;
}

SecretKey SecretKey::from_seed(ByteView seed32) {
  SCOIN_ASSERT(seed32.size() == crypto_sign_SEEDBYTES);
  SecretKey k;
  k.m_secret.reset(guarded_alloc(crypto_sign_SECRETKEYBYTES));
  crypto_sign_seed_keypair(k.m_public.data(), k.m_secret.get(), seed32.data());
  sodium_mprotect_readonly(k.m_secret.get());
  clear_vector_registers();
  return k;
}

SecretKey SecretKey::generate() {
  SecretBuffer seed(crypto_sign_SEEDBYTES);
  randombytes_buf(seed.data(), seed.size());
  return from_seed({seed.data(), seed.size()});
}

Sig64 SecretKey::sign(ByteView message) const {
  SCOIN_ASSERT(m_secret);
  Sig64 sig;
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), m_secret.get());
  // libsodium wipes its own copies, but not the registers they went through.
  clear_vector_registers();
  return sig;
}

void SecretKey::copy_seed(std::uint8_t* out32) const {
  SCOIN_ASSERT(m_secret);
  crypto_sign_ed25519_sk_to_seed(out32, m_secret.get());
}

SecretBuffer::SecretBuffer(std::size_t size) : m_data(guarded_alloc(size)), m_size(size) {
  sodium_memzero(m_data, size);
}
SecretBuffer::~SecretBuffer() {
  if (m_data != nullptr) sodium_free(m_data);
}
void SecretBuffer::truncate(std::size_t size) {
  SCOIN_ASSERT(size <= m_size);
  sodium_memzero(m_data + size, m_size - size);
  m_size = size;
}

void random_bytes(std::uint8_t* out, std::size_t n) {
  crypto_init();
  randombytes_buf(out, n);
}

std::string key_id(const Key32& public_key) {
  auto h = sha256(public_key);
  return to_hex(ByteView(h.data(), 8));
}

// --- Bech32m (BIP-173 / BIP-350) -------------------------------------------

namespace {

constexpr std::string_view k_charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::uint32_t k_bech32_const = 1;
constexpr std::uint32_t k_bech32m_const = 0x2bc830a3;

std::uint32_t polymod(const std::vector<std::uint8_t>& values) {
  static constexpr std::uint32_t k_gen[] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
                                            0x2a1462b3};
  std::uint32_t chk = 1;
  for (auto v : values) {
    std::uint32_t top = chk >> 25;
    chk = (chk & 0x1ffffff) << 5 ^ v;
    for (int i = 0; i < 5; ++i)
      if ((top >> i) & 1) chk ^= k_gen[i];
  }
  return chk;
}

std::vector<std::uint8_t> hrp_expand(std::string_view hrp) {
  std::vector<std::uint8_t> out;
  for (char c : hrp) out.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(c) >> 5));
  out.push_back(0);
  for (char c : hrp) out.push_back(static_cast<std::uint8_t>(c & 31));
  return out;
}

}  // namespace

std::string bech32_encode(std::string_view hrp, const std::vector<std::uint8_t>& data5,
                          Bech32Variant variant) {
  auto values = hrp_expand(hrp);
  values.insert(values.end(), data5.begin(), data5.end());
  values.insert(values.end(), 6, 0);
  std::uint32_t mod =
      polymod(values) ^ (variant == Bech32Variant::bech32m ? k_bech32m_const : k_bech32_const);
  std::string out(hrp);
  out.push_back('1');
  for (auto d : data5) out.push_back(k_charset[d]);
  for (int i = 0; i < 6; ++i) out.push_back(k_charset[(mod >> (5 * (5 - i))) & 31]);
  return out;
}

std::optional<Bech32Decoded> bech32_decode(std::string_view text) {
  bool lower = false, upper = false;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 33 || u > 126) return std::nullopt;
    lower |= (c >= 'a' && c <= 'z');
    upper |= (c >= 'A' && c <= 'Z');
  }
  if ((lower && upper) || text.size() > 90) return std::nullopt;
  auto pos = text.rfind('1');
  if (pos == std::string_view::npos || pos < 1 || pos + 7 > text.size()) return std::nullopt;
  Bech32Decoded out;
  for (char c : text.substr(0, pos)) out.hrp.push_back(static_cast<char>(std::tolower(c)));
  std::vector<std::uint8_t> values;
  for (char c : text.substr(pos + 1)) {
    auto i = k_charset.find(static_cast<char>(std::tolower(c)));
    if (i == std::string_view::npos) return std::nullopt;
    values.push_back(static_cast<std::uint8_t>(i));
  }
  auto all = hrp_expand(out.hrp);
  all.insert(all.end(), values.begin(), values.end());
  auto mod = polymod(all);
  if (mod == k_bech32_const) {
    out.variant = Bech32Variant::bech32;
  } else if (mod == k_bech32m_const) {
    out.variant = Bech32Variant::bech32m;
  } else {
    return std::nullopt;
  }
  out.data5.assign(values.begin(), values.end() - 6);
  return out;
}

std::optional<std::vector<std::uint8_t>> convert_bits(ByteView in, int from, int to, bool pad) {
  std::uint32_t acc = 0;
  int bits = 0;
  std::vector<std::uint8_t> out;
  const std::uint32_t maxv = (1u << to) - 1;
  for (auto v : in) {
    if ((v >> from) != 0) return std::nullopt;
    acc = (acc << from) | v;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & maxv));
    }
  }
  if (pad) {
    if (bits > 0) out.push_back(static_cast<std::uint8_t>((acc << (to - bits)) & maxv));
  } else if (bits >= from || ((acc << (to - bits)) & maxv) != 0) {
    return std::nullopt;
  }
  return out;
}

std::string encode_address(const Key32& public_key) {
  auto data5 = convert_bits(public_key, 8, 5, true);
  SCOIN_ASSERT(data5.has_value());
  return bech32_encode(k_address_hrp, *data5, Bech32Variant::bech32m);
}

Result<Key32> decode_address(std::string_view address) {
  auto shown = printable(address, 100);  // escaped: it may be anything
  if (address.size() < 4 || (address.substr(0, 3) != "sc1" && address.substr(0, 3) != "SC1")) {
    return fail(Exit::data, "'{}' is not an address (addresses start with sc1)", shown);
  }
  auto d = bech32_decode(address);
  if (!d) {
    return fail(Exit::data, "address '{}' fails its checksum (mistyped?)", shown);
  }
  if (d->variant != Bech32Variant::bech32m) {
    return fail(Exit::data, "address '{}' uses Bech32, not Bech32m", shown);
  }
  if (d->hrp != k_address_hrp) return fail(Exit::data, "address '{}' is not an sc address", shown);
  auto bytes = convert_bits(d->data5, 5, 8, false);
  if (!bytes || bytes->size() != 32) {
    return fail(Exit::data, "address '{}' does not hold a 32-byte key", shown);
  }
  Key32 key;
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

}  // namespace scoin
