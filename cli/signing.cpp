#include "signing.hpp"

#include "scoin/amount.hpp"
#include "scoin/fsutil.hpp"
#include "scoin/text.hpp"

namespace scoin::cli {

void add_out_options(CLI::App* cmd, OutOptions& o) {
  auto* out = cmd->add_option("--out", o.out, "write the signed ops to an op file instead of appending")
                  ->type_name("FILE");
  cmd->add_option("--nonce", o.nonce, "nonce of the first op (default: the replica's next)")
      ->type_name("N")
      ->needs(out)
      ->check(CLI::Range(std::uint64_t{1}, UINT64_MAX));
  auto* chain = cmd->add_option("--chain-id", o.chain_id, "sign without a replica, for this ledger")
                    ->type_name("HEX")
                    ->needs(out);
  cmd->add_option("--decimals", o.decimals, "the ledger's decimals, when signing without a replica")
      ->type_name("N")
      ->needs(chain)
      ->check(CLI::Range(0u, 8u));
}

Result<SignContext> sign_context(const OutOptions& o) {
  SignContext ctx;
  if (!o.offline()) {
    auto ledger = open_ledger();
    if (!ledger) return std::unexpected(ledger.error());
    ctx.params = ledger->params;
    ctx.ledger.emplace(std::move(*ledger));
    return ctx;
  }
  auto chain = from_hex<32>(o.chain_id);
  if (!chain) return fail(Exit::usage, "--chain-id: '{}' is not 64 hex digits", printable(o.chain_id, 80));
  if (!o.nonce) return fail(Exit::usage, "--chain-id (signing without a replica) needs --nonce N");
  if (!o.decimals) return fail(Exit::usage, "--chain-id (signing without a replica) needs --decimals N");
  ctx.offline = true;
  ctx.params.chain_id = *chain;
  ctx.params.genesis.decimals = static_cast<std::uint8_t>(*o.decimals);
  // Unknown without the ledger: amounts are shown in plain units, no KRW.
  ctx.params.genesis.unit = "coins";
  ctx.params.genesis.krw_per_coin = 0;
  return ctx;
}

Result<std::uint64_t> first_nonce(SignContext& ctx, const OutOptions& o, const Key32& signer) {
  if (o.nonce) return *o.nonce;
  SCOIN_ASSERT(ctx.ledger.has_value());
  auto txn = Txn::begin(ctx.ledger->env, false);
  if (!txn) return std::unexpected(txn.error());
  return read_signer(*txn, signer).last_nonce + 1;
}

Result<void> write_op_file(const std::string& path, const std::vector<SignedOp>& ops) {
  return write_new_file(path, armor_ops(ops), 0644);
}

std::string unit_of(const SignContext& ctx) { return ctx.params.genesis.unit; }

}  // namespace scoin::cli
