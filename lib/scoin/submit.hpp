// Appending signed ops that arrive in op files (scoin submit), and telling
// where an op stands against a ledger (scoin show-op). DESIGN.md §4.3.
#pragma once

#include <string>
#include <vector>

#include "scoin/ledger.hpp"

namespace scoin {

struct OpStanding {
  enum Kind { fresh, applied, stale, invalid };
  Kind kind = invalid;
  Op op;                     // decoded (unless the bytes are not an op)
  std::uint64_t height = 0;  // applied: where it is
  Error error;               // stale or invalid: why
};

// Where `signed_op` stands against the ledger seen by `txn`: already in the
// chain (the same op bytes, or an issue/redeem whose ref is applied with the
// same fields), stale (its nonce was used by another op: 75), invalid (not an
// op, another ledger's, a bad signature, a ref conflict: 65), or fresh.
// `where` names it in messages (`FILE:LINE`).
OpStanding op_standing(const Txn& txn, const Params& params, const SignedOp& signed_op,
                       std::string_view where);

struct SubmitItem {
  SignedOp op;
  std::string where;  // FILE:LINE of its block
};

struct SubmitResult {
  std::uint64_t appended = 0;
  std::uint64_t already_applied = 0;
  std::uint64_t first_height = 0;
};

// Checks and appends every op in one write transaction, in order: all or
// nothing. Ops already in the chain are skipped (already applied); a stale
// op fails the whole submit with 75, any other problem with its exit status.
Result<SubmitResult> submit_ops(Env& env, const Params& params, const std::vector<SubmitItem>& items);

}  // namespace scoin
