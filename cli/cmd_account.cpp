// scoin account open|show|list: registering accounts and looking at them.
#include "common.hpp"
#include "scoin/amount.hpp"
#include "scoin/batch.hpp"
#include "scoin/time.hpp"

namespace scoin::cli {

namespace {

struct OpenOpts {
  std::string key;
  std::string address;
  std::string kind;
  std::string label;
  std::string csv;
};

json account_json(const Key32& key, const AccountRec& a, const Params& p) {
  return json{{"address", address(key)},
              {"label", a.label},
              {"kind", kind_name(a.kind)},
              {"balance", amount_text(a.balance, p)},
              {"balance_units", a.balance},
              {"unit", p.genesis.unit},
              {"opened_at", a.opened_at}};
}

Result<int> run_open(const OpenOpts& o) {
  auto ledger = open_ledger();
  if (!ledger) return std::unexpected(ledger.error());
  std::vector<OpenRow> rows;
  {
    auto txn = Txn::begin(ledger->env, false);
    if (!txn) return std::unexpected(txn.error());
    Findings findings;
    if (!o.csv.empty()) {
      auto r = read_open_csv(o.csv, *txn, findings);
      if (!r) return std::unexpected(r.error());
      rows = std::move(*r);
    } else {
      OpenRow row;
      auto problems = check_open(*txn, o.address, o.kind, o.label, row);
      if (!problems.empty()) {
        auto& [column, message] = problems.front();
        return fail(Exit::data, "{}: {}", column == "address" ? "ADDRESS" : "--" + column, message);
      }
      rows.push_back(std::move(row));
    }
    if (!findings.empty()) {
      report_findings(findings);
      return std::unexpected(batch_failed(o.csv, findings));
    }
  }
  auto key = load_signing_key(o.key);
  if (!key) return std::unexpected(key.error());
  auto now = now_ms();
  if (!now) return std::unexpected(now.error());
  const std::string where = o.csv.empty() ? std::string("account open") : o.csv;
  auto first = write_txn<std::uint64_t>(
      ledger->env, &ledger->params, [&](Appender& app) -> Result<std::uint64_t> {
        std::uint64_t first_height = app.tip().next_height;
        std::uint64_t nonce = app.state().signer(key->public_key()).last_nonce;
        for (auto& row : rows) {
          Op op;
          op.chain_id = ledger->params.chain_id;
          op.created_at_ms = *now;
          op.signer = key->public_key();
          op.nonce = ++nonce;
          op.body = OpenBody{row.account, row.kind, row.label};
          auto s = app.append_own(sign_op(op, *key), op);
          if (s != Status::ok) {
            auto ctx = row.line ? fmt::format("{}:{}", where, row.line) : where;
            return std::unexpected(status_error(s, ctx, row.label));
          }
          if (app.txn().rc() != 0) return std::unexpected(app.txn().error().error());
        }
        return first_height;
      });
  if (!first) return std::unexpected(first.error());
  if (globals().json) {
    json list = json::array();
    std::uint64_t h = *first;
    for (auto& row : rows) {
      list.push_back(json{{"height", h++}, {"address", address(row.account)},
                          {"kind", kind_name(row.kind)}, {"label", row.label}});
    }
    print_json(json{{"ok", true}, {"opened", rows.size()}, {"accounts", list}});
  } else {
    for (auto& row : rows) say("opened {} {} {}\n", address(row.account), kind_name(row.kind), row.label);
    if (rows.size() > 1) say("{} accounts opened\n", rows.size());
  }
  return 0;
}

Result<int> run_show(const std::string& who) {
  auto ledger = open_ledger(true);
  if (!ledger) return std::unexpected(ledger.error());
  auto txn = Txn::begin(ledger->env, false);
  if (!txn) return std::unexpected(txn.error());
  auto key = resolve_account(*txn, who);
  if (!key) return std::unexpected(key.error());
  auto a = read_account(*txn, *key);
  SCOIN_ASSERT(a.has_value());
  auto s = read_signer(*txn, *key);
  const auto& p = ledger->params;
  if (globals().json) {
    auto j = account_json(*key, *a, p);
    j["key_id"] = key_id(*key);
    j["public_key"] = hex(*key);
    j["krw_value"] = krw_json(a->balance, p);
    j["last_nonce"] = s.last_nonce;
    j["admin"] = (s.roles & k_role_admin_bit) != 0;
    j["issuer"] = (s.roles & k_role_issuer_bit) != 0;
    print_json(j);
  } else if (!globals().quiet) {
    fmt::print("address:   {}\nkey id:    {}\nlabel:     {}\nkind:      {}\nbalance:   {} {} ({} KRW)\n"
               "opened at: height {}\nlast nonce: {}\n",
               address(*key), key_id(*key), a->label, kind_name(a->kind), amount_text(a->balance, p),
               p.genesis.unit, krw_string(a->balance, p), a->opened_at, s.last_nonce);
  }
  return 0;
}

Result<int> run_list() {
  auto ledger = open_ledger(true);
  if (!ledger) return std::unexpected(ledger.error());
  auto txn = Txn::begin(ledger->env, false);
  if (!txn) return std::unexpected(txn.error());
  const auto& p = ledger->params;
  auto rows = list_accounts(*txn);
  if (globals().json) {
    json list = json::array();
    for (auto& r : rows) list.push_back(account_json(r.key, r.rec, p));
    print_json(list);
    return 0;
  }
  for (auto& r : rows) {
    say("{:<24} {:<9} {:>20} {}  {}\n", r.rec.label, kind_name(r.rec.kind),
        amount_text(r.rec.balance, p), p.genesis.unit, address(r.key));
  }
  return 0;
}

}  // namespace

void register_account(CLI::App& app) {
  static OpenOpts o;
  static std::string who;
  auto* account = app.add_subcommand("account", "register and inspect accounts");
  account->require_subcommand(1);

  auto* open = account->add_subcommand("open", "register accounts (admin key)");
  open->add_option("--key", o.key, "admin key file")->type_name("FILE");
  auto* addr = open->add_option("address", o.address, "the account's address")->type_name("ADDRESS");
  auto* kind = open->add_option("--kind", o.kind, "resident, merchant or charity")
                   ->check(CLI::IsMember({"resident", "merchant", "charity"}));
  auto* label = open->add_option("--label", o.label, "public label (R-000123, a facility's name)");
  auto* csv = open->add_option("--csv", o.csv, "CSV file with address,kind,label ('-' for stdin)")
                  ->type_name("FILE");
  csv->excludes(addr)->excludes(kind)->excludes(label);
  add_command(open, [] {
    if (o.csv.empty() && (o.address.empty() || o.kind.empty() || o.label.empty())) {
      return Result<int>(fail(Exit::usage, "account open: give ADDRESS --kind K --label L, or --csv FILE"));
    }
    auto key = key_path(o.key);
    if (!key) return Result<int>(std::unexpected(key.error()));
    o.key = *key;
    return run_open(o);
  });

  auto* show = account->add_subcommand("show", "one account: kind, label, balance");
  show->add_option("account", who, "address or label")->required()->type_name("ACCOUNT");
  add_command(show, [] { return run_show(who); });

  auto* list = account->add_subcommand("list", "every account, in the order opened");
  add_command(list, [] { return run_list(); });
}

}  // namespace scoin::cli
