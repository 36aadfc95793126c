// scoin transfer: pay from an account — one payment, or a batch of payouts
// from CSV — appended, or signed into an op file (DESIGN.md §4.1, §4.3, §5).
#include "common.hpp"
#include "scoin/amount.hpp"
#include "scoin/fsutil.hpp"
#include "scoin/keyfile.hpp"
#include "scoin/time.hpp"
#include "scoin/transfer.hpp"
#include "signing.hpp"

namespace scoin::cli {

namespace {

struct Opts {
  std::string key;
  std::string to, amount, memo, csv;
  OutOptions out;
};

Op transfer_op(const Params& p, const Key32& signer, std::uint64_t nonce, std::uint64_t now,
               const TransferRow& row) {
  Op op;
  op.chain_id = p.chain_id;
  op.created_at_ms = now;
  op.signer = signer;
  op.nonce = nonce;
  op.body = TransferBody{row.to, row.amount, row.memo};
  return op;
}

Result<int> run(const Opts& o) {
  auto ctx = sign_context(o.out);
  if (!ctx) return std::unexpected(ctx.error());
  const auto& p = ctx->params;
  auto info = read_key_info(o.key);
  if (!info) return std::unexpected(info.error());
  const Key32 sender = info->public_key;

  std::vector<TransferRow> rows;
  {
    std::optional<Txn> txn;
    if (ctx->ledger) {
      auto t = Txn::begin(ctx->ledger->env, false);
      if (!t) return std::unexpected(t.error());
      txn.emplace(std::move(*t));
      if (!read_account(*txn, sender)) {
        return fail(Exit::data, "{}: the key {} is not a registered account (signer_not_account)", o.key,
                    address(sender));
      }
    }
    Findings findings;
    if (!o.csv.empty()) {
      auto r = read_transfer_csv(o.csv, txn ? &*txn : nullptr, p, sender, findings);
      if (!r) return std::unexpected(r.error());
      rows = std::move(*r);
    } else {
      check_transfer_row(txn ? &*txn : nullptr, p, sender, "", 0, o.to, o.amount, o.memo, rows, findings);
    }
    if (!findings.empty()) {
      if (o.csv.empty()) {
        for (std::size_t i = 1; i < findings.list.size(); ++i) note("{}", findings.list[i].text());
        return fail(Exit::data, "{}", findings.list.front().text());
      }
      report_findings(findings);
      return std::unexpected(batch_failed(o.csv, findings));
    }
  }
  std::uint64_t total = 0;
  for (auto& r : rows) {
    if (!add_u64(total, r.amount, total) || total > k_amount_max) {
      return fail(Exit::data, "{}: the payments total more than 2^63-1 base units", o.csv);
    }
  }
  if (!o.out.out.empty() && path_exists(o.out.out)) {
    return fail(Exit::cant_create, "{}: already exists; refusing to overwrite", o.out.out);
  }
  auto key = load_signing_key(o.key);
  if (!key) return std::unexpected(key.error());

  std::uint64_t first_height = 0;
  if (!o.out.out.empty()) {
    auto now = now_ms();
    if (!now) return std::unexpected(now.error());
    auto first = first_nonce(*ctx, o.out, sender);
    if (!first) return std::unexpected(first.error());
    auto nonce = *first;
    std::vector<SignedOp> ops;
    for (auto& r : rows) ops.push_back(sign_op(transfer_op(p, sender, nonce++, *now, r), *key));
    if (auto w = write_op_file(o.out.out, ops); !w) return std::unexpected(w.error());
  } else {
    auto r = write_txn<std::uint64_t>(ctx->ledger->env, &p, [&](Appender& app) -> Result<std::uint64_t> {
      std::uint64_t first = app.tip().next_height;
      // The nonce is read inside the write transaction: a second writer
      // waits for LMDB's lock and then continues the chain.
      std::uint64_t nonce = app.state().signer(sender).last_nonce;
      for (auto& row : rows) {
        auto op = transfer_op(p, sender, ++nonce, app.now_ms(), row);
        auto s = app.append_own(sign_op(op, *key), op);
        if (app.txn().rc() != 0) return std::unexpected(app.txn().error().error());
        if (s != Status::ok) {
          auto where = row.line ? fmt::format("{}:{}", o.csv, row.line) : std::string("transfer");
          return std::unexpected(status_error(s, where, "nothing was written"));
        }
      }
      return first;
    });
    if (!r) return std::unexpected(r.error());
    first_height = *r;
  }

  const bool wrote = !o.out.out.empty();
  if (globals().json) {
    json j{{"ok", true},
           {"mode", wrote ? "signed" : "transfer"},
           {"from", address(sender)},
           {"payments", rows.size()},
           {"total", format_amount(total, p.genesis.decimals)},
           {"total_units", total},
           {"unit", unit_of(*ctx)}};
    if (wrote) {
      j["out"] = o.out.out;
    } else {
      j["first_height"] = first_height;
      j["last_height"] = first_height + rows.size() - 1;
    }
    print_json(j);
  } else if (!globals().quiet) {
    if (rows.size() == 1) {
      fmt::print("{} {} {} to {}\n", wrote ? "signed: pay" : "paid", format_amount(total, p.genesis.decimals),
                 unit_of(*ctx), o.csv.empty() ? o.to : address(rows[0].to));
    } else {
      fmt::print("{} {} payments, {} {} in all\n", wrote ? "signed" : "paid", rows.size(),
                 format_amount(total, p.genesis.decimals), unit_of(*ctx));
    }
    if (wrote) {
      fmt::print("wrote {} (append it on the primary with scoin submit)\n", o.out.out);
    } else {
      fmt::print("appended heights {}..{}\n", first_height, first_height + rows.size() - 1);
    }
  }
  return 0;
}

}  // namespace

void register_transfer(CLI::App& app) {
  static Opts o;
  auto* cmd = app.add_subcommand("transfer", "pay from an account (its own key)");
  cmd->add_option("--key", o.key, "the paying account's key file")->type_name("FILE");
  auto* to = cmd->add_option("--to", o.to, "recipient: address or label")->type_name("ACCOUNT");
  auto* amount = cmd->add_option("--amount", o.amount, "amount in coins (exact decimal)")->type_name("N");
  auto* memo = cmd->add_option("--memo", o.memo, "free text (no personal data)")->type_name("M");
  auto* csv = cmd->add_option("--csv", o.csv, "payouts CSV with account,amount[,memo] ('-': stdin)")
                  ->type_name("FILE");
  csv->excludes(to)->excludes(amount)->excludes(memo);
  add_out_options(cmd, o.out);
  add_command(cmd, [=] {
    if (o.csv.empty() && (to->count() == 0 || amount->count() == 0)) {
      return Result<int>(fail(Exit::usage, "transfer: give --to and --amount, or --csv FILE"));
    }
    auto key = key_path(o.key);
    if (!key) return Result<int>(std::unexpected(key.error()));
    o.key = *key;
    return run(o);
  });
}

}  // namespace scoin::cli
