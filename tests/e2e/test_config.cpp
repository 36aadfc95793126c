// scoin.toml, scoin config show, scoin help, and terminal manners
// (DESIGN.md §7).
#include <filesystem>

#include "e2e/harness.hpp"

using e2e::Sandbox;

TEST_CASE("config: ledger and key from scoin.toml; flag > environment > config") {
  Sandbox s;
  std::vector<Sandbox::Account> acc = {{"r1", "resident", "R-000001", ""}};
  s.init_ledger(acc);
  s.write("scoin.toml", "# the district's replica\nledger = \"" + s.ledger() + "\"\nkey = \"issuer.key\"\n");
  // No --ledger and no SCOIN_LEDGER: the config's ledger, found in ./scoin.toml.
  auto r = e2e::run_program(e2e::scoin_bin(), {"issue", "--to", "R-000001", "--amount", "1", "--reason", "v",
                                               "--ref", "c-1", "--json"},
                            {}, {}, s.dir());
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.json()["appended"] == 1);
  auto show = e2e::run_program(e2e::scoin_bin(), {"config", "show", "--json"}, {}, {}, s.dir());
  REQUIRE(show.code == 0);
  auto j = show.json();
  CHECK(j["config"]["source"] == "./scoin.toml");
  CHECK(j["ledger"]["value"] == s.ledger());
  CHECK(j["ledger"]["source"] == "scoin.toml:2");
  CHECK(j["key"]["source"] == "scoin.toml:3");
  // The environment beats the config, the flag beats both.
  auto env = e2e::run_program(e2e::scoin_bin(), {"config", "show", "--json"}, {}, {"SCOIN_LEDGER=/from/env"}, s.dir());
  CHECK(env.json()["ledger"]["value"] == "/from/env");
  CHECK(env.json()["ledger"]["source"] == "SCOIN_LEDGER");
  auto flag = e2e::run_program(e2e::scoin_bin(), {"config", "show", "--json", "--ledger", "/from/flag"}, {},
                               {"SCOIN_LEDGER=/from/env"}, s.dir());
  CHECK(flag.json()["ledger"]["value"] == "/from/flag");
  CHECK(flag.json()["ledger"]["source"] == "--ledger");
  // balance through the config's ledger.
  auto b = e2e::run_program(e2e::scoin_bin(), {"balance", "R-000001", "--json"}, {}, {}, s.dir());
  CHECK(b.json()["balance_units"] == 1);
}

TEST_CASE("config: SCOIN_CONFIG and $XDG_CONFIG_HOME/scoin/config.toml are found; a named file must exist") {
  Sandbox s;
  std::filesystem::create_directories(s.path("xdg/scoin"));
  s.write("xdg/scoin/config.toml", "ledger = \"/from/xdg\"\n");
  auto x = e2e::run_program(e2e::scoin_bin(), {"config", "show", "--json"}, {}, {"XDG_CONFIG_HOME=" + s.path("xdg")},
                            s.dir());
  REQUIRE(x.code == 0);
  CHECK(x.json()["ledger"]["value"] == "/from/xdg");
  s.write("other.toml", "ledger = \"/from/env-config\"\n");
  auto e = e2e::run_program(e2e::scoin_bin(), {"config", "show", "--json"},
                            {}, {"XDG_CONFIG_HOME=" + s.path("xdg"), "SCOIN_CONFIG=" + s.path("other.toml")}, s.dir());
  CHECK(e.json()["ledger"]["value"] == "/from/env-config");
  CHECK(e.json()["config"]["source"] == "SCOIN_CONFIG");
  auto missing = e2e::run_program(e2e::scoin_bin(), {"--config", "nope.toml", "config", "show"}, {}, {}, s.dir());
  CHECK(missing.code == 78);
  CHECK(missing.err.find("nope.toml") != std::string::npos);
}

TEST_CASE("config: unknown keys, wrong types and bad syntax are errors with the line (78)") {
  Sandbox s;
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {"ledger = \"/x\"\nledgr = \"/y\"\n", "bad.toml:2: unknown key 'ledgr'"},
      {"ledger = 5\n", "bad.toml:1: ledger: expected a string"},
      {"[export]\nmanifest = \"yes\"\n", "bad.toml:2: export.manifest: expected true or false"},
      {"[export]\nmanifets = true\n", "bad.toml:2: unknown key 'export.manifets'"},
      {"ledger = \"/x\n", "bad.toml:1:"},
      {"export = 3\n", "bad.toml:1: export: expected a table"},
  };
  for (auto& c : cases) {
    s.write("bad.toml", c.text);
    auto r = s.scoin({"--config", "bad.toml", "balance"});
    INFO(c.text << " -> " << r.err);
    CHECK(r.code == 78);
    CHECK(r.err.find(c.want) != std::string::npos);
  }
}

TEST_CASE("config: export.out and export.manifest set a cron job's defaults") {
  Sandbox s;
  std::vector<Sandbox::Account> acc = {{"r1", "resident", "R-000001", ""}};
  s.init_ledger(acc);
  std::filesystem::create_directories(s.path("out"));
  s.write("scoin.toml", "ledger = \"" + s.ledger() + "\"\n[export]\nout = \"" + s.path("out") +
                            "/%k-%Y%m%d.csv\"\nmanifest = true\n");
  auto r = e2e::run_program(e2e::scoin_bin(), {"export-csv", "balances", "--at-height", "1"}, {}, {}, s.dir());
  INFO(r.err);
  REQUIRE(r.code == 0);
  std::size_t csv = 0, manifests = 0;
  for (auto& e : std::filesystem::directory_iterator(s.path("out"))) {
    auto name = e.path().filename().string();
    CHECK(name.rfind("balances-", 0) == 0);
    csv += name.ends_with(".csv");
    manifests += name.ends_with(".manifest.json");
  }
  CHECK(csv == 1);
  CHECK(manifests == 1);
}

TEST_CASE("help: scoin help COMMAND shows its manual page") {
  Sandbox s;
  auto r = s.scoin({"help", "issue"});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("scoin-issue") != std::string::npos);
  CHECK(r.out.find("EXIT STATUS") != std::string::npos);
  auto f = s.scoin({"help", "format"});
  CHECK(f.code == 0);
  CHECK(f.out.find("scoin-entry-v1") != std::string::npos);
  auto top = s.scoin({"help"});
  CHECK(top.code == 0);
  CHECK(top.out.find("EXIT STATUS") != std::string::npos);
  CHECK(s.scoin({"help", "frobnicate"}).code == 64);
  // A broken config does not stop help.
  s.write("scoin.toml", "nonsense = 1\n");
  CHECK(s.scoin({"help", "issue"}).code == 0);
}

TEST_CASE("terminal: colour only on a terminal, never with NO_COLOR or TERM=dumb") {
  Sandbox s;
  auto bin = e2e::scoin_bin();
  // Through a pseudo-terminal, errors are red...
  auto tty = e2e::run_program("/usr/bin/script", {"-qec", bin + " balance --ledger nowhere", "/dev/null"}, {},
                              {"TERM=xterm"}, s.dir());
  CHECK(tty.out.find("\033[1;31merror:") != std::string::npos);
  // ...but not with NO_COLOR, TERM=dumb, or into a pipe.
  auto no = e2e::run_program("/usr/bin/script", {"-qec", bin + " balance --ledger nowhere", "/dev/null"}, {},
                             {"TERM=xterm", "NO_COLOR=1"}, s.dir());
  CHECK(no.out.find("\033[") == std::string::npos);
  CHECK(no.out.find("error:") != std::string::npos);
  auto dumb = e2e::run_program("/usr/bin/script", {"-qec", bin + " balance --ledger nowhere", "/dev/null"}, {},
                               {"TERM=dumb"}, s.dir());
  CHECK(dumb.out.find("\033[") == std::string::npos);
  auto pipe = s.scoin({"balance", "--ledger", "nowhere"}, {}, {"TERM=xterm"});
  CHECK(pipe.err.find("\033[") == std::string::npos);
}
