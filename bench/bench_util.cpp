#include "bench_util.hpp"

#include <thread>

#include "scoin/issue.hpp"
#include "scoin/time.hpp"

namespace bench {

using namespace scoin;

Fixture make_ledger(const std::string& dir, std::size_t n_accounts, int decimals) {
  crypto_init();
  std::filesystem::create_directories(dir);
  Fixture fx;
  fx.dir = dir;
  auto admin = SecretKey::from_seed(Bytes(32, 1));
  auto issuer = SecretKey::from_seed(Bytes(32, 2));
  std::filesystem::remove(dir + "/admin.key");
  std::filesystem::remove(dir + "/issuer.key");
  SCOIN_ASSERT(write_key_file(dir + "/admin.key", admin, nullptr, KdfLevel::interactive).has_value());
  SCOIN_ASSERT(write_key_file(dir + "/issuer.key", issuer, nullptr, KdfLevel::interactive).has_value());
  Op g;
  g.created_at_ms = system_now_ms() - 60000;
  g.signer = admin.public_key();
  g.nonce = 1;
  g.body = GenesisBody{"Bench", "SC", static_cast<std::uint8_t>(decimals), 200, 540, 0,
                       {admin.public_key()}, {issuer.public_key()}};
  auto chain = create_ledger(dir + "/ledger", sign_op(g, admin), g);
  SCOIN_ASSERT(chain.has_value());
  auto env = Env::open(dir + "/ledger", Env::Mode::existing);
  SCOIN_ASSERT(env.has_value());
  Params params;
  {
    auto txn = Txn::begin(*env, false);
    params = *load_params(*txn);
  }
  for (std::size_t i = 0; i < n_accounts; ++i) {
    Bytes seed(32, 0);
    put_u64(seed.data(), i + 1000);
    fx.accounts.push_back(SecretKey::from_seed(seed).public_key());
    fx.labels.push_back(fmt::format("R-{:06}", i + 1));
  }
  std::vector<SignedOp> ops(n_accounts);
  std::vector<Op> plain(n_accounts);
  parallel_for(n_accounts, std::thread::hardware_concurrency(), [&](std::size_t i) {
    Op op;
    op.chain_id = params.chain_id;
    op.created_at_ms = g.created_at_ms;
    op.signer = admin.public_key();
    op.nonce = i + 2;
    op.body = OpenBody{fx.accounts[i], i % 50 == 0 ? Kind::merchant : Kind::resident, fx.labels[i]};
    ops[i] = sign_op(op, admin);
    plain[i] = op;
  });
  auto r = write_txn<int>(*env, &params, [&](Appender& app) -> Result<int> {
    for (std::size_t i = 0; i < ops.size(); ++i) SCOIN_ASSERT(app.append_own(ops[i], plain[i]) == Status::ok);
    return 0;
  });
  SCOIN_ASSERT(r.has_value());
  return fx;
}

}  // namespace bench
