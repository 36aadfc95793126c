// Big-endian byte writing and reading for the canonical formats of DESIGN.md §4.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace scoin {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;
using Hash32 = std::array<std::uint8_t, 32>;
using Key32 = std::array<std::uint8_t, 32>;
using Sig64 = std::array<std::uint8_t, 64>;

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_chars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

inline void put_u64(std::uint8_t* out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<std::uint8_t>(v);
    v >>= 8;
  }
}
inline std::uint64_t get_u64(const std::uint8_t* in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | in[i];
  return v;
}
inline std::array<std::uint8_t, 8> be64(std::uint64_t v) {
  std::array<std::uint8_t, 8> out{};
  put_u64(out.data(), v);
  return out;
}

// Appends big-endian integers and raw bytes to a growing buffer.
class Writer {
 public:
  explicit Writer(Bytes& out) : m_out(out) {}
  void u8(std::uint8_t v) { m_out.push_back(v); }
  void u16(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v >> 8));
    u8(static_cast<std::uint8_t>(v));
  }
  void u32(std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) u8(static_cast<std::uint8_t>(v >> s));
  }
  void u64(std::uint64_t v) {
    auto b = be64(v);
    raw(b);
  }
  void raw(ByteView b) { m_out.insert(m_out.end(), b.begin(), b.end()); }
  void raw(std::string_view s) { raw(as_bytes(s)); }

 private:
  Bytes& m_out;
};

// Reads big-endian integers from a byte span. Every read checks the remaining
// length; once a read fails the reader stays failed, so a decoder can read a
// whole structure and check `ok()` once.
class Reader {
 public:
  explicit Reader(ByteView in) : m_in(in) {}
  bool ok() const { return m_ok; }
  bool at_end() const { return m_pos == m_in.size(); }
  std::size_t remaining() const { return m_in.size() - m_pos; }
  std::size_t position() const { return m_pos; }

  std::uint8_t u8() {
    if (!need(1)) return 0;
    return m_in[m_pos++];
  }
  std::uint16_t u16() {
    if (!need(2)) return 0;
    auto v = static_cast<std::uint16_t>((m_in[m_pos] << 8) | m_in[m_pos + 1]);
    m_pos += 2;
    return v;
  }
  std::uint32_t u32() {
    if (!need(4)) return 0;
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | m_in[m_pos + i];
    m_pos += 4;
    return v;
  }
  std::uint64_t u64() {
    if (!need(8)) return 0;
    auto v = get_u64(m_in.data() + m_pos);
    m_pos += 8;
    return v;
  }
  ByteView raw(std::size_t n) {
    if (!need(n)) return {};
    auto v = m_in.subspan(m_pos, n);
    m_pos += n;
    return v;
  }
  template <std::size_t N>
  std::array<std::uint8_t, N> array() {
    std::array<std::uint8_t, N> out{};
    auto v = raw(N);
    if (m_ok) std::memcpy(out.data(), v.data(), N);
    return out;
  }

 private:
  bool need(std::size_t n) {
    if (!m_ok || m_in.size() - m_pos < n) {
      m_ok = false;
      return false;
    }
    return true;
  }
  ByteView m_in;
  std::size_t m_pos = 0;
  bool m_ok = true;
};

// Lowercase hex, as hashes and keys are shown everywhere (DESIGN.md §4).
std::string to_hex(ByteView b);
// Parses exactly `N` bytes of hex (either case); nullopt on any other input.
template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> from_hex(std::string_view s);
std::optional<Bytes> from_hex_any(std::string_view s);

std::string base64_encode(ByteView b);
// Strict standard base64 with padding; nullopt on any other input.
std::optional<Bytes> base64_decode(std::string_view s);

template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> from_hex(std::string_view s) {
  auto v = from_hex_any(s);
  if (!v || v->size() != N) return std::nullopt;
  std::array<std::uint8_t, N> out{};
  std::memcpy(out.data(), v->data(), N);
  return out;
}

}  // namespace scoin
