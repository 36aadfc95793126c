#include "describe.hpp"

#include "scoin/amount.hpp"
#include "scoin/time.hpp"

namespace scoin::cli {

std::string who(const Txn* txn, const Key32& key) {
  if (txn != nullptr) {
    if (auto a = read_account(*txn, key)) return a->label;
  }
  return address(key);
}

std::string op_summary(const Op& op, const Params& p, const Txn* txn) {
  auto amt = [&](std::uint64_t u) { return amount_text(u, p) + " " + p.genesis.unit; };
  return std::visit(
      [&](const auto& b) -> std::string {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, GenesisBody>) {
          return fmt::format("ledger '{}', unit {}, {} decimals, {} KRW per coin, UTC{}, {} admin(s), {} issuer(s){}",
                             b.name, b.unit, b.decimals, b.krw_per_coin,
                             format_utc_offset(b.utc_offset_min), b.admins.size(), b.issuers.size(),
                             (b.flags & k_flag_resident_transfers) ? ", resident transfers allowed" : "");
        } else if constexpr (std::is_same_v<T, RoleBody>) {
          return fmt::format("{} {} {} {}", b.action == RoleAction::grant ? "grant" : "revoke",
                             role_name(b.role), b.action == RoleAction::grant ? "to" : "from",
                             address(b.key));
        } else if constexpr (std::is_same_v<T, OpenBody>) {
          return fmt::format("open {} '{}' {}", kind_name(b.kind), b.label, address(b.account));
        } else if constexpr (std::is_same_v<T, IssueBody>) {
          return fmt::format("issue {} to {} ({}; ref {})", amt(b.amount), who(txn, b.to), b.reason,
                             b.ref);
        } else if constexpr (std::is_same_v<T, TransferBody>) {
          return fmt::format("pay {} to {}", amt(b.amount), who(txn, b.to));
        } else {
          return fmt::format("redeem {} (ref {})", amt(b.amount), b.ref);
        }
      },
      op.body);
}

json op_json(const Op& op, const Params* p) {
  unsigned decimals = 0;
  if (p != nullptr) {
    decimals = p->genesis.decimals;
  } else if (auto* g = std::get_if<GenesisBody>(&op.body)) {
    decimals = g->decimals;
  }
  auto amount = [&](json& j, std::uint64_t u) {
    j["amount"] = format_amount(u, decimals);
    j["amount_units"] = u;
  };
  json j{{"type", op_type_name(op.type())},
         {"chain_id", hex(op.chain_id)},
         {"created_at_ms", op.created_at_ms},
         {"signer", address(op.signer)},
         {"nonce", op.nonce}};
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, GenesisBody>) {
          json admins = json::array(), issuers = json::array();
          for (auto& k : b.admins) admins.push_back(address(k));
          for (auto& k : b.issuers) issuers.push_back(address(k));
          j["name"] = b.name;
          j["unit"] = b.unit;
          j["decimals"] = b.decimals;
          j["krw_per_coin"] = b.krw_per_coin;
          j["utc_offset_min"] = b.utc_offset_min;
          j["flags"] = b.flags;
          j["admins"] = admins;
          j["issuers"] = issuers;
        } else if constexpr (std::is_same_v<T, RoleBody>) {
          j["action"] = b.action == RoleAction::grant ? "grant" : "revoke";
          j["role"] = role_name(b.role);
          j["key"] = address(b.key);
        } else if constexpr (std::is_same_v<T, OpenBody>) {
          j["account"] = address(b.account);
          j["kind"] = kind_name(b.kind);
          j["label"] = b.label;
        } else if constexpr (std::is_same_v<T, IssueBody>) {
          j["to"] = address(b.to);
          amount(j, b.amount);
          j["reason"] = b.reason;
          j["ref"] = b.ref;
          j["memo"] = b.memo;
        } else if constexpr (std::is_same_v<T, TransferBody>) {
          j["to"] = address(b.to);
          amount(j, b.amount);
          j["memo"] = b.memo;
        } else {
          amount(j, b.amount);
          j["ref"] = b.ref;
          j["memo"] = b.memo;
        }
      },
      op.body);
  return j;
}

json entry_json(const Entry& e, const Hash32& hash, const Op& op, const Params& p) {
  json j{{"height", e.height},
         {"entry_hash", hex(hash)},
         {"prev_hash", hex(e.prev_hash)},
         {"appended_at_ms", e.appended_at_ms},
         {"time", time_text(e.appended_at_ms, p)},
         {"op", op_json(op, &p)},
         {"signature", hex(e.sig)}};
  return j;
}

}  // namespace scoin::cli
