// scoin show-op: decode an op file for a person before it is submitted.
#include "common.hpp"
#include "describe.hpp"
#include "scoin/fsutil.hpp"
#include "scoin/submit.hpp"

namespace scoin::cli {

namespace {

Result<int> run(const std::string& file) {
  auto text = read_input_file(file, k_op_file_bytes_max);
  if (!text) return std::unexpected(text.error());
  const std::string name = file == "-" ? "<stdin>" : file;
  auto ops = parse_op_file(*text, name);
  if (!ops) return std::unexpected(ops.error());
  // With a replica at hand, say where each op stands; without one, decode.
  std::optional<Ledger> ledger;
  if (ledger_dir()) {
    if (auto l = open_ledger()) ledger.emplace(std::move(*l));
  }
  std::optional<Txn> txn;
  if (ledger) {
    auto t = Txn::begin(ledger->env, false);
    if (!t) return std::unexpected(t.error());
    txn.emplace(std::move(*t));
  }
  bool all_good = true;
  json list = json::array();
  for (std::size_t i = 0; i < ops->size(); ++i) {
    const auto& s = (*ops)[i];
    auto where = fmt::format("{}:{}", name, s.line);
    auto op = decode_op(s.op);
    if (!op) {
      all_good = false;
      if (globals().json) {
        list.push_back(json{{"line", s.line}, {"error", op.error().message}});
      } else {
        fmt::print("op {} ({}): not a valid op: {}\n", i + 1, where, op.error().message);
      }
      continue;
    }
    bool sig_ok = verify_signature(op->signer, s.op, s.sig);
    all_good &= sig_ok;
    std::string standing = "unknown (no replica)";
    if (ledger) {
      auto st = op_standing(*txn, ledger->params, s, where);
      switch (st.kind) {
        case OpStanding::applied: standing = fmt::format("already applied at height {}", st.height); break;
        case OpStanding::stale: standing = "stale: its nonce was used by another op"; break;
        case OpStanding::fresh: standing = "not yet on the ledger"; break;
        case OpStanding::invalid:
          standing = "refused: " + st.error.message.substr(where.size() + 2);
          all_good = false;
          break;
      }
    }
    const Params* p = ledger ? &ledger->params : nullptr;
    if (globals().json) {
      auto j = op_json(*op, p);
      j["line"] = s.line;
      j["op_sha256"] = hex(op_hash(s.op));
      j["signature"] = hex(s.sig);
      j["signature_valid"] = sig_ok;
      j["standing"] = standing;
      list.push_back(j);
      continue;
    }
    fmt::print("op {} ({}): {} by {}, nonce {}\n", i + 1, where, op_type_name(op->type()),
               who(txn ? &*txn : nullptr, op->signer), op->nonce);
    if (p != nullptr) {
      fmt::print("  {}\n", op_summary(*op, *p, &*txn));
    } else {
      fmt::print("  {}\n", op_json(*op, nullptr).dump());
    }
    fmt::print("  chain id:  {}{}\n", hex(op->chain_id),
               ledger && op->chain_id != ledger->params.chain_id ? " (NOT this ledger)" : "");
    fmt::print("  signature: {}\n", sig_ok ? "valid" : "INVALID");
    fmt::print("  standing:  {}\n", standing);
  }
  if (globals().json) print_json(list);
  return all_good ? 0 : static_cast<int>(Exit::data);
}

}  // namespace

void register_show_op(CLI::App& app) {
  static std::string file;
  auto* cmd = app.add_subcommand("show-op", "decode an op file, check its signatures");
  cmd->add_option("file", file, "op file ('-': stdin)")->required()->type_name("FILE");
  add_command(cmd, [] { return run(file); });
}

}  // namespace scoin::cli
