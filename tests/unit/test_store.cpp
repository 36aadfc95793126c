#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

#include "unit/tmpdir.hpp"
#include "scoin/ledger.hpp"

using namespace scoin;
using scoin::test::TmpDir;
namespace fs = std::filesystem;

TEST_CASE("store: a missing ledger is 66, creating over an existing one is 73") {
  TmpDir d;
  auto missing = Env::open((d.path / "nope").string(), Env::Mode::existing);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().exit == Exit::no_input);
  {
    auto env = Env::open((d.path / "l").string(), Env::Mode::create);
    REQUIRE(env.has_value());
  }
  auto again = Env::open((d.path / "l").string(), Env::Mode::create);
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().exit == Exit::cant_create);
  CHECK(Env::open((d.path / "l").string(), Env::Mode::existing).has_value());
}

TEST_CASE("store: a write transaction not committed leaves nothing behind") {
  TmpDir d;
  auto env = Env::open((d.path / "l").string(), Env::Mode::create);
  REQUIRE(env.has_value());
  {
    auto txn = Txn::begin(*env, true);
    REQUIRE(txn.has_value());
    txn->put(env->dbs().meta, as_bytes("k"), as_bytes("v"));
    // destroyed without commit
  }
  {
    auto txn = Txn::begin(*env, false);
    CHECK_FALSE(txn->get(env->dbs().meta, as_bytes("k")).has_value());
  }
  {
    auto txn = Txn::begin(*env, true);
    txn->put(env->dbs().meta, as_bytes("k"), as_bytes("v"));
    REQUIRE(txn->commit().has_value());
  }
  auto txn = Txn::begin(*env, false);
  auto v = txn->get(env->dbs().meta, as_bytes("k"));
  REQUIRE(v.has_value());
  CHECK(as_chars(*v) == "v");
}

TEST_CASE("store: a full map grows up to its maximum, then fails cleanly with 74") {
  TmpDir d;
  // Start tiny (the maximum caps the initial size too), grow to 4 MiB.
  auto env = Env::open((d.path / "l").string(), Env::Mode::create, 4u << 20);
  REQUIRE(env.has_value());
  Bytes value(1000, 0x5a);
  std::uint64_t written = 0;
  auto r = write_txn<int>(*env, nullptr, [&](Appender& app) -> Result<int> {
    for (std::uint64_t i = 0; i < 2000; ++i) app.txn().put(env->dbs().meta, be64(i), value);
    written = 2000;
    return 0;
  });
  REQUIRE(r.has_value());
  CHECK(written == 2000);
  auto too_much = write_txn<int>(*env, nullptr, [&](Appender& app) -> Result<int> {
    for (std::uint64_t i = 0; i < 20000; ++i) app.txn().put(env->dbs().meta, be64(100000 + i), value);
    return 0;
  });
  REQUIRE_FALSE(too_much.has_value());
  CHECK(too_much.error().exit == Exit::io);
  // The first batch is intact, the second left nothing.
  auto txn = Txn::begin(*env, false);
  CHECK(txn->get(env->dbs().meta, be64(1999)).has_value());
  CHECK_FALSE(txn->get(env->dbs().meta, be64(100000)).has_value());
}
