#include <catch2/catch.hpp>

#include "scoin/time.hpp"

using namespace scoin;

TEST_CASE("time: ISO-8601 with the ledger's offset, to the millisecond") {
  // 2026-11-25T00:30:00.123Z
  const std::uint64_t ms = 1'795'566'600'123;
  CHECK(format_time(ms, 540) == "2026-11-25T09:30:00.123+09:00");
  CHECK(format_time(ms, 0) == "2026-11-25T00:30:00.123+00:00");
  CHECK(format_time(ms, -210) == "2026-11-24T21:00:00.123-03:30");
}

TEST_CASE("time: the ledger-local day turns at local midnight") {
  const int kst = 540;
  auto day = days_from_civil(2026, 11, 25);
  auto start = static_cast<std::uint64_t>(day_start_ms(day, kst));  // 2026-11-24T15:00Z
  CHECK(format_time(start, kst) == "2026-11-25T00:00:00.000+09:00");
  CHECK(local_day(start, kst) == day);
  CHECK(local_day(start - 1, kst) == day - 1);
  CHECK(format_day(local_day(start - 1, kst)) == "2026-11-24");
}

TEST_CASE("time: dates are parsed strictly") {
  auto today = days_from_civil(2026, 11, 26);
  CHECK(parse_day("today", today).value() == today);
  CHECK(parse_day("yesterday", today).value() == today - 1);
  CHECK(parse_day("2024-02-29", today).value() == days_from_civil(2024, 2, 29));
  for (auto bad : {"2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "yesterday2",
                   "2026-1-01", "26-11-01", "2026/11/01", "", "tomorrow"}) {
    INFO(bad);
    auto r = parse_day(bad, today);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().exit == Exit::usage);
  }
}

TEST_CASE("time: UTC offsets") {
  CHECK(parse_utc_offset("+09:00").value() == 540);
  CHECK(parse_utc_offset("-03:30").value() == -210);
  CHECK(parse_utc_offset("Z").value() == 0);
  CHECK(parse_utc_offset("+14:00").value() == 840);
  CHECK_FALSE(parse_utc_offset("+14:01").has_value());
  CHECK_FALSE(parse_utc_offset("+9").has_value());
  CHECK_FALSE(parse_utc_offset("09:00").has_value());
  CHECK(format_utc_offset(-210) == "-03:30");
}
