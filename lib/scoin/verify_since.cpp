// verify-chain --since-state: the entries after an auditor's saved
// checkpoint, checked as a full run checks them, at the cost of what they
// hold rather than of the whole ledger.
//
// The saved checkpoint (size m, root) was accepted by an earlier run. What
// the replica stores for the first m entries is bound to it here: the stored
// perfect subtrees at size m must fold to the saved root, and the last old
// entry's hash is proved under it, so the first new entry's prev_hash links
// to exactly the history the auditor saw. The rules then need the state as
// of height m − 1; it is rolled back from the head's tables — balances from
// the history table, nonces, roles and totals by undoing what the new
// entries did — and everything the replay writes is compared with the
// tables. A full run is what checks the tables' old rows themselves.
#include <chrono>
#include <cstring>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "scoin/checkpoint.hpp"
#include "scoin/merkle.hpp"
#include "scoin/sigpool.hpp"
#include "scoin/sync.hpp"
#include "scoin/verify.hpp"

namespace scoin {

namespace {

struct KeyHasher {
  std::size_t operator()(const Key32& k) const {
    std::size_t h;
    std::memcpy(&h, k.data(), sizeof h);
    return h;
  }
};

// What the new entries did that the rollback must undo, read before the replay.
struct RangeEffects {
  std::unordered_map<Key32, std::uint64_t, KeyHasher> ops_by_signer;
  std::vector<RoleBody> roles;  // in height order
  std::uint64_t issued = 0, redeemed = 0;
  std::uint64_t admins_granted = 0, admins_revoked = 0;
  bool overflow = false;
};

class Since;

// The rules' state as of the saved checkpoint, plus what the replay writes.
class SinceState final : public State {
 public:
  SinceState(const Txn& txn, std::uint64_t m, const RangeEffects& fx, Since& v) : m_txn(txn), m_m(m), m_fx(fx), m_v(v) {}

  std::optional<AccountRec> account(const Key32& key) override {
    if (auto it = accounts.find(key); it != accounts.end()) return it->second;
    auto a = read_account(m_txn, key);
    if (!a || a->opened_at >= m_m) return std::nullopt;
    auto balance = balance_at(m_txn, key, m_m - 1);
    if (!balance) return std::nullopt;
    a->balance = *balance;
    return a;
  }
  void put_account(const Key32& key, const AccountRec& rec) override { accounts[key] = rec; }
  SignerRec signer(const Key32& key) override {
    if (auto it = signers.find(key); it != signers.end()) return it->second;
    SignerRec rec = read_signer(m_txn, key);
    if (auto it = m_fx.ops_by_signer.find(key); it != m_fx.ops_by_signer.end()) {
      // The nonce before the range; a table behind its entries shows as a
      // nonce finding in the replay.
      rec.last_nonce = rec.last_nonce >= it->second ? rec.last_nonce - it->second : 0;
    }
    for (auto it = m_fx.roles.rbegin(); it != m_fx.roles.rend(); ++it) {
      if (it->key != key) continue;
      const std::uint8_t bit = it->role == Role::admin ? k_role_admin_bit : k_role_issuer_bit;
      if (it->action == RoleAction::grant) {
        rec.roles &= static_cast<std::uint8_t>(~bit);
      } else {
        rec.roles |= bit;
      }
    }
    return rec;
  }
  void put_signer(const Key32& key, const SignerRec& rec) override { signers[key] = rec; }
  std::optional<Key32> label_owner(std::string_view label) override {
    if (auto it = labels.find(std::string(label)); it != labels.end()) return it->second;
    auto owner = read_label_owner(m_txn, label);
    if (!owner) return std::nullopt;
    auto a = read_account(m_txn, *owner);
    if (!a || a->opened_at >= m_m) return std::nullopt;
    return owner;
  }
  void put_label(std::string_view label, const Key32& key) override { labels[std::string(label)] = key; }
  std::optional<std::uint64_t> ref_height(ByteView ref_key) override {
    if (auto it = refs.find(Bytes(ref_key.begin(), ref_key.end())); it != refs.end()) return it->second;
    auto h = read_ref(m_txn, ref_key);
    if (h && *h < m_m) return h;
    return std::nullopt;
  }
  void put_ref(ByteView ref_key, std::uint64_t h) override;
  void put_history(const Key32& key, std::uint64_t h, std::uint64_t balance) override;
  void put_op_hash(const Hash32& op_h, std::uint64_t h) override;
  Totals totals() override {
    if (m_totals) return *m_totals;
    Totals t = read_totals(m_txn);
    // Checked: a table behind its entries is a finding of the totals compare.
    t.issued = t.issued >= m_fx.issued ? t.issued - m_fx.issued : 0;
    t.redeemed = t.redeemed >= m_fx.redeemed ? t.redeemed - m_fx.redeemed : 0;
    t.admins = t.admins + m_fx.admins_revoked >= m_fx.admins_granted ? t.admins + m_fx.admins_revoked - m_fx.admins_granted : 0;
    return t;
  }
  void put_totals(const Totals& t) override { m_totals = t; }
  bool totals_written() const { return m_totals.has_value(); }

  std::unordered_map<Key32, AccountRec, KeyHasher> accounts;
  std::unordered_map<Key32, SignerRec, KeyHasher> signers;
  std::unordered_map<std::string, Key32> labels;
  std::map<Bytes, std::uint64_t> refs;

 private:
  const Txn& m_txn;
  std::uint64_t m_m;
  const RangeEffects& m_fx;
  Since& m_v;
  std::optional<Totals> m_totals;
};

class Since {
 public:
  Since(Env& env, const Txn& txn, const VerifyOptions& o, VerifyReport& r)
      : m_env(env), m_txn(txn), m_o(o), m_r(r), m_m(o.since->first), m_root(o.since->second) {
    std::sort(m_root_sizes.begin(), m_root_sizes.end());
  }

  void finding(std::uint64_t height, std::string check, std::string message, std::string expected = {},
               std::string actual = {}) {
    if (m_r.findings.size() >= m_o.findings_max) {
      m_r.findings_truncated = true;
      return;
    }
    VerifyFinding f;
    f.height = height;
    if (height == m_height && m_hash_known) f.entry_hash = m_hash;
    f.check = std::move(check);
    f.message = std::move(message);
    f.expected = std::move(expected);
    f.actual = std::move(actual);
    m_r.findings.push_back(std::move(f));
  }
  // A row the replay writes, compared with the table's.
  // `what` names the row: text, or a function making the text (only called
  // when the row differs).
  template <typename What>
  void expect(MDB_dbi dbi, std::string_view table, ByteView key, ByteView value, const What& what) {
    auto v = m_txn.get(dbi, key);
    if (!v || !std::equal(value.begin(), value.end(), v->begin(), v->end())) {
      std::string name;
      if constexpr (std::is_invocable_v<What>) {
        name = what();
      } else {
        name = what;
      }
      finding(m_height, std::string(table), fmt::format("{} is {}", name, v ? "different" : "missing"),
              value.size() == 8 && table != "tree" ? std::to_string(get_u64(value.data())) : to_hex(value),
              !v ? "(none)" : v->size() == 8 && table != "tree" ? std::to_string(get_u64(v->data())) : to_hex(*v));
    }
  }
  const Txn& txn() const { return m_txn; }
  std::uint64_t height() const { return m_height; }

  void run();

 private:
  bool bind_old_history();
  void read_effects();
  void walk();
  void check_checkpoint_at(std::uint64_t size);
  void compare_state();

  Env& m_env;
  const Txn& m_txn;
  const VerifyOptions& m_o;
  VerifyReport& m_r;
  const std::uint64_t m_m;
  std::vector<std::uint64_t> m_root_sizes = m_o.root_sizes;  // sorted
  const Hash32 m_root;
  Params m_params;
  RangeEffects m_fx;
  std::optional<SinceState> m_state;
  MerkleFrontier m_frontier;
  Bytes m_tree_value;
  std::unique_ptr<SigPool> m_pool = std::make_unique<SigPool>(sig_pool_threads(m_o.threads));
  std::vector<SigPool::Job> m_batch;
  Tip m_tip;
  std::uint64_t m_height = 0;
  Hash32 m_hash{};
  bool m_hash_known = false;
};

void SinceState::put_ref(ByteView ref_key, std::uint64_t h) {
  refs[Bytes(ref_key.begin(), ref_key.end())] = h;
  m_v.expect(m_txn.dbs().refs, "refs", ref_key, be64(h), "the refs row");
}
void SinceState::put_history(const Key32& key, std::uint64_t h, std::uint64_t balance) {
  m_v.expect(m_txn.dbs().history, "history", history_key(key, h), be64(balance),
             [&] { return "the history row of " + encode_address(key); });
}
void SinceState::put_op_hash(const Hash32& op_h, std::uint64_t h) {
  m_v.expect(m_txn.dbs().ops, "ops", op_h, be64(h), "the ops row");
}

// Binds what the replica holds for the first m entries to the saved root.
bool Since::bind_old_history() {
  const std::uint64_t last = m_m - 1;
  m_height = last;
  auto f = MerkleFrontier::load(TableSubtrees(m_txn), m_m);
  if (!f) {
    finding(last, "tree", f.error().message);
    return false;
  }
  if (f->root() != m_root) {
    finding(last, "fork",
            fmt::format("the replica's first {} entries are not the ones the saved checkpoint signed", m_m),
            to_hex(m_root), to_hex(f->root()));
    return false;
  }
  m_frontier = std::move(*f);
  auto hv = m_txn.get(m_txn.dbs().hashes, be64(last));
  auto ev = m_txn.get(m_txn.dbs().entries, be64(last));
  if (!hv || hv->size() != 32 || !ev) {
    finding(last, "hashes", fmt::format("the entry or hash at height {} is missing", last));
    return false;
  }
  Hash32 h;
  std::copy(hv->begin(), hv->end(), h.begin());
  auto path = merkle_inclusion_proof(TableSubtrees(m_txn), last, m_m);
  if (!path || !merkle_verify_inclusion(merkle_leaf_hash(h), last, m_m, *path, m_root)) {
    finding(last, "fork", fmt::format("the hash of entry {} is not the one under the saved checkpoint's root", last));
    return false;
  }
  if (entry_hash(*ev) != h) {
    finding(last, "hashes", fmt::format("the entry at height {} does not hash to its proved hash", last), to_hex(h),
            to_hex(entry_hash(*ev)));
    return false;
  }
  auto e = view_entry(*ev);
  if (!e) {
    finding(last, "entry", "the entry's bytes do not parse");
    return false;
  }
  m_tip = Tip{m_m, h, e->appended_at_ms};
  return true;
}

void Since::read_effects() {
  Cursor c(m_txn, m_txn.dbs().entries);
  for (bool ok = c.seek(MDB_SET_RANGE, be64(m_m)); ok; ok = c.seek(MDB_NEXT)) {
    auto e = view_entry(c.value());
    if (!e) continue;
    auto op = decode_op(e->op);
    if (!op) continue;  // the walk reports it
    ++m_fx.ops_by_signer[op->signer];
    std::visit(
        [&](const auto& b) {
          using T = std::decay_t<decltype(b)>;
          if constexpr (std::is_same_v<T, RoleBody>) {
            m_fx.roles.push_back(b);
            if (b.role == Role::admin) ++(b.action == RoleAction::grant ? m_fx.admins_granted : m_fx.admins_revoked);
          }
          if constexpr (std::is_same_v<T, IssueBody>) m_fx.overflow |= __builtin_add_overflow(m_fx.issued, b.amount, &m_fx.issued);
          if constexpr (std::is_same_v<T, RedeemBody>) m_fx.overflow |= __builtin_add_overflow(m_fx.redeemed, b.amount, &m_fx.redeemed);
        },
        op->body);
  }
}

void Since::walk() {
  Cursor c(m_txn, m_txn.dbs().entries);
  std::uint64_t walked = 0;
  const std::uint64_t total = entry_count(m_txn) - m_m;
  for (bool ok = c.seek(MDB_SET_RANGE, be64(m_m)); ok; ok = c.seek(MDB_NEXT)) {
    if (c.key().size() != 8) {
      finding(m_tip.next_height, "entries", "a key in entries that is not an 8-byte height");
      break;
    }
    const std::uint64_t h = get_u64(c.key().data());
    m_height = h;
    m_hash = entry_hash(c.value());
    m_hash_known = true;
    if (h != m_tip.next_height) {
      finding(m_tip.next_height, "height", fmt::format("entry {} is missing", m_tip.next_height),
              std::to_string(m_tip.next_height), std::to_string(h));
      break;
    }
    expect(m_txn.dbs().hashes, "hashes", c.key(), m_hash, "the hashes row");
    m_frontier.push(merkle_leaf_hash(m_hash), m_tree_value);
    expect(m_txn.dbs().tree, "tree", c.key(), m_tree_value, "the tree row");
    auto e = decode_entry(c.value());
    Op op;
    std::string detail;
    auto s = e ? check_entry(*e, m_tip, &m_params, op, &detail, SigCheck::by_caller) : Status::op_malformed;
    ++walked;
    if (s == Status::ok) {
      // The signature, on the pool's threads; views into this read
      // transaction's pages, valid until it ends.
      auto v = view_entry(c.value());
      SCOIN_ASSERT(v.has_value());
      m_batch.push_back(SigPool::Job{v->op, v->sig, h, m_hash});
      if (m_batch.size() >= k_sig_batch) m_pool->submit(std::exchange(m_batch, {}));
      ++m_r.signatures;
    }
    if (s == Status::prev_hash_mismatch || s == Status::height_not_next || !e) {
      finding(h, s == Status::prev_hash_mismatch ? "prev_hash" : "entry",
              !e ? std::string("the entry's bytes do not parse") : std::string(status_message(s)));
      if (!m_o.all) {
        m_r.stopped_at_broken_link = true;
        break;
      }
    } else if (s != Status::ok) {
      finding(h, "entry",
              fmt::format("{} ({}){}{}", status_message(s), status_name(s), detail.empty() ? "" : ": ", detail));
    } else {
      auto rs = apply_op(*m_state, &m_params, op, op_hash(e->op), h);
      if (rs != Status::ok) {
        finding(h, "rule", fmt::format("{} ({})", status_message(rs), status_name(rs)));
        auto rec = m_state->signer(op.signer);
        if (op.nonce > rec.last_nonce) {
          rec.last_nonce = op.nonce;
          m_state->put_signer(op.signer, rec);
        }
      }
    }
    m_tip = Tip{h + 1, m_hash, e ? std::max(m_tip.prev_appended_at_ms, e->appended_at_ms) : m_tip.prev_appended_at_ms};
    check_checkpoint_at(m_frontier.size());
    if (m_o.progress && walked % 4096 == 0) m_o.progress(walked, total);
  }
  m_r.entries = walked;
  if (!m_batch.empty()) m_pool->submit(std::exchange(m_batch, {}));
  const auto at = std::tuple(m_height, m_hash, m_hash_known);
  for (auto& j : m_pool->finish()) {
    m_height = j.height;
    m_hash = j.hash;
    m_hash_known = true;
    finding(j.height, "signature", "the Ed25519 signature does not verify");
  }
  std::tie(m_height, m_hash, m_hash_known) = at;
}

void Since::check_checkpoint_at(std::uint64_t size) {
  // The root costs about log2(size) hashes: only when a root or a stored
  // checkpoint asks for it, not after every entry.
  const bool want_root = std::binary_search(m_root_sizes.begin(), m_root_sizes.end(), size);
  auto stored = read_checkpoint(m_txn, size);
  if (!stored) {
    finding(size - 1, "checkpoint", stored.error().message);
    return;
  }
  if (!want_root && !*stored) return;
  const Hash32 root = m_frontier.root();
  if (want_root) m_r.roots[size] = root;
  if (!*stored) return;
  const Checkpoint& cp = **stored;
  ++m_r.checkpoints;
  std::vector<Key32> admins;
  Cursor c(m_txn, m_txn.dbs().signers);
  for (bool ok = c.seek(MDB_FIRST); ok; ok = c.seek(MDB_NEXT)) {
    if (c.key().size() != 32) continue;
    Key32 k;
    std::copy(c.key().begin(), c.key().end(), k.begin());
    if ((m_state->signer(k).roles & k_role_admin_bit) != 0) admins.push_back(k);
  }
  for (auto& problem : checkpoint_problems(cp, m_params.chain_id, root, admins)) {
    finding(size - 1, "checkpoint", std::move(problem));
  }
}

// What the replay wrote must be what the tables hold at the head.
void Since::compare_state() {
  const auto head = m_tip.next_height - 1;
  m_height = head;
  m_hash_known = false;
  for (const auto& [key, rec] : m_state->accounts) {
    auto stored = read_account(m_txn, key);
    if (!stored || !(*stored == rec)) {
      finding(head, "accounts", fmt::format("the accounts row of {} differs from what the entries make", encode_address(key)),
              fmt::format("balance {}", rec.balance), stored ? fmt::format("balance {}", stored->balance) : "(none)");
    }
  }
  for (const auto& [key, rec] : m_state->signers) {
    auto stored = read_signer(m_txn, key);
    if (stored.last_nonce != rec.last_nonce || stored.roles != rec.roles) {
      finding(head, "signers", fmt::format("the signers row of {} differs from what the entries make", encode_address(key)),
              fmt::format("nonce {} roles {}", rec.last_nonce, rec.roles),
              fmt::format("nonce {} roles {}", stored.last_nonce, stored.roles));
    }
  }
  for (const auto& [label, key] : m_state->labels) {
    auto owner = read_label_owner(m_txn, label);
    if (!owner || *owner != key) {
      finding(head, "labels", fmt::format("the labels row of '{}' differs from what the entries make", label));
    }
  }
  if (m_fx.overflow) finding(head, "supply", "the new entries issue or redeem more than 2^64 − 1 units");
  const Totals t = m_state->totals();
  const Totals stored = read_totals(m_txn);
  if (!(t == stored)) {
    finding(head, "meta", "the totals row differs from what the entries make",
            fmt::format("issued {} redeemed {} admins {}", t.issued, t.redeemed, t.admins),
            fmt::format("issued {} redeemed {} admins {}", stored.issued, stored.redeemed, stored.admins));
  }
  // The supply invariant over every account (as many reads as accounts).
  std::uint64_t supply = 0, accounts = 0;
  bool overflow = false;
  Cursor c(m_txn, m_txn.dbs().accounts);
  for (bool ok = c.seek(MDB_FIRST); ok; ok = c.seek(MDB_NEXT)) {
    auto a = decode_account(c.value());
    if (!a) continue;
    overflow |= __builtin_add_overflow(supply, a->balance, &supply);
    ++accounts;
  }
  if (overflow || stored.issued < stored.redeemed || stored.issued - stored.redeemed != supply) {
    finding(head, "supply", "Σ issued − Σ redeemed is not Σ balances",
            std::to_string(stored.issued - stored.redeemed), std::to_string(supply));
  }
  m_r.accounts = accounts;
  m_r.totals = stored;
  m_r.supply = supply;
  // No hashes or tree rows past the head.
  for (auto [dbi, table] : {std::pair{m_txn.dbs().hashes, "hashes"}, std::pair{m_txn.dbs().tree, "tree"}}) {
    Cursor hc(m_txn, dbi);
    if (hc.seek(MDB_LAST) && (hc.key().size() != 8 || get_u64(hc.key().data()) > head)) {
      finding(head, table, fmt::format("a row in {} beyond the last entry", table));
    }
  }
}

void Since::run() {
  auto params = load_params(m_txn);
  if (!params) {
    finding(0, "genesis", params.error().message);
    return;
  }
  m_params = *params;
  m_r.chain_id = m_params.chain_id;
  if (auto g = m_txn.get(m_txn.dbs().entries, be64(0)); !g || entry_hash(*g) != m_params.chain_id) {
    finding(0, "chain_id", "the genesis entry does not hash to the replica's chain id");
    return;
  }
  const std::uint64_t n = entry_count(m_txn);
  if (m_m == 0 || m_m > n) {
    finding(n > 0 ? n - 1 : 0, "fork", fmt::format("the replica holds {} entries, fewer than the saved checkpoint's {}", n, m_m));
    return;
  }
  if (!bind_old_history()) return;
  if (std::find(m_o.root_sizes.begin(), m_o.root_sizes.end(), m_m) != m_o.root_sizes.end()) m_r.roots[m_m] = m_root;
  read_effects();
  m_state.emplace(m_txn, m_m, m_fx, *this);
  // A checkpoint stored for the saved size itself is checked too: the walk
  // below checks only the sizes after it.
  check_checkpoint_at(m_m);
  walk();
  if (!m_r.stopped_at_broken_link) compare_state();
  m_r.head_height = m_tip.next_height - 1;
  m_r.head_hash = m_tip.prev_hash;
  m_r.tree_size = m_frontier.size();
  m_r.tree_root = m_frontier.root();
  // Checkpoints beyond the head.
  Cursor c(m_txn, m_txn.dbs().checkpoints);
  if (c.seek(MDB_LAST) && c.key().size() == 8 && get_u64(c.key().data()) > m_frontier.size()) {
    finding(m_tip.next_height - 1, "checkpoint",
            fmt::format("a checkpoint for {} entries is stored, but the replica holds {}", get_u64(c.key().data()),
                        m_frontier.size()));
  }
  (void)m_env;
}

}  // namespace

Result<VerifyReport> verify_chain_since(Env& env, const VerifyOptions& options) {
  SCOIN_ASSERT(options.since.has_value());
  crypto_init();
  auto start = std::chrono::steady_clock::now();
  auto txn = Txn::begin(env, false);
  if (!txn) return std::unexpected(txn.error());
  VerifyReport report;
  Since(env, *txn, options, report).run();
  if (options.expect_chain_id && *options.expect_chain_id != report.chain_id) {
    VerifyFinding f;
    f.check = "expect_chain_id";
    f.message = "the genesis entry's hash is not the expected chain id";
    f.expected = to_hex(*options.expect_chain_id);
    f.actual = to_hex(report.chain_id);
    report.findings.insert(report.findings.begin(), f);
  }
  std::stable_sort(report.findings.begin(), report.findings.end(),
                   [](const VerifyFinding& a, const VerifyFinding& b) { return a.height < b.height; });
  report.valid = report.findings.empty();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace scoin
