// scoin verify-chain: the auditor's full check of a replica (DESIGN.md §4-§7).
#include <charconv>

#include "common.hpp"
#include "progress.hpp"
#include "scoin/amount.hpp"
#include "scoin/text.hpp"
#include "scoin/verify.hpp"

namespace scoin::cli {

namespace {

struct Opts {
  bool all = false;
  std::string expect_chain_id;
  std::string expect_head;
  std::optional<std::uint64_t> from, to;
  unsigned threads = 0;
};

Result<std::pair<std::uint64_t, Hash32>> parse_head(std::string_view s) {
  auto colon = s.find(':');
  std::uint64_t h = 0;
  if (colon != std::string_view::npos) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + colon, h);
    auto hash = from_hex<32>(s.substr(colon + 1));
    if (ec == std::errc{} && p == s.data() + colon && hash) return std::pair{h, *hash};
  }
  return fail(Exit::usage, "--expect-head: '{}' is not HEIGHT:HASH (64 hex digits)", printable(s, 100));
}

Result<int> run(const Opts& o) {
  VerifyOptions vo;
  vo.all = o.all;
  vo.from = o.from;
  vo.to = o.to;
  vo.threads = o.threads;
  if (!o.expect_chain_id.empty()) {
    auto c = from_hex<32>(o.expect_chain_id);
    if (!c) return fail(Exit::usage, "--expect-chain-id: '{}' is not 64 hex digits", printable(o.expect_chain_id, 100));
    vo.expect_chain_id = *c;
  }
  if (!o.expect_head.empty()) {
    auto h = parse_head(o.expect_head);
    if (!h) return std::unexpected(h.error());
    vo.expect_head = *h;
  }
  if (o.from && o.to && *o.from > *o.to) return fail(Exit::usage, "--from {} is after --to {}", *o.from, *o.to);
  if (vo.expect_head && o.to && vo.expect_head->first > *o.to) {
    return fail(Exit::usage, "--expect-head {} is beyond --to {}", vo.expect_head->first, *o.to);
  }
  auto dir = ledger_dir();
  if (!dir) return std::unexpected(dir.error());
  // Only `entries` is trusted: the replica is opened without reading its
  // parameters from anywhere else.
  auto env = Env::open(*dir, Env::Mode::read_only);
  if (!env) return std::unexpected(env.error());
  ProgressBar bar("verifying", "entries");
  vo.progress = [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
  auto r = verify_chain(*env, vo);
  bar.finish();
  if (!r) return std::unexpected(r.error());

  // Amounts in the ledger's own decimals, when its genesis could be read.
  unsigned decimals = 0;
  std::string unit;
  {
    auto txn = Txn::begin(*env, false);
    if (txn) {
      if (auto p = load_params(*txn)) {
        decimals = p->genesis.decimals;
        unit = p->genesis.unit;
      }
    }
  }
  auto amount = [&](std::uint64_t u) { return format_amount(u, decimals); };
  const double rate = r->seconds > 0 ? static_cast<double>(r->entries) / r->seconds : 0;
  if (globals().json) {
    json findings = json::array();
    for (auto& f : r->findings) {
      json j{{"height", f.height},
             {"entry_hash", f.entry_hash ? json(hex(*f.entry_hash)) : json(nullptr)},
             {"check", f.check},
             {"message", f.message}};
      if (!f.expected.empty() || !f.actual.empty()) {
        j["expected"] = f.expected;
        j["actual"] = f.actual;
      }
      findings.push_back(j);
    }
    print_json(json{{"ok", true},
                    {"valid", r->valid},
                    {"chain_id", hex(r->chain_id)},
                    {"entries", r->entries},
                    {"signatures", r->signatures},
                    {"head_height", r->head_height ? json(*r->head_height) : json(nullptr)},
                    {"head_hash", r->head_height ? json(hex(r->head_hash)) : json(nullptr)},
                    {"accounts", r->accounts},
                    {"supply", amount(r->supply)},
                    {"supply_units", r->supply},
                    {"issued", amount(r->totals.issued)},
                    {"redeemed", amount(r->totals.redeemed)},
                    {"unit", unit},
                    {"elapsed_ms", static_cast<std::uint64_t>(r->seconds * 1000)},
                    {"entries_per_s", static_cast<std::uint64_t>(rate)},
                    {"stopped_at_broken_link", r->stopped_at_broken_link},
                    {"findings_truncated", r->findings_truncated},
                    {"findings", findings}});
    return r->valid ? 0 : static_cast<int>(Exit::invalid);
  }
  if (!globals().quiet) {
    fmt::print("verify-chain: {}\n", r->valid ? paint(stdout, "1;32", "VALID") : paint(stdout, "1;31", "INVALID"));
    fmt::print("chain id:   {}\n", hex(r->chain_id));
    if (r->head_height) fmt::print("head:       height {}, hash {}\n", *r->head_height, hex(r->head_hash));
    fmt::print("entries:    {} walked, {} signatures verified\n", r->entries, r->signatures);
    fmt::print("accounts:   {}\n", r->accounts);
    fmt::print("supply:     {} {} (issued {}, redeemed {})\n", amount(r->supply), unit, amount(r->totals.issued),
               amount(r->totals.redeemed));
    fmt::print("elapsed:    {:.2f}s ({:.0f} entries/s)\n", r->seconds, rate);
  }
  for (auto& f : r->findings) {
    fmt::print("{} height {}: {}: {}", paint(stdout, "31", "finding:"), f.height, f.check, f.message);
    if (!f.expected.empty() && !f.actual.empty()) {
      fmt::print(" (expected {}, actual {})", f.expected, f.actual);
    } else if (!f.actual.empty()) {
      fmt::print(" ({})", f.actual);
    }
    if (f.entry_hash) fmt::print(" [entry {}]", hex(*f.entry_hash));
    fmt::print("\n");
  }
  if (r->stopped_at_broken_link) {
    fmt::print("the walk stopped at the first broken link; --all lists every finding\n");
  }
  if (r->findings_truncated) fmt::print("(more findings were not listed)\n");
  return r->valid ? 0 : static_cast<int>(Exit::invalid);
}

}  // namespace

void register_verify(CLI::App& app) {
  static Opts o;
  auto* cmd = app.add_subcommand("verify-chain", "audit the replica: every entry, rule and derived table");
  cmd->add_flag("--all", o.all, "list every finding instead of stopping at the first broken link");
  cmd->add_option("--expect-chain-id", o.expect_chain_id, "fail unless the genesis hash is this")->type_name("HEX");
  cmd->add_option("--expect-head", o.expect_head, "fail unless the replica holds this entry")
      ->type_name("HEIGHT:HASH");
  cmd->add_option("--from", o.from, "verify signatures from this height on")->type_name("H");
  cmd->add_option("--to", o.to, "stop after this height")->type_name("H");
  cmd->add_option("--threads", o.threads, "signature threads (default: all cores)")
      ->type_name("N")
      ->check(CLI::Range(0u, k_threads_max));
  add_command(cmd, [] { return run(o); });
}

}  // namespace scoin::cli
