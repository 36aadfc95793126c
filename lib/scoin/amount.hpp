// Exact decimal amounts (DESIGN.md §4, §8): base units in a u64, never floats.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "scoin/error.hpp"

namespace scoin {

inline constexpr std::uint64_t k_amount_max = (std::uint64_t{1} << 63) - 1;
inline constexpr unsigned k_decimals_max = 8;

// Parses `digits[.digits]` with at most `decimals` fraction digits into base
// units (10^decimals units per coin). No sign, spaces, exponent or separators.
// Returns an error message (empty on success) through `why`; zero is allowed
// here — the rules refuse it — so callers can say "zero" precisely.
Result<std::uint64_t> parse_amount(std::string_view text, unsigned decimals);

// `parse_amount` for an amount an op will carry: zero is refused too, with
// the smallest amount the ledger allows in the message.
Result<std::uint64_t> parse_positive_amount(std::string_view text, unsigned decimals);

// Formats base units with exactly `decimals` fraction digits (`12.50`).
std::string format_amount(std::uint64_t units, unsigned decimals);
std::string format_amount_signed(std::int64_t units, unsigned decimals);

// floor(units × krw_per_coin / 10^decimals), exact in 128-bit arithmetic.
// Returns an error if the result does not fit in a u64.
Result<std::uint64_t> krw_value(std::uint64_t units, std::uint64_t krw_per_coin,
                                unsigned decimals);

// The same value as exact decimal text; never fails (128-bit arithmetic).
std::string krw_text(std::uint64_t units, std::uint64_t krw_per_coin, unsigned decimals);

std::uint64_t pow10(unsigned n);

// Overflow-checked arithmetic; false on overflow.
inline bool add_u64(std::uint64_t a, std::uint64_t b, std::uint64_t& out) {
  return !__builtin_add_overflow(a, b, &out);
}

}  // namespace scoin
