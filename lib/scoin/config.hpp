// scoin.toml (DESIGN.md §7): settings for commands run by hand and by cron.
//
//   ledger = "/var/lib/scoin/ledger"
//   key = "/etc/scoin/issuer.key"          # default --key of signing commands
//   passphrase_file = "/etc/scoin/issuer.pass"
//   max_map_size = "64GiB"                 # ceiling of the replica's map growth
//   [export]
//   out = "/srv/scoin/%k-%Y%m%d.csv"       # default -o of export-csv (%k: the kind)
//   manifest = true
//
// Looked up as --config FILE, else $SCOIN_CONFIG, else ./scoin.toml, else
// $XDG_CONFIG_HOME/scoin/config.toml (~/.config/scoin/config.toml). A file
// named by --config or SCOIN_CONFIG must exist; the others are optional.
// Precedence of each setting: flag > environment > config > default.
// Unknown keys and wrong types are errors naming the line (exit 78): a typo
// must never be silently ignored by a tool that moves money.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scoin/error.hpp"

namespace scoin {

struct ConfigSetting {
  std::string value;
  std::string source;  // "FILE:LINE"
};

struct Config {
  std::optional<std::string> path;  // the file read, if any
  std::string path_source;          // why that file: "--config", "SCOIN_CONFIG", "./scoin.toml", ...
  std::optional<ConfigSetting> ledger, key, passphrase_file, export_out;
  std::optional<bool> export_manifest;
  std::string export_manifest_source;
  // max_map_size as written (an integer or a string with a suffix), and in bytes.
  std::optional<ConfigSetting> max_map_size;
  std::uint64_t max_map_size_bytes = 0;
};

// The bounds of the maximum map size (`max_map_size`, $SCOIN_MAX_MAP_SIZE): a
// replica smaller than 1 MiB is useless, and a map larger than 64 TiB does not
// fit a 47-bit address space beside everything else.
inline constexpr std::uint64_t k_max_map_size_min = std::uint64_t{1} << 20;
inline constexpr std::uint64_t k_max_map_size_limit = std::uint64_t{1} << 46;

// Parses a byte size: decimal digits, optionally followed by KiB, MiB, GiB or
// TiB (powers of 1024), with at most one space before the suffix: `4194304`,
// `4MiB`, `64 GiB`. Checks the bounds above. Errors (78) say what is wrong
// (not a number, an unknown suffix, an overflow, out of bounds) without
// naming where the text came from; the caller adds that.
Result<std::uint64_t> parse_max_map_size(std::string_view text);

// Finds and reads the configuration. `flag_path` is --config (empty if not
// given); the environment is read for SCOIN_CONFIG, XDG_CONFIG_HOME and HOME.
Result<Config> load_config(const std::string& flag_path);

// Parses configuration text (for tests); `name` is used in messages.
Result<Config> parse_config(const std::string& text, const std::string& name);

}  // namespace scoin
