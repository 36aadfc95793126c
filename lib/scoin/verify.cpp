#include "scoin/verify.hpp"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include "scoin/amount.hpp"
#include "scoin/checkpoint.hpp"
#include "scoin/crypto.hpp"
#include "scoin/sigpool.hpp"
#include "scoin/text.hpp"

namespace scoin {

namespace {

// How often a walk hands its mapped pages back (they stay in the page cache),
// which bounds the resident memory of reading a whole ledger.
constexpr std::uint64_t k_release_every_rows = 16384;

struct KeyHash {
  std::size_t operator()(const Key32& k) const {
    std::size_t h;
    std::memcpy(&h, k.data(), sizeof h);
    return h;
  }
};

std::string hex_or_none(std::optional<ByteView> v) { return v ? to_hex(*v) : std::string("(none)"); }

// A refs key ("I" ‖ ref, or "R" ‖ merchant ‖ ref) for messages.
std::string printable_ref(ByteView ref_key) {
  if (!ref_key.empty() && ref_key[0] == 'I') return printable(as_chars(ref_key.subspan(1)));
  if (ref_key.size() > 33 && ref_key[0] == 'R') {
    Key32 k;
    std::copy(ref_key.begin() + 1, ref_key.begin() + 33, k.begin());
    return fmt::format("{} of {}", printable(as_chars(ref_key.subspan(33))), encode_address(k));
  }
  return to_hex(ref_key);
}

// A digest of a set of rows: the sum modulo 2^128 of SipHash-2-4 (128-bit
// output) of each row, under a key drawn at random for this run, and the row
// count. The order of rows does not matter, so the rows an entry walk expects
// and the rows a table scan finds can be compared without sorting or storing
// either; someone who edited the files before the key was drawn has a chance
// of about 2^-128 of making two different sets agree.
class Digest {
 public:
  // The longest value of a per-entry table: a tree row of 64 hashes.
  static constexpr std::size_t k_max_value = 32 * 64;
  explicit Digest(const std::uint8_t* key) : m_key(key) {}
  void add(ByteView key, ByteView value) {
    std::uint8_t buf[2 + 256 + k_max_value];
    SCOIN_ASSERT(key.size() <= 256 && value.size() <= k_max_value);
    buf[0] = static_cast<std::uint8_t>(key.size() >> 8);
    buf[1] = static_cast<std::uint8_t>(key.size());
    std::memcpy(buf + 2, key.data(), key.size());
    std::memcpy(buf + 2 + key.size(), value.data(), value.size());
    std::uint8_t out[crypto_shorthash_siphashx24_BYTES];
    crypto_shorthash_siphashx24(out, buf, 2 + key.size() + value.size(), m_key);
    std::uint64_t lo, hi;
    std::memcpy(&lo, out, 8);
    std::memcpy(&hi, out + 8, 8);
    std::uint64_t carry = __builtin_add_overflow(m_lo, lo, &m_lo) ? 1 : 0;
    m_hi += hi + carry;
    ++m_count;
  }
  bool same(const Digest& o) const { return m_lo == o.m_lo && m_hi == o.m_hi && m_count == o.m_count; }
  std::uint64_t count() const { return m_count; }

 private:
  const std::uint8_t* m_key;
  std::uint64_t m_lo = 0, m_hi = 0, m_count = 0;
};

// A Bloom filter of the refs seen so far, about ten bits per ref: a ref that
// misses it is certainly new; a hit is confirmed in the replica's refs table.
class Bloom {
 public:
  Bloom(std::uint64_t expected, const std::uint8_t* key) : m_key(key) {
    std::uint64_t bits = 1 << 16;
    while (bits < expected * 10) bits <<= 1;
    m_bits.assign(bits / 64, 0);
    m_mask = bits - 1;
  }
  void add(ByteView item) {
    probe(item, [&](std::uint64_t bit) {
      m_bits[bit >> 6] |= std::uint64_t{1} << (bit & 63);
      return true;
    });
  }
  bool maybe(ByteView item) const {
    return probe(item, [&](std::uint64_t bit) { return (m_bits[bit >> 6] >> (bit & 63)) & 1; });
  }

 private:
  template <typename F>
  bool probe(ByteView item, F f) const {
    std::uint8_t out[crypto_shorthash_siphashx24_BYTES];
    crypto_shorthash_siphashx24(out, item.data(), item.size(), m_key);
    std::uint64_t a, b;
    std::memcpy(&a, out, 8);
    std::memcpy(&b, out + 8, 8);
    for (int i = 0; i < 7; ++i) {
      if (!f((a + static_cast<std::uint64_t>(i) * (b | 1)) & m_mask)) return false;
    }
    return true;
  }
  const std::uint8_t* m_key;
  std::vector<std::uint64_t> m_bits;
  std::uint64_t m_mask = 0;
};

// The per-entry tables, in the order they are reported.
enum Table { k_hashes, k_ops, k_refs, k_history, k_tree, k_tables };
constexpr const char* k_table_names[k_tables] = {"hashes", "ops", "refs", "history", "tree"};

class Verifier;

// The rules' state for a replay: accounts, signers, labels and totals in
// memory (as many as there are accounts). The rows the per-entry tables
// should hold go to their digests; on a locating walk they are looked up.
class VerifyState final : public State {
 public:
  VerifyState(const Txn& txn, Verifier& v) : m_txn(txn), m_v(v) {}

  std::optional<AccountRec> account(const Key32& key) override {
    auto it = accounts.find(key);
    if (it == accounts.end()) return std::nullopt;
    return it->second.rec;
  }
  void put_account(const Key32& key, const AccountRec& rec) override { accounts[key] = {rec, height}; }
  SignerRec signer(const Key32& key) override {
    auto it = signers.find(key);
    return it == signers.end() ? SignerRec{} : it->second.rec;
  }
  void put_signer(const Key32& key, const SignerRec& rec) override { signers[key] = {rec, height}; }
  std::optional<Key32> label_owner(std::string_view label) override {
    auto it = labels.find(std::string(label));
    if (it == labels.end()) return std::nullopt;
    return it->second;
  }
  void put_label(std::string_view label, const Key32& key) override { labels[std::string(label)] = key; }
  std::optional<std::uint64_t> ref_height(ByteView ref_key) override;
  void put_ref(ByteView ref_key, std::uint64_t h) override;
  void put_history(const Key32& key, std::uint64_t h, std::uint64_t balance) override;
  void put_op_hash(const Hash32& op_h, std::uint64_t h) override;
  Totals totals() override { return m_totals; }
  void put_totals(const Totals& t) override { m_totals = t; }
  void reset() {
    accounts.clear();
    signers.clear();
    labels.clear();
    m_totals = {};
    height = 0;
  }

  template <typename Rec>
  struct Tracked {
    Rec rec;
    std::uint64_t last_height = 0;  // the last entry that changed it
  };
  std::unordered_map<Key32, Tracked<AccountRec>, KeyHash> accounts;
  std::unordered_map<Key32, Tracked<SignerRec>, KeyHash> signers;
  std::unordered_map<std::string, Key32> labels;
  std::uint64_t height = 0;  // of the entry being applied

 private:
  const Txn& m_txn;
  Verifier& m_v;
  Totals m_totals;
};

class Verifier {
 public:
  Verifier(Env& env, const Txn& txn, const VerifyOptions& o, VerifyReport& r)
      : m_env(env), m_txn(txn), m_o(o), m_r(r), m_state(txn, *this) {
    randombytes_buf(m_key, sizeof m_key);
    std::sort(m_root_sizes.begin(), m_root_sizes.end());
    for (int t = 0; t < k_tables; ++t) {
      m_expected.emplace_back(m_key);
      m_found.emplace_back(m_key);
    }
    // Sized by the refs the replica says it has: only a hint, since a wrong
    // count costs extra confirming lookups, never a wrong answer.
    MDB_stat refs{};
    mdb_stat(txn.get(), txn.dbs().refs, &refs);
    m_bloom.emplace(std::max<std::uint64_t>(refs.ms_entries, 1024), m_key + 16);
  }

  void finding(std::uint64_t height, std::string check, std::string message, std::string expected = {},
               std::string actual = {}) {
    if (m_locating && !m_locate[table_of(check)]) return;
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

  // The row an entry makes in a per-entry table: into the digest, or on a
  // locating walk looked up and compared.
  void expect_row(Table t, std::uint64_t height, ByteView key, ByteView value, const std::string& what);
  bool locating() const { return m_locating; }
  Bloom& bloom() { return *m_bloom; }

  void run();

 private:
  static int table_of(std::string_view check) {
    for (int t = 0; t < k_tables; ++t)
      if (check == k_table_names[t]) return t;
    return k_tables;
  }
  MDB_dbi table_dbi(Table t) const {
    const Dbs& d = m_txn.dbs();
    MDB_dbi dbis[k_tables] = {d.hashes, d.ops, d.refs, d.history, d.tree};
    return dbis[t];
  }
  void walk(bool locate);
  bool walk_entry(ByteView key, ByteView value);
  void load_checkpoints();
  void check_checkpoints_at(std::uint64_t size);
  void check_checkpoints_beyond();
  void scan_tables();
  void scan_extra_rows(Table t);
  void check_state_tables();
  void check_expected_head();
  // Rows of a per-entry table that belong to the walked range.
  bool in_range(Table t, ByteView key, ByteView value) const;

  Env& m_env;
  const Txn& m_txn;
  const VerifyOptions& m_o;
  VerifyReport& m_r;
  VerifyState m_state;
  std::vector<std::uint64_t> m_root_sizes = m_o.root_sizes;  // sorted
  std::uint8_t m_key[32];
  std::vector<Digest> m_expected, m_found;
  std::optional<Bloom> m_bloom;
  bool m_locating = false;
  bool m_locate[k_tables + 1] = {};
  Params m_params;
  bool m_have_params = false;
  std::uint64_t m_expected_height = 0;
  Hash32 m_prev{};
  bool m_prev_known = true;
  std::uint64_t m_prev_time = 0;
  std::uint64_t m_height = 0;
  Hash32 m_hash{};
  bool m_hash_known = false;
  std::optional<std::uint64_t> m_last;  // the last height walked
  bool m_reached_end = false;           // the walk went past the last entry
  std::optional<Hash32> m_hash_at_expected_head;
  std::vector<SigPool::Job> m_batch;
  std::unique_ptr<SigPool> m_pool;
  MerkleFrontier m_frontier;  // the tree the walked entries make
  Bytes m_tree_value;
  // Stored checkpoints by size (nullopt: one that did not parse, reported).
  std::map<std::uint64_t, std::optional<Checkpoint>> m_checkpoints;
};

std::optional<std::uint64_t> VerifyState::ref_height(ByteView ref_key) {
  // A ref that misses the Bloom filter is new. Otherwise the replica's refs
  // table is used as an index, never trusted: its row counts only if it
  // points at an earlier entry that really carries this ref.
  if (!m_v.locating() && !m_v.bloom().maybe(ref_key)) return std::nullopt;
  auto v = m_txn.get(m_txn.dbs().refs, ref_key);
  if (!v || v->size() != 8) return std::nullopt;
  auto h = get_u64(v->data());
  if (h >= height) return std::nullopt;
  auto bytes = m_txn.get(m_txn.dbs().entries, be64(h));
  if (!bytes) return std::nullopt;
  auto e = view_entry(*bytes);
  if (!e) return std::nullopt;
  auto op = decode_op(e->op);
  if (!op) return std::nullopt;
  Bytes key;
  if (auto* b = std::get_if<IssueBody>(&op->body)) key = issue_ref_key(b->ref);
  if (auto* b = std::get_if<RedeemBody>(&op->body)) key = redeem_ref_key(op->signer, b->ref);
  if (key.size() != ref_key.size() || !std::equal(key.begin(), key.end(), ref_key.begin())) return std::nullopt;
  return h;
}

void VerifyState::put_ref(ByteView ref_key, std::uint64_t h) {
  m_v.bloom().add(ref_key);
  m_v.expect_row(k_refs, h, ref_key, be64(h), "the refs row for '" + printable_ref(ref_key) + "'");
}

void VerifyState::put_history(const Key32& key, std::uint64_t h, std::uint64_t balance) {
  m_v.expect_row(k_history, h, history_key(key, h), be64(balance), "the history row of " + encode_address(key));
}

void VerifyState::put_op_hash(const Hash32& op_h, std::uint64_t h) {
  m_v.expect_row(k_ops, h, op_h, be64(h), "the ops row of op " + to_hex(op_h));
}

void Verifier::expect_row(Table t, std::uint64_t height, ByteView key, ByteView value, const std::string& what) {
  if (!m_locating) {
    m_expected[t].add(key, value);
    return;
  }
  if (!m_locate[t]) return;
  auto v = m_txn.get(table_dbi(t), key);
  if (!v || !std::equal(value.begin(), value.end(), v->begin(), v->end())) {
    auto show = [&](ByteView b) {
      return b.size() == 8 && t != k_hashes && t != k_tree ? std::to_string(get_u64(b.data())) : to_hex(b);
    };
    finding(height, k_table_names[t], fmt::format("{} is {}", what, v ? "different" : "missing"), show(value),
            v ? show(*v) : std::string("(none)"));
  }
}

bool Verifier::walk_entry(ByteView key, ByteView value) {
  bool link_broken = false;
  if (key.size() != 8) {
    finding(m_expected_height, "entries",
            fmt::format("a key of {} bytes in entries (keys are 8-byte heights)", key.size()), "",
            to_hex(key.first(std::min<std::size_t>(key.size(), 16))));
    return true;
  }
  const std::uint64_t h = get_u64(key.data());
  m_height = h;
  m_hash_known = false;
  if (h != m_expected_height) {
    finding(m_expected_height, "height",
            h == m_expected_height + 1 ? fmt::format("entry {} is missing", m_expected_height)
                                       : fmt::format("entries {} to {} are missing", m_expected_height, h - 1),
            std::to_string(m_expected_height), std::to_string(h));
    link_broken = true;
    m_prev_known = false;
  }
  m_hash = entry_hash(value);
  m_hash_known = true;
  m_expected_height = h + 1;
  m_last = h;
  expect_row(k_hashes, h, key, m_hash, "the hashes row");
  m_frontier.push(merkle_leaf_hash(m_hash), m_tree_value);
  expect_row(k_tree, h, key, m_tree_value, "the tree row");
  auto e = view_entry(value);
  if (!e) {
    finding(h, "entry", fmt::format("the entry's bytes do not parse ({} bytes)", value.size()));
    m_prev = m_hash;
    return true;
  }
  if (e->height != h) {
    finding(h, "entry_height", fmt::format("the entry stored at height {} says it is at height {}", h, e->height),
            std::to_string(h), std::to_string(e->height));
    link_broken = true;
  }
  if (m_prev_known && !std::equal(m_prev.begin(), m_prev.end(), e->prev_hash.begin())) {
    finding(h, "prev_hash", "prev_hash is not the previous entry's hash", to_hex(m_prev), to_hex(e->prev_hash));
    link_broken = true;
  }
  if (e->appended_at_ms < m_prev_time) {
    finding(h, "time", "appended_at_ms is earlier than the previous entry's", fmt::format(">= {}", m_prev_time),
            std::to_string(e->appended_at_ms));
  }
  m_prev = m_hash;
  m_prev_known = true;
  m_prev_time = std::max(m_prev_time, e->appended_at_ms);
  if (m_o.expect_head && m_o.expect_head->first == h) m_hash_at_expected_head = m_hash;

  auto op = decode_op(e->op);
  if (!op) {
    std::string_view why = op.error().message;
    if (why.starts_with("op: ")) why.remove_prefix(4);
    finding(h, "op", std::string(why));
    return link_broken;
  }
  if (h == 0) {
    if (auto* g = std::get_if<GenesisBody>(&op->body)) {
      m_params.chain_id = m_hash;
      m_params.genesis = *g;
      m_have_params = true;
      m_r.chain_id = m_hash;
    }
  } else if (m_have_params && op->chain_id != m_params.chain_id) {
    finding(h, "chain_id", "the op was signed for another ledger", to_hex(m_params.chain_id), to_hex(op->chain_id));
    return link_broken;
  }
  if (!m_locating && h >= m_o.from.value_or(0)) {
    m_batch.push_back(SigPool::Job{e->op, e->sig, h, m_hash});
    if (m_batch.size() >= k_sig_batch) m_pool->submit(std::exchange(m_batch, {}));
    ++m_r.signatures;
  }
  if (h > 0 && !m_have_params) return link_broken;  // no genesis: nothing to apply against
  m_state.height = h;
  auto s = apply_op(m_state, h == 0 ? nullptr : &m_params, *op, op_hash(e->op), h);
  if (s != Status::ok) {
    finding(h, "rule", fmt::format("{} ({})", status_message(s), status_name(s)));
    // The replay goes on as if the signer had used its nonce, so one broken
    // entry does not make every later op of that key a finding too.
    auto rec = m_state.signer(op->signer);
    if (op->nonce > rec.last_nonce) {
      rec.last_nonce = op->nonce;
      m_state.put_signer(op->signer, rec);
    }
  }
  return link_broken;
}

void Verifier::load_checkpoints() {
  Cursor c(m_txn, m_txn.dbs().checkpoints);
  for (bool ok = c.seek(MDB_FIRST); ok; ok = c.seek(MDB_NEXT)) {
    if (c.key().size() != 8) {
      finding(0, "checkpoint", "a checkpoints row whose key is not an 8-byte tree size", "", to_hex(c.key().first(std::min<std::size_t>(c.key().size(), 16))));
      continue;
    }
    const std::uint64_t size = get_u64(c.key().data());
    const std::uint64_t at = size > 0 ? size - 1 : 0;
    auto cp = parse_checkpoint(as_chars(c.value()), fmt::format("the checkpoint stored for size {}", size));
    if (!cp) {
      m_height = at;
      m_hash_known = false;
      finding(at, "checkpoint", cp.error().message);
      m_checkpoints[size] = std::nullopt;
      continue;
    }
    if (cp->size != size) {
      m_height = at;
      m_hash_known = false;
      finding(at, "checkpoint", fmt::format("the checkpoint stored under size {} says size {}", size, cp->size));
      m_checkpoints[size] = std::nullopt;
      continue;
    }
    m_checkpoints[size] = std::move(*cp);
  }
}

// After the walk has made the tree of `size` leaves: the root an auditor
// asked for, and any checkpoint stored for this size — of this chain, with
// this root, signed by a key that is an admin at this point.
void Verifier::check_checkpoints_at(std::uint64_t size) {
  const bool want_root = std::binary_search(m_root_sizes.begin(), m_root_sizes.end(), size);
  auto it = m_checkpoints.find(size);
  if (!want_root && it == m_checkpoints.end()) return;
  const Hash32 root = m_frontier.root();
  if (want_root) m_r.roots[size] = root;
  if (it == m_checkpoints.end() || !it->second) return;
  const Checkpoint& cp = *it->second;
  ++m_r.checkpoints;
  std::vector<Key32> admins;
  for (const auto& [key, rec] : m_state.signers)
    if ((rec.rec.roles & k_role_admin_bit) != 0) admins.push_back(key);
  for (auto& problem : checkpoint_problems(cp, m_params.chain_id, root, admins)) {
    finding(size - 1, "checkpoint", std::move(problem));
  }
}

void Verifier::check_checkpoints_beyond() {
  // Checkpoints of more entries than the replica holds (the walk reached its end).
  for (auto it = m_checkpoints.upper_bound(m_frontier.size()); it != m_checkpoints.end(); ++it) {
    m_height = m_r.head_height.value_or(0);
    m_hash_known = false;
    finding(m_height, "checkpoint",
            fmt::format("a checkpoint for {} entries is stored, but the replica holds {}", it->first, m_frontier.size()));
  }
}

void Verifier::walk(bool locate) {
  m_locating = locate;
  m_expected_height = 0;
  m_prev = Hash32{};
  m_prev_known = true;
  m_prev_time = 0;
  m_have_params = false;
  m_last.reset();
  m_state.reset();
  m_frontier = MerkleFrontier();
  const std::uint64_t total = entry_count(m_txn);
  m_env.release_mapped_pages();
  Cursor c(m_txn, m_txn.dbs().entries);
  bool more = c.seek(MDB_FIRST);
  if (!more) finding(0, "genesis", "the ledger has no entries");
  std::uint64_t walked = 0;
  for (; more; more = c.seek(MDB_NEXT)) {
    bool broken = walk_entry(c.key(), c.value());
    ++walked;
    if (!locate) check_checkpoints_at(m_frontier.size());
    if (!m_have_params) {
      finding(0, "genesis", "the entry at height 0 is not a valid genesis; nothing else can be checked");
      m_r.stopped_at_broken_link = true;
      break;
    }
    if (broken && !m_o.all) {
      m_r.stopped_at_broken_link = true;
      break;
    }
    if (m_o.to && m_height >= *m_o.to) {
      more = c.seek(MDB_NEXT);  // --to at the head still reaches the end
      break;
    }
    if (walked % k_release_every_rows == 0) m_env.release_mapped_pages();
    if (!locate && m_o.progress && walked % 4096 == 0) m_o.progress(walked, total);
  }
  m_reached_end = !more;
  if (!locate) {
    m_r.entries = walked;
    if (m_last) {
      m_r.head_height = m_last;
      m_r.head_hash = m_hash;
    }
    m_r.tree_size = m_frontier.size();
    m_r.tree_root = m_frontier.root();
  }
}

bool Verifier::in_range(Table t, ByteView key, ByteView value) const {
  if (m_reached_end) return true;  // every row counts: an extra one is a finding
  if (!m_last) return false;
  std::uint64_t h;
  if (t == k_hashes || t == k_tree) {
    if (key.size() != 8) return true;
    h = get_u64(key.data());
  } else if (t == k_history) {
    if (key.size() != 40) return true;
    h = get_u64(key.data() + 32);
  } else {
    if (value.size() != 8) return true;
    h = get_u64(value.data());
  }
  return h <= *m_last;
}

void Verifier::scan_tables() {
  for (int t = 0; t < k_tables; ++t) {
    Cursor c(m_txn, table_dbi(static_cast<Table>(t)));
    std::uint64_t rows = 0;
    for (bool ok = c.seek(MDB_FIRST); ok; ok = c.seek(MDB_NEXT)) {
      if (in_range(static_cast<Table>(t), c.key(), c.value())) {
        if (c.key().size() <= 256 && c.value().size() <= Digest::k_max_value) {
          m_found[t].add(c.key(), c.value());
        } else {
          m_found[t].add(c.key().first(std::min<std::size_t>(c.key().size(), 256)), {});  // cannot match
        }
      }
      if (++rows % k_release_every_rows == 0) m_env.release_mapped_pages();
    }
    m_locate[t] = !m_found[t].same(m_expected[t]);
  }
}

void Verifier::scan_extra_rows(Table t) {
  // A row no entry made: its key or value names a height whose entry does
  // not call for it.
  Cursor c(m_txn, table_dbi(t));
  for (bool ok = c.seek(MDB_FIRST); ok; ok = c.seek(MDB_NEXT)) {
    if (!in_range(t, c.key(), c.value())) continue;
    auto key = c.key();
    auto value = c.value();
    std::optional<std::uint64_t> h;
    if ((t == k_hashes || t == k_tree) && key.size() == 8) h = get_u64(key.data());
    if (t == k_history && key.size() == 40) h = get_u64(key.data() + 32);
    if ((t == k_ops || t == k_refs) && value.size() == 8) h = get_u64(value.data());
    bool expected = false;
    if (h && m_last && *h <= *m_last) {
      auto bytes = m_txn.get(m_txn.dbs().entries, be64(*h));
      auto e = bytes ? view_entry(*bytes) : std::nullopt;
      auto op = e ? decode_op(e->op) : Result<Op>(fail(Exit::data, ""));
      if (t == k_hashes || t == k_tree) {
        // Every such key was looked up by the locating walk, which compared its value.
        expected = bytes.has_value();
      } else if (t == k_ops && e) {
        auto oh = op_hash(e->op);
        expected = key.size() == 32 && std::equal(oh.begin(), oh.end(), key.begin());
      } else if (t == k_refs && op) {
        Bytes want;
        if (auto* b = std::get_if<IssueBody>(&op->body)) want = issue_ref_key(b->ref);
        if (auto* b = std::get_if<RedeemBody>(&op->body)) want = redeem_ref_key(op->signer, b->ref);
        expected = want.size() == key.size() && std::equal(want.begin(), want.end(), key.begin());
      } else if (t == k_history && op) {
        Key32 who;
        std::copy(key.begin(), key.begin() + 32, who.begin());
        // The accounts whose balance row an entry writes (rules.cpp).
        std::visit(
            [&](const auto& b) {
              using T = std::decay_t<decltype(b)>;
              if constexpr (std::is_same_v<T, OpenBody>) expected = b.account == who;
              if constexpr (std::is_same_v<T, IssueBody>) expected = b.to == who;
              if constexpr (std::is_same_v<T, TransferBody>) expected = b.to == who || op->signer == who;
              if constexpr (std::is_same_v<T, RedeemBody>) expected = op->signer == who;
            },
            op->body);
      }
    }
    if (!expected) {
      m_height = h.value_or(m_last.value_or(0));
      m_hash_known = false;
      finding(m_height, k_table_names[t], fmt::format("a row in {} that no entry made", k_table_names[t]), "(none)",
              to_hex(key.first(std::min<std::size_t>(key.size(), 64))));
    }
  }
}

void Verifier::run() {
  m_pool = std::make_unique<SigPool>(sig_pool_threads(m_o.threads));
  load_checkpoints();
  walk(false);
  if (m_have_params && m_reached_end && !m_r.stopped_at_broken_link) check_checkpoints_beyond();
  if (!m_batch.empty()) m_pool->submit(std::exchange(m_batch, {}));
  const auto total = entry_count(m_txn);
  if (m_o.progress) m_o.progress(m_r.entries, total);
  // The per-entry tables are read while the last signatures are verified.
  if (m_have_params) scan_tables();
  for (auto& j : m_pool->finish()) {
    if (m_r.findings.size() >= m_o.findings_max) {
      m_r.findings_truncated = true;
      break;
    }
    VerifyFinding f;
    f.height = j.height;
    f.entry_hash = j.hash;
    f.check = "signature";
    f.message = "the Ed25519 signature does not verify";
    m_r.findings.push_back(std::move(f));
  }
  const bool at_end = m_reached_end && !m_r.stopped_at_broken_link;
  const bool locate_any = m_locate[k_hashes] || m_locate[k_ops] || m_locate[k_refs] || m_locate[k_history] ||
                          m_locate[k_tree];
  if (m_have_params && at_end) check_state_tables();
  // Keep what the first walk replayed for the summary.
  m_r.accounts = m_state.accounts.size();
  m_r.totals = m_state.totals();
  std::uint64_t supply = 0;
  for (auto& [k, a] : m_state.accounts) supply += a.rec.balance;
  m_r.supply = supply;
  const auto head = m_r.head_height.value_or(0);
  if (m_have_params && m_r.totals.issued - m_r.totals.redeemed != supply) {
    finding(head, "supply", "Σ issued − Σ redeemed is not Σ balances",
            std::to_string(m_r.totals.issued - m_r.totals.redeemed), std::to_string(supply));
  }
  check_expected_head();
  if (locate_any) {
    // A table differs from what the entries call for: walk again, looking
    // every expected row up, to name the heights; then the rows no entry made.
    const auto findings_before = m_r.findings.size();
    walk(true);
    for (int t = 0; t < k_tables; ++t)
      if (m_locate[t]) scan_extra_rows(static_cast<Table>(t));
    m_locating = false;
    if (m_r.findings.size() == findings_before) {
      for (int t = 0; t < k_tables; ++t) {
        if (!m_locate[t]) continue;
        m_height = head;
        m_hash_known = false;
        finding(head, k_table_names[t], fmt::format("the {} table differs from what the entries call for", k_table_names[t]),
                std::to_string(m_expected[t].count()), std::to_string(m_found[t].count()));
      }
    }
  }
  std::stable_sort(m_r.findings.begin(), m_r.findings.end(),
                   [](const VerifyFinding& a, const VerifyFinding& b) { return a.height < b.height; });
  m_r.valid = m_r.findings.empty();
}

void Verifier::check_state_tables() {
  const std::uint64_t head = m_r.head_height.value_or(0);
  m_height = head;
  m_hash_known = true;
  m_hash = m_r.head_hash;
  const auto& d = m_txn.dbs();
  // accounts: every row, both ways.
  std::size_t seen = 0;
  Cursor ca(m_txn, d.accounts);
  for (bool ok = ca.seek(MDB_FIRST); ok; ok = ca.seek(MDB_NEXT)) {
    Key32 k{};
    if (ca.key().size() == 32) std::copy(ca.key().begin(), ca.key().end(), k.begin());
    auto it = ca.key().size() == 32 ? m_state.accounts.find(k) : m_state.accounts.end();
    if (it == m_state.accounts.end()) {
      finding(head, "accounts", fmt::format("an accounts row for {} that no entry opened", to_hex(ca.key())),
              "(none)", to_hex(ca.value()));
      continue;
    }
    ++seen;
    auto want = encode_account(it->second.rec);
    if (!std::equal(want.begin(), want.end(), ca.value().begin(), ca.value().end())) {
      auto have = decode_account(ca.value());
      bool balance = have && have->balance != it->second.rec.balance;
      finding(it->second.last_height, "accounts",
              fmt::format("the accounts row of {} ({}) differs from the replay{}", encode_address(k),
                          it->second.rec.label, balance ? ": balance" : ""),
              balance ? std::to_string(it->second.rec.balance) : to_hex(want),
              balance ? std::to_string(have->balance) : to_hex(ca.value()));
    }
  }
  if (seen != m_state.accounts.size()) {
    for (auto& [k, a] : m_state.accounts) {
      if (!m_txn.get(d.accounts, k)) {
        finding(a.last_height, "accounts",
                fmt::format("the accounts row of {} ({}) is missing", encode_address(k), a.rec.label));
      }
    }
  }
  // signers: the same.
  seen = 0;
  Cursor cs(m_txn, d.signers);
  for (bool ok = cs.seek(MDB_FIRST); ok; ok = cs.seek(MDB_NEXT)) {
    Key32 k{};
    if (cs.key().size() == 32) std::copy(cs.key().begin(), cs.key().end(), k.begin());
    auto it = cs.key().size() == 32 ? m_state.signers.find(k) : m_state.signers.end();
    if (it == m_state.signers.end()) {
      finding(head, "signers", fmt::format("a signers row for {} that no entry made", to_hex(cs.key())));
      continue;
    }
    ++seen;
    auto want = encode_signer(it->second.rec);
    if (!std::equal(want.begin(), want.end(), cs.value().begin(), cs.value().end())) {
      finding(it->second.last_height, "signers",
              fmt::format("the signers row of {} differs from the replay", encode_address(k)), to_hex(want),
              to_hex(cs.value()));
    }
  }
  if (seen != m_state.signers.size()) {
    for (auto& [k, sgn] : m_state.signers) {
      if (!m_txn.get(d.signers, k)) {
        finding(sgn.last_height, "signers", fmt::format("the signers row of {} is missing", encode_address(k)));
      }
    }
  }
  // labels.
  seen = 0;
  Cursor cl(m_txn, d.labels);
  for (bool ok = cl.seek(MDB_FIRST); ok; ok = cl.seek(MDB_NEXT)) {
    auto it = m_state.labels.find(std::string(as_chars(cl.key())));
    if (it == m_state.labels.end() || cl.value().size() != 32 ||
        !std::equal(it->second.begin(), it->second.end(), cl.value().begin())) {
      finding(head, "labels",
              fmt::format("the labels row '{}' is not what the entries made", printable(as_chars(cl.key()))),
              it == m_state.labels.end() ? "(none)" : to_hex(it->second), to_hex(cl.value()));
    }
    if (it != m_state.labels.end()) ++seen;
  }
  if (seen != m_state.labels.size()) {
    finding(head, "labels", "rows are missing from the labels table", std::to_string(m_state.labels.size()),
            std::to_string(seen));
  }
  // meta: the chain id and the totals.
  auto chain = m_txn.get(d.meta, as_bytes("chain_id"));
  if (!chain || chain->size() != 32 || !std::equal(chain->begin(), chain->end(), m_params.chain_id.begin())) {
    finding(0, "meta", "meta's chain_id is not the genesis entry's hash", to_hex(m_params.chain_id),
            hex_or_none(chain));
  }
  auto totals = m_txn.get(d.meta, as_bytes("totals"));
  auto want = encode_totals(m_state.totals());
  if (!totals || !std::equal(want.begin(), want.end(), totals->begin(), totals->end())) {
    finding(head, "meta", "meta's totals differ from the replay", to_hex(want), hex_or_none(totals));
  }
}

void Verifier::check_expected_head() {
  if (!m_o.expect_head) return;
  auto [h, hash] = *m_o.expect_head;
  m_height = h;
  m_hash_known = false;
  if (!m_r.head_height || *m_r.head_height < h) {
    finding(h, "expect_head",
            m_r.stopped_at_broken_link
                ? fmt::format("the walk stopped before height {}", h)
                : fmt::format("the replica ends at height {}, before the expected head {}",
                              m_r.head_height.value_or(0), h),
            to_hex(hash), "(none)");
  } else if (!m_hash_at_expected_head || *m_hash_at_expected_head != hash) {
    finding(h, "expect_head", fmt::format("the entry at height {} is not the expected one", h), to_hex(hash),
            m_hash_at_expected_head ? to_hex(*m_hash_at_expected_head) : "(unknown)");
  }
}

}  // namespace

Result<VerifyReport> verify_chain(Env& env, const VerifyOptions& options) {
  crypto_init();
  auto start = std::chrono::steady_clock::now();
  auto txn = Txn::begin(env, false);
  if (!txn) return std::unexpected(txn.error());
  VerifyReport report;
  {
    Verifier v(env, *txn, options, report);
    v.run();
  }
  if (options.expect_chain_id && *options.expect_chain_id != report.chain_id) {
    VerifyFinding f;
    f.height = 0;
    f.check = "expect_chain_id";
    f.message = "the genesis entry's hash is not the expected chain id";
    f.expected = to_hex(*options.expect_chain_id);
    f.actual = to_hex(report.chain_id);
    report.findings.insert(report.findings.begin(), f);
    report.valid = false;
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  env.release_mapped_pages();
  return report;
}

}  // namespace scoin
