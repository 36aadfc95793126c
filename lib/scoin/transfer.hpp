// Payments (scoin transfer): one or a batch of payouts from one account,
// every row checked before anything is signed (DESIGN.md §4.1, §5, §8).
#pragma once

#include <string>
#include <vector>

#include "scoin/batch.hpp"
#include "scoin/ledger.hpp"

namespace scoin {

struct TransferRow {
  std::size_t line = 0;  // 0: given on the command line
  Key32 to{};
  std::uint64_t amount = 0;
  std::string memo;
};

// Checks one payment from `sender` and adds it to `rows` when good. With a
// replica (`txn` not null) the recipient may be a label and must be an
// account, kinds must be allowed, and the running total of `rows` must stay
// within the sender's balance; without one (offline signing) only addresses
// are accepted and only the row itself is checked. Problems go to
// `findings` (file empty: a command-line row, columns named as options).
void check_transfer_row(const Txn* txn, const Params& params, const Key32& sender,
                        std::string_view file, std::size_t line, std::string_view to,
                        std::string_view amount, std::string_view memo,
                        std::vector<TransferRow>& rows, Findings& findings);

// Reads a payout CSV (`account,amount[,memo]`, any order; `-` is stdin) and
// checks every row as `check_transfer_row`.
Result<std::vector<TransferRow>> read_transfer_csv(const std::string& path, const Txn* txn,
                                                   const Params& params, const Key32& sender,
                                                   Findings& findings);

}  // namespace scoin
