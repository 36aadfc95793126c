// SHA-256 compression with the x86 SHA extensions (SHA-NI), for the two
// fixed shapes the Merkle tree hashes on every append and every audit: a
// leaf (33 bytes, one block) and a node (65 bytes, two blocks). libsodium's
// SHA-256 is portable C; these instructions make the tree's hashing about
// four times cheaper. Where the CPU lacks them, callers use libsodium.
//
// Tested against libsodium on random messages of every block count
// (tests/unit/test_merkle.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "scoin/bytes.hpp"

namespace scoin::sha256_ni {

// True when this CPU has SHA-NI, SSSE3 and SSE4.1 (checked once) and the
// SCOIN_SHA256_PORTABLE environment variable is unset.
bool available();

// FIPS 180-4 initial hash value.
inline constexpr std::uint32_t k_init[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                            0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

// Runs the compression function over `blocks` 64-byte blocks at `data`,
// updating `state` (a, b, …, h). Only when available().
void compress(std::uint32_t state[8], const std::uint8_t* data, std::size_t blocks);

// The digest of a finished state, big-endian.
void store_digest(const std::uint32_t state[8], std::uint8_t out[32]);

// SHA-256 of a message already padded (FIPS 180-4 §5.1.1) into `blocks`
// 64-byte blocks. Only when available().
Hash32 digest(const std::uint8_t* padded, std::size_t blocks);

}  // namespace scoin::sha256_ni
