#include "scoin/store.hpp"

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cerrno>
#include <cstring>

#include "scoin/fsutil.hpp"

namespace scoin {

Error lmdb_error(int rc, std::string_view what) {
  if (rc == MDB_MAP_FULL) {
    return Error{Exit::io, fmt::format("{}: the ledger's map is full: nothing was written (raise its "
                                       "maximum, max_map_size in scoin.toml or SCOIN_MAX_MAP_SIZE)",
                                       what)};
  }
  if (rc == ENOSPC) return Error{Exit::io, fmt::format("{}: disk full", what)};
  return Error{Exit::io, fmt::format("{}: {}", what, mdb_strerror(rc))};
}

namespace {

// Free space below which a failed write is put down to a full disk.
constexpr unsigned long long k_disk_full_bytes = 64 * 1024;

constexpr const char* k_db_names[] = {"meta",    "entries", "hashes", "accounts",
                                      "signers", "labels",  "refs",   "history",
                                      "ops",     "tree",    "checkpoints"};

MDB_dbi* db_slot(Dbs& d, int i) {
  MDB_dbi* slots[] = {&d.meta,    &d.entries, &d.hashes, &d.accounts, &d.signers,   &d.labels,
                      &d.refs,    &d.history, &d.ops,    &d.tree,     &d.checkpoints};
  return slots[i];
}

}  // namespace

Env::Env(Env&& o) noexcept
    : m_env(o.m_env),
      m_dbs(o.m_dbs),
      m_dir(std::move(o.m_dir)),
      m_map_size(o.m_map_size),
      m_map_size_max(o.m_map_size_max),
      m_map_addr(o.m_map_addr),
      m_map_len(o.m_map_len) {
  o.m_env = nullptr;
}

Env::~Env() {
  if (m_env != nullptr) mdb_env_close(m_env);
}

Result<Env> Env::open(const std::string& dir, Mode mode, std::size_t map_size_max) {
  const std::string data = dir + "/data.mdb";
  if (mode != Mode::create) {
    if (!is_directory(dir)) return fail(Exit::no_input, "{}: no such ledger directory", dir);
    if (!path_exists(data)) return fail(Exit::no_input, "{}: no ledger here (no data.mdb)", dir);
    // LMDB would make an empty file into a new, empty environment: a
    // truncated copy of a replica is reported, never written over.
    struct stat st {};
    if (::stat(data.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
      return fail(Exit::io, "{}: data.mdb is {}; not a ledger", dir,
                  S_ISREG(st.st_mode) ? "empty" : "not a regular file");
    }
  } else {
    if (path_exists(data)) {
      return fail(Exit::cant_create, "{}: a ledger already exists here; refusing to touch it", dir);
    }
    if (!is_directory(dir) && ::mkdir(dir.c_str(), 0750) != 0) {
      return fail(Exit::cant_create, "{}: cannot create the ledger directory: {}", dir,
                  std::strerror(errno));
    }
  }
  Env env;
  env.m_dir = dir;
  env.m_map_size_max = map_size_max;
  int rc = mdb_env_create(&env.m_env);
  if (rc != 0) return std::unexpected(lmdb_error(rc, dir));
  mdb_env_set_maxdbs(env.m_env, 16);
  mdb_env_set_maxreaders(env.m_env, 126);
  // Start at 1 GiB (sparse on Linux); LMDB keeps a larger existing file's size.
  env.m_map_size = std::min(k_map_size_initial, map_size_max);
  mdb_env_set_mapsize(env.m_env, env.m_map_size);
  // Durable settings: no MDB_NOSYNC / MDB_NOMETASYNC. MDB_NOTLS lets read
  // transactions move between verify-chain's worker threads.
  unsigned flags = MDB_NOTLS | (mode == Mode::read_only ? MDB_RDONLY : 0);
  rc = mdb_env_open(env.m_env, dir.c_str(), flags, 0640);
  // Only on a read-only file system: a folder the user merely may not
  // write could hold a live replica, whose writers a lockless reader would
  // not see.
  if (rc == EROFS && mode == Mode::read_only) {
    mdb_env_close(env.m_env);
    env.m_env = nullptr;
    if ((rc = mdb_env_create(&env.m_env)) != 0) return std::unexpected(lmdb_error(rc, dir));
    mdb_env_set_maxdbs(env.m_env, 16);
    mdb_env_set_mapsize(env.m_env, env.m_map_size);
    rc = mdb_env_open(env.m_env, dir.c_str(), flags | MDB_NOLOCK, 0640);
  }
  if (rc != 0) {
    if (rc == EACCES) {
      return fail(Exit::io, "{}: cannot open the ledger: {} (readers need write access to lock.mdb)", dir,
                  mdb_strerror(rc));
    }
    if (rc == EROFS) return fail(Exit::io, "{}: cannot open the ledger: {}", dir, mdb_strerror(rc));
    return std::unexpected(lmdb_error(rc, dir));
  }
  MDB_envinfo info;
  mdb_env_info(env.m_env, &info);
  env.m_map_size = info.me_mapsize;

  // Open (or create) the named databases once; the handles stay valid for the
  // life of the environment.
  MDB_txn* txn = nullptr;
  bool create = mode == Mode::create;
  rc = mdb_txn_begin(env.m_env, nullptr, create ? 0 : MDB_RDONLY, &txn);
  if (rc != 0) return std::unexpected(lmdb_error(rc, dir));
  for (int i = 0; i < static_cast<int>(std::size(k_db_names)); ++i) {
    rc = mdb_dbi_open(txn, k_db_names[i], create ? MDB_CREATE : 0, db_slot(env.m_dbs, i));
    if (rc != 0) {
      mdb_txn_abort(txn);
      if (rc == MDB_NOTFOUND) {
        return fail(Exit::io, "{}: not a scoin ledger (no '{}' table)", dir, k_db_names[i]);
      }
      return std::unexpected(lmdb_error(rc, dir));
    }
  }
  rc = mdb_txn_commit(txn);
  if (rc != 0) return std::unexpected(lmdb_error(rc, dir));
  return env;
}

bool Env::grow_map() {
  if (m_map_size >= m_map_size_max) return false;
  std::size_t next = m_map_size > m_map_size_max / 2 ? m_map_size_max : m_map_size * 2;
  if (mdb_env_set_mapsize(m_env, next) != 0) return false;
  m_map_size = next;
  m_map_addr = nullptr;
  return true;
}

void Env::adopt_map_size() {
  m_map_addr = nullptr;  // the map may have moved
  mdb_env_set_mapsize(m_env, 0);
  MDB_envinfo info;
  mdb_env_info(m_env, &info);
  m_map_size = info.me_mapsize;
}

void Env::release_mapped_pages() const {
  if (m_map_addr == nullptr) {
    // LMDB 0.9 does not tell where it mapped the file (me_mapaddr is only
    // set for MDB_FIXEDMAP), so the mapping is found in /proc/self/maps.
    char resolved[PATH_MAX];
    if (::realpath((m_dir + "/data.mdb").c_str(), resolved) == nullptr) return;
    std::FILE* maps = std::fopen("/proc/self/maps", "r");
    if (maps == nullptr) return;
    char line[PATH_MAX + 256];
    while (std::fgets(line, sizeof line, maps) != nullptr) {
      unsigned long start = 0, end = 0;
      char perms[8] = {};
      int path_at = 0;
      if (std::sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &start, &end, perms, &path_at) < 3) continue;
      std::string_view path(line + path_at);
      while (!path.empty() && (path.back() == '\n' || path.back() == ' ')) path.remove_suffix(1);
      if (path == resolved && perms[1] != 'w') {
        m_map_addr = reinterpret_cast<void*>(start);
        m_map_len = end - start;
        break;
      }
    }
    std::fclose(maps);
    if (m_map_addr == nullptr) return;
    ::madvise(m_map_addr, m_map_len, MADV_RANDOM);
  }
  // Safe for LMDB's read-only shared file mapping (no MDB_WRITEMAP): the
  // pages are reread from the page cache when next touched.
  ::madvise(m_map_addr, m_map_len, MADV_DONTNEED);
}

Result<Txn> Txn::begin(Env& env, bool write) {
  MDB_txn* txn = nullptr;
  int rc = mdb_txn_begin(env.get(), nullptr, write ? 0 : MDB_RDONLY, &txn);
  if (rc == MDB_MAP_RESIZED) {
    env.adopt_map_size();
    rc = mdb_txn_begin(env.get(), nullptr, write ? 0 : MDB_RDONLY, &txn);
  }
  if (rc != 0) return std::unexpected(lmdb_error(rc, env.dir()));
  return Txn(&env, txn);
}

std::optional<ByteView> Txn::get(MDB_dbi dbi, ByteView key) const {
  SCOIN_ASSERT(m_txn != nullptr);
  MDB_val k{key.size(), const_cast<std::uint8_t*>(key.data())};
  MDB_val v{};
  int rc = mdb_get(m_txn, dbi, &k, &v);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  if (rc != 0) {
    if (m_rc == 0) m_rc = rc;
    return std::nullopt;
  }
  return ByteView(static_cast<const std::uint8_t*>(v.mv_data), v.mv_size);
}

void Txn::put(MDB_dbi dbi, ByteView key, ByteView value, unsigned flags) {
  SCOIN_ASSERT(m_txn != nullptr);
  if (m_rc != 0) return;
  MDB_val k{key.size(), const_cast<std::uint8_t*>(key.data())};
  MDB_val v{value.size(), const_cast<std::uint8_t*>(value.data())};
  m_rc = mdb_put(m_txn, dbi, &k, &v, flags);
}

void Txn::del(MDB_dbi dbi, ByteView key) {
  SCOIN_ASSERT(m_txn != nullptr);
  if (m_rc != 0) return;
  MDB_val k{key.size(), const_cast<std::uint8_t*>(key.data())};
  int rc = mdb_del(m_txn, dbi, &k, nullptr);
  if (rc != MDB_NOTFOUND) m_rc = rc;
}

Result<void> Txn::error() const {
  if (m_rc != 0) return std::unexpected(lmdb_error(m_rc, m_env->dir()));
  return {};
}

Result<void> Txn::commit() {
  SCOIN_ASSERT(m_txn != nullptr);
  if (m_rc != 0) {
    abort();
    return std::unexpected(lmdb_error(m_rc, m_env->dir()));
  }
  int rc = mdb_txn_commit(m_txn);
  m_txn = nullptr;
  // LMDB reports a short write as EIO ("short write, filesystem full?"): on
  // a full disk a write usually comes up short before one fails with ENOSPC.
  // The transaction is not committed either way; say why.
  if (rc == EIO) {
    struct statvfs fs {};
    if (::statvfs(m_env->dir().c_str(), &fs) == 0 && fs.f_bavail * fs.f_frsize < k_disk_full_bytes) {
      rc = ENOSPC;
    }
  }
  if (rc != 0) {
    m_rc = rc;
    return std::unexpected(lmdb_error(rc, m_env->dir()));
  }
  return {};
}

void Txn::abort() {
  if (m_txn != nullptr) mdb_txn_abort(m_txn);
  m_txn = nullptr;
}

Cursor::Cursor(const Txn& txn, MDB_dbi dbi) {
  int rc = mdb_cursor_open(txn.get(), dbi, &m_cur);
  SCOIN_ASSERT(rc == 0);
}

bool Cursor::seek(MDB_cursor_op op, ByteView key) {
  if (op == MDB_SET_RANGE || op == MDB_SET || op == MDB_SET_KEY) {
    m_key = MDB_val{key.size(), const_cast<std::uint8_t*>(key.data())};
  }
  return mdb_cursor_get(m_cur, &m_key, &m_val, op) == 0;
}

}  // namespace scoin
