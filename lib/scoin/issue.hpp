// Batch rewards (scoin issue): rows checked whole against the ledger, then
// signed and appended in one write transaction, idempotent by ref
// (DESIGN.md §4.1, §5, §8).
//
// Rows are kept compact (about 80 bytes plus their ref and memo text), so a
// 1,000,000-row file is checked in a bounded amount of memory; reasons are
// interned, since a batch repeats a handful of them.
#pragma once

#include <functional>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "scoin/batch.hpp"
#include "scoin/ledger.hpp"

namespace scoin {

// Texts kept in 1 MiB blocks and named by a 32-bit id, so a million refs cost
// their bytes plus 8 bytes each; views stay valid as the pool grows.
class TextPool {
 public:
  // Id 0 is the empty text.
  std::uint32_t add(std::string_view s);
  std::string_view get(std::uint32_t id) const;
  std::size_t size() const { return m_spans.size(); }

 private:
  std::vector<std::unique_ptr<char[]>> m_blocks;
  std::vector<std::uint64_t> m_spans{0};  // block:24 | offset:20 | length:20
  std::size_t m_used = 0;
};

struct IssueRow {
  Key32 to{};
  std::uint64_t amount = 0;
  std::uint32_t line = 0;    // 0: given on the command line
  std::uint32_t reason = 0;  // index into IssueBatch::reasons()
  std::uint32_t ref = 0;     // TextPool ids
  std::uint32_t memo = 0;
  bool already_applied = false;  // the ref is on the ledger with these very fields
};


class IssueBatch {
 public:
  IssueBatch() = default;
  IssueBatch(IssueBatch&&) = default;
  IssueBatch& operator=(IssueBatch&&) = default;

  // Reads an issue CSV (account,amount,reason,ref[,memo] in any order; `-` is
  // standard input) and checks every row against the ledger seen by `txn`.
  // Fatal problems are an Error; bad rows go to `findings`.
  // `txn` is null when signing without a replica: then accounts must be
  // addresses and refs are not looked up.
  static Result<IssueBatch> read_csv(const std::string& path, const Txn* txn, const Params& params,
                                     Findings& findings, const Progress& progress = {});

  // Checks one row and adds it when good; problems go to `findings` with
  // `file` and `line` (file empty: a command-line row, columns named as
  // options).
  void add_row(const Txn* txn, const Params& params, std::string_view file, std::size_t line,
               std::string_view account, std::string_view amount, std::string_view reason,
               std::string_view ref, std::string_view memo, Findings& findings);

  // Rows in input order; a deque, so a million rows never need one big
  // reallocation.
  const std::deque<IssueRow>& rows() const { return m_rows; }
  std::string_view ref(const IssueRow& r) const { return m_texts.get(r.ref); }
  std::string_view memo(const IssueRow& r) const { return m_texts.get(r.memo); }
  const std::vector<std::string>& reasons() const { return m_reasons; }
  // The input's name in messages (`FILE`, or empty for the command line).
  const std::string& source() const { return m_source; }
  void set_source(std::string s) { m_source = std::move(s); }
  std::size_t already_applied() const { return m_already; }

  // Totals per reason over the new rows (the already applied are counted
  // apart), for the summary.
  struct ReasonTotal {
    std::string reason;
    std::uint64_t rows = 0;
    std::uint64_t units = 0;
  };
  std::vector<ReasonTotal> totals_by_reason() const;
  // Σ amount of the new rows; an error if it passes 2^63-1.
  Result<std::uint64_t> new_units() const;
  // Checks the limits of DESIGN.md §5 the new rows would reach on the ledger
  // seen by `txn`: the total ever issued and each recipient's balance stay
  // ≤ 2^63-1 (65 otherwise).
  Result<void> check_limits(const Txn& txn) const;

 private:
  std::uint32_t intern_reason(std::string_view s);
  // The line of an earlier row with this ref, or 0; records `ref_id` at
  // `line` when the ref is new.
  std::uint32_t seen_ref(std::string_view ref, std::uint32_t ref_id, std::uint32_t line);

  std::string m_source;
  std::deque<IssueRow> m_rows;
  TextPool m_texts;
  std::vector<std::string> m_reasons;
  std::unordered_map<std::string, std::uint32_t> m_reason_ids;
  std::unordered_map<std::string, Key32> m_label_cache;
  // Refs seen so far: an open-addressing table of text ids (0 = free), with
  // the line of each id beside it.
  std::vector<std::uint32_t> m_ref_table;
  std::vector<std::uint32_t> m_ref_lines;
  std::size_t m_ref_count = 0;
  std::size_t m_already = 0;
};

// The issue op a row becomes.
Op issue_op(const IssueBatch& batch, const IssueRow& row, const Hash32& chain_id,
            const Key32& signer, std::uint64_t nonce, std::uint64_t created_at_ms);

// True when the issue op at `height` carries exactly `row`'s fields
// (recipient, amount, reason, memo).
bool same_issue(const Txn& txn, std::uint64_t height, const IssueBatch& batch, const IssueRow& row);

struct IssueResult {
  std::uint64_t appended = 0;
  std::uint64_t appended_units = 0;
  std::uint64_t already_applied = 0;
  std::uint64_t first_height = 0;  // of the first new entry, when any
};

// Signs every new row with `key` and appends them all in one write
// transaction, in row order. Inside it, each ref is looked up again (another
// writer may have come first): identical fields are skipped as already
// applied, different fields abort the whole batch (65). Signing runs on
// `threads` threads.
Result<IssueResult> append_issue_batch(Env& env, const Params& params, const SecretKey& key,
                                       IssueBatch& batch, unsigned threads,
                                       const Progress& progress = {});

// Signs every new row into op-file blocks (offline signing), nonces from
// `first_nonce` on.
std::vector<SignedOp> sign_issue_batch(const Params& params, const SecretKey& key,
                                       const IssueBatch& batch, std::uint64_t first_nonce,
                                       std::uint64_t created_at_ms, unsigned threads);

// Runs fn(i) for i in [0, n) on up to `threads` threads.
void parallel_for(std::size_t n, unsigned threads, const std::function<void(std::size_t)>& fn);

}  // namespace scoin
