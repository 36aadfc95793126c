#include "scoin/time.hpp"

#include <charconv>
#include <chrono>
#include <cstdlib>

#include "scoin/text.hpp"

namespace scoin {

std::uint64_t system_now_ms() {
  using namespace std::chrono;
  return static_cast<std::uint64_t>(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

Result<std::uint64_t> now_ms() {
  const char* env = std::getenv("SCOIN_NOW_MS");
  if (env == nullptr || *env == '\0') return system_now_ms();
  std::string_view s(env);
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) {
    return fail(Exit::usage, "SCOIN_NOW_MS is not a number of milliseconds: '{}'", s);
  }
  return v;
}

static std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  auto q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Splits local time `ms` + `offset_min` into its day and the milliseconds
// into that day without forming the sum, which overflows for times near 2^63:
// an entry may carry any time that does not go backwards.
static void split_local(std::uint64_t ms, int offset_min, std::int64_t& day, std::int64_t& in_day) {
  const auto t = static_cast<std::int64_t>(ms);
  const std::int64_t rest = t % k_ms_per_day + std::int64_t{offset_min} * 60000;
  day = t / k_ms_per_day + floor_div(rest, k_ms_per_day);
  in_day = rest - floor_div(rest, k_ms_per_day) * k_ms_per_day;
}

std::int64_t local_day(std::uint64_t ms, int offset_min) {
  std::int64_t day, in_day;
  split_local(ms, offset_min, day, in_day);
  return day;
}

std::int64_t day_start_ms(std::int64_t day, int offset_min) {
  return day * k_ms_per_day - std::int64_t{offset_min} * 60000;
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

std::string format_day(std::int64_t day) {
  std::int64_t y;
  unsigned m, d;
  civil_from_days(day, y, m, d);
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

std::string format_utc_offset(int offset_min) {
  char sign = offset_min < 0 ? '-' : '+';
  int a = offset_min < 0 ? -offset_min : offset_min;
  return fmt::format("{}{:02}:{:02}", sign, a / 60, a % 60);
}

std::string format_time(std::uint64_t ms, int offset_min) {
  std::int64_t day, in_day;
  split_local(ms, offset_min, day, in_day);
  return fmt::format("{}T{:02}:{:02}:{:02}.{:03}{}", format_day(day), in_day / 3600000,
                     in_day / 60000 % 60, in_day / 1000 % 60, in_day % 1000,
                     format_utc_offset(offset_min));
}

static bool parse_uint(std::string_view s, unsigned& out) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

Result<std::int64_t> parse_day(std::string_view text, std::int64_t today_day) {
  if (text == "today") return today_day;
  if (text == "yesterday") return today_day - 1;
  unsigned y, m, d;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !parse_uint(text.substr(0, 4), y) ||
      !parse_uint(text.substr(5, 2), m) || !parse_uint(text.substr(8, 2), d)) {
    return fail(Exit::usage, "invalid date '{}' (expected YYYY-MM-DD, today or yesterday)",
                printable(text, 40));
  }
  static constexpr unsigned k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  unsigned dim = (m >= 1 && m <= 12) ? k_days[m - 1] + (m == 2 && leap) : 0;
  if (y < 1970 || m < 1 || m > 12 || d < 1 || d > dim) {
    return fail(Exit::usage, "invalid date '{}': no such day", text);
  }
  return days_from_civil(y, m, d);
}

Result<int> parse_utc_offset(std::string_view text) {
  if (text == "Z" || text == "z") return 0;
  unsigned h, m;
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':' ||
      !parse_uint(text.substr(1, 2), h) || !parse_uint(text.substr(4, 2), m) || m >= 60) {
    return fail(Exit::usage, "invalid UTC offset '{}' (expected +HH:MM or -HH:MM)",
                printable(text, 20));
  }
  int v = static_cast<int>(h * 60 + m);
  if (v > k_utc_offset_min_max) {
    return fail(Exit::usage, "UTC offset '{}' is beyond ±14:00", text);
  }
  return text[0] == '-' ? -v : v;
}

}  // namespace scoin
