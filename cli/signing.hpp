// Where signed ops go (DESIGN.md §4.3): appended to the local replica, or
// written to an op file with --out — with --nonce, --chain-id and --decimals
// when the signing machine has no replica at all.
#pragma once

#include <optional>

#include "common.hpp"

namespace scoin::cli {

struct OutOptions {
  std::string out;
  std::optional<std::uint64_t> nonce;
  std::string chain_id;
  std::optional<unsigned> decimals;
  bool offline() const { return !chain_id.empty(); }
};

// Adds --out, --nonce, --chain-id and --decimals to `cmd`.
void add_out_options(CLI::App* cmd, OutOptions& o);

// What signing needs: the replica and its parameters, or (offline, with
// --chain-id) the parameters given on the command line.
struct SignContext {
  std::optional<Ledger> ledger;
  Params params;
  bool offline = false;
};
Result<SignContext> sign_context(const OutOptions& o);

// The nonce of the first op to sign: --nonce, else the replica's last + 1.
Result<std::uint64_t> first_nonce(SignContext& ctx, const OutOptions& o, const Key32& signer);

// Writes `ops` as an op file at `path`; never overwrites (73).
Result<void> write_op_file(const std::string& path, const std::vector<SignedOp>& ops);

// The unit to print: the ledger's, or "coins" offline (amounts are still
// given in coins; only the ledger knows its unit's name).
std::string unit_of(const SignContext& ctx);

}  // namespace scoin::cli
