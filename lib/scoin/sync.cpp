#include "scoin/sync.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>

#include "scoin/fsutil.hpp"
#include "scoin/merkle.hpp"

namespace scoin {

namespace {

// Why an entry is not one a signer could have written — its op does not
// decode, its signature does not verify, or its bytes are not canonical —
// or nullopt. (Whether it continues a chain is not asked here.)
std::optional<std::string> damaged_entry(const Entry& e, ByteView bytes) {
  auto op = decode_op(e.op);
  if (!op) {
    return fmt::format("{} ({}): {}", status_message(Status::op_malformed), status_name(Status::op_malformed),
                       op.error().message);
  }
  if (!verify_signature(op->signer, e.op, e.sig)) {
    return fmt::format("{} ({})", status_message(Status::signature_invalid), status_name(Status::signature_invalid));
  }
  const Bytes canonical = encode_entry(e);
  if (!std::equal(canonical.begin(), canonical.end(), bytes.begin(), bytes.end())) {
    return std::string("its bytes are not in canonical form");
  }
  return std::nullopt;
}

constexpr std::string_view k_bundle_magic = "SCBN";
constexpr std::uint8_t k_bundle_version = 1;
constexpr std::size_t k_bundle_bytes_max = std::size_t{4} << 30;  // 4 GiB

// The entries a sync reads, in order: from a bundle or another replica.
class Feed {
 public:
  virtual ~Feed() = default;
  // The next entry's bytes; nullopt after the last one.
  virtual Result<std::optional<ByteView>> next() = 0;
  // Back to the first entry (a sync whose transaction is run again).
  virtual void rewind() = 0;
  Hash32 chain_id{};
  std::uint64_t first_height = 0;
  std::string name;
};

// A bundle file, read front to back through a window of 256 KiB
// (a regular file: whatever its size, the memory is the window's), or whole
// (a pipe or device, which cannot be read twice; at most 4 GiB).
class BundleFeed final : public Feed {
 public:
  static Result<std::unique_ptr<BundleFeed>> open(const std::string& path) {
    auto f = std::unique_ptr<BundleFeed>(new BundleFeed());
    f->name = path;
    f->m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (f->m_fd < 0) {
      const int e = errno;
      if (e == ENOENT) return fail(Exit::no_input, "{}: no such file", path);
      return fail(Exit::no_input, "{}: cannot open: {}", path, std::strerror(e));
    }
    struct stat st {};
    if (::fstat(f->m_fd, &st) != 0 || S_ISDIR(st.st_mode)) return fail(Exit::no_input, "{}: is a directory", path);
    if (S_ISREG(st.st_mode)) {
      f->m_size = static_cast<std::uint64_t>(st.st_size);
    } else {
      // Read it all now, from this descriptor: a pipe opened twice would wait
      // for a second writer.
      auto whole = read_all(f->m_fd, path, k_bundle_bytes_max);
      if (!whole) return std::unexpected(whole.error());
      f->m_whole = std::move(*whole);
      ::close(std::exchange(f->m_fd, -1));
      f->m_size = f->m_whole.size();
    }
    auto header = f->take(k_bundle_header_bytes);
    if (!header) return std::unexpected(header.error());
    Reader r(*header);
    auto magic = r.raw(4);
    auto version = r.u8();
    f->chain_id = r.array<32>();
    f->first_height = r.u64();
    f->m_count = r.u64();
    if (!r.ok() || as_chars(magic) != k_bundle_magic) {
      return fail(Exit::data, "{}: not a scoin bundle (no SCBN header)", path);
    }
    if (version != k_bundle_version) return fail(Exit::data, "{}: bundle version {} (this scoin reads 1)", path, version);
    f->rewind();
    return f;
  }
  ~BundleFeed() override {
    if (m_fd >= 0) ::close(m_fd);
  }
  Result<std::optional<ByteView>> next() override {
    if (m_read == m_count) {
      if (m_pos < m_size) {
        return fail(Exit::data, "{}: {} bytes after the last of its {} entries", name, m_size - m_pos, m_count);
      }
      return std::optional<ByteView>{};
    }
    const auto pos = m_pos;
    auto cut = [&] {
      return fail(Exit::data, "{}: truncated: entry {} of {} (offset {}) is cut short", name, m_read + 1, m_count,
                  pos);
    };
    auto len_bytes = take(4);
    if (!len_bytes) return std::unexpected(len_bytes.error());
    if (len_bytes->size() < 4) return cut();
    const auto* l = len_bytes->data();
    const std::uint32_t len = (std::uint32_t{l[0]} << 24) | (std::uint32_t{l[1]} << 16) | (std::uint32_t{l[2]} << 8) | l[3];
    if (len > k_entry_bytes_max) {
      return fail(Exit::data, "{}: entry {} of {} (offset {}) claims {} bytes; an entry has at most {}", name,
                  m_read + 1, m_count, pos, len, k_entry_bytes_max);
    }
    auto bytes = take(len);
    if (!bytes) return std::unexpected(bytes.error());
    if (bytes->size() < len) return cut();
    ++m_read;
    return std::optional<ByteView>(*bytes);
  }
  void rewind() override {
    m_pos = k_bundle_header_bytes;
    m_read = 0;
  }

 private:
  static constexpr std::size_t k_window_bytes = std::size_t{256} << 10;

  BundleFeed() = default;
  // The next `n` bytes from m_pos (fewer at the end of the file), valid
  // until the next call.
  Result<ByteView> take(std::size_t n) {
    if (m_fd < 0) {
      const std::size_t at = std::min<std::size_t>(m_pos, m_whole.size());
      auto v = as_bytes(m_whole).subspan(at, std::min(n, m_whole.size() - at));
      m_pos += v.size();
      return v;
    }
    if (m_pos < m_win_at || m_pos + n > m_win_at + m_win.size()) {
      m_win.resize(std::max(n, k_window_bytes));
      std::size_t got = 0;
      while (got < m_win.size()) {
        const auto r = ::pread(m_fd, m_win.data() + got, m_win.size() - got, static_cast<off_t>(m_pos + got));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return fail(Exit::no_input, "{}: cannot read: {}", name, std::strerror(errno));
        if (r == 0) break;
        got += static_cast<std::size_t>(r);
      }
      m_win.resize(got);
      m_win_at = m_pos;
    }
    const std::size_t off = m_pos - m_win_at;
    ByteView v(m_win.data() + off, std::min(n, m_win.size() - off));
    m_pos += v.size();
    return v;
  }

  int m_fd = -1;
  std::string m_whole;      // a bundle that is not a regular file
  std::uint64_t m_size = 0;  // of the file when opened
  Bytes m_win;               // bytes [m_win_at, m_win_at + m_win.size()) of the file
  std::uint64_t m_win_at = 0;
  std::uint64_t m_pos = 0;
  std::uint64_t m_count = 0;
  std::uint64_t m_read = 0;
};

class ReplicaFeed final : public Feed {
 public:
  static Result<std::unique_ptr<ReplicaFeed>> open(const std::string& dir) {
    auto env = Env::open(dir, Env::Mode::read_only);
    if (!env) return std::unexpected(env.error());
    auto f = std::unique_ptr<ReplicaFeed>(new ReplicaFeed(std::move(*env)));
    f->name = dir;
    auto txn = Txn::begin(f->m_env, false);
    if (!txn) return std::unexpected(txn.error());
    f->m_txn.emplace(std::move(*txn));
    auto params = load_params(*f->m_txn);
    if (!params) return std::unexpected(params.error());
    f->chain_id = params->chain_id;
    return f;
  }
  // Starts at `height` (set before the first `next`).
  void start_at(std::uint64_t height) {
    first_height = height;
    rewind();
  }
  Result<std::optional<ByteView>> next() override {
    bool more = m_started ? m_cursor->seek(MDB_NEXT) : m_cursor->seek(MDB_SET_RANGE, be64(first_height));
    m_started = true;
    if (!more) return std::optional<ByteView>{};
    return std::optional<ByteView>(m_cursor->value());
  }
  void rewind() override {
    m_cursor.emplace(*m_txn, m_txn->dbs().entries);
    m_started = false;
  }
  const Txn& txn() const { return *m_txn; }
  std::uint64_t size() const { return entry_count(*m_txn); }

 private:
  explicit ReplicaFeed(Env env) : m_env(std::move(env)) {}
  Env m_env;
  std::optional<Txn> m_txn;
  std::optional<Cursor> m_cursor;
  bool m_started = false;
};

// An LMDB environment in `dir` that nothing was ever committed to (its main
// database is empty), or an empty data.mdb: what a sync killed while it
// created this follower leaves when it dies inside Env::open. It holds nothing.
bool never_committed(const std::string& dir) {
  struct stat st {};
  if (::stat((dir + "/data.mdb").c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0) return true;
  MDB_env* env = nullptr;
  if (mdb_env_create(&env) != 0) return false;
  mdb_env_set_maxdbs(env, 16);
  MDB_stat ms{};
  MDB_txn* txn = nullptr;
  bool empty = mdb_env_open(env, dir.c_str(), MDB_RDONLY, 0640) == 0 &&
               mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn) == 0 && mdb_stat(txn, 0, &ms) == 0 &&
               ms.ms_entries == 0;
  if (txn != nullptr) mdb_txn_abort(txn);
  mdb_env_close(env);
  return empty;
}

std::string real_path(const std::string& path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) != nullptr ? std::string(buf) : path;
}

// Copies the source replica's checkpoints the follower now covers, when they
// describe the follower's own tree and carry a valid signature by a key that
// holds the admin role.
std::uint64_t copy_checkpoints(const Txn& from, Txn& to) {
  auto cps = all_checkpoints(from);
  if (!cps) return 0;
  std::uint64_t copied = 0;
  for (const auto& cp : *cps) {
    if (!checkpoint_mismatch(to, cp).empty()) continue;
    bool admin_signed = false;
    Cursor c(to, to.dbs().signers);
    for (bool ok = c.seek(MDB_FIRST); ok && !admin_signed; ok = c.seek(MDB_NEXT)) {
      auto rec = decode_signer(c.value());
      if (!rec || (rec->roles & k_role_admin_bit) == 0 || c.key().size() != 32) continue;
      Key32 k;
      std::copy(c.key().begin(), c.key().end(), k.begin());
      admin_signed = !check_checkpoint(cp, std::span<const Key32>(&k, 1)).signed_by.empty();
    }
    if (!admin_signed) continue;
    auto stored = read_checkpoint(to, cp.size);
    if (stored && *stored && (*stored)->text() == cp.text()) continue;
    put_checkpoint(to, cp);
    ++copied;
  }
  return copied;
}

}  // namespace

Result<std::uint64_t> write_bundle(const Txn& txn, std::uint64_t since, const ByteSink& sink) {
  constexpr std::size_t k_piece_bytes = std::size_t{256} << 10;
  auto params = load_params(txn);
  if (!params) return std::unexpected(params.error());
  auto head = read_head(txn);
  SCOIN_ASSERT(head.has_value());
  if (since > head->height) {
    return fail(Exit::data, "--since {}: past the head of the ledger (height {})", since, head->height);
  }
  std::uint64_t written = 0;
  Bytes out;
  out.reserve(k_piece_bytes + k_entry_bytes_max + 4);
  Writer w(out);
  auto flush = [&]() -> Result<void> {
    if (auto r = sink(as_chars(out)); !r) return r;
    written += out.size();
    out.clear();
    return {};
  };
  w.raw(k_bundle_magic);
  w.u8(k_bundle_version);
  w.raw(params->chain_id);
  w.u64(since);
  w.u64(head->height - since + 1);
  Cursor c(txn, txn.dbs().entries);
  std::uint64_t expect = since;
  for (bool ok = c.seek(MDB_SET_RANGE, be64(since)); ok; ok = c.seek(MDB_NEXT)) {
    if (c.key().size() != 8 || get_u64(c.key().data()) != expect) {
      return fail(Exit::io, "{}: the entries table has no entry at height {} (run verify-chain)", txn.env().dir(),
                  expect);
    }
    w.u32(static_cast<std::uint32_t>(c.value().size()));
    w.raw(c.value());
    ++expect;
    if (out.size() >= k_piece_bytes) {
      if (auto r = flush(); !r) return std::unexpected(r.error());
    }
  }
  SCOIN_ASSERT(expect == head->height + 1);
  if (auto r = flush(); !r) return std::unexpected(r.error());
  return written;
}

Result<SyncReport> sync_replica(const std::string& dir, const std::string& source, std::size_t map_size_max) {
  const bool from_dir = is_directory(source);
  if (from_dir && real_path(source) == real_path(dir)) {
    return fail(Exit::usage, "--from {}: that is this replica", source);
  }
  std::unique_ptr<Feed> feed;
  ReplicaFeed* replica = nullptr;
  if (from_dir) {
    auto f = ReplicaFeed::open(source);
    if (!f) return std::unexpected(f.error());
    replica = f->get();
    feed = std::move(*f);
  } else {
    if (!path_exists(source)) return fail(Exit::no_input, "{}: no such bundle or replica", source);
    auto f = BundleFeed::open(source);
    if (!f) return std::unexpected(f.error());
    feed = std::move(*f);
  }

  // A follower whose creating sync was killed: the environment holds no
  // entry, so this sync creates it over again (issue 8).
  if (path_exists(dir + "/data.mdb") && never_committed(dir)) {
    ::unlink((dir + "/data.mdb").c_str());
    ::unlink((dir + "/lock.mdb").c_str());
  }
  bool create = !path_exists(dir + "/data.mdb");
  const bool dir_existed = is_directory(dir);
  auto env = Env::open(dir, create ? Env::Mode::create : Env::Mode::existing, map_size_max);
  if (!env) return std::unexpected(env.error());
  auto undo = [&] {
    if (!create) return;
    ::unlink((dir + "/data.mdb").c_str());
    ::unlink((dir + "/lock.mdb").c_str());
    if (!dir_existed) ::rmdir(dir.c_str());
  };

  std::optional<Params> params;
  if (!create) {
    auto txn = Txn::begin(*env, false);
    if (!txn) return std::unexpected(txn.error());
    // Killed inside its one write transaction, a creating sync leaves the
    // tables and nothing in them: no role, no entry.
    if (read_role(*txn).empty() && entry_count(*txn) == 0) create = true;
  }
  if (!create) {
    auto txn = Txn::begin(*env, false);
    if (!txn) return std::unexpected(txn.error());
    if (read_role(*txn) != "follower") {
      return fail(Exit::config, "{}: this replica is the primary; sync only into a follower or an empty directory",
                  dir);
    }
    auto p = load_params(*txn);
    if (!p) return std::unexpected(p.error());
    params = *p;
    if (params->chain_id != feed->chain_id) {
      return fail(Exit::data, "{}: from another ledger (chain id {}; this follower's is {})", source,
                  to_hex(feed->chain_id), to_hex(params->chain_id));
    }
    if (replica) {
      // Start at this follower's head: that entry must be the same on both
      // sides, and everything after it continues it.
      const auto size = entry_count(*txn);
      replica->start_at(std::min(size, replica->size()) - 1);
    }
  } else if (replica) {
    replica->start_at(0);
  }

  auto r = write_txn<SyncReport>(*env, params ? &*params : nullptr, [&](Appender& app) -> Result<SyncReport> {
    SyncReport rep;
    if (app.params() == nullptr && app.tip().next_height > 0) {
      // Another sync created this follower while this one waited for the
      // writer lock: follow it, and never remove it.
      create = false;
      if (read_role(app.txn()) != "follower") {
        return fail(Exit::config, "{}: this replica is the primary; sync only into a follower or an empty directory",
                    dir);
      }
      auto p = load_params(app.txn());
      if (!p) return std::unexpected(p.error());
      params = *p;
      app.set_params(&*params);
    }
    rep.created = create;
    rep.size_before = app.tip().next_height;
    feed->rewind();
    std::optional<Params> new_params;
    std::uint64_t expect = feed->first_height;
    for (;;) {
      auto next = feed->next();
      if (!next) return std::unexpected(next.error());
      if (!*next) break;
      const ByteView bytes = **next;
      const std::uint64_t h = expect++;
      auto e = decode_entry(bytes);
      if (!e) return fail(Exit::data, "{}: the entry at height {} does not parse: {}", feed->name, h, e.error().message);
      if (e->height != h) {
        return fail(Exit::data, "{}: entries out of order: height {} where height {} belongs", feed->name,
                    e->height, h);
      }
      const std::uint64_t next_height = app.tip().next_height;
      if (h < next_height) {
        auto mine = app.txn().get(app.txn().dbs().hashes, be64(h));
        auto theirs = entry_hash(bytes);
        if (!mine || !std::equal(theirs.begin(), theirs.end(), mine->begin(), mine->end())) {
          // Another entry is a fork only when it is a valid one: a damaged
          // copy of an entry this follower holds is bad input, not history.
          if (auto bad = damaged_entry(*e, bytes)) {
            return fail(Exit::data, "{}: the entry at height {} is refused: {}", feed->name, h, *bad);
          }
          return fail(Exit::invalid,
                      "fork at height {}: {} has another entry there than this follower (its hash {}, ours {})", h,
                      feed->name, to_hex(theirs), mine ? to_hex(*mine) : std::string("(none)"));
        }
        ++rep.already_had;
        continue;
      }
      if (h > next_height) {
        return fail(Exit::data, "{}: a gap: it starts at height {}, this replica needs height {} first", feed->name,
                    h, next_height);
      }
      std::string detail;
      auto s = app.append_entry(*e, &detail);
      if (app.txn().rc() != 0) break;  // storage: write_txn grows the map or reports it
      if (s == Status::prev_hash_mismatch) {
        return fail(Exit::invalid, "fork at height {}: {}'s entry does not continue this follower's chain", h,
                    feed->name);
      }
      if (s != Status::ok) {
        return fail(Exit::data, "{}: the entry at height {} is refused: {} ({}){}{}", feed->name, h,
                    status_message(s), status_name(s), detail.empty() ? "" : ": ", detail);
      }
      if (app.last_hash() != entry_hash(bytes)) {
        return fail(Exit::data, "{}: the entry at height {} is not in canonical form", feed->name, h);
      }
      if (h == 0) {
        // A new follower: its chain id is this genesis entry's hash.
        if (app.last_hash() != feed->chain_id) {
          return fail(Exit::data, "{}: its genesis entry is not of the chain it names ({})", feed->name,
                      to_hex(feed->chain_id));
        }
        put_meta(app.txn(), app.last_hash(), "follower");
        auto p = load_params(app.txn());
        if (!p) return std::unexpected(p.error());
        new_params = *p;
        app.set_params(&*new_params);
      }
    }
    if (app.txn().rc() != 0) return rep;
    rep.size_after = app.tip().next_height;
    if (rep.size_after == 0) {
      return fail(Exit::data, "{}: a new follower needs the entries from height 0 (this one starts at {})",
                  feed->name, feed->first_height);
    }
    if (replica) rep.checkpoints = copy_checkpoints(replica->txn(), app.txn());
    rep.chain_id = feed->chain_id;
    rep.head_hash = app.last_hash();
    return rep;
  }, Appender::Mode::sync);
  if (!r) undo();
  return r;
}

// --- stored checkpoints ---------------------------------------------------------

namespace {

Result<Checkpoint> stored_checkpoint(const Txn& txn, ByteView key, ByteView value) {
  const auto name = fmt::format("{}: stored checkpoint {}", txn.env().dir(),
                                key.size() == 8 ? std::to_string(get_u64(key.data())) : to_hex(key));
  auto cp = parse_checkpoint(as_chars(value), name);
  if (!cp) return fail(Exit::io, "{}", cp.error().message);
  if (key.size() != 8 || get_u64(key.data()) != cp->size) {
    return fail(Exit::io, "{}: its key is not its tree size {}", name, cp->size);
  }
  return cp;
}

}  // namespace

Result<std::optional<Checkpoint>> read_checkpoint(const Txn& txn, std::uint64_t size) {
  auto key = be64(size);
  auto v = txn.get(txn.dbs().checkpoints, key);
  if (!v) return std::optional<Checkpoint>{};
  auto cp = stored_checkpoint(txn, key, *v);
  if (!cp) return std::unexpected(cp.error());
  return std::optional<Checkpoint>(std::move(*cp));
}

Result<std::optional<Checkpoint>> newest_checkpoint(const Txn& txn, std::uint64_t min_size) {
  Cursor c(txn, txn.dbs().checkpoints);
  if (!c.seek(MDB_LAST)) return std::optional<Checkpoint>{};
  auto cp = stored_checkpoint(txn, c.key(), c.value());
  if (!cp) return std::unexpected(cp.error());
  if (cp->size < min_size) return std::optional<Checkpoint>{};
  return std::optional<Checkpoint>(std::move(*cp));
}

Result<std::vector<Checkpoint>> all_checkpoints(const Txn& txn) {
  std::vector<Checkpoint> out;
  Cursor c(txn, txn.dbs().checkpoints);
  for (bool ok = c.seek(MDB_FIRST); ok; ok = c.seek(MDB_NEXT)) {
    auto cp = stored_checkpoint(txn, c.key(), c.value());
    if (!cp) return std::unexpected(cp.error());
    out.push_back(std::move(*cp));
  }
  return out;
}

std::string checkpoint_mismatch(const Txn& txn, const Checkpoint& cp, bool* fork) {
  if (fork) *fork = false;
  auto params = load_params(txn);
  if (!params) return params.error().message;
  if (cp.chain_id != params->chain_id) {
    return fmt::format("it is of another ledger (chain id {}; this replica's is {})", to_hex(cp.chain_id),
                       to_hex(params->chain_id));
  }
  const auto size = entry_count(txn);
  if (cp.size > size) {
    return fmt::format("it covers {} entries; this replica has {}", cp.size, size);
  }
  if (cp.size == 0) return "it covers no entries";
  auto root = merkle_root(TableSubtrees(txn), cp.size);
  if (!root) return root.error().message;
  if (*root != cp.root) {
    if (fork) *fork = true;
    return fmt::format("fork: its root for {} entries is {}, this replica's is {}", cp.size, to_hex(cp.root),
                       to_hex(*root));
  }
  return {};
}

void put_checkpoint(Txn& txn, const Checkpoint& cp) {
  Checkpoint merged = cp;
  if (auto v = txn.get(txn.dbs().checkpoints, be64(cp.size))) {
    auto old = parse_checkpoint(as_chars(*v), "stored checkpoint");
    if (old && old->body == cp.body) {
      merged = *old;
      for (const auto& s : cp.signatures)
        if (merged.signatures.size() < k_checkpoint_signatures_max &&
            std::find(merged.signatures.begin(), merged.signatures.end(), s) == merged.signatures.end())
          merged.signatures.push_back(s);
    }
  }
  txn.put(txn.dbs().checkpoints, be64(cp.size), as_bytes(merged.text()));
}

}  // namespace scoin
