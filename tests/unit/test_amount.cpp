#include <catch2/catch.hpp>

#include "scoin/amount.hpp"

using namespace scoin;

TEST_CASE("amount: exact decimals within the ledger's decimals") {
  CHECK(parse_amount("12", 2).value() == 1200);
  CHECK(parse_amount("12.5", 2).value() == 1250);
  CHECK(parse_amount("12.50", 2).value() == 1250);
  CHECK(parse_amount("0.01", 2).value() == 1);
  CHECK(parse_amount("0", 0).value() == 0);
  CHECK(parse_amount("9223372036854775807", 0).value() == k_amount_max);
  CHECK(parse_amount("92233720368547758.07", 2).value() == k_amount_max);
}

TEST_CASE("amount: every malformed amount is refused with a reason") {
  struct Case {
    const char* text;
    unsigned decimals;
    const char* why;
  } cases[] = {
      {"", 2, "empty"},
      {"-1", 2, "negative"},
      {"+1", 2, "not an amount"},
      {"1.234", 2, "fraction digits"},
      {"1.5", 0, "fraction digits"},
      {"1.", 2, "not an amount"},
      {".5", 2, "not an amount"},
      {"1e3", 2, "not an amount"},
      {"1,000", 2, "not an amount"},
      {" 1", 2, "not an amount"},
      {"1 ", 2, "not an amount"},
      {"abc", 2, "not an amount"},
      {"9223372036854775808", 0, "over the limit"},
      {"92233720368547758.08", 2, "over the limit"},
      {"99999999999999999999999", 0, "over the limit"},
      {"1.2.3", 2, "not an amount"},
  };
  for (auto& c : cases) {
    INFO(c.text);
    auto r = parse_amount(c.text, c.decimals);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().exit == Exit::data);
    CHECK(r.error().message.find(c.why) != std::string::npos);
  }
}

TEST_CASE("amount: formatting has exactly `decimals` fraction digits") {
  CHECK(format_amount(1250, 2) == "12.50");
  CHECK(format_amount(5, 2) == "0.05");
  CHECK(format_amount(12, 0) == "12");
  CHECK(format_amount(k_amount_max, 8) == "92233720368.54775807");
  CHECK(format_amount_signed(-5, 2) == "-0.05");
}

TEST_CASE("amount: KRW value is floor(units * krw / 10^decimals) without overflow") {
  CHECK(krw_value(1250, 200, 2).value() == 2500);
  CHECK(krw_value(1, 200, 2).value() == 2);
  CHECK(krw_value(1, 150, 2).value() == 1);  // 1.5 won floors to 1
  CHECK(krw_value(k_amount_max, 200, 0).has_value() == false);  // over u64
  CHECK(krw_value(k_amount_max, 1, 0).value() == k_amount_max);
  CHECK(krw_text(k_amount_max, 200, 0) == "1844674407370955161400");
  CHECK(krw_text(1250, 200, 2) == "2500");
}
