#include <catch2/catch.hpp>

#include "scoin/text.hpp"

using namespace scoin;

TEST_CASE("text: UTF-8 validity") {
  CHECK(is_valid_utf8("R-000123"));
  CHECK(is_valid_utf8("서초구민체육센터"));
  CHECK_FALSE(is_valid_utf8("\xff"));
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xe2\x82"));          // truncated
}

TEST_CASE("text: control characters, line feeds only where allowed") {
  CHECK_FALSE(find_control("plain", false).has_value());
  CHECK(find_control("a\tb", false) == U'\t');
  CHECK(find_control("a\nb", false) == U'\n');
  CHECK_FALSE(find_control("a\nb", true).has_value());
  CHECK(find_control("a\x7f", true) == U'\x7f');
  CHECK(find_control("a\xc2\x85", true) == U'\x85');  // NEL, U+0085
  CHECK(check_text("", 1, 64, false) == "empty");
  CHECK(check_text(std::string(65, 'a'), 1, 64, false).find("over the limit") != std::string::npos);
  CHECK(check_text("a\rb", 0, 256, true).find("U+000D") != std::string::npos);
  CHECK(check_text("ok", 1, 64, false).empty());
}

TEST_CASE("text: resident registration numbers are recognised") {
  CHECK(looks_like_rrn("900101-1234567"));
  CHECK(looks_like_rrn("9001011234567"));
  CHECK(looks_like_rrn("name 900101-2234567 x"));
  CHECK_FALSE(looks_like_rrn("900101-9234567"));  // 9 is no gender digit
  CHECK_FALSE(looks_like_rrn("900101-0234567"));
  CHECK_FALSE(looks_like_rrn("R-000123"));
  CHECK_FALSE(looks_like_rrn("12345-1234567"));
  CHECK_FALSE(looks_like_rrn("900101-123456"));
}
