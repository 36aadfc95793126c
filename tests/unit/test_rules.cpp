// The rules of DESIGN.md §5, table-driven over every status (TigerBeetle's
// state-machine tests), on an in-memory state.
#include <catch2/catch.hpp>

#include "scoin/amount.hpp"
#include "scoin/ledger.hpp"
#include "scoin/memstate.hpp"

using namespace scoin;

namespace {

struct World {
  SecretKey admin = SecretKey::from_seed(Bytes(32, 1));
  SecretKey issuer = SecretKey::from_seed(Bytes(32, 2));
  SecretKey r1 = SecretKey::from_seed(Bytes(32, 3));
  SecretKey r2 = SecretKey::from_seed(Bytes(32, 4));
  SecretKey merchant = SecretKey::from_seed(Bytes(32, 5));
  SecretKey charity = SecretKey::from_seed(Bytes(32, 6));
  SecretKey stranger = SecretKey::from_seed(Bytes(32, 7));
  MemState st;
  Params params;
  std::uint64_t height = 0;

  Op make(const SecretKey& signer, OpBody body, std::uint64_t nonce = 0) {
    Op op;
    op.chain_id = body.index() == 0 ? Hash32{} : params.chain_id;
    op.created_at_ms = 1;
    op.signer = signer.public_key();
    op.nonce = nonce ? nonce : st.signer(signer.public_key()).last_nonce + 1;
    op.body = std::move(body);
    return op;
  }
  Status apply(const Op& op) {
    auto bytes = encode_op(op);
    auto s = apply_op(st, height == 0 ? nullptr : &params, op, op_hash(bytes), height);
    if (s == Status::ok) ++height;
    return s;
  }
  void must(const Op& op) { REQUIRE(apply(op) == Status::ok); }

  explicit World(std::uint8_t flags = 0) {
    GenesisBody g{"L", "SC", 2, 200, 540, flags, {admin.public_key()}, {issuer.public_key()}};
    must(make(admin, g));
    params.chain_id.fill(0xcc);
    params.genesis = g;
    must(make(admin, OpenBody{r1.public_key(), Kind::resident, "R-1"}));
    must(make(admin, OpenBody{r2.public_key(), Kind::resident, "R-2"}));
    must(make(admin, OpenBody{merchant.public_key(), Kind::merchant, "Gym"}));
    must(make(admin, OpenBody{charity.public_key(), Kind::charity, "Food Bank"}));
    must(make(issuer, IssueBody{r1.public_key(), 10000, "volunteering", "ref-1", ""}));
    must(make(r1, TransferBody{merchant.public_key(), 3000, ""}));
  }
};

}  // namespace

TEST_CASE("rules: the setup leaves balances, nonces and totals as expected") {
  World w;
  CHECK(w.st.account(w.r1.public_key())->balance == 7000);
  CHECK(w.st.account(w.merchant.public_key())->balance == 3000);
  CHECK(w.st.signer(w.admin.public_key()).last_nonce == 5);
  CHECK(w.st.signer(w.admin.public_key()).roles == k_role_admin_bit);
  CHECK(w.st.signer(w.issuer.public_key()).roles == k_role_issuer_bit);
  CHECK(w.st.totals() == Totals{10000, 0, 1});
  CHECK(w.st.history.at({w.r1.public_key(), 6}) == 7000);
  CHECK(w.st.history.at({w.r1.public_key(), 1}) == 0);
}

TEST_CASE("rules: every status, in order of precedence") {
  struct Case {
    const char* name;
    std::function<Op(World&)> op;
    Status want;
  };
  const Key32 nobody = SecretKey::from_seed(Bytes(32, 99)).public_key();
  std::vector<Case> cases = {
      {"genesis after height 0",
       [](World& w) { return w.make(w.admin, GenesisBody{"L", "SC", 0, 1, 0, 0, {w.admin.public_key()}, {}}); },
       Status::genesis_not_first},
      {"op for another chain",
       [](World& w) {
         auto op = w.make(w.r1, TransferBody{w.merchant.public_key(), 1, ""});
         op.chain_id[0] ^= 1;
         return op;
       },
       Status::chain_id_mismatch},
      {"zero amount", [](World& w) { return w.make(w.r1, TransferBody{w.merchant.public_key(), 0, ""}); },
       Status::amount_zero},
      {"label starting with sc1",
       [](World& w) { return w.make(w.admin, OpenBody{w.stranger.public_key(), Kind::resident, "sc1abc"}); },
       Status::label_reserved},
      {"replayed nonce", [](World& w) { return w.make(w.r1, TransferBody{w.merchant.public_key(), 1, ""}, 1); },
       Status::nonce_not_next},
      {"nonce gap", [](World& w) { return w.make(w.r1, TransferBody{w.merchant.public_key(), 1, ""}, 3); },
       Status::nonce_not_next},
      {"role by a non-admin",
       [](World& w) { return w.make(w.issuer, RoleBody{RoleAction::grant, Role::issuer, w.r1.public_key()}); },
       Status::signer_not_admin},
      {"open by a non-admin",
       [](World& w) { return w.make(w.issuer, OpenBody{w.stranger.public_key(), Kind::resident, "X"}); },
       Status::signer_not_admin},
      {"issue by a non-issuer",
       [](World& w) { return w.make(w.admin, IssueBody{w.r1.public_key(), 1, "r", "ref-x", ""}); },
       Status::signer_not_issuer},
      {"grant a held role",
       [](World& w) { return w.make(w.admin, RoleBody{RoleAction::grant, Role::issuer, w.issuer.public_key()}); },
       Status::role_already_held},
      {"revoke a role not held",
       [](World& w) { return w.make(w.admin, RoleBody{RoleAction::revoke, Role::admin, w.issuer.public_key()}); },
       Status::role_not_held},
      {"revoke the last admin",
       [](World& w) { return w.make(w.admin, RoleBody{RoleAction::revoke, Role::admin, w.admin.public_key()}); },
       Status::last_admin},
      {"open an existing account",
       [](World& w) { return w.make(w.admin, OpenBody{w.r1.public_key(), Kind::resident, "New"}); },
       Status::account_exists},
      {"open with a taken label",
       [](World& w) { return w.make(w.admin, OpenBody{w.stranger.public_key(), Kind::resident, "Gym"}); },
       Status::label_taken},
      {"issue to a non-account",
       [nobody](World& w) { return w.make(w.issuer, IssueBody{nobody, 1, "r", "ref-2", ""}); },
       Status::recipient_not_account},
      {"issue with a used ref",
       [](World& w) { return w.make(w.issuer, IssueBody{w.r2.public_key(), 1, "r", "ref-1", ""}); },
       Status::ref_used},
      {"transfer from a non-account",
       [](World& w) { return w.make(w.stranger, TransferBody{w.merchant.public_key(), 1, ""}); },
       Status::signer_not_account},
      {"transfer to a non-account",
       [nobody](World& w) { return w.make(w.r1, TransferBody{nobody, 1, ""}); },
       Status::recipient_not_account},
      {"transfer to self", [](World& w) { return w.make(w.r1, TransferBody{w.r1.public_key(), 1, ""}); },
       Status::transfer_to_self},
      {"resident pays resident with the flag off",
       [](World& w) { return w.make(w.r1, TransferBody{w.r2.public_key(), 1, ""}); },
       Status::kind_not_allowed},
      {"overdraft", [](World& w) { return w.make(w.r1, TransferBody{w.merchant.public_key(), 7001, ""}); },
       Status::exceeds_balance},
      {"redeem by a non-merchant", [](World& w) { return w.make(w.r1, RedeemBody{1, "s-1", ""}); },
       Status::signer_not_merchant},
      {"redeem more than held", [](World& w) { return w.make(w.merchant, RedeemBody{3001, "s-1", ""}); },
       Status::exceeds_balance},
      {"issue beyond 2^63-1 in total",
       [](World& w) { return w.make(w.issuer, IssueBody{w.r2.public_key(), k_amount_max - 9999, "r", "ref-3", ""}); },
       Status::supply_overflow},
  };
  for (auto& c : cases) {
    World w;
    auto before = w.st.accounts;
    auto totals = w.st.totals();
    auto op = c.op(w);
    INFO(c.name);
    CHECK(status_name(w.apply(op)) == status_name(c.want));
    // A refused op leaves the state untouched.
    CHECK(w.st.accounts == before);
    CHECK(w.st.totals() == totals);
  }
}

TEST_CASE("rules: role-lacking statuses exit 77, every other broken rule 65") {
  CHECK(status_exit(Status::signer_not_issuer) == Exit::key_refused);
  CHECK(status_exit(Status::signer_not_admin) == Exit::key_refused);
  CHECK(status_exit(Status::exceeds_balance) == Exit::data);
  CHECK(status_exit(Status::signer_not_merchant) == Exit::data);
  CHECK(status_exit(Status::ref_used) == Exit::data);
}

TEST_CASE("rules: resident transfers pass when the genesis flag is set") {
  World w(k_flag_resident_transfers);
  CHECK(w.apply(w.make(w.r1, TransferBody{w.r2.public_key(), 5, ""})) == Status::ok);
  CHECK(w.st.account(w.r2.public_key())->balance == 5);
}

TEST_CASE("rules: redeem burns coins and its ref is per merchant") {
  World w;
  w.must(w.make(w.admin, OpenBody{w.stranger.public_key(), Kind::merchant, "Cafe"}));
  w.must(w.make(w.r1, TransferBody{w.stranger.public_key(), 100, ""}));
  w.must(w.make(w.merchant, RedeemBody{1000, "settle-1", ""}));
  CHECK(w.apply(w.make(w.merchant, RedeemBody{1, "settle-1", ""})) == Status::ref_used);
  // Another merchant may use the same ref.
  CHECK(w.apply(w.make(w.stranger, RedeemBody{100, "settle-1", ""})) == Status::ok);
  CHECK(w.st.totals().redeemed == 1100);
  std::uint64_t sum = 0;
  for (auto& [k, a] : w.st.accounts) sum += a.balance;
  CHECK(w.st.totals().issued - w.st.totals().redeemed == sum);
}

TEST_CASE("rules: granting and revoking roles, a second admin may revoke the first") {
  World w;
  w.must(w.make(w.admin, RoleBody{RoleAction::grant, Role::admin, w.stranger.public_key()}));
  CHECK(w.st.totals().admins == 2);
  w.must(w.make(w.stranger, RoleBody{RoleAction::revoke, Role::admin, w.admin.public_key()}));
  CHECK(w.st.totals().admins == 1);
  CHECK(w.apply(w.make(w.admin, OpenBody{w.r1.public_key(), Kind::resident, "Z"})) == Status::signer_not_admin);
  w.must(w.make(w.stranger, RoleBody{RoleAction::revoke, Role::issuer, w.issuer.public_key()}));
  CHECK(w.apply(w.make(w.issuer, IssueBody{w.r1.public_key(), 1, "r", "ref-9", ""})) ==
        Status::signer_not_issuer);
}

TEST_CASE("rules: genesis checks its admin list") {
  auto a = SecretKey::from_seed(Bytes(32, 1));
  auto b = SecretKey::from_seed(Bytes(32, 2));
  auto genesis = [&](std::vector<Key32> admins, std::vector<Key32> issuers) {
    MemState st;
    Op op;
    op.signer = a.public_key();
    op.nonce = 1;
    op.body = GenesisBody{"L", "SC", 0, 1, 0, 0, admins, issuers};
    return apply_op(st, nullptr, op, Hash32{}, 0);
  };
  CHECK(genesis({}, {}) == Status::genesis_no_admins);
  CHECK(genesis({b.public_key()}, {}) == Status::genesis_signer_not_admin);
  CHECK(genesis({a.public_key(), a.public_key()}, {}) == Status::genesis_duplicate_key);
  CHECK(genesis({a.public_key()}, {b.public_key(), b.public_key()}) == Status::genesis_duplicate_key);
  CHECK(genesis({a.public_key(), b.public_key()}, {a.public_key()}) == Status::ok);
  MemState st;
  Op op;
  op.signer = a.public_key();
  op.nonce = 1;
  op.body = OpenBody{b.public_key(), Kind::resident, "x"};
  CHECK(apply_op(st, nullptr, op, Hash32{}, 0) == Status::first_not_genesis);
}

TEST_CASE("rules: the entry envelope: height, prev_hash, time, encoding, signature") {
  auto key = SecretKey::from_seed(Bytes(32, 1));
  Params p;
  p.chain_id.fill(7);
  Op op;
  op.chain_id = p.chain_id;
  op.signer = key.public_key();
  op.nonce = 1;
  op.body = TransferBody{key.public_key(), 1, ""};
  auto s = sign_op(op, key);
  Tip tip{5, Hash32{}, 1000};
  tip.prev_hash.fill(3);
  Entry e{5, tip.prev_hash, 1000, s.op, s.sig};
  Op out;
  CHECK(check_entry(e, tip, &p, out) == Status::ok);
  auto bad = e;
  bad.height = 6;
  CHECK(check_entry(bad, tip, &p, out) == Status::height_not_next);
  bad = e;
  bad.prev_hash[0] ^= 1;
  CHECK(check_entry(bad, tip, &p, out) == Status::prev_hash_mismatch);
  bad = e;
  bad.appended_at_ms = 999;
  CHECK(check_entry(bad, tip, &p, out) == Status::time_before_prev);
  bad = e;
  bad.op.push_back(0);
  CHECK(check_entry(bad, tip, &p, out) == Status::op_malformed);
  bad = e;
  bad.sig[10] ^= 1;
  CHECK(check_entry(bad, tip, &p, out) == Status::signature_invalid);
  Params other = p;
  other.chain_id[0] ^= 1;
  CHECK(check_entry(e, tip, &other, out) == Status::chain_id_mismatch);
}
