#include <catch2/catch.hpp>

#include "scoin/config.hpp"
#include "scoin/store.hpp"

using namespace scoin;

TEST_CASE("config: max map sizes in bytes or with a binary unit") {
  struct Case {
    const char* text;
    std::uint64_t bytes;
  } good[] = {
      {"1048576", std::uint64_t{1} << 20}, {"1MiB", std::uint64_t{1} << 20},
      {"1024KiB", std::uint64_t{1} << 20}, {"3 MiB", std::uint64_t{3} << 20},
      {"64GiB", std::uint64_t{64} << 30},  {"1TiB", std::uint64_t{1} << 40},
      {"64TiB", k_max_map_size_limit},     {"0001MiB", std::uint64_t{1} << 20},
  };
  for (auto& g : good) {
    INFO(g.text);
    auto r = parse_max_map_size(g.text);
    REQUIRE(r.has_value());
    CHECK(*r == g.bytes);
  }
  // The default is within the bounds a setting may take.
  CHECK(k_map_size_max_default >= k_max_map_size_min);
  CHECK(k_map_size_max_default <= k_max_map_size_limit);
}

TEST_CASE("config: bad max map sizes are refused with what is wrong (78)") {
  struct Case {
    const char* text;
    const char* want;
  } bad[] = {
      {"", "is not a size"},
      {"MiB", "is not a size"},
      {"-1", "is not a size"},
      {" 1MiB", "is not a size"},
      {"+1MiB", "is not a size"},
      {"1.5GiB", "unknown unit"},
      {"1 mib", "unknown unit"},
      {"1MB", "unknown unit"},
      {"1M", "unknown unit"},
      {"1  MiB", "unknown unit"},
      {"1MiB ", "unknown unit"},
      {"1048575", "out of bounds"},
      {"1023KiB", "out of bounds"},
      {"0", "out of bounds"},
      {"65TiB", "out of bounds"},
      {"70368744177665", "out of bounds"}, // 64 TiB + 1
      {"18446744073709551615", "out of bounds"},
      {"18446744073709551616", "too large"}, // 2^64
      {"99999999999999999999999", "too large"},
      {"16777216TiB", "too large"}, // 2^64 after the shift
      {"17592186044416MiB", "too large"},
  };
  for (auto& b : bad) {
    INFO(b.text);
    auto r = parse_max_map_size(b.text);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().exit == Exit::config);
    CHECK(r.error().message.find(b.want) != std::string::npos);
  }
}

TEST_CASE("config: max_map_size in scoin.toml, as an integer or a string, with its line") {
  auto c = parse_config("ledger = \"/x\"\nmax_map_size = \"8 GiB\"\n", "t.toml");
  REQUIRE(c.has_value());
  REQUIRE(c->max_map_size.has_value());
  CHECK(c->max_map_size->value == "8 GiB");
  CHECK(c->max_map_size->source == "t.toml:2");
  CHECK(c->max_map_size_bytes == std::uint64_t{8} << 30);
  auto i = parse_config("max_map_size = 4194304\n", "t.toml");
  REQUIRE(i.has_value());
  CHECK(i->max_map_size->value == "4194304");
  CHECK(i->max_map_size_bytes == std::uint64_t{4} << 20);
  auto none = parse_config("ledger = \"/x\"\n", "t.toml");
  REQUIRE(none.has_value());
  CHECK_FALSE(none->max_map_size.has_value());
  for (const char* text :
       {"max_map_size = 1.5\n", "max_map_size = true\n", "max_map_size = -1\n",
        "max_map_size = \"1 PiB\"\n", "max_map_size = 1024\n", "[max_map_size]\n"}) {
    INFO(text);
    auto r = parse_config(text, "t.toml");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().exit == Exit::config);
    CHECK(r.error().message.find("t.toml:1: max_map_size") != std::string::npos);
  }
}
