// fuzz_config: scoin.toml (config.hpp), parsed from text as load_config
// parses a file of at most 64 KiB.
//
// Properties:
// - a refusal is a configuration error (78) naming the file and a line;
// - an accepted file gives non-empty settings, each with its `FILE:LINE`;
// - the settings written out again as TOML parse back to the same values.
#include <fmt/format.h>

#include "fuzz.hpp"
#include "scoin/config.hpp"

using namespace scoin;

namespace {

// load_config refuses a larger file before parsing it.
constexpr std::size_t k_config_bytes_max = 64 * 1024;

void check_setting(const std::optional<ConfigSetting>& s, const std::string& name) {
  if (!s) return;
  FUZZ_CHECK(!s->value.empty());
  FUZZ_CHECK(s->source.starts_with(name + ":"));
}

// A TOML basic string. (toml++'s own writer is not used: it writes a string
// that starts with a line feed as a multi-line literal, and reading that back
// drops the line feed, as TOML says.)
std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7F) {
      out += fmt::format("\\u{:04X}", u);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string write_back(const Config& c) {
  std::string out;
  auto setting = [&](std::string_view key, const std::optional<ConfigSetting>& s) {
    if (s) out += fmt::format("{} = {}\n", key, toml_string(s->value));
  };
  setting("ledger", c.ledger);
  setting("key", c.key);
  setting("passphrase_file", c.passphrase_file);
  out += "[export]\n";
  setting("out", c.export_out);
  if (c.export_manifest) out += fmt::format("manifest = {}\n", *c.export_manifest);
  return out;
}

bool same_value(const std::optional<ConfigSetting>& a, const std::optional<ConfigSetting>& b) {
  return a.has_value() == b.has_value() && (!a || a->value == b->value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > k_config_bytes_max) return -1;  // not worth keeping in the corpus
  fuzz::TargetScope scope;
  const std::string name = "fuzz.toml";
  auto c = parse_config(std::string(fuzz::as_text(data, size)), name);
  if (!c) {
    FUZZ_CHECK(c.error().exit == Exit::config);
    FUZZ_CHECK(c.error().message.starts_with(name + ":"));
    return 0;
  }
  for (auto* s : {&c->ledger, &c->key, &c->passphrase_file, &c->export_out}) check_setting(*s, name);
  if (c->export_manifest) FUZZ_CHECK(c->export_manifest_source.starts_with(name + ":"));
  auto text = write_back(*c);
  auto again = parse_config(text, "again.toml");
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(same_value(again->ledger, c->ledger) && same_value(again->key, c->key));
  FUZZ_CHECK(same_value(again->passphrase_file, c->passphrase_file));
  FUZZ_CHECK(same_value(again->export_out, c->export_out));
  FUZZ_CHECK(again->export_manifest == c->export_manifest);
  return 0;
}
