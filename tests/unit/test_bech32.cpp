#include <catch2/catch.hpp>

#include "scoin/crypto.hpp"

using namespace scoin;

// BIP-350 test vectors.
TEST_CASE("bech32m: BIP-350 valid strings decode as Bech32m") {
  const char* valid[] = {
      "A1LQFN3A",
      "a1lqfn3a",
      "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
      "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
      "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
      "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
      "?1v759aa",
  };
  for (auto s : valid) {
    INFO(s);
    auto d = bech32_decode(s);
    REQUIRE(d.has_value());
    CHECK(d->variant == Bech32Variant::bech32m);
    // Re-encoding gives the lowercase form back.
    std::string lower(s);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    CHECK(bech32_encode(d->hrp, d->data5, Bech32Variant::bech32m) == lower);
  }
}

TEST_CASE("bech32m: BIP-350 invalid strings are refused") {
  const std::string invalid[] = {
      std::string("\x20") + "1xj0phk",
      std::string("\x7f") + "1g6xzxy",
      std::string("\x80") + "1vctc34",
      "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
      "qyrz8wqd2c9m",
      "1qyrz8wqd2c9m",
      "y1b0jsk6g",
      "lt1igcx5c0",
      "in1muywd",
      "mm1crxm3i",
      "au1s5cgom",
      "M1VUXWEZ",
      "16plkw9",
      "1p2gdwpf",
  };
  for (auto& s : invalid) {
    INFO(s);
    auto d = bech32_decode(s);
    CHECK((!d.has_value() || d->variant != Bech32Variant::bech32m));
  }
}

TEST_CASE("bech32m: a Bech32 (BIP-173) string is told apart from Bech32m") {
  auto d = bech32_decode("A12UEL5L");
  REQUIRE(d.has_value());
  CHECK(d->variant == Bech32Variant::bech32);
}

TEST_CASE("address: round trip, and every single-character change fails the checksum") {
  Key32 key;
  for (std::size_t i = 0; i < 32; ++i) key[i] = static_cast<std::uint8_t>(i * 7 + 3);
  auto addr = encode_address(key);
  CHECK(addr.starts_with("sc1"));
  CHECK(addr.size() == 61);
  auto back = decode_address(addr);
  REQUIRE(back.has_value());
  CHECK(*back == key);
  const std::string charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  for (std::size_t pos = 3; pos < addr.size(); ++pos) {
    for (char c : charset) {
      if (c == addr[pos]) continue;
      auto bad = addr;
      bad[pos] = c;
      auto r = decode_address(bad);
      INFO(bad);
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error().exit == Exit::data);
    }
  }
}

TEST_CASE("address: uppercase is accepted, mixed case and other prefixes are not") {
  Key32 key{};
  key[0] = 1;
  auto addr = encode_address(key);
  std::string upper = addr;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(decode_address(upper).has_value());
  auto mixed = addr;
  mixed[5] = static_cast<char>(std::toupper(static_cast<unsigned char>(mixed[5])));
  if (mixed != addr) CHECK_FALSE(decode_address(mixed).has_value());
  CHECK_FALSE(decode_address("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4").has_value());
  CHECK_FALSE(decode_address("R-000001").has_value());
  // A Bech32 (not m) checksum over the same data is refused.
  auto data5 = convert_bits(key, 8, 5, true);
  REQUIRE(data5.has_value());
  auto old = bech32_encode("sc", *data5, Bech32Variant::bech32);
  auto r = decode_address(old);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message.find("Bech32m") != std::string::npos);
}
