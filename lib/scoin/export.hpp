// CSV exports for cron jobs and spreadsheets (DESIGN.md §4.2, §8): one read
// snapshot, rows in height order, RFC 4180 quoting, exact decimal amounts,
// times in the ledger's offset. A day's height range is found by binary
// search on appended_at_ms and balances come from `history`, so an export
// costs what the day holds, not what the ledger holds — and a past day's
// export never changes.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "scoin/ledger.hpp"

namespace scoin {

struct ExportRange {
  std::uint64_t first_height = 0;  // [first, end)
  std::uint64_t end_height = 0;
};

// What an export read: for the manifest.
struct ExportInfo {
  ExportRange range;
  std::optional<Head> head;
  std::uint64_t rows = 0;     // data rows (a settlement's TOTAL row not counted)
  bool complete = true;       // false while the last day is not over
};

// The heights booked on ledger-local days [first_day, last_day].
ExportRange day_range(const Txn& txn, const Params& p, std::int64_t first_day, std::int64_t last_day);

// True when ledger-local `day` is over: the clock has passed its end, or an
// entry is booked after it (appended_at_ms never decreases).
bool day_complete(const Txn& txn, const Params& p, std::int64_t day, std::uint64_t now_ms);

// `transactions`: one row per entry of days [first_day, last_day]:
// height,time,type,from,from_label,to,to_label,amount,unit,reason,ref,memo,entry_hash
// `progress(done, total)` hears of the entries written.
Result<std::string> export_transactions(const Txn& txn, const Params& p, std::int64_t first_day,
                                        std::int64_t last_day, std::uint64_t now_ms, ExportInfo& info,
                                        const std::function<void(std::uint64_t, std::uint64_t)>& progress = {});

// `settlements`: one row per merchant with activity on `day`, in the order
// the accounts were opened, then a TOTAL row:
// date,account,label,opening,received,sent,redeemed,closing,unit,krw_payable
Result<std::string> export_settlements(const Txn& txn, const Params& p, std::int64_t day,
                                       std::uint64_t now_ms, ExportInfo& info);

// `balances`: every account opened by then, at the end of entry `height`:
// account,kind,label,balance,unit
Result<std::string> export_balances(const Txn& txn, const Params& p, std::uint64_t height, ExportInfo& info);

}  // namespace scoin
