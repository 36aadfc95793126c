#include "scoin/issue.hpp"

#include <atomic>
#include <thread>

#include "scoin/amount.hpp"
#include "scoin/crypto.hpp"
#include "scoin/text.hpp"

namespace scoin {

namespace {

constexpr std::size_t k_arena_block_bytes = 1 << 20;
constexpr std::size_t k_sign_chunk_rows = 4096;

}  // namespace

void parallel_for(std::size_t n, unsigned threads, const std::function<void(std::size_t)>& fn) {
  constexpr std::size_t k_grain = 64;
  if (threads <= 1 || n <= k_grain) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, (n + k_grain - 1) / k_grain));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (;;) {
      std::size_t start = next.fetch_add(k_grain);
      if (start >= n) return;
      std::size_t end = std::min(n, start + k_grain);
      for (std::size_t i = start; i < end; ++i) fn(i);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

std::uint32_t TextPool::add(std::string_view s) {
  if (s.empty()) return 0;
  SCOIN_ASSERT(s.size() < (1u << 20));
  if (m_blocks.empty() || k_arena_block_bytes - m_used < s.size()) {
    m_blocks.push_back(std::make_unique<char[]>(k_arena_block_bytes));
    m_used = 0;
  }
  std::memcpy(m_blocks.back().get() + m_used, s.data(), s.size());
  std::uint64_t span = (static_cast<std::uint64_t>(m_blocks.size() - 1) << 40) |
                       (static_cast<std::uint64_t>(m_used) << 20) | s.size();
  m_used += s.size();
  SCOIN_ASSERT(m_spans.size() < UINT32_MAX);
  m_spans.push_back(span);
  return static_cast<std::uint32_t>(m_spans.size() - 1);
}

std::string_view TextPool::get(std::uint32_t id) const {
  if (id == 0) return {};
  SCOIN_ASSERT(id < m_spans.size());
  auto span = m_spans[id];
  return {m_blocks[span >> 40].get() + ((span >> 20) & 0xFFFFF), span & 0xFFFFF};
}

std::uint32_t IssueBatch::seen_ref(std::string_view ref, std::uint32_t ref_id, std::uint32_t line) {
  if ((m_ref_count + 1) * 2 > m_ref_table.size()) {
    // Grow to keep the table at most half full.
    std::vector<std::uint32_t> old(std::max<std::size_t>(1024, m_ref_table.size() * 2), 0);
    old.swap(m_ref_table);
    for (auto id : old) {
      if (id == 0) continue;
      auto mask = m_ref_table.size() - 1;
      auto i = std::hash<std::string_view>{}(m_texts.get(id)) & mask;
      while (m_ref_table[i] != 0) i = (i + 1) & mask;
      m_ref_table[i] = id;
    }
  }
  auto mask = m_ref_table.size() - 1;
  auto i = std::hash<std::string_view>{}(ref) & mask;
  while (m_ref_table[i] != 0) {
    if (m_texts.get(m_ref_table[i]) == ref) return m_ref_lines[m_ref_table[i]];
    i = (i + 1) & mask;
  }
  m_ref_table[i] = ref_id;
  if (m_ref_lines.size() <= ref_id) m_ref_lines.resize(ref_id + 1 + ref_id / 4, 0);
  m_ref_lines[ref_id] = line;
  ++m_ref_count;
  return 0;
}

std::uint32_t IssueBatch::intern_reason(std::string_view s) {
  auto [it, fresh] = m_reason_ids.emplace(std::string(s), static_cast<std::uint32_t>(m_reasons.size()));
  if (fresh) m_reasons.emplace_back(s);
  return it->second;
}

void IssueBatch::add_row(const Txn* txn, const Params& params, std::string_view file,
                         std::size_t line, std::string_view account, std::string_view amount,
                         std::string_view reason, std::string_view ref, std::string_view memo,
                         Findings& findings) {
  bool ok = true;
  auto bad = [&](std::string_view column, std::string message) {
    findings.add(row_finding(file, line, column, std::move(message)));
    ok = false;
  };
  IssueRow row;
  row.line = static_cast<std::uint32_t>(line);

  if (account.empty()) {
    bad("account", "empty");
  } else if (account.starts_with("sc1") || account.starts_with("SC1") || txn == nullptr) {
    if (auto k = decode_address(account)) {
      row.to = *k;
      if (txn != nullptr && !read_account(*txn, *k)) {
        bad("account", fmt::format("{} is not a registered account", account));
      }
    } else {
      bad("account", k.error().message + (txn == nullptr ? " (without a replica, give addresses)" : ""));
    }
  } else {
    std::string label(account);
    auto it = m_label_cache.find(label);
    if (it != m_label_cache.end()) {
      row.to = it->second;
    } else if (auto k = read_label_owner(*txn, label)) {
      row.to = *k;
      m_label_cache.emplace(std::move(label), *k);
    } else {
      bad("account", fmt::format("no account with the label '{}'", printable(account, 64)));
    }
  }

  if (auto units = parse_positive_amount(amount, params.genesis.decimals)) {
    row.amount = *units;
  } else {
    bad("amount", units.error().message);
  }
  if (auto why = check_ledger_text(reason, 1, k_reason_bytes_max, false, true); !why.empty()) {
    bad("reason", why);
  }
  if (auto why = check_ledger_text(memo, 0, k_memo_bytes_max, true, true); !why.empty()) {
    bad("memo", why);
  }
  auto ref_why = check_ledger_text(ref, 1, k_ref_bytes_max, false, false);
  if (!ref_why.empty()) {
    bad("ref", ref_why);
  } else {
    row.ref = m_texts.add(ref);
    if (auto earlier = seen_ref(ref, row.ref, row.line); earlier != 0) {
      bad("ref", fmt::format("'{}' also on line {}; a ref pays once", ref, earlier));
    } else if (auto height = txn ? read_ref(*txn, issue_ref_key(ref)) : std::nullopt) {
      if (ok) {
        row.reason = intern_reason(reason);
        row.memo = m_texts.add(memo);
        if (same_issue(*txn, *height, *this, row)) {
          row.already_applied = true;
        } else {
          bad("ref", fmt::format("'{}' was already used at height {} with different fields (conflict)",
                                 ref, *height));
        }
      } else {
        // The row is bad anyway; say that its ref is taken too.
        bad("ref", fmt::format("'{}' was already used at height {}", ref, *height));
      }
    }
  }
  if (!ok) return;
  row.reason = intern_reason(reason);
  if (row.memo == 0) row.memo = m_texts.add(memo);
  if (row.already_applied) ++m_already;
  m_rows.push_back(row);
}

Result<IssueBatch> IssueBatch::read_csv(const std::string& path, const Txn* txn,
                                        const Params& params, Findings& findings,
                                        const Progress& progress) {
  auto reader = CsvReader::open(path);
  if (!reader) return std::unexpected(reader.error());
  const std::string file = reader->name();
  IssueBatch batch;
  batch.set_source(file);
  auto r = read_batch_csv(*reader, {"account", "amount", "reason", "ref"}, {"memo"}, findings,
                          [&](std::size_t line, const std::vector<std::string_view>& f) {
                            batch.add_row(txn, params, file, line, f[0], f[1], f[2], f[3], f[4], findings);
                          },
                          progress);
  if (!r) return std::unexpected(r.error());
  return batch;
}

std::vector<IssueBatch::ReasonTotal> IssueBatch::totals_by_reason() const {
  std::vector<ReasonTotal> out(m_reasons.size());
  for (std::size_t i = 0; i < m_reasons.size(); ++i) out[i].reason = m_reasons[i];
  for (auto& r : m_rows) {
    if (r.already_applied) continue;
    ++out[r.reason].rows;
    out[r.reason].units += r.amount;  // each ≤ 2^63-1, and at most 10^7 rows: fits after new_units() passed
  }
  std::erase_if(out, [](const ReasonTotal& t) { return t.rows == 0; });
  return out;
}

Result<std::uint64_t> IssueBatch::new_units() const {
  std::uint64_t sum = 0;
  for (auto& r : m_rows) {
    if (r.already_applied) continue;
    if (!add_u64(sum, r.amount, sum) || sum > k_amount_max) {
      return fail(Exit::data, "{}: the batch totals more than 2^63-1 base units",
                  m_source.empty() ? "issue" : m_source);
    }
  }
  return sum;
}

Result<void> IssueBatch::check_limits(const Txn& txn) const {
  auto units = new_units();
  if (!units) return std::unexpected(units.error());
  const std::string where = m_source.empty() ? "issue" : m_source;
  auto totals = read_totals(txn);
  std::uint64_t issued;
  if (!add_u64(totals.issued, *units, issued) || issued > k_amount_max) {
    return fail(Exit::data, "{}: the total ever issued would pass 2^63-1 base units (supply_overflow)", where);
  }
  struct KeyHash {
    std::size_t operator()(const Key32& k) const {
      std::size_t h;
      std::memcpy(&h, k.data(), sizeof h);
      return h;
    }
  };
  std::unordered_map<Key32, std::uint64_t, KeyHash> added;
  for (auto& r : m_rows) {
    if (!r.already_applied) added[r.to] += r.amount;  // ≤ new_units ≤ 2^63-1
  }
  for (auto& [key, amount] : added) {
    auto a = read_account(txn, key);
    std::uint64_t balance;
    if (!a || !add_u64(a->balance, amount, balance) || balance > k_amount_max) {
      return fail(Exit::data, "{}: {}'s balance would pass 2^63-1 base units (balance_overflow)", where,
                  a ? a->label : encode_address(key));
    }
  }
  return {};
}

Op issue_op(const IssueBatch& batch, const IssueRow& row, const Hash32& chain_id,
            const Key32& signer, std::uint64_t nonce, std::uint64_t created_at_ms) {
  Op op;
  op.chain_id = chain_id;
  op.created_at_ms = created_at_ms;
  op.signer = signer;
  op.nonce = nonce;
  op.body = IssueBody{row.to, row.amount, batch.reasons()[row.reason], std::string(batch.ref(row)),
                      std::string(batch.memo(row))};
  return op;
}

bool same_issue(const Txn& txn, std::uint64_t height, const IssueBatch& batch, const IssueRow& row) {
  auto e = read_entry(txn, height);
  if (!e || !*e) return false;
  auto op = decode_op((*e)->op);
  if (!op) return false;
  auto* b = std::get_if<IssueBody>(&op->body);
  return b != nullptr && b->to == row.to && b->amount == row.amount &&
         b->reason == batch.reasons()[row.reason] && b->ref == batch.ref(row) && b->memo == batch.memo(row);
}

static std::string row_where(const IssueBatch& batch, const IssueRow& row) {
  if (row.line == 0 || batch.source().empty()) return fmt::format("issue {}", batch.ref(row));
  return fmt::format("{}:{}", batch.source(), row.line);
}

Result<IssueResult> append_issue_batch(Env& env, const Params& params, const SecretKey& key,
                                       IssueBatch& batch, unsigned threads,
                                       const Progress& progress) {
  return write_txn<IssueResult>(env, &params, [&](Appender& app) -> Result<IssueResult> {
    IssueResult result;
    result.first_height = app.tip().next_height;
    auto& txn = app.txn();
    std::uint64_t nonce = app.state().signer(key.public_key()).last_nonce;
    const auto& rows = batch.rows();

    // A chunk of rows to sign: which rows, their nonces, and the signed ops.
    struct Chunk {
      std::size_t end = 0;
      std::vector<std::size_t> rows;
      std::vector<Op> ops;
      std::vector<SignedOp> signed_ops;
      std::atomic<std::size_t> next_to_sign{0};
      // Signs ops until none is left; any number of threads may call it.
      void sign_some(const SecretKey& key) {
        constexpr std::size_t k_grain = 32;
        for (;;) {
          std::size_t start = next_to_sign.fetch_add(k_grain);
          if (start >= ops.size()) return;
          for (std::size_t k = start; k < std::min(ops.size(), start + k_grain); ++k) {
            signed_ops[k] = sign_op(ops[k], key);
          }
        }
      }
    };
    // Picks the next chunk's new rows. Runs on this thread: LMDB's write
    // transaction is not to be used from another. Refs are looked up again,
    // since another writer may have applied one since the batch was checked.
    auto pick = [&](std::size_t start, Chunk& c) -> Result<void> {
      c.end = std::min(rows.size(), start + k_sign_chunk_rows);
      c.rows.clear();
      c.ops.clear();
      for (std::size_t i = start; i < c.end; ++i) {
        const auto& row = rows[i];
        if (row.already_applied) {
          ++result.already_applied;
          continue;
        }
        if (auto h = read_ref(txn, issue_ref_key(batch.ref(row)))) {
          if (!same_issue(txn, *h, batch, row)) {
            return fail(Exit::data,
                        "{}: ref: '{}' was used at height {} with different fields (conflict); "
                        "nothing was written",
                        row_where(batch, row), batch.ref(row), *h);
          }
          ++result.already_applied;
          continue;
        }
        c.rows.push_back(i);
        c.ops.push_back(issue_op(batch, row, params.chain_id, key.public_key(), ++nonce, app.now_ms()));
      }
      return {};
    };
    auto prepare = [](Chunk& c) {
      c.signed_ops.assign(c.ops.size(), SignedOp{});
      c.next_to_sign = 0;
    };

    // Pipeline: while this thread appends chunk k, the other cores sign
    // chunk k+1, and this thread joins them when its appends are done. The
    // append order stays the row order.
    auto current = std::make_unique<Chunk>();
    auto next = std::make_unique<Chunk>();
    if (rows.empty()) return result;
    if (auto r = pick(0, *current); !r) return std::unexpected(r.error());
    prepare(*current);
    {
      std::vector<std::thread> signers;
      for (unsigned t = 1; t < threads; ++t) signers.emplace_back([&] { current->sign_some(key); });
      current->sign_some(key);
      for (auto& t : signers) t.join();
    }
    for (;;) {
      std::vector<std::thread> signers;
      bool more = current->end < rows.size();
      if (more) {
        if (auto r = pick(current->end, *next); !r) return std::unexpected(r.error());
        prepare(*next);
        for (unsigned t = 1; t < threads; ++t) signers.emplace_back([&] { next->sign_some(key); });
      }
      Result<void> appended;
      for (std::size_t k = 0; k < current->ops.size(); ++k) {
        auto s = app.append_own(current->signed_ops[k], current->ops[k]);
        if (txn.rc() != 0) {
          appended = std::unexpected(txn.error().error());
          break;
        }
        if (s != Status::ok) {
          appended = std::unexpected(Error{status_exit(s), fmt::format("{}: {} ({}); nothing was written",
                                                                       row_where(batch, rows[current->rows[k]]),
                                                                       status_message(s), status_name(s))});
          break;
        }
        ++result.appended;
        result.appended_units += std::get<IssueBody>(current->ops[k].body).amount;
      }
      if (more) {
        if (!appended) next->next_to_sign = next->ops.size();  // stop the signers early
        next->sign_some(key);
      }
      for (auto& t : signers) t.join();
      if (!appended) return std::unexpected(appended.error());
      if (progress) progress(current->end, rows.size());
      if (!more) break;
      std::swap(current, next);
    }
    return result;
  });
}

std::vector<SignedOp> sign_issue_batch(const Params& params, const SecretKey& key,
                                       const IssueBatch& batch, std::uint64_t first_nonce,
                                       std::uint64_t created_at_ms, unsigned threads) {
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < batch.rows().size(); ++i)
    if (!batch.rows()[i].already_applied) todo.push_back(i);
  std::vector<SignedOp> out(todo.size());
  parallel_for(todo.size(), threads, [&](std::size_t k) {
    out[k] = sign_op(issue_op(batch, batch.rows()[todo[k]], params.chain_id, key.public_key(),
                              first_nonce + k, created_at_ms),
                     key);
  });
  return out;
}

}  // namespace scoin
