// What every subcommand shares: global options, opening the ledger, loading
// keys with a passphrase, and printing (human text or JSON).
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "scoin/batch.hpp"
#include "scoin/config.hpp"
#include "scoin/crypto.hpp"
#include "scoin/error.hpp"
#include "scoin/ledger.hpp"
#include "scoin/store.hpp"

namespace scoin::cli {

using json = nlohmann::ordered_json;

// Options accepted before or after any subcommand (DESIGN.md §7).
struct Globals {
  std::string ledger;
  std::string config;
  std::string passphrase_file;
  bool json = false;
  bool quiet = false;
  bool no_input = false;
  // The configuration file's settings (loaded before any command runs).
  Config cfg;
  // Extra fields for the JSON error object (e.g. a batch's findings).
  nlohmann::ordered_json error_extra = nlohmann::ordered_json::object();
};
Globals& globals();

// A subcommand: its CLI11 node and what runs when it was given. `run` returns
// the exit status on success (0, or 1 for an invalid ledger) or an Error.
struct Command {
  CLI::App* app = nullptr;
  std::function<Result<int>()> run;
};
void add_command(CLI::App* app, std::function<Result<int>()> run);
const std::vector<Command>& commands();

// Registration, one per cli/cmd_*.cpp.
void register_keygen(CLI::App& app);
void register_key(CLI::App& app);
void register_init(CLI::App& app);
void register_account(CLI::App& app);
void register_balance(CLI::App& app);
void register_log(CLI::App& app);
void register_issue(CLI::App& app);
void register_transfer(CLI::App& app);
void register_redeem(CLI::App& app);
void register_submit(CLI::App& app);
void register_show_op(CLI::App& app);
void register_verify(CLI::App& app);
void register_export(CLI::App& app);
void register_config(CLI::App& app);
void register_help(CLI::App& app);
void register_replica(CLI::App& app);

// The ledger directory: --ledger, else $SCOIN_LEDGER, else the config's
// `ledger` (64 if none).
Result<std::string> ledger_dir();
// The key file of a signing command: its --key, else the config's `key`.
Result<std::string> key_path(const std::string& flag);
// The ceiling of the replica's automatic map growth: $SCOIN_MAX_MAP_SIZE,
// else the config's `max_map_size`, else 1 TiB; with the text it was given as
// and its source. An invalid SCOIN_MAX_MAP_SIZE is a configuration error (78).
struct MapSizeSetting {
  std::uint64_t bytes = 0;
  std::string text, source;
};
Result<MapSizeSetting> max_map_size();
// An open replica with its parameters.
struct Ledger {
  Env env;
  Params params;
};
// `read_only` for commands that never write (balance, log, export, verify);
// the others' map may grow up to max_map_size().
Result<Ledger> open_ledger(bool read_only = false);

// The passphrase, from --passphrase-file, $SCOIN_PASSPHRASE_FILE,
// $CREDENTIALS_DIRECTORY/scoin-passphrase, or the terminal (/dev/tty, no
// echo), in that order. `confirm` asks twice on a terminal (keygen).
Result<SecretBuffer> get_passphrase(std::string_view why, bool confirm);
// Loads the secret key at `path`, asking for its passphrase only if needed.
Result<SecretKey> load_signing_key(const std::string& path);

// Human output (suppressed by --quiet) and JSON output.
template <typename... Args>
void say(fmt::format_string<Args...> format, Args&&... args) {
  if (globals().quiet || globals().json) return;
  fmt::print(format, std::forward<Args>(args)...);
}
void print_json(const json& j);
// Warnings and notes on stderr (not suppressed by --json).
template <typename... Args>
void note(fmt::format_string<Args...> format, Args&&... args) {
  if (globals().quiet) return;
  fmt::print(stderr, "scoin: {}\n", fmt::format(format, std::forward<Args>(args)...));
}

// Reports a batch's findings: each on stderr as FILE:LINE: column: what, and
// (with --json) as a `findings` array in the error object main prints.
void report_findings(const Findings& f);
// The error that ends a batch with findings: `SOURCE: N problems found;
// nothing was written` (`-` shown as <stdin>).
Error batch_failed(std::string_view source, const Findings& f);

// Colour only on a terminal, and never with NO_COLOR set or TERM=dumb.
bool use_color(std::FILE* stream);
// `text` in an SGR colour (31 red, 32 green, 33 yellow, 1 bold) when
// `stream` takes colour, else as it is.
std::string paint(std::FILE* stream, std::string_view sgr, std::string_view text);

// The most threads a --threads option may ask for: a thread the system
// refuses to start would abort the program, so the option is bounded.
inline constexpr unsigned k_threads_max = 256;

// Formatting helpers shared by commands.
std::string hex(ByteView b);
std::string address(const Key32& k);
std::string amount_text(std::uint64_t units, const Params& p);
std::string time_text(std::uint64_t ms, const Params& p);
// KRW value of `units`: a JSON number, or a decimal string beyond 2^64-1.
json krw_json(std::uint64_t units, const Params& p);
std::string krw_string(std::uint64_t units, const Params& p);
// Reads the clock once for the ledger's "today" (ledger-local day number).
Result<std::int64_t> today(const Params& p);

// An Error for an op the rules refused, with the status name.
Error status_error(Status s, std::string_view context, std::string_view detail = {});


}  // namespace scoin::cli
