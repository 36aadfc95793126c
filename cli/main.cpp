// scoin: builds the command line, runs the chosen subcommand and maps errors
// to the exit statuses of DESIGN.md §7. Only this file catches.
#include <CLI/CLI.hpp>

#include <csignal>

#include "common.hpp"
#include "scoin/crypto.hpp"

#ifndef SCOIN_VERSION
#define SCOIN_VERSION "0.0.0"
#endif

namespace {

using scoin::Exit;
using namespace scoin::cli;

// Prints every subcommand and option of the command line, one per line, for
// the completion scripts' drift test: `command PATH` and `option PATH NAME`
// (PATH `-` for the global options).
void print_spec(const CLI::App& app, const std::string& path) {
  for (const auto* opt : app.get_options()) {
    for (auto& n : opt->get_lnames()) fmt::print("option {} --{}\n", path.empty() ? "-" : path, n);
    for (auto& n : opt->get_snames()) fmt::print("option {} -{}\n", path.empty() ? "-" : path, n);
  }
  for (const auto* sub : app.get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); })) {
    auto sub_path = path.empty() ? sub->get_name() : path + " " + sub->get_name();
    fmt::print("command {}\n", sub_path);
    print_spec(*sub, sub_path);
  }
}

int report(const scoin::Error& e) {
  fmt::print(stderr, "scoin: {} {}\n", paint(stderr, "1;31", "error:"), e.message);
  if (globals().json) {
    json j{{"ok", false}, {"exit", static_cast<int>(e.exit)}, {"error", e.message}};
    for (auto& [k, v] : globals().error_extra.items()) j[k] = v;
    print_json(j);
  }
  return static_cast<int>(e.exit);
}

}  // namespace

int main(int argc, char** argv) {
  scoin::crypto_init();
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{"scoin: a reward-coin ledger toolkit over a local LMDB replica", "scoin"};
  app.set_version_flag("--version", std::string("scoin ") + SCOIN_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  auto& g = globals();
  app.add_option("--ledger", g.ledger, "ledger directory (env SCOIN_LEDGER)")
      ->type_name("DIR");
  app.add_option("--config", g.config, "configuration file (env SCOIN_CONFIG)")->type_name("FILE");
  app.add_option("--passphrase-file", g.passphrase_file,
                 "read the key passphrase from FILE (mode 0600)")
      ->type_name("FILE");
  app.add_flag("--json", g.json, "machine-readable output");
  app.add_flag("-q,--quiet", g.quiet, "print only errors");
  app.add_flag("--no-input", g.no_input, "never prompt; a needed prompt is an error");

  register_keygen(app);
  register_key(app);
  register_init(app);
  register_account(app);
  register_balance(app);
  register_log(app);
  register_issue(app);
  register_transfer(app);
  register_redeem(app);
  register_submit(app);
  register_show_op(app);
  register_verify(app);
  register_export(app);
  register_replica(app);
  register_config(app);
  register_help(app);
  auto* spec = app.add_subcommand("__spec", "")->group("");
  add_command(spec, [&app] {
    print_spec(app, "");
    return scoin::Result<int>(0);
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11's own codes (100–127) are all usage errors here.
    app.exit(e);
    return static_cast<int>(Exit::usage);
  }

  // The deepest parsed subcommand runs (`account open` before `account`).
  const Command* chosen = nullptr;
  for (auto& c : commands()) {
    if (c.app->parsed() && (chosen == nullptr || c.app->get_parent() == chosen->app)) chosen = &c;
  }
  if (chosen == nullptr) {
    fmt::print(stderr, "scoin: error: no command given (see scoin --help)\n");
    return static_cast<int>(Exit::usage);
  }
  // The configuration is read before any command runs, so a broken file is
  // reported (78) whatever the command; help and the option listing need none.
  if (chosen->app->get_name() != "help" && chosen->app->get_name() != "__spec") {
    auto cfg = scoin::load_config(globals().config);
    if (!cfg) return report(cfg.error());
    globals().cfg = std::move(*cfg);
  }
  try {
    auto r = chosen->run();
    if (!r) return report(r.error());
    return *r;
  } catch (const std::bad_alloc&) {
    return report(scoin::Error{Exit::internal, "out of memory"});
  } catch (const std::exception& e) {
    return report(scoin::Error{Exit::internal, e.what()});
  }
}
