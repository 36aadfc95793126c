// scoin config show: the effective settings and where each came from.
#include <cstdlib>

#include "common.hpp"

namespace scoin::cli {

namespace {

struct Shown {
  std::string name, value, source;
};

Result<int> run_show() {
  const auto& g = globals();
  const auto& c = g.cfg;
  std::vector<Shown> rows;
  rows.push_back({"config", c.path.value_or(""), c.path ? c.path_source : "none found"});
  auto env = [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
  auto pick = [&](const char* name, const std::string& flag, const char* flag_name, const char* env_name,
                  const std::optional<ConfigSetting>& cfg, std::string fallback, std::string fallback_source) {
    if (!flag.empty()) return rows.push_back({name, flag, flag_name});
    if (env_name != nullptr) {
      if (auto v = env(env_name)) return rows.push_back({name, *v, env_name});
    }
    if (cfg) return rows.push_back({name, cfg->value, cfg->source});
    rows.push_back({name, std::move(fallback), std::move(fallback_source)});
  };
  pick("ledger", g.ledger, "--ledger", "SCOIN_LEDGER", c.ledger, "", "unset");
  pick("key", "", "--key", nullptr, c.key, "", "unset (give --key)");
  std::string creds;
  if (auto d = env("CREDENTIALS_DIRECTORY")) creds = *d + "/scoin-passphrase";
  pick("passphrase_file", g.passphrase_file, "--passphrase-file", "SCOIN_PASSPHRASE_FILE", c.passphrase_file,
       creds, creds.empty() ? "unset (asked on the terminal)" : "CREDENTIALS_DIRECTORY");
  auto map = max_map_size();
  if (!map) return std::unexpected(map.error());
  rows.push_back({"max_map_size", map->text, map->source});
  pick("export.out", "", "-o", nullptr, c.export_out, "", "unset (standard output)");
  rows.push_back({"export.manifest", c.export_manifest ? (*c.export_manifest ? "true" : "false") : "false",
                  c.export_manifest ? c.export_manifest_source : "default"});
  if (globals().json) {
    json j = json::object();
    for (auto& r : rows) j[r.name] = json{{"value", r.value}, {"source", r.source}};
    print_json(j);
    return 0;
  }
  if (globals().quiet) return 0;
  for (auto& r : rows) fmt::print("{:<16} {:<40} ({})\n", r.name, r.value.empty() ? "-" : r.value, r.source);
  return 0;
}

}  // namespace

void register_config(CLI::App& app) {
  auto* config = app.add_subcommand("config", "inspect the configuration");
  config->require_subcommand(1);
  auto* show = config->add_subcommand("show", "the effective settings and where each came from");
  add_command(show, [] { return run_show(); });
}

}  // namespace scoin::cli
