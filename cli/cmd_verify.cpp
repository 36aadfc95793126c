// scoin verify-chain: the auditor's full check of a replica (DESIGN.md §4-§7).
#include <charconv>

#include "common.hpp"
#include "progress.hpp"
#include "scoin/amount.hpp"
#include "scoin/fsutil.hpp"
#include "scoin/merkle.hpp"
#include "scoin/sync.hpp"
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
  std::vector<std::string> trust;
  std::string state;
  bool since_state = false;
};

// The auditor's state file: the checkpoint accepted last time, and what
// this run makes of it.
struct StateStep {
  std::optional<Checkpoint> saved;
  std::optional<Checkpoint> next;  // the newest trusted checkpoint this replica proves
  bool written = false;
};

void add_finding(VerifyReport& r, std::uint64_t height, std::string check, std::string message,
                 std::string expected = {}, std::string actual = {}) {
  VerifyFinding f;
  f.height = height;
  f.check = std::move(check);
  f.message = std::move(message);
  f.expected = std::move(expected);
  f.actual = std::move(actual);
  r.findings.push_back(std::move(f));
  r.valid = false;
}

// After the walk: the saved checkpoint must be a prefix of this replica
// (an RFC 6962 consistency proof from the tree table, checked against the
// roots the walk recomputed), and the newest stored checkpoint signed by a
// trusted key becomes the new state — written only when everything passed.
Result<void> state_step(Env& env, const Opts& o, const std::vector<Key32>& trusted, VerifyReport& r,
                        StateStep& st) {
  auto txn = Txn::begin(env, false);
  if (!txn) return std::unexpected(txn.error());
  const std::uint64_t n = r.tree_size;
  const std::uint64_t head = n > 0 ? n - 1 : 0;
  if (st.saved) {
    const auto m = st.saved->size;
    if (m > n) {
      add_finding(r, head, "fork", fmt::format("the ledger shrank: the saved checkpoint has {} entries, this replica {}", m, n));
      return {};
    }
    auto it = r.roots.find(m);
    if (it == r.roots.end() || it->second != st.saved->root) {
      add_finding(r, m - 1, "fork",
                  fmt::format("the first {} entries are not the ones the saved checkpoint signed: history was rewritten", m),
                  to_hex(st.saved->root), it == r.roots.end() ? "(not reached)" : to_hex(it->second));
      return {};
    }
  }
  auto stored = all_checkpoints(*txn);
  if (stored) {
    for (auto& cp : *stored) {
      if (cp.size == 0 || cp.size > n || (st.saved && cp.size < st.saved->size)) continue;
      auto it = r.roots.find(cp.size);
      if (it == r.roots.end() || it->second != cp.root) continue;  // reported by the walk
      auto check = check_checkpoint(cp, trusted);
      if (check.signed_by.empty() || !check.bad.empty()) continue;
      if (!st.next || cp.size >= st.next->size) st.next = cp;
    }
  }
  if (st.saved) {
    const auto m = st.saved->size;
    const auto to = st.next ? st.next->size : n;
    const auto to_root = st.next ? st.next->root : r.tree_root;
    auto proof = merkle_consistency_proof(TableSubtrees(*txn), m, to);
    if (!proof || !merkle_verify_consistency(m, st.saved->root, to, to_root, *proof)) {
      add_finding(r, to - 1, "fork",
                  fmt::format("no consistency proof from the saved checkpoint ({} entries) to {} entries", m, to));
    }
  } else if (!st.next) {
    add_finding(r, head, "trust", "no stored checkpoint is signed by a --trust key; there is no state to save");
  }
  if (!r.valid || !st.next || (st.saved && st.saved->text() == st.next->text())) return {};
  if (auto w = write_file_atomic(o.state, st.next->text(), 0644); !w) return std::unexpected(w.error());
  st.written = true;
  return {};
}

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
  if (!o.state.empty() && o.trust.empty()) return fail(Exit::usage, "--state needs --trust ADDRESS (whose checkpoints you accept)");
  if (!o.trust.empty() && o.state.empty()) return fail(Exit::usage, "--trust is used with --state FILE");
  if (o.since_state && o.state.empty()) return fail(Exit::usage, "--since-state needs --state FILE");
  if (o.since_state && (o.from || o.to || vo.expect_head)) {
    return fail(Exit::usage, "--since-state walks from the saved checkpoint to the head; it takes no --from, --to or --expect-head");
  }
  auto trusted = parse_trusted(o.trust);
  if (!trusted) return std::unexpected(trusted.error());
  StateStep st;
  if (!o.state.empty()) {
    if (path_exists(o.state)) {
      auto text = read_input_file(o.state, k_checkpoint_bytes_max + 1);
      if (!text) return std::unexpected(text.error());
      auto cp = parse_checkpoint(*text, o.state);
      if (!cp) return std::unexpected(cp.error());
      auto check = check_checkpoint(*cp, *trusted);
      if (!check.bad.empty()) {
        return fail(Exit::data, "{}: the saved checkpoint's signature by {} does not verify", o.state, check.bad.front());
      }
      if (check.signed_by.empty()) return fail(Exit::data, "{}: the saved checkpoint is not signed by a --trust key", o.state);
      st.saved = std::move(*cp);
    } else if (o.since_state) {
      return fail(Exit::no_input, "{}: no state file; run once without --since-state to make it", o.state);
    }
  }
  auto dir = ledger_dir();
  if (!dir) return std::unexpected(dir.error());
  // Only `entries` is trusted: the replica is opened without reading its
  // parameters from anywhere else.
  auto env = Env::open(*dir, Env::Mode::read_only);
  if (!env) return std::unexpected(env.error());
  ProgressBar bar("verifying", "entries");
  vo.progress = [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
  if (!o.state.empty()) {
    auto txn = Txn::begin(*env, false);
    if (!txn) return std::unexpected(txn.error());
    if (st.saved) {
      auto g = txn->get(txn->dbs().entries, be64(0));
      if (g && entry_hash(*g) != st.saved->chain_id) {
        return fail(Exit::data, "{}: the saved checkpoint is of another ledger ({}; this replica's is {})", o.state,
                    hex(st.saved->chain_id), hex(entry_hash(*g)));
      }
      vo.root_sizes.push_back(st.saved->size);
      if (o.since_state) vo.since = std::pair{st.saved->size, st.saved->root};
    }
    Cursor c(*txn, txn->dbs().checkpoints);
    for (bool ok = c.seek(MDB_FIRST); ok; ok = c.seek(MDB_NEXT))
      if (c.key().size() == 8) vo.root_sizes.push_back(get_u64(c.key().data()));
  }
  auto r = vo.since ? verify_chain_since(*env, vo) : verify_chain(*env, vo);
  bar.finish();
  if (!r) return std::unexpected(r.error());
  if (!o.state.empty() && !r->stopped_at_broken_link) {
    if (auto s = state_step(*env, o, *trusted, *r, st); !s) return std::unexpected(s.error());
  }
  json state_json = nullptr;
  if (!o.state.empty()) {
    state_json = json{{"file", o.state},
                      {"previous_size", st.saved ? json(st.saved->size) : json(nullptr)},
                      {"size", st.next ? json(st.next->size) : st.saved ? json(st.saved->size) : json(nullptr)},
                      {"root", st.next ? json(hex(st.next->root)) : st.saved ? json(hex(st.saved->root)) : json(nullptr)},
                      {"since_state", o.since_state},
                      {"updated", st.written}};
  }

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
                    {"tree_size", r->tree_size},
                    {"tree_root", hex(r->tree_root)},
                    {"checkpoints", r->checkpoints},
                    {"state", state_json},
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
    fmt::print("tree:       {} entries, root {}; {} stored checkpoint{} checked\n", r->tree_size, hex(r->tree_root),
               r->checkpoints, r->checkpoints == 1 ? "" : "s");
    if (!o.state.empty()) {
      if (st.written) {
        fmt::print("state:      {} now holds the checkpoint of {} entries{}\n", o.state, st.next->size,
                   st.saved ? fmt::format(" (was {}; consistent)", st.saved->size) : std::string());
      } else if (st.saved) {
        fmt::print("state:      {} unchanged at {} entries{}\n", o.state, st.saved->size,
                   r->valid ? " (consistent; no newer trusted checkpoint)" : "");
      } else {
        fmt::print("state:      {} not written\n", o.state);
      }
      if (o.since_state) fmt::print("since:      only the entries after the saved checkpoint were walked\n");
    }
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
  cmd->add_option("--trust", o.trust, "a key whose checkpoint signatures you accept (with --state)")
      ->type_name("ADDRESS");
  cmd->add_option("--state", o.state, "the last checkpoint you accepted: checked, then advanced")->type_name("FILE");
  cmd->add_flag("--since-state", o.since_state, "walk only the entries after the saved checkpoint");
  cmd->add_option("--threads", o.threads, "signature threads (default: all cores)")
      ->type_name("N")
      ->check(CLI::Range(0u, k_threads_max));
  add_command(cmd, [] { return run(o); });
}

}  // namespace scoin::cli
