// scoin show-op: decode an op file for a person before it is submitted, and
// say what submit would do with each op.
#include "common.hpp"
#include "describe.hpp"
#include "scoin/amount.hpp"
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
  // With a replica given (--ledger or SCOIN_LEDGER), say where each op stands
  // by trying it in a write transaction that is never committed; without
  // one, only decode and check signatures.
  std::optional<Ledger> ledger;
  if (ledger_dir()) {
    auto l = open_ledger();
    if (!l) return std::unexpected(l.error());
    ledger.emplace(std::move(*l));
  }
  std::optional<Appender> trial;
  std::optional<Txn> reader;
  if (ledger) {
    if (auto a = Appender::begin(ledger->env, &ledger->params)) {
      trial.emplace(std::move(*a));
    } else {
      // A follower, or a clock behind the head: say what can be said.
      auto t = Txn::begin(ledger->env, false);
      if (!t) return std::unexpected(t.error());
      reader.emplace(std::move(*t));
    }
  }
  const Txn* txn = trial ? &trial->txn() : reader ? &*reader : nullptr;
  const Params* p = ledger ? &ledger->params : nullptr;

  bool all_good = true;
  Exit worst = Exit::ok;  // 65 for an op that would be refused, else 75 for a stale one
  json list = json::array();
  for (std::size_t i = 0; i < ops->size(); ++i) {
    const auto& s = (*ops)[i];
    auto where = fmt::format("{}:{}", name, s.line);
    auto op = decode_op(s.op);
    if (!op) {
      all_good = false;
      worst = Exit::data;
      if (globals().json) {
        list.push_back(json{{"line", s.line}, {"error", op.error().message}});
      } else if (!globals().quiet) {
        fmt::print("op {} ({}): not a valid op: {}\n", i + 1, where, op.error().message);
      }
      continue;
    }
    bool sig_ok = verify_signature(op->signer, s.op, s.sig);
    if (!sig_ok) all_good = false, worst = Exit::data;
    std::string standing = "unknown (no replica given)";
    if (txn != nullptr) {
      auto st = op_standing(*txn, *p, s, where);
      switch (st.kind) {
        case OpStanding::applied: standing = fmt::format("already applied at height {}", st.height); break;
        case OpStanding::stale:
          standing = "stale: its nonce was used by another op";
          all_good = false;
          if (worst == Exit::ok) worst = Exit::stale;
          break;
        case OpStanding::invalid:
          standing = "refused: " + st.error.message.substr(where.size() + 2);
          all_good = false;
          worst = Exit::data;
          break;
        case OpStanding::fresh:
          if (!trial) {
            standing = "not yet on the ledger";
            break;
          }
          std::string detail;
          auto height = trial->tip().next_height;
          auto status = trial->append(s, &detail);
          if (trial->txn().rc() != 0) return std::unexpected(trial->txn().error().error());
          if (status == Status::ok) {
            standing = fmt::format("would be appended at height {}", height);
          } else {
            standing = fmt::format("would be refused: {} ({})", status_message(status), status_name(status));
            all_good = false;
            worst = Exit::data;
          }
          break;
      }
    }
    if (globals().json) {
      auto j = op_json(*op, p);
      if (p == nullptr && j.contains("amount")) j.erase("amount");  // decimals unknown: base units only
      j["line"] = s.line;
      j["op_sha256"] = hex(op_hash(s.op));
      j["signature"] = hex(s.sig);
      j["signature_valid"] = sig_ok;
      j["standing"] = standing;
      list.push_back(j);
      continue;
    }
    if (globals().quiet) continue;
    fmt::print("op {} ({}): {} by {}, nonce {}\n", i + 1, where, op_type_name(op->type()), who(txn, op->signer),
               op->nonce);
    if (p != nullptr) {
      fmt::print("  {}\n", op_summary(*op, *p, txn));
    } else {
      // Without the ledger, amounts are in base units and keys are addresses.
      Params bare;
      bare.genesis.unit = "base units";
      fmt::print("  {}\n", op_summary(*op, bare, nullptr));
    }
    fmt::print("  chain id:  {}{}\n", hex(op->chain_id),
               ledger && op->chain_id != ledger->params.chain_id ? " (NOT this ledger)" : "");
    fmt::print("  signature: {}\n", sig_ok ? "valid" : "INVALID");
    fmt::print("  standing:  {}\n", standing);
  }
  if (!all_good) {
    // One JSON document: the error object main prints carries the ops.
    globals().error_extra["file"] = name;
    globals().error_extra["ops"] = list;
    return fail(worst == Exit::ok ? Exit::data : worst, "{}: not every op would be accepted", name);
  }
  if (globals().json) print_json(json{{"ok", true}, {"file", name}, {"ops", list}});
  return 0;
}

}  // namespace

void register_show_op(CLI::App& app) {
  static std::string file;
  auto* cmd = app.add_subcommand("show-op", "decode an op file; with a replica, say what submit would do");
  cmd->add_option("file", file, "op file ('-': stdin)")->required()->type_name("FILE");
  add_command(cmd, [] { return run(file); });
}

}  // namespace scoin::cli
