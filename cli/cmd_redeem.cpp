// scoin redeem: a merchant returns coins for its won settlement; idempotent by
// its ref (DESIGN.md §4.1, §5).
#include "common.hpp"
#include "scoin/amount.hpp"
#include "scoin/batch.hpp"
#include "scoin/fsutil.hpp"
#include "scoin/keyfile.hpp"
#include "scoin/submit.hpp"
#include "scoin/time.hpp"
#include "signing.hpp"

namespace scoin::cli {

namespace {

struct Opts {
  std::string key, amount, ref, memo;
  OutOptions out;
};

Result<int> run(const Opts& o) {
  auto ctx = sign_context(o.out);
  if (!ctx) return std::unexpected(ctx.error());
  const auto& p = ctx->params;
  auto info = read_key_info(o.key);
  if (!info) return std::unexpected(info.error());
  const Key32 merchant = info->public_key;

  auto units = parse_positive_amount(o.amount, p.genesis.decimals);
  if (!units) return fail(Exit::data, "--amount: {}", units.error().message);
  if (auto why = check_ledger_text(o.ref, 1, k_ref_bytes_max, false, false); !why.empty()) {
    return fail(Exit::data, "--ref: {}", why);
  }
  if (auto why = check_ledger_text(o.memo, 0, k_memo_bytes_max, true, true); !why.empty()) {
    return fail(Exit::data, "--memo: {}", why);
  }
  const std::string unit = unit_of(*ctx);
  auto report = [&](const char* mode, std::optional<std::uint64_t> height) {
    auto krw = krw_json(*units, p);
    if (globals().json) {
      json j{{"ok", true},        {"mode", mode},
             {"merchant", address(merchant)}, {"amount", format_amount(*units, p.genesis.decimals)},
             {"amount_units", *units}, {"unit", unit},
             {"ref", o.ref}};
      if (!ctx->offline) j["krw_payable"] = krw;
      if (height) j["height"] = *height;
      if (std::string_view(mode) == "signed") j["out"] = o.out.out;
      print_json(j);
    } else if (!globals().quiet) {
      auto amount = format_amount(*units, p.genesis.decimals);
      if (std::string_view(mode) == "already applied") {
        fmt::print("already applied: ref {} redeemed {} {} at height {}\n", o.ref, amount, unit, *height);
      } else if (std::string_view(mode) == "signed") {
        fmt::print("signed: redeem {} {} (ref {})\nwrote {} (append it on the primary with scoin submit)\n",
                   amount, unit, o.ref, o.out.out);
      } else {
        fmt::print("redeemed {} {} (ref {}) at height {}: {} KRW payable\n", amount, unit, o.ref, *height,
                   krw_string(*units, p));
      }
    }
    return 0;
  };

  Op op;
  op.chain_id = p.chain_id;
  op.signer = merchant;
  op.body = RedeemBody{*units, o.ref, o.memo};
  if (ctx->ledger) {
    auto txn = Txn::begin(ctx->ledger->env, false);
    if (!txn) return std::unexpected(txn.error());
    auto a = read_account(*txn, merchant);
    if (!a) {
      return fail(Exit::data, "{}: the key {} is not a registered account (signer_not_account)", o.key,
                  address(merchant));
    }
    if (a->kind != Kind::merchant) {
      return fail(Exit::data, "{}: {} is a {} account; only merchants redeem (signer_not_merchant)", o.key,
                  a->label, kind_name(a->kind));
    }
    // The same redemption again is already applied; the same ref with other
    // fields is a conflict.
    op.nonce = read_signer(*txn, merchant).last_nonce + 1;
    SignedOp probe;
    probe.op = encode_op(op);
    if (auto h = read_ref(*txn, redeem_ref_key(merchant, o.ref))) {
      auto e = read_entry(*txn, *h);
      auto there = e && *e ? decode_op((**e).op) : Result<Op>(fail(Exit::io, "unreadable"));
      auto* b = there ? std::get_if<RedeemBody>(&there->body) : nullptr;
      if (b != nullptr && b->amount == *units && b->memo == o.memo) return report("already applied", *h);
      return fail(Exit::data, "--ref: '{}' was already redeemed at height {} with different fields "
                              "(conflict); nothing was written", o.ref, *h);
    }
    if (*units > a->balance) {
      return fail(Exit::data, "--amount: {} {} exceeds the balance of {} {} (exceeds_balance)",
                  format_amount(*units, p.genesis.decimals), unit,
                  format_amount(a->balance, p.genesis.decimals), unit);
    }
  }
  if (!o.out.out.empty() && path_exists(o.out.out)) {
    return fail(Exit::cant_create, "{}: already exists; refusing to overwrite", o.out.out);
  }
  auto key = load_signing_key(o.key);
  if (!key) return std::unexpected(key.error());

  if (!o.out.out.empty()) {
    auto now = now_ms();
    if (!now) return std::unexpected(now.error());
    op.created_at_ms = *now;
    auto nonce = first_nonce(*ctx, o.out, merchant);
    if (!nonce) return std::unexpected(nonce.error());
    op.nonce = *nonce;
    if (auto w = write_op_file(o.out.out, {sign_op(op, *key)}); !w) return std::unexpected(w.error());
    return report("signed", std::nullopt);
  }
  bool already = false;
  auto height = write_txn<std::uint64_t>(ctx->ledger->env, &p, [&](Appender& app) -> Result<std::uint64_t> {
    // Looked up again inside the write transaction: another writer may have
    // redeemed this ref since.
    op.nonce = app.state().signer(merchant).last_nonce + 1;
    op.created_at_ms = app.now_ms();
    SignedOp s = sign_op(op, *key);
    auto st = op_standing(app.txn(), p, s, "redeem");
    if (st.kind == OpStanding::applied) {
      already = true;
      return st.height;
    }
    if (st.kind != OpStanding::fresh) return std::unexpected(st.error);
    auto status = app.append_own(s, op);
    if (app.txn().rc() != 0) return std::unexpected(app.txn().error().error());
    if (status != Status::ok) return std::unexpected(status_error(status, "redeem", "nothing was written"));
    return app.tip().next_height - 1;
  });
  if (!height) return std::unexpected(height.error());
  return report(already ? "already applied" : "redeem", *height);
}

}  // namespace

void register_redeem(CLI::App& app) {
  static Opts o;
  auto* cmd = app.add_subcommand("redeem", "a merchant returns coins for won (its own key)");
  cmd->add_option("--key", o.key, "the merchant account's key file")->type_name("FILE");
  cmd->add_option("--amount", o.amount, "amount in coins (exact decimal)")->required()->type_name("N");
  cmd->add_option("--ref", o.ref, "settlement reference, unique for this merchant")->required()->type_name("REF");
  cmd->add_option("--memo", o.memo, "free text (no personal data)")->type_name("M");
  add_out_options(cmd, o.out);
  add_command(cmd, [] {
    auto key = key_path(o.key);
    if (!key) return Result<int>(std::unexpected(key.error()));
    o.key = *key;
    return run(o);
  });
}

}  // namespace scoin::cli
