// Time and ledger-local days (DESIGN.md §4.2, §8). A day number counts days
// since 1970-01-01 in the ledger's fixed UTC offset; there is no time zone
// database and no daylight saving, so a past day never moves.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "scoin/error.hpp"

namespace scoin {

inline constexpr std::int64_t k_ms_per_day = 86'400'000;
inline constexpr int k_utc_offset_min_max = 840;  // ±14:00

// The clock used when appending and signing: `SCOIN_NOW_MS` (unix ms) when set
// (tests and demos), else the system clock. An unparsable `SCOIN_NOW_MS` is an
// error rather than silently the system clock.
Result<std::uint64_t> now_ms();
// The system clock alone, for the "not more than 5 minutes ahead" check.
std::uint64_t system_now_ms();

// floor((ms + offset·60000) / 86400000).
std::int64_t local_day(std::uint64_t ms, int offset_min);
// First millisecond (unix) of ledger-local `day`; may be negative near 1970.
std::int64_t day_start_ms(std::int64_t day, int offset_min);

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d);

// `YYYY-MM-DD` of a day number.
std::string format_day(std::int64_t day);
// `2026-11-25T09:30:00.123+09:00`.
std::string format_time(std::uint64_t ms, int offset_min);
// `+09:00` / `-03:30`.
std::string format_utc_offset(int offset_min);

// Parses `YYYY-MM-DD`, `today` or `yesterday` (relative to `today_day`) into a
// day number; a date that does not exist (2026-02-30) is an error.
Result<std::int64_t> parse_day(std::string_view text, std::int64_t today_day);
// Parses `+HH:MM`, `-HH:MM` or `Z` into minutes, within ±14:00.
Result<int> parse_utc_offset(std::string_view text);

}  // namespace scoin
