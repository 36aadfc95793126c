#include "scoin/submit.hpp"

#include "scoin/crypto.hpp"

namespace scoin {

namespace {

bool same_fields(const Txn& txn, std::uint64_t height, const Op& op) {
  auto e = read_entry(txn, height);
  if (!e || !*e) return false;
  auto there = decode_op((**e).op);
  if (!there || there->type() != op.type()) return false;
  if (auto* a = std::get_if<IssueBody>(&op.body)) {
    auto& b = std::get<IssueBody>(there->body);
    return a->to == b.to && a->amount == b.amount && a->reason == b.reason && a->memo == b.memo;
  }
  if (auto* a = std::get_if<RedeemBody>(&op.body)) {
    auto& b = std::get<RedeemBody>(there->body);
    return there->signer == op.signer && a->amount == b.amount && a->memo == b.memo;
  }
  return false;
}

}  // namespace

OpStanding op_standing(const Txn& txn, const Params& params, const SignedOp& signed_op,
                       std::string_view where) {
  OpStanding st;
  auto invalid = [&](Exit exit, std::string message) {
    st.kind = OpStanding::invalid;
    st.error = Error{exit, fmt::format("{}: {}", where, message)};
    return st;
  };
  auto op = decode_op(signed_op.op);
  if (!op) return invalid(Exit::data, op.error().message);
  st.op = std::move(*op);
  if (st.op.type() == OpType::genesis) return invalid(Exit::data, "a genesis op cannot be submitted");
  if (st.op.chain_id != params.chain_id) {
    return invalid(Exit::data, fmt::format("signed for another ledger (chain id {}, this ledger's is {})",
                                           to_hex(st.op.chain_id), to_hex(params.chain_id)));
  }
  if (!verify_signature(st.op.signer, signed_op.op, signed_op.sig)) {
    return invalid(Exit::data, "signature does not verify (signature_invalid): the op file was altered");
  }
  if (auto h = read_op_height(txn, op_hash(signed_op.op))) {
    st.kind = OpStanding::applied;
    st.height = *h;
    return st;
  }
  std::optional<Bytes> ref_key;
  if (auto* b = std::get_if<IssueBody>(&st.op.body)) ref_key = issue_ref_key(b->ref);
  if (auto* b = std::get_if<RedeemBody>(&st.op.body)) ref_key = redeem_ref_key(st.op.signer, b->ref);
  if (ref_key) {
    if (auto h = read_ref(txn, *ref_key)) {
      if (!same_fields(txn, *h, st.op)) {
        return invalid(Exit::data, fmt::format("its ref was used at height {} with different fields (conflict)", *h));
      }
      st.kind = OpStanding::applied;
      st.height = *h;
      return st;
    }
  }
  auto signer = read_signer(txn, st.op.signer);
  if (st.op.nonce <= signer.last_nonce) {
    st.kind = OpStanding::stale;
    st.error = Error{Exit::stale, fmt::format("{}: stale: nonce {} was already used by another op of "
                                              "{} (its last nonce is {}); sign it again",
                                              where, st.op.nonce, encode_address(st.op.signer),
                                              signer.last_nonce)};
    return st;
  }
  st.kind = OpStanding::fresh;
  return st;
}

Result<SubmitResult> submit_ops(Env& env, const Params& params, const std::vector<SubmitItem>& items) {
  return write_txn<SubmitResult>(env, &params, [&](Appender& app) -> Result<SubmitResult> {
    SubmitResult result;
    result.first_height = app.tip().next_height;
    for (auto& item : items) {
      auto st = op_standing(app.txn(), params, item.op, item.where);
      if (st.kind == OpStanding::applied) {
        ++result.already_applied;
        continue;
      }
      if (st.kind != OpStanding::fresh) return std::unexpected(st.error);
      std::string detail;
      auto s = app.append(item.op, &detail);
      if (app.txn().rc() != 0) return std::unexpected(app.txn().error().error());
      if (s == Status::nonce_not_next) {
        auto last = app.state().signer(st.op.signer).last_nonce;
        return fail(Exit::data, "{}: nonce {} skips ahead: the signer's next nonce is {} (an op "
                                "signed before it is missing)",
                    item.where, st.op.nonce, last + 1);
      }
      if (s != Status::ok) {
        return std::unexpected(Error{status_exit(s), fmt::format("{}: {} ({}){}{}", item.where,
                                                                 status_message(s), status_name(s),
                                                                 detail.empty() ? "" : ": ", detail)});
      }
      ++result.appended;
    }
    return result;
  });
}

}  // namespace scoin
