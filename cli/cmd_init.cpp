// scoin init: a new replica holding the genesis entry (DESIGN.md §4.1, §5).
#include "common.hpp"
#include "scoin/amount.hpp"
#include "scoin/fsutil.hpp"
#include "scoin/text.hpp"
#include "scoin/time.hpp"

namespace scoin::cli {

namespace {

struct Opts {
  std::string admin_key;
  std::string name;
  std::string unit = "SC";
  unsigned decimals = 0;
  std::uint64_t krw_per_coin = 200;
  std::string utc_offset = "+09:00";
  bool allow_resident_transfers = false;
  std::vector<std::string> admins;
  std::vector<std::string> issuers;
};

Result<int> run(const Opts& o) {
  auto dir = ledger_dir();
  if (!dir) return std::unexpected(dir.error());
  // Everything that can be checked without the ledger is checked first.
  auto map_max = max_map_size();
  if (!map_max) return std::unexpected(map_max.error());
  if (auto why = check_text(o.name, 1, k_name_bytes_max, false); !why.empty()) {
    return fail(Exit::usage, "--name: {}", why);
  }
  if (auto why = check_text(o.unit, 1, k_unit_bytes_max, false); !why.empty()) {
    return fail(Exit::usage, "--unit: {}", why);
  }
  auto offset = parse_utc_offset(o.utc_offset);
  if (!offset) return std::unexpected(offset.error());
  GenesisBody g;
  g.name = o.name;
  g.unit = o.unit;
  g.decimals = static_cast<std::uint8_t>(o.decimals);
  g.krw_per_coin = o.krw_per_coin;
  g.utc_offset_min = static_cast<std::int16_t>(*offset);
  g.flags = o.allow_resident_transfers ? k_flag_resident_transfers : 0;
  auto parse_keys = [](const std::vector<std::string>& addrs, std::string_view opt,
                       std::vector<Key32>& out) -> Result<void> {
    for (auto& a : addrs) {
      auto k = decode_address(a);
      if (!k) return fail(Exit::data, "{}: {}", opt, k.error().message);
      if (std::find(out.begin(), out.end(), *k) != out.end()) {
        return fail(Exit::data, "{}: {} is given twice", opt, a);
      }
      out.push_back(*k);
    }
    return {};
  };
  if (path_exists(*dir + "/data.mdb")) {
    return fail(Exit::cant_create, "{}: a ledger already exists here; refusing to touch it", *dir);
  }
  auto key = load_signing_key(o.admin_key);
  if (!key) return std::unexpected(key.error());
  g.admins.push_back(key->public_key());
  if (auto r = parse_keys(o.admins, "--admin", g.admins); !r) return std::unexpected(r.error());
  if (auto r = parse_keys(o.issuers, "--issuer", g.issuers); !r) return std::unexpected(r.error());
  if (g.admins.size() > 255 || g.issuers.size() > 255) {
    return fail(Exit::usage, "at most 255 admins and 255 issuers");
  }
  auto now = now_ms();
  if (!now) return std::unexpected(now.error());
  Op op;
  op.created_at_ms = *now;
  op.signer = key->public_key();
  op.nonce = 1;
  op.body = g;
  auto signed_op = sign_op(op, *key);
  auto chain_id = create_ledger(*dir, signed_op, op, static_cast<std::size_t>(map_max->bytes));
  if (!chain_id) return std::unexpected(chain_id.error());
  if (globals().json) {
    json admins = json::array(), issuers = json::array();
    for (auto& k : g.admins) admins.push_back(address(k));
    for (auto& k : g.issuers) issuers.push_back(address(k));
    print_json(json{{"ledger", *dir},
                    {"chain_id", hex(*chain_id)},
                    {"name", g.name},
                    {"unit", g.unit},
                    {"decimals", g.decimals},
                    {"krw_per_coin", g.krw_per_coin},
                    {"utc_offset", format_utc_offset(g.utc_offset_min)},
                    {"allow_resident_transfers", o.allow_resident_transfers},
                    {"admins", admins},
                    {"issuers", issuers}});
  } else if (!globals().quiet) {
    fmt::print("{}\n", hex(*chain_id));
    fmt::print(stderr, "scoin: created ledger '{}' in {} (chain id above; give it to auditors)\n",
               g.name, *dir);
  }
  return 0;
}

}  // namespace

void register_init(CLI::App& app) {
  static Opts o;
  auto* cmd = app.add_subcommand("init", "create a replica and its genesis entry");
  cmd->add_option("--admin-key", o.admin_key, "key file of the first admin (signs the genesis)")
      ->required()
      ->type_name("FILE");
  cmd->add_option("--name", o.name, "the ledger's name")->required();
  cmd->add_option("--unit", o.unit, "the coin's unit")->capture_default_str();
  cmd->add_option("--decimals", o.decimals, "fraction digits of an amount (0-8)")
      ->check(CLI::Range(0u, 8u))
      ->capture_default_str();
  cmd->add_option("--krw-per-coin", o.krw_per_coin, "won paid to merchants per coin")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 62))
      ->capture_default_str();
  cmd->add_option("--utc-offset", o.utc_offset, "the ledger-local day's offset (+HH:MM)")
      ->capture_default_str();
  cmd->add_flag("--allow-resident-transfers", o.allow_resident_transfers,
                "let residents pay residents (genesis flag bit 0)");
  cmd->add_option("--admin", o.admins, "another admin's address (repeatable)")->type_name("ADDRESS");
  cmd->add_option("--issuer", o.issuers, "an issuer's address (repeatable)")->type_name("ADDRESS");
  add_command(cmd, [] { return run(o); });
}

}  // namespace scoin::cli
