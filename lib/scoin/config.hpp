// scoin.toml (DESIGN.md §7): settings for commands run by hand and by cron.
//
//   ledger = "/var/lib/scoin/ledger"
//   key = "/etc/scoin/issuer.key"          # default --key of signing commands
//   passphrase_file = "/etc/scoin/issuer.pass"
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

#include <optional>
#include <string>
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
};

// Finds and reads the configuration. `flag_path` is --config (empty if not
// given); the environment is read for SCOIN_CONFIG, XDG_CONFIG_HOME and HOME.
Result<Config> load_config(const std::string& flag_path);

// Parses configuration text (for tests); `name` is used in messages.
Result<Config> parse_config(const std::string& text, const std::string& name);

}  // namespace scoin
