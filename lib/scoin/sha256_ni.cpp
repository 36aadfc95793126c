#include "scoin/sha256_ni.hpp"

#include <algorithm>
#include <cstdlib>
#include <iterator>

#include "scoin/error.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define SCOIN_SHA_NI 1
#endif

namespace scoin::sha256_ni {

namespace {

// FIPS 180-4 §4.2.2: the round constants.
alignas(16) constexpr std::uint32_t k_round[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

bool detect() {
  if (const char* p = std::getenv("SCOIN_SHA256_PORTABLE"); p != nullptr && *p != '\0') return false;
#ifdef SCOIN_SHA_NI
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(1, &a, &b, &c, &d) == 0) return false;
  const bool ssse3 = (c & bit_SSSE3) != 0;
  const bool sse41 = (c & bit_SSE4_1) != 0;
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d) == 0) return false;
  const bool sha = (b & bit_SHA) != 0;
  return ssse3 && sse41 && sha;
#else
  return false;
#endif
}

}  // namespace

bool available() {
  static const bool yes = detect();
  return yes;
}

#ifdef SCOIN_SHA_NI

// Intel's SHA extensions keep the state as two registers, ABEF and CDGH;
// each _mm_sha256rnds2_epu32 runs two rounds, msg1/msg2 extend the message
// schedule four words at a time (Intel, "New Instructions Supporting the
// Secure Hash Algorithm on Intel Architecture Processors", 2013). Sixteen
// groups of four rounds; group g uses schedule words 4g..4g+3, held in
// w[g mod 4].
__attribute__((target("sha,ssse3,sse4.1"))) void compress(std::uint32_t state[8], const std::uint8_t* data,
                                                          std::size_t blocks) {
  SCOIN_ASSERT(available());
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i t = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state)), 0xB1);  // CDAB
  __m128i s1 = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4)), 0x1B);  // EFGH
  __m128i s0 = _mm_alignr_epi8(t, s1, 8);  // ABEF
  s1 = _mm_blend_epi16(s1, t, 0xF0);       // CDGH
  for (; blocks > 0; --blocks, data += 64) {
    const __m128i abef = s0;
    const __m128i cdgh = s1;
    __m128i w[4];
#if defined(__clang__)
#pragma unroll
#else
#pragma GCC unroll 16
#endif
    for (int g = 0; g < 16; ++g) {
      if (g < 4) {
        w[g] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * g)), bswap);
      }
      __m128i msg = _mm_add_epi32(w[g & 3], _mm_load_si128(reinterpret_cast<const __m128i*>(k_round + 4 * g)));
      s1 = _mm_sha256rnds2_epu32(s1, s0, msg);
      if (g >= 3 && g <= 14) {
        // W[4(g+1)..] = σ-mix of the words 16, 15, 7 and 2 before them.
        __m128i& next = w[(g + 1) & 3];
        next = _mm_sha256msg2_epu32(_mm_add_epi32(next, _mm_alignr_epi8(w[g & 3], w[(g + 3) & 3], 4)), w[g & 3]);
      }
      msg = _mm_shuffle_epi32(msg, 0x0E);
      s0 = _mm_sha256rnds2_epu32(s0, s1, msg);
      if (g >= 1 && g <= 12) w[(g + 3) & 3] = _mm_sha256msg1_epu32(w[(g + 3) & 3], w[g & 3]);
    }
    s0 = _mm_add_epi32(s0, abef);
    s1 = _mm_add_epi32(s1, cdgh);
  }
  t = _mm_shuffle_epi32(s0, 0x1B);   // FEBA
  s1 = _mm_shuffle_epi32(s1, 0xB1);  // DCHG
  s0 = _mm_blend_epi16(t, s1, 0xF0);  // DCBA
  s1 = _mm_alignr_epi8(s1, t, 8);     // HGFE
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state), s0);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4), s1);
}

#else

void compress(std::uint32_t*, const std::uint8_t*, std::size_t) { SCOIN_ASSERT(false); }

#endif

void store_digest(const std::uint32_t state[8], std::uint8_t out[32]) {
  for (int i = 0; i < 8; ++i) {
    out[4 * i] = static_cast<std::uint8_t>(state[i] >> 24);
    out[4 * i + 1] = static_cast<std::uint8_t>(state[i] >> 16);
    out[4 * i + 2] = static_cast<std::uint8_t>(state[i] >> 8);
    out[4 * i + 3] = static_cast<std::uint8_t>(state[i]);
  }
}

Hash32 digest(const std::uint8_t* padded, std::size_t blocks) {
  std::uint32_t state[8];
  std::copy(std::begin(k_init), std::end(k_init), state);
  compress(state, padded, blocks);
  Hash32 out;
  store_digest(state, out.data());
  return out;
}

}  // namespace scoin::sha256_ni
