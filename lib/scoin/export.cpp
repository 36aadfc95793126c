#include "scoin/export.hpp"

#include <algorithm>
#include <unordered_map>

#include "scoin/amount.hpp"
#include "scoin/crypto.hpp"
#include "scoin/csv.hpp"
#include "scoin/time.hpp"

namespace scoin {

namespace {

struct KeyHash {
  std::size_t operator()(const Key32& k) const {
    std::size_t h;
    std::memcpy(&h, k.data(), sizeof h);
    return h;
  }
};

// Labels of the keys an export names, looked up once each.
class Labels {
 public:
  explicit Labels(const Txn& txn) : m_txn(txn) {}
  const std::optional<AccountRec>& get(const Key32& k) {
    auto it = m_cache.find(k);
    if (it == m_cache.end()) it = m_cache.emplace(k, read_account(m_txn, k)).first;
    return it->second;
  }
  // The label `k` had at `height`: an account's label never changes, but a
  // key (an admin's, say) may be opened as an account later, and a past
  // day's export must not change when it is.
  std::string label(const Key32& k, std::uint64_t height) {
    auto& a = get(k);
    return a && a->opened_at <= height ? a->label : std::string();
  }

 private:
  const Txn& m_txn;
  std::unordered_map<Key32, std::optional<AccountRec>, KeyHash> m_cache;
};

void row(std::string& out, std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (auto f : fields) {
    if (!first) out += ',';
    first = false;
    out += csv_quote(f);
  }
  out += '\n';
}

Error corrupt(std::uint64_t height, std::string_view what) {
  return Error{Exit::io, fmt::format("the entry at height {} {}; run scoin verify-chain", height, what)};
}

// Calls fn(height, entry bytes, entry view, op) for each entry of `range`, in
// height order, straight from the read snapshot.
template <typename Fn>
Result<void> for_each_entry(const Txn& txn, const ExportRange& range, Fn fn) {
  Cursor c(txn, txn.dbs().entries);
  auto start = be64(range.first_height);
  for (bool ok = c.seek(MDB_SET_RANGE, start); ok; ok = c.seek(MDB_NEXT)) {
    if (c.key().size() != 8) return std::unexpected(corrupt(range.first_height, "has a malformed key"));
    const std::uint64_t h = get_u64(c.key().data());
    if (h >= range.end_height) break;
    auto e = view_entry(c.value());
    if (!e) return std::unexpected(corrupt(h, "does not parse"));
    auto op = decode_op(e->op);
    if (!op) return std::unexpected(corrupt(h, "holds a malformed op"));
    fn(h, c.value(), *e, *op);
  }
  return {};
}

}  // namespace

ExportRange day_range(const Txn& txn, const Params& p, std::int64_t first_day, std::int64_t last_day) {
  const int off = p.genesis.utc_offset_min;
  return ExportRange{first_height_at_or_after(txn, day_start_ms(first_day, off)),
                     first_height_at_or_after(txn, day_start_ms(last_day + 1, off))};
}

bool day_complete(const Txn& txn, const Params& p, std::int64_t day, std::uint64_t now_ms) {
  const auto end = day_start_ms(day + 1, p.genesis.utc_offset_min);
  if (static_cast<std::int64_t>(now_ms) >= end) return true;
  auto head = read_head(txn);
  return head && static_cast<std::int64_t>(head->appended_at_ms) >= end;
}

Result<std::string> export_transactions(const Txn& txn, const Params& p, std::int64_t first_day,
                                        std::int64_t last_day, std::uint64_t now_ms, ExportInfo& info,
                                        const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  info.range = day_range(txn, p, first_day, last_day);
  info.head = read_head(txn);
  info.complete = day_complete(txn, p, last_day, now_ms);
  const unsigned d = p.genesis.decimals;
  const int off = p.genesis.utc_offset_min;
  std::string out;
  row(out, {"height", "time", "type", "from", "from_label", "to", "to_label", "amount", "unit", "reason", "ref",
            "memo", "entry_hash"});
  Labels labels(txn);
  auto walked = for_each_entry(txn, info.range, [&](std::uint64_t h, ByteView bytes, const EntryView& e,
                                                    const Op& op) {
    // Computed from the entry's bytes, not read from the hashes table (a
    // cache only verify-chain vouches for).
    std::string hash_hex = to_hex(entry_hash(bytes));
    std::string from = encode_address(op.signer), from_label = labels.label(op.signer, h);
    std::string to, to_label, amount, reason, ref, memo;
    std::visit(
        [&](const auto& b) {
          using T = std::decay_t<decltype(b)>;
          auto set_to = [&](const Key32& k) {
            to = encode_address(k);
            to_label = labels.label(k, h);
          };
          if constexpr (std::is_same_v<T, RoleBody>) {
            set_to(b.key);
            reason = fmt::format("{} {}", b.action == RoleAction::grant ? "grant" : "revoke", role_name(b.role));
          } else if constexpr (std::is_same_v<T, OpenBody>) {
            set_to(b.account);
            reason = kind_name(b.kind);
          } else if constexpr (std::is_same_v<T, IssueBody>) {
            set_to(b.to);
            amount = format_amount(b.amount, d);
            reason = b.reason;
            ref = b.ref;
            memo = b.memo;
          } else if constexpr (std::is_same_v<T, TransferBody>) {
            set_to(b.to);
            amount = format_amount(b.amount, d);
            memo = b.memo;
          } else if constexpr (std::is_same_v<T, RedeemBody>) {
            amount = format_amount(b.amount, d);
            ref = b.ref;
            memo = b.memo;
          }
        },
        op.body);
    row(out, {std::to_string(h), format_time(e.appended_at_ms, off), op_type_name(op.type()), from, from_label,
              to, to_label, amount, amount.empty() ? "" : p.genesis.unit, reason, ref, memo, hash_hex});
    ++info.rows;
    if (progress && info.rows % 4096 == 0) {
      progress(info.rows, info.range.end_height - info.range.first_height);
    }
  });
  if (!walked) return std::unexpected(walked.error());
  return out;
}

Result<std::string> export_settlements(const Txn& txn, const Params& p, std::int64_t day, std::uint64_t now_ms,
                                       ExportInfo& info) {
  info.range = day_range(txn, p, day, day);
  info.head = read_head(txn);
  info.complete = day_complete(txn, p, day, now_ms);
  const unsigned d = p.genesis.decimals;
  struct Merchant {
    Key32 key{};
    AccountRec rec;
    std::uint64_t received = 0, sent = 0, redeemed = 0;
  };
  std::unordered_map<Key32, Merchant, KeyHash> merchants;
  Labels accounts(txn);
  auto merchant = [&](const Key32& k) -> Merchant* {
    auto& a = accounts.get(k);
    if (!a || a->kind != Kind::merchant) return nullptr;
    auto [it, fresh] = merchants.try_emplace(k);
    if (fresh) {
      it->second.key = k;
      it->second.rec = *a;
    }
    return &it->second;
  };
  auto walked = for_each_entry(txn, info.range, [&](std::uint64_t, ByteView, const EntryView&, const Op& op) {
    if (auto* b = std::get_if<IssueBody>(&op.body)) {
      if (auto* m = merchant(b->to)) m->received += b->amount;
    } else if (auto* t = std::get_if<TransferBody>(&op.body)) {
      if (auto* m = merchant(t->to)) m->received += t->amount;
      if (auto* m = merchant(op.signer)) m->sent += t->amount;
    } else if (auto* r = std::get_if<RedeemBody>(&op.body)) {
      if (auto* m = merchant(op.signer)) m->redeemed += r->amount;
    }
  });
  if (!walked) return std::unexpected(walked.error());
  std::vector<Merchant*> order;
  for (auto& [k, m] : merchants) order.push_back(&m);
  std::sort(order.begin(), order.end(), [](const Merchant* a, const Merchant* b) {
    return a->rec.opened_at != b->rec.opened_at ? a->rec.opened_at < b->rec.opened_at : a->key < b->key;
  });

  std::string out;
  row(out, {"date", "account", "label", "opening", "received", "sent", "redeemed", "closing", "unit", "krw_payable"});
  const std::string date = format_day(day);
  // Sums stay exact: each column sums amounts that were each ≤ 2^63-1 and
  // whose ledger-wide total never passes 2^63-1 (the supply limit), and
  // opening and closing balances sum to at most the supply.
  __extension__ typedef unsigned __int128 u128;
  u128 sum_opening = 0, sum_received = 0, sum_sent = 0, sum_redeemed = 0, sum_closing = 0, sum_krw = 0;
  auto u128_text = [](u128 v) {
    std::string s;
    do {
      s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
      v /= 10;
    } while (v != 0);
    return s;
  };
  auto amount128 = [&](u128 v) {
    if (d == 0) return u128_text(v);
    auto scale = pow10(d);
    auto frac = u128_text(v % scale);
    return u128_text(v / scale) + "." + std::string(d - frac.size(), '0') + frac;
  };
  for (auto* m : order) {
    std::uint64_t opening = 0;
    if (info.range.first_height > 0) {
      opening = balance_at(txn, m->key, info.range.first_height - 1).value_or(0);
    }
    const std::uint64_t end = info.range.end_height;  // > first: the merchant had activity
    auto closing_hist = balance_at(txn, m->key, end - 1);
    const u128 closing = static_cast<u128>(opening) + m->received - m->sent - m->redeemed;
    if (!closing_hist || *closing_hist != closing) {
      return fail(Exit::io, "history disagrees with the entries for {} on {}; run scoin verify-chain",
                  m->rec.label, date);
    }
    row(out, {date, encode_address(m->key), m->rec.label, format_amount(opening, d), format_amount(m->received, d),
              format_amount(m->sent, d), format_amount(m->redeemed, d), format_amount(*closing_hist, d),
              p.genesis.unit, krw_text(m->redeemed, p.genesis.krw_per_coin, d)});
    sum_opening += opening;
    sum_received += m->received;
    sum_sent += m->sent;
    sum_redeemed += m->redeemed;
    sum_closing += *closing_hist;
    sum_krw += static_cast<u128>(m->redeemed) * p.genesis.krw_per_coin / pow10(d);
    ++info.rows;
  }
  row(out, {"", "TOTAL", "", amount128(sum_opening), amount128(sum_received), amount128(sum_sent),
            amount128(sum_redeemed), amount128(sum_closing), p.genesis.unit, u128_text(sum_krw)});
  return out;
}

Result<std::string> export_balances(const Txn& txn, const Params& p, std::uint64_t height, ExportInfo& info) {
  info.range = ExportRange{0, height + 1};
  info.head = read_head(txn);
  const unsigned d = p.genesis.decimals;
  std::string out;
  row(out, {"account", "kind", "label", "balance", "unit"});
  for (auto& a : list_accounts(txn)) {
    if (a.rec.opened_at > height) continue;
    auto balance = balance_at(txn, a.key, height);
    if (!balance) return fail(Exit::io, "history has no row for {} by height {}; run scoin verify-chain", a.rec.label, height);
    row(out, {encode_address(a.key), kind_name(a.rec.kind), a.rec.label, format_amount(*balance, d), p.genesis.unit});
    ++info.rows;
  }
  return out;
}

}  // namespace scoin
