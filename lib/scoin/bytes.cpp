#include "scoin/bytes.hpp"

#include <sodium.h>

#include "scoin/error.hpp"

namespace scoin {

void assert_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "scoin: internal error: assertion failed: %s (%s:%d)\n", expr, file,
               line);
  std::fflush(stderr);
  std::_Exit(static_cast<int>(Exit::internal));
}

std::string to_hex(ByteView b) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(b.size() * 2);
  for (auto c : b) {
    out.push_back(k_digits[c >> 4]);
    out.push_back(k_digits[c & 15]);
  }
  return out;
}

std::optional<Bytes> from_hex_any(std::string_view s) {
  if (s.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Bytes out(s.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::string base64_encode(ByteView b) {
  std::string out(sodium_base64_ENCODED_LEN(b.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), b.data(), b.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<Bytes> base64_decode(std::string_view s) {
  // The text may be a secret (an unencrypted key file's line), so every
  // copy made here is wiped before its memory goes back to the heap.
  Bytes out(s.size() / 4 * 3 + 3);
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), s.data(), s.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != s.data() + s.size()) {
    sodium_memzero(out.data(), out.size());
    return std::nullopt;
  }
  sodium_memzero(out.data() + len, out.size() - len);
  out.resize(len);
  // Canonical only: re-encoding must give the same text (no stray bits).
  std::string again = base64_encode(out);
  const bool canonical = again == s;
  sodium_memzero(again.data(), again.size());
  if (!canonical) {
    sodium_memzero(out.data(), out.size());
    return std::nullopt;
  }
  return out;
}

}  // namespace scoin
