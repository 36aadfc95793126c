#include "scoin/ledger.hpp"

#include <unistd.h>

#include <algorithm>

#include "scoin/fsutil.hpp"
#include "scoin/text.hpp"
#include "scoin/time.hpp"

namespace scoin {

namespace {

constexpr std::string_view k_meta_format = "format";
constexpr std::string_view k_meta_chain_id = "chain_id";
constexpr std::string_view k_meta_role = "role";
constexpr std::string_view k_meta_totals = "totals";
constexpr std::uint64_t k_future_slack_ms = 5 * 60 * 1000;

}  // namespace

// --- reading -------------------------------------------------------------------

Result<std::optional<Entry>> read_entry(const Txn& txn, std::uint64_t height) {
  auto v = txn.get(txn.dbs().entries, be64(height));
  if (!v) {
    if (txn.rc() != 0) return std::unexpected(lmdb_error(txn.rc(), txn.env().dir()));
    return std::optional<Entry>{};
  }
  auto e = decode_entry(*v);
  if (!e) return fail(Exit::io, "entry {}: {}", height, e.error().message);
  return std::optional<Entry>(std::move(*e));
}

Result<Params> load_params(const Txn& txn) {
  auto e = read_entry(txn, 0);
  if (!e) return std::unexpected(e.error());
  if (!*e) return fail(Exit::io, "{}: the ledger has no genesis entry", txn.env().dir());
  auto op = decode_op((*e)->op);
  if (!op || op->type() != OpType::genesis) {
    return fail(Exit::io, "{}: the entry at height 0 is not a valid genesis", txn.env().dir());
  }
  Params p;
  p.genesis = std::get<GenesisBody>(op->body);
  auto hash = txn.get(txn.dbs().meta, as_bytes(k_meta_chain_id));
  if (hash && hash->size() == 32) {
    std::copy(hash->begin(), hash->end(), p.chain_id.begin());
  } else {
    p.chain_id = entry_hash(encode_entry(**e));
  }
  return p;
}

std::optional<Head> read_head(const Txn& txn) {
  Cursor c(txn, txn.dbs().entries);
  if (!c.seek(MDB_LAST)) return std::nullopt;
  auto e = decode_entry(c.value());
  if (!e) return std::nullopt;
  Head h;
  h.height = e->height;
  h.appended_at_ms = e->appended_at_ms;
  auto hv = txn.get(txn.dbs().hashes, c.key());
  if (hv && hv->size() == 32) {
    std::copy(hv->begin(), hv->end(), h.hash.begin());
  } else {
    h.hash = entry_hash(c.value());
  }
  return h;
}

std::uint64_t entry_count(const Txn& txn) {
  MDB_stat st;
  mdb_stat(txn.get(), txn.dbs().entries, &st);
  return st.ms_entries;
}

std::optional<AccountRec> read_account(const Txn& txn, const Key32& key) {
  auto v = txn.get(txn.dbs().accounts, key);
  if (!v) return std::nullopt;
  auto a = decode_account(*v);
  SCOIN_ASSERT(a.has_value());
  return a;
}

SignerRec read_signer(const Txn& txn, const Key32& key) {
  auto v = txn.get(txn.dbs().signers, key);
  if (!v) return {};
  auto s = decode_signer(*v);
  SCOIN_ASSERT(s.has_value());
  return *s;
}

std::optional<Key32> read_label_owner(const Txn& txn, std::string_view label) {
  if (label.empty()) return std::nullopt;
  auto v = txn.get(txn.dbs().labels, as_bytes(label));
  if (!v || v->size() != 32) return std::nullopt;
  Key32 k;
  std::copy(v->begin(), v->end(), k.begin());
  return k;
}

Totals read_totals(const Txn& txn) {
  auto v = txn.get(txn.dbs().meta, as_bytes(k_meta_totals));
  if (!v) return {};
  auto t = decode_totals(*v);
  SCOIN_ASSERT(t.has_value());
  return *t;
}

std::optional<std::uint64_t> read_ref(const Txn& txn, ByteView ref_key) {
  auto v = txn.get(txn.dbs().refs, ref_key);
  if (!v || v->size() != 8) return std::nullopt;
  return get_u64(v->data());
}

std::optional<std::uint64_t> read_op_height(const Txn& txn, const Hash32& op_hash) {
  auto v = txn.get(txn.dbs().ops, op_hash);
  if (!v || v->size() != 8) return std::nullopt;
  return get_u64(v->data());
}

std::optional<std::uint64_t> balance_at(const Txn& txn, const Key32& key, std::uint64_t height) {
  if (height == UINT64_MAX) height = UINT64_MAX - 1;
  auto seek = history_key(key, height + 1);
  Cursor c(txn, txn.dbs().history);
  bool found = c.seek(MDB_SET_RANGE, seek) ? c.seek(MDB_PREV) : c.seek(MDB_LAST);
  if (!found) return std::nullopt;
  auto k = c.key();
  if (k.size() != 40 || !std::equal(key.begin(), key.end(), k.begin())) return std::nullopt;
  SCOIN_ASSERT(c.value().size() == 8);
  return get_u64(c.value().data());
}

std::uint64_t first_height_at_or_after(const Txn& txn, std::int64_t ms) {
  std::uint64_t lo = 0, hi = entry_count(txn);
  while (lo < hi) {
    auto mid = lo + (hi - lo) / 2;
    auto v = txn.get(txn.dbs().entries, be64(mid));
    SCOIN_ASSERT(v && v->size() >= k_entry_header_bytes);
    auto at = static_cast<std::int64_t>(get_u64(v->data() + 40));
    if (at < ms) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

Result<Key32> resolve_account(const Txn& txn, std::string_view text, bool must_be_account) {
  if (text.starts_with("sc1") || text.starts_with("SC1")) {
    auto key = decode_address(text);
    if (!key) return std::unexpected(key.error());
    if (must_be_account && !read_account(txn, *key)) {
      return fail(Exit::data, "{} is not a registered account", text);
    }
    return *key;
  }
  if (auto k = read_label_owner(txn, text)) return *k;
  return fail(Exit::data, "no account with the label '{}'", printable(text, 64));
}

std::vector<AccountRow> list_accounts(const Txn& txn) {
  std::vector<AccountRow> out;
  Cursor c(txn, txn.dbs().accounts);
  for (bool ok = c.seek(MDB_FIRST); ok; ok = c.seek(MDB_NEXT)) {
    AccountRow row;
    SCOIN_ASSERT(c.key().size() == 32);
    std::copy(c.key().begin(), c.key().end(), row.key.begin());
    auto a = decode_account(c.value());
    SCOIN_ASSERT(a.has_value());
    row.rec = std::move(*a);
    out.push_back(std::move(row));
  }
  std::sort(out.begin(), out.end(),
            [](const AccountRow& a, const AccountRow& b) { return a.rec.opened_at < b.rec.opened_at; });
  return out;
}

// --- TxnState ----------------------------------------------------------------------

std::optional<AccountRec> TxnState::account(const Key32& key) { return read_account(m_txn, key); }
void TxnState::put_account(const Key32& key, const AccountRec& rec) {
  m_txn.put(m_txn.dbs().accounts, key, encode_account(rec));
}
SignerRec TxnState::signer(const Key32& key) { return read_signer(m_txn, key); }
void TxnState::put_signer(const Key32& key, const SignerRec& rec) {
  m_txn.put(m_txn.dbs().signers, key, encode_signer(rec));
}
std::optional<Key32> TxnState::label_owner(std::string_view label) {
  return read_label_owner(m_txn, label);
}
void TxnState::put_label(std::string_view label, const Key32& key) {
  m_txn.put(m_txn.dbs().labels, as_bytes(label), key);
}
std::optional<std::uint64_t> TxnState::ref_height(ByteView ref_key) { return read_ref(m_txn, ref_key); }
void TxnState::put_ref(ByteView ref_key, std::uint64_t height) {
  m_txn.put(m_txn.dbs().refs, ref_key, be64(height));
}
void TxnState::put_history(const Key32& key, std::uint64_t height, std::uint64_t balance) {
  m_txn.put(m_txn.dbs().history, history_key(key, height), be64(balance));
}
void TxnState::put_op_hash(const Hash32& h, std::uint64_t height) {
  m_txn.put(m_txn.dbs().ops, h, be64(height));
}
Totals TxnState::totals() { return read_totals(m_txn); }
void TxnState::put_totals(const Totals& t) {
  m_txn.put(m_txn.dbs().meta, as_bytes(k_meta_totals), encode_totals(t));
}

// --- appending ------------------------------------------------------------------------

Result<Appender> Appender::begin(Env& env, const Params* params, Mode mode) {
  auto txn = Txn::begin(env, true);
  if (!txn) return std::unexpected(txn.error());
  if (params != nullptr && mode == Mode::local) {
    auto role = txn->get(txn->dbs().meta, as_bytes(k_meta_role));
    if (role && as_chars(*role) == "follower") {
      return fail(Exit::config, "{}: this replica is a follower; append on the primary (--out, then submit there)",
                  env.dir());
    }
  }
  Appender app(std::move(*txn), params);
  if (auto h = read_head(app.m_txn)) {
    app.m_tip = Tip{h->height + 1, h->hash, h->appended_at_ms};
    auto f = MerkleFrontier::load(TableSubtrees(app.m_txn), h->height + 1);
    if (!f) return std::unexpected(f.error());
    app.m_frontier = std::move(*f);
  }
  if (mode == Mode::sync) return app;
  // The clock is read after the writer lock is held, so booking times never
  // go backwards between two writers.
  auto now = scoin::now_ms();
  if (!now) return std::unexpected(now.error());
  if (*now < app.m_tip.prev_appended_at_ms) {
    return fail(Exit::config,
                "the clock ({}) is behind the ledger head's booking time ({}); refusing to append",
                *now, app.m_tip.prev_appended_at_ms);
  }
  if (*now > system_now_ms() + k_future_slack_ms) {
    return fail(Exit::config, "the clock ({}) is more than 5 minutes ahead of the system clock",
                *now);
  }
  app.m_now_ms = *now;
  return app;
}

Status Appender::append(const SignedOp& signed_op, std::string* detail) {
  Entry e;
  e.height = m_tip.next_height;
  e.prev_hash = m_tip.prev_hash;
  e.appended_at_ms = m_now_ms;
  e.op = signed_op.op;
  e.sig = signed_op.sig;
  Op op;
  if (auto s = check_entry(e, m_tip, m_params, op, detail); s != Status::ok) return s;
  return apply_and_write(signed_op, op, m_now_ms);
}

Status Appender::append_entry(const Entry& entry, std::string* detail) {
  Op op;
  if (auto s = check_entry(entry, m_tip, m_params, op, detail); s != Status::ok) return s;
  SignedOp signed_op;
  signed_op.op = entry.op;
  signed_op.sig = entry.sig;
  return apply_and_write(signed_op, op, entry.appended_at_ms);
}

Status Appender::append_own(const SignedOp& signed_op, const Op& op) {
  // Pair assertion: the bytes are the canonical encoding of `op`.
  SCOIN_ASSERT(signed_op.op.size() <= k_op_bytes_max);
  if (m_params != nullptr && op.type() != OpType::genesis && op.chain_id != m_params->chain_id) {
    return Status::chain_id_mismatch;
  }
  return apply_and_write(signed_op, op, m_now_ms);
}

Status Appender::apply_and_write(const SignedOp& signed_op, const Op& op, std::uint64_t appended_at_ms) {
  // Once a write has failed (a full map), reads in this transaction no
  // longer see every earlier write, so nothing more is judged: the
  // transaction will be thrown away and, for a full map, run again.
  if (m_txn.rc() != 0) return Status::ok;
  const std::uint64_t height = m_tip.next_height;
  auto s = apply_op(m_state, m_params, op, op_hash(signed_op.op), height);
  if (s != Status::ok) return s;
  Entry e;
  e.height = height;
  e.prev_hash = m_tip.prev_hash;
  e.appended_at_ms = appended_at_ms;
  e.op = signed_op.op;
  e.sig = signed_op.sig;
  auto bytes = encode_entry(e);
  auto hash = entry_hash(bytes);
  auto key = be64(height);
  m_txn.put(m_txn.dbs().entries, key, bytes, MDB_APPEND);
  m_txn.put(m_txn.dbs().hashes, key, hash, MDB_APPEND);
  SCOIN_ASSERT(m_frontier.size() == height);
  m_frontier.push(merkle_leaf_hash(hash), m_tree_value);
  m_txn.put(m_txn.dbs().tree, key, m_tree_value, MDB_APPEND);
  m_tip = Tip{height + 1, hash, appended_at_ms};
  ++m_appended;
  return Status::ok;
}

void put_meta(Txn& txn, const Hash32& chain_id, std::string_view role) {
  std::uint8_t fmt_v[4] = {0, 0, 0, static_cast<std::uint8_t>(k_format_version)};
  txn.put(txn.dbs().meta, as_bytes(k_meta_format), ByteView(fmt_v, 4));
  txn.put(txn.dbs().meta, as_bytes(k_meta_chain_id), chain_id);
  txn.put(txn.dbs().meta, as_bytes(k_meta_role), as_bytes(role));
}

std::string read_role(const Txn& txn) {
  auto role = txn.get(txn.dbs().meta, as_bytes(k_meta_role));
  return role ? std::string(as_chars(*role)) : std::string();
}

SignedOp sign_op(const Op& op, const SecretKey& key) {
  SCOIN_ASSERT(op.signer == key.public_key());
  SignedOp s;
  s.op = encode_op(op);
  s.sig = key.sign(s.op);
  return s;
}

Hash32 op_hash(ByteView op_bytes) { return sha256(op_bytes); }

Result<Hash32> create_ledger(const std::string& dir, const SignedOp& genesis, const Op& op,
                             std::size_t map_size_max) {
  SCOIN_ASSERT(op.type() == OpType::genesis);
  bool dir_existed = is_directory(dir);
  auto env = Env::open(dir, Env::Mode::create, map_size_max);
  if (!env) return std::unexpected(env.error());
  auto undo = [&] {
    // Only what this call created is removed: the replica files, and the
    // folder if it made it.
    ::unlink((dir + "/data.mdb").c_str());
    ::unlink((dir + "/lock.mdb").c_str());
    if (!dir_existed) ::rmdir(dir.c_str());
  };
  auto r = write_txn<Hash32>(*env, nullptr, [&](Appender& app) -> Result<Hash32> {
    std::string detail;
    auto s = app.append(genesis, &detail);
    if (s != Status::ok) {
      return std::unexpected(Error{status_exit(s), fmt::format("genesis refused: {} ({}){}{}",
                                                               status_message(s), status_name(s),
                                                               detail.empty() ? "" : ": ", detail)});
    }
    put_meta(app.txn(), app.last_hash(), "primary");
    return app.last_hash();
  });
  if (!r) undo();
  return r;
}

}  // namespace scoin
