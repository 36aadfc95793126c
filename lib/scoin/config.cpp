#include "scoin/config.hpp"

#include <cstdlib>

#include <toml++/toml.h>

#include "scoin/fsutil.hpp"
#include "scoin/text.hpp"

namespace scoin {

namespace {

constexpr std::size_t k_config_bytes_max = 64 * 1024;

std::string where(const std::string& name, const toml::source_region& r) {
  return fmt::format("{}:{}", name, r.begin.line);
}

}  // namespace

Result<std::uint64_t> parse_max_map_size(std::string_view text) {
  const auto shown = printable(text, 40);  // escaped: it may be anything
  std::size_t i = 0;
  std::uint64_t n = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    const auto digit = static_cast<std::uint64_t>(text[i] - '0');
    if (n > (UINT64_MAX - digit) / 10) return fail(Exit::config, "'{}' is too large", shown);
    n = n * 10 + digit;
    ++i;
  }
  if (i == 0) {
    return fail(Exit::config, "'{}' is not a size (digits, then KiB, MiB, GiB or TiB)", shown);
  }
  std::string_view suffix = text.substr(i);
  if (suffix.starts_with(' ')) suffix.remove_prefix(1);
  unsigned shift = 0;
  if (suffix == "KiB") {
    shift = 10;
  } else if (suffix == "MiB") {
    shift = 20;
  } else if (suffix == "GiB") {
    shift = 30;
  } else if (suffix == "TiB") {
    shift = 40;
  } else if (!suffix.empty() || i != text.size()) {
    return fail(Exit::config, "'{}': unknown unit (bytes, or KiB, MiB, GiB, TiB)", shown);
  }
  if (n > (UINT64_MAX >> shift)) return fail(Exit::config, "'{}' is too large", shown);
  n <<= shift;
  if (n < k_max_map_size_min || n > k_max_map_size_limit) {
    return fail(Exit::config, "'{}' is out of bounds (1MiB to 64TiB)", shown);
  }
  return n;
}

Result<Config> parse_config(const std::string& text, const std::string& name) {
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    return fail(Exit::config, "{}:{}:{}: {}", name, e.source().begin.line, e.source().begin.column,
                e.description());
  }
  Config c;
  c.path = name;
  auto string_setting = [&](const toml::node& node, const std::string& key,
                            std::optional<ConfigSetting>& out) -> Result<void> {
    auto* s = node.as_string();
    if (s == nullptr) return fail(Exit::config, "{}: {}: expected a string", where(name, node.source()), key);
    if (s->get().empty()) return fail(Exit::config, "{}: {}: empty", where(name, node.source()), key);
    out = ConfigSetting{s->get(), where(name, node.source())};
    return {};
  };
  for (auto& [k, node] : root) {
    const std::string key(k.str());
    Result<void> r;
    if (key == "ledger") {
      r = string_setting(node, key, c.ledger);
    } else if (key == "key") {
      r = string_setting(node, key, c.key);
    } else if (key == "passphrase_file") {
      r = string_setting(node, key, c.passphrase_file);
    } else if (key == "max_map_size") {
      // An integer of bytes, or a string with a unit.
      std::string given;
      if (auto* i = node.as_integer()) {
        given = std::to_string(i->get());
      } else if (auto* s = node.as_string()) {
        given = s->get();
      } else {
        return fail(Exit::config,
                    "{}: max_map_size: expected an integer or a string such as \"64GiB\"",
                    where(name, node.source()));
      }
      auto bytes = parse_max_map_size(given);
      if (!bytes) {
        return fail(Exit::config, "{}: max_map_size: {}", where(name, node.source()),
                    bytes.error().message);
      }
      c.max_map_size = ConfigSetting{given, where(name, node.source())};
      c.max_map_size_bytes = *bytes;
    } else if (key == "export") {
      auto* t = node.as_table();
      if (t == nullptr) return fail(Exit::config, "{}: export: expected a table", where(name, node.source()));
      for (auto& [ek, enode] : *t) {
        const std::string ekey(ek.str());
        if (ekey == "out") {
          r = string_setting(enode, "export.out", c.export_out);
        } else if (ekey == "manifest") {
          auto* b = enode.as_boolean();
          if (b == nullptr) {
            return fail(Exit::config, "{}: export.manifest: expected true or false", where(name, enode.source()));
          }
          c.export_manifest = b->get();
          c.export_manifest_source = where(name, enode.source());
        } else {
          return fail(Exit::config, "{}: unknown key 'export.{}' (known: out, manifest)",
                      where(name, enode.source()), printable(ekey, 40));
        }
        if (!r) return std::unexpected(r.error());
      }
    } else {
      return fail(Exit::config,
                  "{}: unknown key '{}' (known: ledger, key, passphrase_file, max_map_size, [export])",
                  where(name, node.source()), printable(key, 40));
    }
    if (!r) return std::unexpected(r.error());
  }
  return c;
}

Result<Config> load_config(const std::string& flag_path) {
  std::string path, why;
  bool must_exist = false;
  if (!flag_path.empty()) {
    path = flag_path, why = "--config", must_exist = true;
  } else if (const char* env = std::getenv("SCOIN_CONFIG"); env != nullptr && *env != '\0') {
    path = env, why = "SCOIN_CONFIG", must_exist = true;
  } else if (path_exists("scoin.toml")) {
    path = "scoin.toml", why = "./scoin.toml";
  } else {
    std::string base;
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x != nullptr && *x != '\0') {
      base = x;
    } else if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') {
      base = std::string(h) + "/.config";
    }
    if (!base.empty() && path_exists(base + "/scoin/config.toml")) {
      path = base + "/scoin/config.toml", why = "$XDG_CONFIG_HOME/scoin/config.toml";
    }
  }
  if (path.empty()) return Config{};
  if (!path_exists(path)) {
    if (must_exist) return fail(Exit::config, "{}: no such configuration file (from {})", path, why);
    return Config{};
  }
  auto text = read_input_file(path, k_config_bytes_max);
  if (!text) {
    auto e = text.error();
    e.exit = Exit::config;
    return std::unexpected(e);
  }
  auto c = parse_config(*text, path);
  if (!c) return c;
  c->path_source = why;
  return c;
}

}  // namespace scoin
