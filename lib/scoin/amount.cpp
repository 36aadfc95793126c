#include "scoin/amount.hpp"

#include "scoin/text.hpp"

namespace scoin {

std::uint64_t pow10(unsigned n) {
  SCOIN_ASSERT(n <= 18);
  std::uint64_t v = 1;
  while (n--) v *= 10;
  return v;
}

Result<std::uint64_t> parse_amount(std::string_view text, unsigned decimals) {
  SCOIN_ASSERT(decimals <= k_decimals_max);
  if (text.empty()) return fail(Exit::data, "empty amount");
  // The text is shown escaped and cut short: it may be anything, of any size.
  if (text[0] == '-') return fail(Exit::data, "negative amount '{}'", printable(text, 40));
  auto dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  auto all_digits = [](std::string_view s) {
    for (char c : s)
      if (c < '0' || c > '9') return false;
    return true;
  };
  if (whole.empty() || !all_digits(whole) || (dot != std::string_view::npos && frac.empty()) ||
      !all_digits(frac)) {
    return fail(Exit::data, "not an amount '{}' (expected digits[.digits])", printable(text, 40));
  }
  if (frac.size() > decimals) {
    return fail(Exit::data, "amount '{}' has {} fraction digits, the ledger allows {}",
                printable(text, 40), frac.size(), decimals);
  }
  std::uint64_t units = 0;
  bool overflow = false;
  for (char c : whole) {
    overflow |= __builtin_mul_overflow(units, 10, &units);
    overflow |= __builtin_add_overflow(units, static_cast<std::uint64_t>(c - '0'), &units);
  }
  overflow |= __builtin_mul_overflow(units, pow10(decimals), &units);
  std::uint64_t f = 0;
  for (char c : frac) f = f * 10 + static_cast<std::uint64_t>(c - '0');
  f *= pow10(decimals - static_cast<unsigned>(frac.size()));
  overflow |= __builtin_add_overflow(units, f, &units);
  if (overflow || units > k_amount_max) {
    return fail(Exit::data, "amount '{}' is over the limit of 2^63-1 base units",
                printable(text, 40));
  }
  return units;
}

Result<std::uint64_t> parse_positive_amount(std::string_view text, unsigned decimals) {
  auto units = parse_amount(text, decimals);
  if (units && *units == 0) {
    return fail(Exit::data, "zero; the smallest amount is {}", format_amount(1, decimals));
  }
  return units;
}

std::string format_amount(std::uint64_t units, unsigned decimals) {
  if (decimals == 0) return std::to_string(units);
  auto scale = pow10(decimals);
  auto frac = std::to_string(units % scale);
  return std::to_string(units / scale) + "." + std::string(decimals - frac.size(), '0') + frac;
}

std::string format_amount_signed(std::int64_t units, unsigned decimals) {
  if (units >= 0) return format_amount(static_cast<std::uint64_t>(units), decimals);
  return "-" + format_amount(static_cast<std::uint64_t>(-(units + 1)) + 1, decimals);
}

Result<std::uint64_t> krw_value(std::uint64_t units, std::uint64_t krw_per_coin,
                                unsigned decimals) {
  __extension__ typedef unsigned __int128 u128;
  u128 v = static_cast<u128>(units) * krw_per_coin / pow10(decimals);
  if (v > UINT64_MAX) return fail(Exit::data, "KRW value overflows");
  return static_cast<std::uint64_t>(v);
}

}  // namespace scoin

namespace scoin {

std::string krw_text(std::uint64_t units, std::uint64_t krw_per_coin, unsigned decimals) {
  __extension__ typedef unsigned __int128 u128;
  u128 v = static_cast<u128>(units) * krw_per_coin / pow10(decimals);
  std::string out;
  do {
    out.insert(out.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v != 0);
  return out;
}

}  // namespace scoin
