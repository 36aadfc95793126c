// Describing ops for people (one-line summaries) and scripts (JSON with every
// decoded field), shared by log, show-op and verify-chain.
#pragma once

#include "common.hpp"

namespace scoin::cli {

// Label of an account key when `txn` knows it, else its address.
std::string who(const Txn* txn, const Key32& key);
std::string op_summary(const Op& op, const Params& p, const Txn* txn);
// Every field of `op`; amounts as exact decimals and base units.
json op_json(const Op& op, const Params* p);
json entry_json(const Entry& e, const Hash32& hash, const Op& op, const Params& p);

}  // namespace scoin::cli
