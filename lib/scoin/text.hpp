// Text rules of DESIGN.md §4 and §8: UTF-8 validity, control characters and the
// resident-registration-number guard.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace scoin {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF).
bool is_valid_utf8(std::string_view s);

// Returns the first control character (U+0000–001F, U+007F–009F) in valid
// UTF-8 `s`, or nullopt; a line feed is allowed when `allow_lf`.
std::optional<char32_t> find_control(std::string_view s, bool allow_lf);

// True when `s` holds something shaped like a Korean resident registration
// number, `\d{6}-?[1-8]\d{6}` anywhere in it (DESIGN.md §8).
bool looks_like_rrn(std::string_view s);

// Checks one text field against the rules of §4: length in
// [`min_bytes`, `max_bytes`], valid UTF-8, no control characters (line feeds
// only when `allow_lf`). Returns an empty string when fine, else what is wrong.
std::string check_text(std::string_view s, std::size_t min_bytes, std::size_t max_bytes,
                       bool allow_lf);

// `s` with control characters and invalid bytes escaped, for error messages.
std::string printable(std::string_view s, std::size_t max_chars = 80);

}  // namespace scoin
