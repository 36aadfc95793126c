// Batch inputs from CSV (DESIGN.md §8): every row is checked, and every bad
// row is reported as `FILE:LINE: column: what`, before anything is signed.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "scoin/codec.hpp"
#include "scoin/csv.hpp"
#include "scoin/store.hpp"

namespace scoin {

struct Finding {
  std::string file;
  std::size_t line = 0;
  std::string column;
  std::string message;
  std::string text() const;
};

// A finding about one batch row: `FILE:LINE: column: message`, or for a row
// given on the command line (`file` empty) the column named as its option
// (`--amount`; the account column is `--to`).
Finding row_finding(std::string_view file, std::size_t line, std::string_view column, std::string message);

// Collects up to k_csv_findings_max findings (DESIGN.md §8). Once full, a
// reader stops checking and only counts the rows it leaves unchecked.
struct Findings {
  std::vector<Finding> list;
  std::size_t unchecked_rows = 0;
  void add(Finding f);
  bool empty() const { return list.empty(); }
  bool full() const { return list.size() >= k_csv_findings_max; }
};

// Checks a text field the CLI writes onto the ledger: `check_text`'s rules,
// plus the resident-registration-number guard when `personal_guard`. Returns
// an empty string when fine.
std::string check_ledger_text(std::string_view s, std::size_t min_bytes, std::size_t max_bytes,
                              bool allow_lf, bool personal_guard);

// Called with (work done, work in all or 0 when unknown) while working.
using Progress = std::function<void(std::uint64_t done, std::uint64_t total)>;

// Reads a batch CSV whole: the header first (refused at once when the file
// is empty or a required column is missing), then every record. Malformed
// records and records with the wrong number of fields become findings; once
// the findings are full, rows are only counted as unchecked; more than
// k_csv_rows_max rows, or none, is an error. `row` gets each other record's
// line and its fields in the order required then optional (a missing
// optional column gives empty fields). `progress` hears of the bytes read.
using CsvRowFn = std::function<void(std::size_t line, const std::vector<std::string_view>& fields)>;
Result<void> read_batch_csv(CsvReader& reader, const std::vector<std::string_view>& required,
                            const std::vector<std::string_view>& optional, Findings& findings,
                            const CsvRowFn& row, const Progress& progress = {});

struct OpenRow {
  std::size_t line = 0;
  Key32 account{};
  Kind kind = Kind::resident;
  std::string label;
};

// Checks one account to open — its address, kind and label — against the
// ledger as seen by `txn`. Fills `row` and returns the problems found as
// (column, message) pairs; empty when the account can be opened.
std::vector<std::pair<std::string, std::string>> check_open(const Txn& txn, std::string_view address,
                                                            std::string_view kind,
                                                            std::string_view label, OpenRow& row);

// Reads an `account open --csv` file (columns address,kind,label in any
// order) and checks every row, against each other and against the ledger as
// seen by `txn`. Fatal problems (missing file, bad header, a record over the
// limit) are an Error; row problems go to `findings`.
Result<std::vector<OpenRow>> read_open_csv(const std::string& path, const Txn& txn,
                                           Findings& findings);

}  // namespace scoin
