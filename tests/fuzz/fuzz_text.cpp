// fuzz_text: the small parsers and checks every command leans on: amounts
// (amount.hpp), days and UTC offsets, times (time.hpp), text checks
// (text.hpp), hex and base64 (bytes.hpp).
//
// Properties, with the input as text:
// - parse_amount agrees with a slow reference (128-bit, saturating) at every
//   decimals 0–8, and what it accepts formats back to text that parses to
//   the same units; parse_positive_amount is parse_amount less zero;
// - parse_day / parse_utc_offset accept only what formats back to the input
//   (`today`, `yesterday`, `Z` and `-00:00` aside);
// - is_valid_utf8 agrees with a reference validator (Unicode table 3-7);
//   check_text passes only valid UTF-8 without control characters;
//   printable always gives valid UTF-8 without control characters;
// - looks_like_rrn agrees with std::regex `\d{6}-?[1-8]\d{6}` (first 64 bytes);
// - hex and base64 decoders accept only what encodes back to the input
//   (hex lowercased).
// With the input's first bytes as numbers:
// - local_day is floor((ms + offset·60000) / 86400000) computed in 128 bits,
//   and format_time shows that day, for any u64 time (an entry carries any
//   time that does not go backwards) and any offset within ±14:00, with no
//   overflow;
// - krw_text is krw_value's decimal text when that fits a u64.
#include <algorithm>
#include <cstring>
#include <regex>

#include "fuzz.hpp"
#include "scoin/amount.hpp"
#include "scoin/bytes.hpp"
#include "scoin/text.hpp"
#include "scoin/time.hpp"

using namespace scoin;

namespace {

// What parse_amount should say, the slow way: nullopt when refused.
std::optional<std::uint64_t> reference_amount(std::string_view s, unsigned decimals) {
  auto dot = s.find('.');
  auto whole = s.substr(0, dot);
  auto frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  auto digits = [](std::string_view t) {
    return t.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (whole.empty() || !digits(whole) || (dot != std::string_view::npos && frac.empty()) ||
      !digits(frac) || frac.size() > decimals) {
    return std::nullopt;
  }
  __extension__ typedef unsigned __int128 u128;
  const u128 cap = u128{k_amount_max} + 1;
  u128 v = 0;
  for (char c : whole) v = std::min<u128>(cap, v * 10 + static_cast<unsigned>(c - '0'));
  for (unsigned i = 0; i < decimals; ++i) {
    unsigned d = i < frac.size() ? static_cast<unsigned>(frac[i] - '0') : 0;
    v = std::min<u128>(cap, v * 10 + d);
  }
  if (v > k_amount_max) return std::nullopt;
  return static_cast<std::uint64_t>(v);
}

// Well-formed UTF-8 per the Unicode standard, table 3-7.
bool reference_utf8(std::string_view s) {
  auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = b(i);
    std::size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c <= 0x7F) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c == 0xE0) {
      n = 3, lo = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      n = 3;
    } else if (c == 0xED) {
      n = 3, hi = 0x9F;
    } else if (c == 0xF0) {
      n = 4, lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      n = 4;
    } else if (c == 0xF4) {
      n = 4, hi = 0x8F;
    } else {
      return false;
    }
    if (s.size() - i < n) return false;
    if (b(i + 1) < lo || b(i + 1) > hi) return false;
    for (std::size_t k = 2; k < n; ++k)
      if (b(i + k) < 0x80 || b(i + k) > 0xBF) return false;
    i += n;
  }
  return true;
}

void check_amounts(std::string_view text) {
  for (unsigned d = 0; d <= k_decimals_max; ++d) {
    auto units = parse_amount(text, d);
    auto want = reference_amount(text, d);
    FUZZ_CHECK(units.has_value() == want.has_value());
    auto positive = parse_positive_amount(text, d);
    FUZZ_CHECK(positive.has_value() == (units.has_value() && *units != 0));
    if (!units) {
      FUZZ_CHECK(units.error().exit == Exit::data);
      continue;
    }
    FUZZ_CHECK(*units == *want);
    auto shown = format_amount(*units, d);
    auto back = parse_amount(shown, d);
    FUZZ_CHECK(back.has_value() && *back == *units);
    FUZZ_CHECK(format_amount_signed(static_cast<std::int64_t>(*units), d) == shown);
  }
}

void check_days(std::string_view text) {
  const std::int64_t today = 20'000;
  if (auto day = parse_day(text, today)) {
    if (text == "today") {
      FUZZ_CHECK(*day == today);
    } else if (text == "yesterday") {
      FUZZ_CHECK(*day == today - 1);
    } else {
      FUZZ_CHECK(format_day(*day) == text);
    }
  }
  if (auto off = parse_utc_offset(text)) {
    FUZZ_CHECK(*off >= -k_utc_offset_min_max && *off <= k_utc_offset_min_max);
    if (text != "Z" && text != "z" && text != "-00:00") FUZZ_CHECK(format_utc_offset(*off) == text);
  }
}

void check_texts(std::string_view text) {
  bool valid = is_valid_utf8(text);
  FUZZ_CHECK(valid == reference_utf8(text));
  for (bool lf : {false, true}) {
    if (check_text(text, 0, 1 << 20, lf).empty()) {
      FUZZ_CHECK(valid && !find_control(text, lf));
    } else if (valid) {
      FUZZ_CHECK(find_control(text, lf).has_value());
    }
  }
  auto shown = printable(text, 80);
  FUZZ_CHECK(is_valid_utf8(shown) && !find_control(shown, false));
  static const std::regex k_rrn("[0-9]{6}-?[1-8][0-9]{6}");
  auto head = text.substr(0, 64);
  FUZZ_CHECK(looks_like_rrn(head) == std::regex_search(head.begin(), head.end(), k_rrn));
}

void check_codings(std::string_view text, ByteView bytes) {
  if (auto b = from_hex_any(text)) {
    std::string low(text);
    for (auto& c : low) c = static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
    FUZZ_CHECK(to_hex(*b) == low);
  }
  auto hex = from_hex_any(to_hex(bytes));
  FUZZ_CHECK(hex.has_value() && std::ranges::equal(*hex, bytes));
  if (auto b = base64_decode(text)) FUZZ_CHECK(base64_encode(*b) == text);
  auto b64 = base64_decode(base64_encode(bytes));
  FUZZ_CHECK(b64.has_value() && std::ranges::equal(*b64, bytes));
}

void check_numbers(ByteView bytes) {
  std::uint8_t raw[19] = {};
  std::memcpy(raw, bytes.data(), std::min(bytes.size(), sizeof raw));
  const std::uint64_t ms = get_u64(raw);
  const int offset = static_cast<int>((raw[8] << 8 | raw[9]) % (2 * k_utc_offset_min_max + 1)) -
                     k_utc_offset_min_max;
  // Times are signed 64-bit milliseconds to the ledger (a u64 over 2^63-1
  // reads as before 1970, as first_height_at_or_after reads it).
  __extension__ typedef __int128 i128;
  const i128 local = i128{static_cast<std::int64_t>(ms)} + i128{offset} * 60000;
  const i128 want_day = local / k_ms_per_day - (local % k_ms_per_day < 0 ? 1 : 0);
  FUZZ_CHECK(local_day(ms, offset) == want_day);
  auto shown = format_time(ms, offset);
  FUZZ_CHECK(shown.starts_with(format_day(local_day(ms, offset)) + "T"));
  FUZZ_CHECK(shown.ends_with(format_utc_offset(offset)));

  const std::uint64_t units = get_u64(raw + 10) & k_amount_max;
  const unsigned decimals = raw[18] % (k_decimals_max + 1);
  const std::uint64_t krw_per_coin = get_u64(raw + 2);
  auto krw = krw_value(units, krw_per_coin, decimals);
  if (krw) FUZZ_CHECK(krw_text(units, krw_per_coin, decimals) == std::to_string(*krw));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return -1;  // every check here is about short fields
  fuzz::TargetScope scope;
  auto text = fuzz::as_text(data, size);
  check_amounts(text);
  check_days(text);
  check_texts(text);
  check_codings(text, {data, size});
  check_numbers({data, size});
  return 0;
}
