// The LMDB replica (DESIGN.md §6).
//
// On-disk layout: one LMDB environment (a directory holding data.mdb and
// lock.mdb) with these named databases. Integer keys are big-endian bytes
// compared as bytes (no MDB_INTEGERKEY), so a cursor walks in height order for
// any reader in any language.
//
//   db           key                          value
//   meta         name (ASCII)                 "format" → u32 (1); "chain_id" → 32 bytes;
//                                             "role" → "primary" | "follower";
//                                             "totals" → issued:u64 redeemed:u64 admins:u64
//                                             (derived)
//   entries      height:u64                   entry bytes (DESIGN §4.2)          source
//   hashes       height:u64                   entry_hash:32                       derived
//   accounts     key:32                       kind:u8 balance:u64 opened_at:u64
//                                             label_len:u16 label               derived
//   signers      key:32                       last_nonce:u64 roles:u8 (1 admin, 2 issuer)
//   labels       label bytes                  key:32                              derived
//   refs         "I" ‖ ref | "R" ‖ key ‖ ref  height:u64                          derived
//   history      key:32 ‖ height:u64          balance after that entry:u64        derived
//   ops          SHA-256(op):32               height:u64                          derived
//   tree         level:u8 ‖ index:u64         subtree root:32 (DESIGN §9)        derived
//   checkpoints  tree size:u64                signed checkpoint note (§9)         source
//
// Every command writes in one write transaction; readers take one snapshot.
#pragma once

#include <lmdb.h>

#include <optional>
#include <string>

#include "scoin/bytes.hpp"
#include "scoin/error.hpp"

namespace scoin {

inline constexpr std::uint32_t k_format_version = 1;
inline constexpr std::size_t k_map_size_initial = std::size_t{1} << 30;  // 1 GiB
inline constexpr std::size_t k_map_size_max_default = std::size_t{1} << 40;  // 1 TiB

struct Dbs {
  MDB_dbi meta = 0, entries = 0, hashes = 0, accounts = 0, signers = 0, labels = 0, refs = 0,
          history = 0, ops = 0, tree = 0, checkpoints = 0;
};

class Txn;

// An open LMDB environment. Move-only; closes the environment when destroyed.
class Env {
 public:
  enum class Mode { existing, read_only, create };
  // Opens the replica in `dir`. `existing`: the directory must hold a replica
  // (66 otherwise). `read_only`: the same, for readers that never write
  // (MDB_RDONLY); on a read-only file system (a copy on other media) LMDB's
  // lock file is skipped (MDB_NOLOCK): nobody can write that copy meanwhile. `create`: the directory is
  // created if missing and must not hold one (73 otherwise). `map_size_max`
  // bounds automatic map growth.
  static Result<Env> open(const std::string& dir, Mode mode,
                          std::size_t map_size_max = k_map_size_max_default);
  Env(Env&& o) noexcept;
  Env& operator=(Env&&) = delete;
  Env(const Env&) = delete;
  ~Env();

  MDB_env* get() const { return m_env; }
  const Dbs& dbs() const { return m_dbs; }
  const std::string& dir() const { return m_dir; }
  // Doubles the map size, up to the maximum; false when already there.
  bool grow_map();
  // Picks up a map size grown by another process (after MDB_MAP_RESIZED).
  void adopt_map_size();
  // Drops this process's mapped pages of the (read-only) map: they stay in
  // the page cache and come back on the next touch. A reader that walks the
  // whole ledger calls it now and then, so its resident memory stays bounded
  // instead of growing to the size of the file.
  void release_mapped_pages() const;

 private:
  Env() = default;
  MDB_env* m_env = nullptr;
  Dbs m_dbs;
  std::string m_dir;
  std::size_t m_map_size = 0;
  std::size_t m_map_size_max = 0;
  // Where the data file is mapped, found on first use of release_mapped_pages.
  mutable void* m_map_addr = nullptr;
  mutable std::size_t m_map_len = 0;
  friend class Txn;
};

// An LMDB transaction; aborted in its destructor unless committed. Views
// returned by `get` and cursors are valid until the transaction ends.
//
// Writes record the first LMDB error and turn later writes into no-ops, so the
// rules can write without checking each put; `commit` (or `error`) reports it.
class Txn {
 public:
  static Result<Txn> begin(Env& env, bool write);
  Txn(Txn&& o) noexcept : m_env(o.m_env), m_txn(o.m_txn), m_rc(o.m_rc) { o.m_txn = nullptr; }
  Txn& operator=(Txn&&) = delete;
  ~Txn() {
    if (m_txn != nullptr) mdb_txn_abort(m_txn);
  }

  MDB_txn* get() const { return m_txn; }
  const Dbs& dbs() const { return m_env->dbs(); }
  Env& env() const { return *m_env; }

  std::optional<ByteView> get(MDB_dbi dbi, ByteView key) const;
  void put(MDB_dbi dbi, ByteView key, ByteView value, unsigned flags = 0);
  void del(MDB_dbi dbi, ByteView key);
  // The first LMDB error of a write, 0 if none.
  int rc() const { return m_rc; }
  bool map_full() const { return m_rc == MDB_MAP_FULL; }
  Result<void> error() const;
  Result<void> commit();
  void abort();

 private:
  Txn(Env* env, MDB_txn* txn) : m_env(env), m_txn(txn) {}
  Env* m_env;
  MDB_txn* m_txn;
  mutable int m_rc = 0;  // first LMDB error, reads included
};

// A cursor over one database of a transaction.
class Cursor {
 public:
  Cursor(const Txn& txn, MDB_dbi dbi);
  Cursor(Cursor&& o) noexcept : m_cur(o.m_cur) { o.m_cur = nullptr; }
  Cursor(const Cursor&) = delete;
  ~Cursor() {
    if (m_cur != nullptr) mdb_cursor_close(m_cur);
  }
  // Positions at `op` (MDB_FIRST, MDB_NEXT, MDB_SET_RANGE, ...); false at the end.
  bool seek(MDB_cursor_op op, ByteView key = {});
  ByteView key() const { return {static_cast<const std::uint8_t*>(m_key.mv_data), m_key.mv_size}; }
  ByteView value() const {
    return {static_cast<const std::uint8_t*>(m_val.mv_data), m_val.mv_size};
  }

 private:
  MDB_cursor* m_cur = nullptr;
  MDB_val m_key{}, m_val{};
};

Error lmdb_error(int rc, std::string_view what);

}  // namespace scoin
