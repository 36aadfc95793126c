#include "bench_util.hpp"

#include <sodium.h>

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

namespace bench {

Generated generate_ledger(const std::string& dir, std::uint64_t n_entries, std::size_t n_accounts,
                          std::uint64_t per_day, std::int64_t days_back,
                          const std::function<void(std::uint64_t entries)>& after_day) {
  crypto_init();
  std::filesystem::create_directories(dir);
  Generated g;
  g.dir = dir + "/ledger";
  const int offset = g.utc_offset_min;
  const std::int64_t today = local_day(system_now_ms(), offset);
  const std::int64_t day0 = today - days_back;
  g.first_day = day0;
  auto day_ms = [&](std::int64_t day, std::uint64_t i) {
    // Spread the day's entries from 00:00:01 to 23:59 ledger-local time.
    return static_cast<std::uint64_t>(day_start_ms(day, offset)) + 1000 +
           i * (static_cast<std::uint64_t>(k_ms_per_day) - 120'000) / std::max<std::uint64_t>(per_day, 1);
  };

  // Keys from fixed seeds, as plain buffers: this benchmark holds thousands.
  struct Keys {
    std::vector<std::array<std::uint8_t, 64>> sk;
    std::vector<Key32> pk;
  } k;
  const std::size_t n_keys = n_accounts + 2;  // admin, issuer, accounts
  k.sk.resize(n_keys);
  k.pk.resize(n_keys);
  parallel_for(n_keys, std::thread::hardware_concurrency(), [&](std::size_t i) {
    Bytes seed(32, 0);
    put_u64(seed.data(), i + 7);
    crypto_sign_seed_keypair(k.pk[i].data(), k.sk[i].data(), seed.data());
  });
  enum { admin = 0, issuer = 1 };
  // The key files, for the commands that sign (checkpoint, issue).
  for (auto [key, name] : {std::pair{admin, "admin"}, std::pair{issuer, "issuer"}}) {
    Bytes seed(32, 0);
    put_u64(seed.data(), static_cast<std::uint64_t>(key) + 7);
    auto sk = SecretKey::from_seed(seed);
    SCOIN_ASSERT(sk.public_key() == k.pk[key]);
    const std::string path = fmt::format("{}/{}.key", dir, name);
    std::filesystem::remove(path);
    SCOIN_ASSERT(write_key_file(path, sk, nullptr, KdfLevel::interactive).has_value());
  }
  auto kind_of = [](std::size_t a) {
    return a % 50 == 0 ? Kind::charity : a % 20 == 0 ? Kind::merchant : Kind::resident;
  };
  std::vector<std::uint64_t> nonce(n_keys, 0), balance(n_accounts, 0);

  Op genesis;
  genesis.created_at_ms = static_cast<std::uint64_t>(day_start_ms(day0, offset));
  genesis.signer = k.pk[admin];
  genesis.nonce = ++nonce[admin];
  genesis.body = GenesisBody{"Bench District", "SC", 2, 200, static_cast<std::int16_t>(offset), 0,
                             {k.pk[admin]}, {k.pk[issuer]}};
  auto sign_raw = [&](const Op& op, std::size_t key) {
    SignedOp s;
    s.op = encode_op(op);
    crypto_sign_detached(s.sig.data(), nullptr, s.op.data(), s.op.size(), k.sk[key].data());
    return s;
  };
  setenv("SCOIN_NOW_MS", std::to_string(genesis.created_at_ms).c_str(), 1);
  auto chain = create_ledger(g.dir, sign_raw(genesis, admin), genesis);
  SCOIN_ASSERT(chain.has_value());
  auto env = Env::open(g.dir, Env::Mode::existing);
  SCOIN_ASSERT(env.has_value());
  Params params;
  params.chain_id = *chain;
  params.genesis = std::get<GenesisBody>(genesis.body);

  std::uint64_t made = 1;
  std::uint64_t rng = 0x9E3779B97F4A7C15ull;
  auto next = [&] {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
  };
  std::int64_t day = day0;
  std::uint64_t issue_ref = 0, redeem_ref = 0;
  while (made < n_entries) {
    // One ledger-local day per transaction.
    struct Pending {
      Op op;
      std::size_t key;
    };
    std::vector<Pending> ops;
    const std::uint64_t today_n = std::min<std::uint64_t>(per_day, n_entries - made);
    for (std::uint64_t i = 0; i < today_n; ++i) {
      Op op;
      op.chain_id = *chain;
      op.created_at_ms = day_ms(day, i);
      std::size_t key = admin;
      const std::uint64_t opened = made + ops.size() - 1;  // accounts opened so far
      if (opened < n_accounts) {
        const std::size_t a = opened;
        op.body = OpenBody{k.pk[a + 2], kind_of(a), fmt::format("{}-{:06}", kind_of(a) == Kind::resident ? "R" : kind_of(a) == Kind::merchant ? "M" : "C", a)};
      } else {
        auto r = next() % 100;
        std::size_t a = next() % n_accounts;
        if (r < 25 || balance[a] < 500) {
          key = issuer;
          std::uint64_t amount = 1000 + next() % 9000;
          op.body = IssueBody{k.pk[a + 2], amount, r % 3 == 0 ? "volunteering" : r % 3 == 1 ? "health program" : "carbon neutral",
                              fmt::format("w-{}", issue_ref++), ""};
          balance[a] += amount;
        } else if (kind_of(a) == Kind::merchant && r < 35) {
          key = a + 2;
          std::uint64_t amount = 1 + next() % (balance[a] / 2);
          op.body = RedeemBody{amount, fmt::format("s-{}", redeem_ref++), ""};
          balance[a] -= amount;
        } else {
          key = a + 2;
          std::size_t b = (a / 20 + 1 + next() % (n_accounts / 20 - 1)) % (n_accounts / 20) * 20;
          if (b == 0 || b == a || kind_of(b) != Kind::merchant) b = 20;
          if (b == a) b = 40;
          std::uint64_t amount = 1 + next() % (balance[a] / 4);
          op.body = TransferBody{k.pk[b + 2], amount, ""};
          balance[a] -= amount;
          balance[b] += amount;
        }
      }
      op.signer = k.pk[key];
      op.nonce = ++nonce[key];
      ops.push_back({std::move(op), key});
    }
    std::vector<SignedOp> signed_ops(ops.size());
    parallel_for(ops.size(), std::thread::hardware_concurrency(),
                 [&](std::size_t i) { signed_ops[i] = sign_raw(ops[i].op, ops[i].key); });
    setenv("SCOIN_NOW_MS", std::to_string(ops.empty() ? 0 : ops.back().op.created_at_ms + 1).c_str(), 1);
    // Each day's entries are booked at their own times: append in slices so
    // appended_at_ms follows created_at_ms within the day.
    constexpr std::size_t k_slice = 1000;
    for (std::size_t start = 0; start < ops.size(); start += k_slice) {
      const std::size_t end = std::min(ops.size(), start + k_slice);
      setenv("SCOIN_NOW_MS", std::to_string(ops[start].op.created_at_ms).c_str(), 1);
      auto r = write_txn<int>(*env, &params, [&](Appender& app) -> Result<int> {
        for (std::size_t i = start; i < end; ++i) {
          auto s = app.append_own(signed_ops[i], ops[i].op);
          if (app.txn().rc() != 0) return std::unexpected(app.txn().error().error());  // a full map: run again
          if (s != Status::ok) {
            std::fprintf(stderr, "generate: entry %llu refused: %s\n",
                         static_cast<unsigned long long>(app.tip().next_height), std::string(status_name(s)).c_str());
            std::abort();
          }
        }
        return 0;
      });
      SCOIN_ASSERT(r.has_value());
    }
    made += ops.size();
    g.last_day = day;
    ++day;
    if (after_day) {
      unsetenv("SCOIN_NOW_MS");
      after_day(made);
    }
  }
  unsetenv("SCOIN_NOW_MS");
  g.entries = made;
  return g;
}

}  // namespace bench
