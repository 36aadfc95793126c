#include "scoin/text.hpp"

#include <fmt/format.h>

namespace scoin {

namespace {

// Decodes one UTF-8 sequence at `s[i]`; returns its length or 0 when invalid.
std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& cp) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c = b(0);
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  std::size_t len;
  char32_t min;
  if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() - i < len) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool is_valid_utf8(std::string_view s) {
  char32_t cp;
  for (std::size_t i = 0; i < s.size();) {
    auto n = decode_utf8(s, i, cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::optional<char32_t> find_control(std::string_view s, bool allow_lf) {
  char32_t cp;
  for (std::size_t i = 0; i < s.size();) {
    auto n = decode_utf8(s, i, cp);
    if (n == 0) return std::nullopt;
    if ((cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F)) && !(allow_lf && cp == '\n')) return cp;
    i += n;
  }
  return std::nullopt;
}

bool looks_like_rrn(std::string_view s) {
  for (std::size_t i = 0; i + 13 <= s.size(); ++i) {
    std::size_t j = i;
    int k = 0;
    while (k < 6 && j < s.size() && is_digit(s[j])) ++k, ++j;
    if (k < 6) continue;
    if (j < s.size() && s[j] == '-') ++j;
    if (j >= s.size() || s[j] < '1' || s[j] > '8') continue;
    ++j;
    k = 0;
    while (k < 6 && j < s.size() && is_digit(s[j])) ++k, ++j;
    if (k == 6) return true;
  }
  return false;
}

std::string check_text(std::string_view s, std::size_t min_bytes, std::size_t max_bytes,
                       bool allow_lf) {
  if (s.size() < min_bytes) return min_bytes == 1 ? "empty" : fmt::format("shorter than {} bytes", min_bytes);
  if (s.size() > max_bytes) return fmt::format("{} bytes, over the limit of {}", s.size(), max_bytes);
  if (!is_valid_utf8(s)) return "invalid UTF-8";
  if (auto c = find_control(s, allow_lf)) {
    return fmt::format("control character U+{:04X}", static_cast<std::uint32_t>(*c));
  }
  return {};
}

std::string printable(std::string_view s, std::size_t max_chars) {
  std::string out;
  char32_t cp;
  for (std::size_t i = 0; i < s.size() && out.size() < max_chars;) {
    auto n = decode_utf8(s, i, cp);
    if (n == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[i]));
      ++i;
    } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
      out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(cp));
      i += n;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  if (out.size() >= max_chars) out += "…";
  return out;
}

}  // namespace scoin
