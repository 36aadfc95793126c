#include <catch2/catch.hpp>

#include "scoin/crypto.hpp"

using namespace scoin;

TEST_CASE("crypto: SHA-256 of 'abc' (FIPS 180-2)") {
  CHECK(to_hex(sha256(as_bytes("abc"))) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(to_hex(Sha256().update("a").update("bc").final()) == to_hex(sha256(as_bytes("abc"))));
}

TEST_CASE("crypto: Ed25519 RFC 8032 test 1 from its seed") {
  auto seed = from_hex_any("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  REQUIRE(seed.has_value());
  auto key = SecretKey::from_seed(*seed);
  CHECK(to_hex(key.public_key()) == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  auto sig = key.sign({});
  CHECK(to_hex(sig) ==
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  CHECK(verify_signature(key.public_key(), {}, sig));
  sig[0] ^= 1;
  CHECK_FALSE(verify_signature(key.public_key(), {}, sig));
}

TEST_CASE("crypto: key id is the first 8 bytes of SHA-256(public key)") {
  auto key = SecretKey::from_seed(Bytes(32, 1));
  CHECK(key_id(key.public_key()) == to_hex(sha256(key.public_key())).substr(0, 16));
}

TEST_CASE("crypto: copy_seed gives back the seed the key was made from") {
  Bytes seed(32);
  for (std::size_t i = 0; i < 32; ++i) seed[i] = static_cast<std::uint8_t>(i);
  auto key = SecretKey::from_seed(seed);
  SecretBuffer out(32);
  key.copy_seed(out.data());
  CHECK(Bytes(out.data(), out.data() + 32) == seed);
}

TEST_CASE("bytes: hex and base64 are strict") {
  CHECK(to_hex(Bytes{0x00, 0xab, 0xff}) == "00abff");
  CHECK(from_hex_any("00ABff") == Bytes{0x00, 0xab, 0xff});
  CHECK_FALSE(from_hex_any("0").has_value());
  CHECK_FALSE(from_hex_any("zz").has_value());
  CHECK(base64_encode(as_bytes("hello")) == "aGVsbG8=");
  CHECK(base64_decode("aGVsbG8=") == Bytes{'h', 'e', 'l', 'l', 'o'});
  CHECK_FALSE(base64_decode("aGVsbG8").has_value());    // missing padding
  CHECK_FALSE(base64_decode("aGVsbG9=").has_value());   // non-canonical trailing bits
  CHECK_FALSE(base64_decode("aGVs bG8=").has_value());  // space
}
