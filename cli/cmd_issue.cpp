// scoin issue: rewards, one from the command line or a batch from CSV; safe to
// run again (DESIGN.md §4.1, §5, §8).
#include <thread>

#include "common.hpp"
#include "progress.hpp"
#include "scoin/amount.hpp"
#include "scoin/fsutil.hpp"
#include "scoin/issue.hpp"
#include "scoin/keyfile.hpp"
#include "scoin/time.hpp"
#include "signing.hpp"

namespace scoin::cli {

namespace {

struct Opts {
  std::string key;
  std::string to, amount, reason, ref, memo;
  std::string csv;
  OutOptions out;
  bool dry_run = false;
  unsigned threads = 0;
};

void print_summary(const IssueBatch& batch, const Params& p, std::uint64_t new_units,
                   const char* mode, std::uint64_t appended, std::uint64_t already,
                   std::uint64_t first_height, const std::string& out_file) {
  const auto& unit = p.genesis.unit;
  auto reasons = batch.totals_by_reason();
  if (globals().json) {
    json by_reason = json::array();
    for (auto& r : reasons) {
      by_reason.push_back(json{{"reason", r.reason},
                               {"rows", r.rows},
                               {"total", amount_text(r.units, p)},
                               {"total_units", r.units},
                               {"krw_value", krw_json(r.units, p)}});
    }
    json j{{"ok", true},
           {"mode", mode},
           {"rows", batch.rows().size()},
           {"new", batch.rows().size() - already},
           {"already_applied", already},
           {"appended", appended},
           {"total", amount_text(new_units, p)},
           {"total_units", new_units},
           {"unit", unit},
           {"by_reason", by_reason}};
    if (p.genesis.krw_per_coin > 0) j["krw_value"] = krw_json(new_units, p);
    if (appended > 0) {
      j["first_height"] = first_height;
      j["last_height"] = first_height + appended - 1;
    }
    if (!out_file.empty()) j["out"] = out_file;
    print_json(j);
    return;
  }
  if (globals().quiet) return;
  const auto n = batch.rows().size();
  fmt::print("{}: {} row{}, {} new, {} already applied\n", mode, n, n == 1 ? "" : "s", n - already,
             already);
  if (p.genesis.krw_per_coin > 0) {
    fmt::print("total: {} {} = {} KRW\n", amount_text(new_units, p), unit, krw_string(new_units, p));
  } else {
    fmt::print("total: {} {}\n", amount_text(new_units, p), unit);
  }
  for (auto& r : reasons) {
    fmt::print("  {:<24} {:>8} row{} {:>20} {}\n", r.reason, r.rows, r.rows == 1 ? " " : "s",
               amount_text(r.units, p), unit);
  }
  if (appended > 0) {
    fmt::print("appended heights {}..{}\n", first_height, first_height + appended - 1);
  } else if (!out_file.empty()) {
    fmt::print("signed {} ops into {} (append them with scoin submit)\n",
               batch.rows().size() - already, out_file);
  } else if (std::string_view(mode) == "issue") {
    fmt::print("nothing new to append: every row is already applied\n");
  }
}

Result<int> run(const Opts& o) {
  auto ctx = sign_context(o.out);
  if (!ctx) return std::unexpected(ctx.error());
  const auto& p = ctx->params;
  auto info = read_key_info(o.key);
  if (!info) return std::unexpected(info.error());
  const unsigned threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());

  IssueBatch batch;
  {
    std::optional<Txn> txn;
    if (ctx->ledger) {
      auto t = Txn::begin(ctx->ledger->env, false);
      if (!t) return std::unexpected(t.error());
      txn.emplace(std::move(*t));
      // The signer's role first: a non-issuer key is refused (77) before any
      // passphrase is asked for or any row is read.
      auto signer = read_signer(*txn, info->public_key);
      if (!(signer.roles & k_role_issuer_bit)) {
        return fail(Exit::key_refused, "{}: the key {} is not an issuer on this ledger", o.key,
                    address(info->public_key));
      }
    }
    const Txn* t = txn ? &*txn : nullptr;
    Findings findings;
    if (!o.csv.empty()) {
      ProgressBar bar("checking", "bytes");
      auto r = IssueBatch::read_csv(o.csv, t, p, findings,
                                    [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); });
      bar.finish();
      if (!r) return std::unexpected(r.error());
      batch = std::move(*r);
    } else {
      batch.add_row(t, p, "", 0, o.to, o.amount, o.reason, o.ref, o.memo, findings);
    }
    if (!findings.empty()) {
      if (o.csv.empty()) {
        // One row from the command line: each problem names its option.
        for (std::size_t i = 1; i < findings.list.size(); ++i) note("{}", findings.list[i].text());
        return fail(Exit::data, "{}", findings.list.front().text());
      }
      report_findings(findings);
      return std::unexpected(batch_failed(o.csv, findings));
    }
    if (txn) {
      if (auto r = batch.check_limits(*txn); !r) return std::unexpected(r.error());
    }
  }
  auto units = batch.new_units();
  if (!units) return std::unexpected(units.error());
  const std::uint64_t already = batch.already_applied();

  if (o.dry_run) {
    print_summary(batch, p, *units, "dry run", 0, already, 0, "");
    return 0;
  }
  if (already == batch.rows().size()) {
    // Nothing to sign: no passphrase needed for a re-run, and no op file.
    print_summary(batch, p, 0, "issue", 0, already, 0, "");
    return 0;
  }
  if (!o.out.out.empty() && path_exists(o.out.out)) {
    return fail(Exit::cant_create, "{}: already exists; refusing to overwrite", o.out.out);
  }
  auto key = load_signing_key(o.key);
  if (!key) return std::unexpected(key.error());

  if (!o.out.out.empty()) {
    auto now = now_ms();
    if (!now) return std::unexpected(now.error());
    auto nonce = first_nonce(*ctx, o.out, info->public_key);
    if (!nonce) return std::unexpected(nonce.error());
    auto ops = sign_issue_batch(p, *key, batch, *nonce, *now, threads);
    if (auto w = write_op_file(o.out.out, ops); !w) return std::unexpected(w.error());
    print_summary(batch, p, *units, "signed", 0, already, 0, o.out.out);
    return 0;
  }

  ProgressBar bar("issuing", "rows");
  auto result = append_issue_batch(ctx->ledger->env, p, *key, batch, threads,
                                   [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); });
  bar.finish();
  if (!result) return std::unexpected(result.error());
  // Rows found applied inside the write transaction (another writer came
  // first) are counted as already applied, not as new.
  print_summary(batch, p, result->appended_units, "issue", result->appended, result->already_applied,
                result->first_height, "");
  return 0;
}

}  // namespace

void register_issue(CLI::App& app) {
  static Opts o;
  auto* cmd = app.add_subcommand("issue", "issue rewards: one, or a batch from CSV (issuer key)");
  cmd->add_option("--key", o.key, "issuer key file")->type_name("FILE");
  auto* to = cmd->add_option("--to", o.to, "recipient: address or label")->type_name("ACCOUNT");
  auto* amount = cmd->add_option("--amount", o.amount, "amount in coins (exact decimal)")->type_name("N");
  auto* reason = cmd->add_option("--reason", o.reason, "why (volunteering, health, carbon...)")->type_name("R");
  auto* ref = cmd->add_option("--ref", o.ref, "idempotency key, unique on the ledger")->type_name("REF");
  auto* memo = cmd->add_option("--memo", o.memo, "free text (no personal data)")->type_name("M");
  auto* csv = cmd->add_option("--csv", o.csv, "CSV with account,amount,reason,ref[,memo] ('-': stdin)")
                  ->type_name("FILE");
  csv->excludes(to)->excludes(amount)->excludes(reason)->excludes(ref)->excludes(memo);
  cmd->add_flag("--dry-run", o.dry_run, "check everything and print the summary; sign and write nothing");
  add_out_options(cmd, o.out);
  cmd->add_option("--threads", o.threads, "signing threads (default: all cores)")
      ->type_name("N")
      ->check(CLI::Range(0u, k_threads_max));
  add_command(cmd, [=] {
    // Given-but-empty values are bad data (65, reported by the row check);
    // missing options are a usage error.
    if (o.csv.empty() && (to->count() == 0 || amount->count() == 0 || reason->count() == 0 ||
                          ref->count() == 0)) {
      return Result<int>(fail(Exit::usage, "issue: give --to --amount --reason --ref, or --csv FILE"));
    }
    auto key = key_path(o.key);
    if (!key) return Result<int>(std::unexpected(key.error()));
    o.key = *key;
    return run(o);
  });
}

}  // namespace scoin::cli
