// fuzz_bech32: addresses (DESIGN.md §3: Bech32m, BIP-350, hrp `sc`).
//
// Properties, with the input as text:
// - an address that decodes encodes back to the input, lowercased (BIP-350
//   allows all-uppercase; mixed case is refused);
// - the generic decoder likewise: hrp, 5-bit data and variant encode back to
//   the lowercased input;
// - a refused address is a data error (65).
// With the input as bytes:
// - 8→5→8 bit regrouping gives the bytes back;
// - the first 32 bytes, as a key, encode to an address that decodes to that
//   key, in lower and in upper case.
#include <algorithm>
#include <cctype>

#include "fuzz.hpp"
#include "scoin/crypto.hpp"

using namespace scoin;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::TargetScope scope;
  auto text = fuzz::as_text(data, size);

  if (auto key = decode_address(text)) {
    FUZZ_CHECK(encode_address(*key) == lower(text));
  } else {
    FUZZ_CHECK(key.error().exit == Exit::data);
  }
  if (auto d = bech32_decode(text)) {
    FUZZ_CHECK(std::ranges::all_of(d->data5, [](std::uint8_t v) { return v < 32; }));
    FUZZ_CHECK(bech32_encode(d->hrp, d->data5, d->variant) == lower(text));
  }

  ByteView bytes(data, size);
  auto five = convert_bits(bytes, 8, 5, true);
  FUZZ_CHECK(five.has_value());
  auto eight = convert_bits(*five, 5, 8, false);
  FUZZ_CHECK(eight.has_value() && std::ranges::equal(*eight, bytes));
  if (size >= 32) {
    Key32 key;
    std::copy_n(data, 32, key.begin());
    auto address = encode_address(key);
    FUZZ_CHECK(address.starts_with("sc1"));
    auto back = decode_address(address);
    FUZZ_CHECK(back.has_value() && *back == key);
    auto up = decode_address(upper(address));
    FUZZ_CHECK(up.has_value() && *up == key);
  }
  return 0;
}
