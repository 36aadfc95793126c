// scoin balance [ACCOUNT]: one account's balance, or every account's and the
// supply. Needs no key.
#include "common.hpp"
#include "scoin/amount.hpp"

namespace scoin::cli {

namespace {

Result<int> run(const std::string& who) {
  auto ledger = open_ledger(true);
  if (!ledger) return std::unexpected(ledger.error());
  auto txn = Txn::begin(ledger->env, false);
  if (!txn) return std::unexpected(txn.error());
  const auto& p = ledger->params;
  const auto& unit = p.genesis.unit;
  if (!who.empty()) {
    auto key = resolve_account(*txn, who);
    if (!key) return std::unexpected(key.error());
    auto a = read_account(*txn, *key);
    SCOIN_ASSERT(a.has_value());
    if (globals().json) {
      print_json(json{{"address", address(*key)},
                      {"label", a->label},
                      {"balance", amount_text(a->balance, p)},
                      {"balance_units", a->balance},
                      {"unit", unit},
                      {"krw_value", krw_json(a->balance, p)}});
    } else if (!globals().quiet) {
      fmt::print("{} {}\n", amount_text(a->balance, p), unit);
    }
    return 0;
  }
  auto rows = list_accounts(*txn);
  auto t = read_totals(*txn);
  std::uint64_t sum = 0;
  for (auto& r : rows) sum += r.rec.balance;  // ≤ supply ≤ 2^63-1 by the rules
  // The supply invariant of DESIGN.md §5, checked on every read of it.
  SCOIN_ASSERT(t.issued - t.redeemed == sum);
  if (globals().json) {
    json list = json::array();
    for (auto& r : rows) {
      list.push_back(json{{"address", address(r.key)},
                          {"label", r.rec.label},
                          {"kind", kind_name(r.rec.kind)},
                          {"balance", amount_text(r.rec.balance, p)},
                          {"balance_units", r.rec.balance}});
    }
    print_json(json{{"unit", unit},
                    {"accounts", list},
                    {"supply", amount_text(sum, p)},
                    {"supply_units", sum},
                    {"issued", amount_text(t.issued, p)},
                    {"redeemed", amount_text(t.redeemed, p)},
                    {"supply_krw_value", krw_json(sum, p)}});
    return 0;
  }
  for (auto& r : rows) say("{:<24} {:>20} {}\n", r.rec.label, amount_text(r.rec.balance, p), unit);
  say("{:<24} {:>20} {} ({} KRW; issued {}, redeemed {})\n", "TOTAL", amount_text(sum, p), unit,
      krw_string(sum, p), amount_text(t.issued, p), amount_text(t.redeemed, p));
  return 0;
}

}  // namespace

void register_balance(CLI::App& app) {
  static std::string who;
  auto* cmd = app.add_subcommand("balance", "balances: one account's, or all and the supply");
  cmd->add_option("account", who, "address or label")->type_name("ACCOUNT");
  add_command(cmd, [] { return run(who); });
}

}  // namespace scoin::cli
