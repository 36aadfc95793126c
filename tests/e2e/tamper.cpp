#include "e2e/tamper.hpp"

#include <catch2/catch.hpp>
#include <lmdb.h>

namespace tamper {

namespace {

struct Handle {
  MDB_env* env = nullptr;
  MDB_txn* txn = nullptr;
  MDB_dbi dbi = 0;
  Handle(const std::string& dir, const std::string& db, bool write) {
    REQUIRE(mdb_env_create(&env) == 0);
    mdb_env_set_maxdbs(env, 16);
    mdb_env_set_mapsize(env, std::size_t{1} << 30);
    REQUIRE(mdb_env_open(env, dir.c_str(), 0, 0640) == 0);
    REQUIRE(mdb_txn_begin(env, nullptr, write ? 0 : MDB_RDONLY, &txn) == 0);
    REQUIRE(mdb_dbi_open(txn, db.c_str(), 0, &dbi) == 0);
  }
  ~Handle() {
    if (txn != nullptr) mdb_txn_abort(txn);
    mdb_env_close(env);
  }
  void commit() {
    REQUIRE(mdb_txn_commit(txn) == 0);
    txn = nullptr;
  }
};

MDB_val val(const Bytes& b) { return MDB_val{b.size(), const_cast<std::uint8_t*>(b.data())}; }

}  // namespace

Bytes height_key(std::uint64_t height) {
  auto k = scoin::be64(height);
  return Bytes(k.begin(), k.end());
}

Bytes get(const std::string& dir, const std::string& db, const Bytes& key) {
  Handle h(dir, db, false);
  MDB_val k = val(key), v;
  REQUIRE(mdb_get(h.txn, h.dbi, &k, &v) == 0);
  auto* p = static_cast<std::uint8_t*>(v.mv_data);
  return Bytes(p, p + v.mv_size);
}

void put(const std::string& dir, const std::string& db, const Bytes& key, const Bytes& value) {
  Handle h(dir, db, true);
  MDB_val k = val(key), v = val(value);
  REQUIRE(mdb_put(h.txn, h.dbi, &k, &v, 0) == 0);
  h.commit();
}

void del(const std::string& dir, const std::string& db, const Bytes& key) {
  Handle h(dir, db, true);
  MDB_val k = val(key);
  REQUIRE(mdb_del(h.txn, h.dbi, &k, nullptr) == 0);
  h.commit();
}

Bytes first_key_with_prefix(const std::string& dir, const std::string& db, const Bytes& prefix) {
  Handle h(dir, db, false);
  MDB_cursor* c;
  REQUIRE(mdb_cursor_open(h.txn, h.dbi, &c) == 0);
  MDB_val k = val(prefix), v;
  int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
  Bytes out;
  if (rc == 0) {
    auto* p = static_cast<std::uint8_t*>(k.mv_data);
    out.assign(p, p + k.mv_size);
  }
  mdb_cursor_close(c);
  REQUIRE(out.size() >= prefix.size());
  REQUIRE(std::equal(prefix.begin(), prefix.end(), out.begin()));
  return out;
}

}  // namespace tamper
