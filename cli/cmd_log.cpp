// scoin log: the entries, with height, booking time, type, signer and summary.
#include <algorithm>
#include <deque>

#include "describe.hpp"
#include "scoin/time.hpp"

namespace scoin::cli {

namespace {

struct Opts {
  std::string account;
  std::string date;
  std::string type;
  std::size_t limit = 0;
};

bool touches(const Op& op, const Key32& k) {
  if (op.signer == k) return true;
  return std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, IssueBody> || std::is_same_v<T, TransferBody>) return b.to == k;
        if constexpr (std::is_same_v<T, OpenBody>) return b.account == k;
        if constexpr (std::is_same_v<T, RoleBody>) return b.key == k;
        if constexpr (std::is_same_v<T, GenesisBody>) {
          return std::find(b.admins.begin(), b.admins.end(), k) != b.admins.end() ||
                 std::find(b.issuers.begin(), b.issuers.end(), k) != b.issuers.end();
        }
        return false;
      },
      op.body);
}

Result<int> run(const Opts& o) {
  auto ledger = open_ledger(true);
  if (!ledger) return std::unexpected(ledger.error());
  auto txn = Txn::begin(ledger->env, false);
  if (!txn) return std::unexpected(txn.error());
  const auto& p = ledger->params;
  std::optional<Key32> account;
  if (!o.account.empty()) {
    auto k = resolve_account(*txn, o.account, false);
    if (!k) return std::unexpected(k.error());
    account = *k;
  }
  std::optional<OpType> type;
  if (!o.type.empty()) {
    auto t = parse_op_type(o.type);
    if (!t) return std::unexpected(t.error());
    type = *t;
  }
  std::uint64_t lo = 0, hi = entry_count(*txn);
  if (!o.date.empty()) {
    auto now_day = today(p);
    if (!now_day) return std::unexpected(now_day.error());
    auto day = parse_day(o.date, *now_day);
    if (!day) return fail(Exit::usage, "--date: {}", day.error().message);
    lo = first_height_at_or_after(*txn, day_start_ms(*day, p.genesis.utc_offset_min));
    hi = first_height_at_or_after(*txn, day_start_ms(*day + 1, p.genesis.utc_offset_min));
  }
  struct Row {
    Entry e;
    Op op;
  };
  std::deque<Row> rows;
  // An entry in [lo, hi) that passes the filters goes to the front or the
  // back of `rows`; a key or bytes that do not parse stop the listing.
  Cursor c(*txn, txn->dbs().entries);
  std::uint64_t height = 0;
  auto take = [&](bool front) -> Result<void> {
    auto e = decode_entry(c.value());
    if (!e) return fail(Exit::io, "entry {}: {} (run verify-chain)", height, e.error().message);
    auto op = decode_op(e->op);
    if (!op) return fail(Exit::io, "entry {}: {} (run verify-chain)", height, op.error().message);
    if (type && op->type() != *type) return {};
    if (account && !touches(*op, *account)) return {};
    if (front) {
      rows.push_front(Row{std::move(*e), std::move(*op)});
    } else {
      rows.push_back(Row{std::move(*e), std::move(*op)});
    }
    return {};
  };
  auto at_height = [&]() -> Result<void> {
    if (c.key().size() != 8) return fail(Exit::io, "a key in entries that is not a height (run verify-chain)");
    height = get_u64(c.key().data());
    return {};
  };
  if (o.limit == 0) {
    for (bool ok = c.seek(MDB_SET_RANGE, be64(lo)); ok; ok = c.seek(MDB_NEXT)) {
      if (auto r = at_height(); !r) return std::unexpected(r.error());
      if (height >= hi) break;
      if (auto r = take(false); !r) return std::unexpected(r.error());
    }
  } else if (hi > lo) {
    // The last N: back from the end of the range, so the cost is what is
    // listed (and what the filters skip), not the whole ledger.
    bool ok = c.seek(MDB_SET_RANGE, be64(hi)) ? c.seek(MDB_PREV) : c.seek(MDB_LAST);
    for (; ok && rows.size() < o.limit; ok = c.seek(MDB_PREV)) {
      if (auto r = at_height(); !r) return std::unexpected(r.error());
      if (height < lo) break;
      if (height >= hi) continue;
      if (auto r = take(true); !r) return std::unexpected(r.error());
    }
  }
  if (globals().json) {
    json list = json::array();
    // Each entry hash is computed from the entry's bytes, not read from the
    // hashes table (a cache that only verify-chain vouches for).
    for (auto& r : rows) list.push_back(entry_json(r.e, entry_hash(encode_entry(r.e)), r.op, p));
    print_json(list);
    return 0;
  }
  for (auto& r : rows) {
    say("{:>8}  {}  {:<8}  {:<24}  {}\n", r.e.height, time_text(r.e.appended_at_ms, p),
        op_type_name(r.op.type()), who(&*txn, r.op.signer), op_summary(r.op, p, &*txn));
  }
  return 0;
}

}  // namespace

void register_log(CLI::App& app) {
  static Opts o;
  auto* cmd = app.add_subcommand("log", "list entries: height, time, type, signer, summary");
  cmd->add_option("--account", o.account, "only entries touching this account")->type_name("ACCOUNT");
  cmd->add_option("--date", o.date, "only this ledger-local day (YYYY-MM-DD, today, yesterday)")
      ->type_name("D");
  cmd->add_option("--type", o.type, "only this op type")
      ->check(CLI::IsMember({"genesis", "role", "open", "issue", "transfer", "redeem"}));
  cmd->add_option("--limit", o.limit, "only the last N matching entries")->type_name("N");
  add_command(cmd, [] { return run(o); });
}

}  // namespace scoin::cli
