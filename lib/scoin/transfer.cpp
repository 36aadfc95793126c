#include "scoin/transfer.hpp"

#include "scoin/amount.hpp"
#include "scoin/crypto.hpp"
#include "scoin/text.hpp"

namespace scoin {

void check_transfer_row(const Txn* txn, const Params& params, const Key32& sender,
                        std::string_view file, std::size_t line, std::string_view to,
                        std::string_view amount, std::string_view memo,
                        std::vector<TransferRow>& rows, Findings& findings) {
  bool ok = true;
  auto bad = [&](std::string_view column, std::string message) {
    findings.add(row_finding(file, line, column, std::move(message)));
    ok = false;
  };
  TransferRow row;
  row.line = line;
  std::optional<AccountRec> recipient;
  if (to.empty()) {
    bad("account", "empty");
  } else if (txn != nullptr) {
    if (auto k = resolve_account(*txn, to)) {
      row.to = *k;
      recipient = read_account(*txn, *k);
    } else {
      bad("account", k.error().message);
    }
  } else if (auto k = decode_address(to)) {
    row.to = *k;
  } else {
    bad("account", k.error().message + " (without a replica, give addresses)");
  }
  if (ok && row.to == sender) bad("account", "that is the sending account itself");

  if (auto units = parse_positive_amount(amount, params.genesis.decimals)) {
    row.amount = *units;
  } else {
    bad("amount", units.error().message);
  }
  if (auto why = check_ledger_text(memo, 0, k_memo_bytes_max, true, true); !why.empty()) {
    bad("memo", why);
  }
  row.memo = std::string(memo);

  if (txn != nullptr && ok) {
    auto from = read_account(*txn, sender);
    SCOIN_ASSERT(from.has_value());  // the caller checked the sender first
    if (from->kind == Kind::resident && recipient->kind == Kind::resident &&
        !(params.genesis.flags & k_flag_resident_transfers)) {
      bad("account", fmt::format("{} is a resident, and residents may not pay residents on this "
                                 "ledger (kind_not_allowed)", recipient->label));
    } else {
      std::uint64_t running = row.amount;
      for (auto& r : rows) running += r.amount;  // each ≤ balance ≤ 2^63-1, so no overflow
      if (running > from->balance) {
        bad("amount", fmt::format("{}{} exceeds the balance of {} (exceeds_balance)",
                                  format_amount(running, params.genesis.decimals),
                                  rows.empty() ? "" : " in all, with the rows before,",
                                  format_amount(from->balance, params.genesis.decimals)));
      }
    }
  }
  if (ok) rows.push_back(std::move(row));
}

Result<std::vector<TransferRow>> read_transfer_csv(const std::string& path, const Txn* txn,
                                                   const Params& params, const Key32& sender,
                                                   Findings& findings) {
  auto reader = CsvReader::open(path);
  if (!reader) return std::unexpected(reader.error());
  const std::string file = reader->name();
  std::vector<TransferRow> rows;
  auto r = read_batch_csv(*reader, {"account", "amount"}, {"memo"}, findings,
                          [&](std::size_t line, const std::vector<std::string_view>& f) {
                            check_transfer_row(txn, params, sender, file, line, f[0], f[1], f[2], rows, findings);
                          });
  if (!r) return std::unexpected(r.error());
  return rows;
}

}  // namespace scoin
