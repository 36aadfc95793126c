#include "scoin/rules.hpp"

#include <algorithm>
#include <set>

#include "scoin/amount.hpp"
#include "scoin/crypto.hpp"

namespace scoin {

std::string_view status_name(Status s) {
  switch (s) {
#define SCOIN_STATUS(name) \
  case Status::name: return #name;
    SCOIN_STATUS(ok)
    SCOIN_STATUS(height_not_next)
    SCOIN_STATUS(prev_hash_mismatch)
    SCOIN_STATUS(time_before_prev)
    SCOIN_STATUS(op_malformed)
    SCOIN_STATUS(chain_id_mismatch)
    SCOIN_STATUS(signature_invalid)
    SCOIN_STATUS(genesis_not_first)
    SCOIN_STATUS(first_not_genesis)
    SCOIN_STATUS(nonce_not_next)
    SCOIN_STATUS(genesis_no_admins)
    SCOIN_STATUS(genesis_signer_not_admin)
    SCOIN_STATUS(genesis_duplicate_key)
    SCOIN_STATUS(signer_not_admin)
    SCOIN_STATUS(signer_not_issuer)
    SCOIN_STATUS(role_already_held)
    SCOIN_STATUS(role_not_held)
    SCOIN_STATUS(last_admin)
    SCOIN_STATUS(account_exists)
    SCOIN_STATUS(label_reserved)
    SCOIN_STATUS(label_taken)
    SCOIN_STATUS(amount_zero)
    SCOIN_STATUS(recipient_not_account)
    SCOIN_STATUS(signer_not_account)
    SCOIN_STATUS(signer_not_merchant)
    SCOIN_STATUS(transfer_to_self)
    SCOIN_STATUS(kind_not_allowed)
    SCOIN_STATUS(ref_used)
    SCOIN_STATUS(exceeds_balance)
    SCOIN_STATUS(balance_overflow)
    SCOIN_STATUS(supply_overflow)
#undef SCOIN_STATUS
  }
  return "unknown";
}

std::string_view status_message(Status s) {
  switch (s) {
    case Status::ok: return "ok";
    case Status::height_not_next: return "height does not continue the chain";
    case Status::prev_hash_mismatch: return "prev_hash is not the previous entry's hash";
    case Status::time_before_prev: return "appended_at_ms is earlier than the previous entry's";
    case Status::op_malformed: return "op is not canonically encoded";
    case Status::chain_id_mismatch: return "op was signed for another ledger (chain id differs)";
    case Status::signature_invalid: return "signature does not verify";
    case Status::genesis_not_first: return "a genesis op may only be at height 0";
    case Status::first_not_genesis: return "height 0 must hold the genesis op";
    case Status::nonce_not_next: return "nonce is not the signer's last nonce + 1";
    case Status::genesis_no_admins: return "genesis names no admin";
    case Status::genesis_signer_not_admin: return "genesis signer is not among the admins";
    case Status::genesis_duplicate_key: return "genesis lists a key twice";
    case Status::signer_not_admin: return "signer is not an admin";
    case Status::signer_not_issuer: return "signer is not an issuer";
    case Status::role_already_held: return "the key already holds that role";
    case Status::role_not_held: return "the key does not hold that role";
    case Status::last_admin: return "revoking the last admin is not allowed";
    case Status::account_exists: return "the key is already an account";
    case Status::label_reserved: return "labels may not start with sc1";
    case Status::label_taken: return "the label is taken by another account";
    case Status::amount_zero: return "amount must be at least 1 base unit";
    case Status::recipient_not_account: return "recipient is not a registered account";
    case Status::signer_not_account: return "signer is not a registered account";
    case Status::signer_not_merchant: return "only merchant accounts may redeem";
    case Status::transfer_to_self: return "transfer to the sending account itself";
    case Status::kind_not_allowed: return "residents may not pay residents on this ledger";
    case Status::ref_used: return "the ref was already used";
    case Status::exceeds_balance: return "amount exceeds the balance";
    case Status::balance_overflow: return "balance would exceed 2^63-1";
    case Status::supply_overflow: return "total issued would exceed 2^63-1";
  }
  return "unknown status";
}

Exit status_exit(Status s) {
  switch (s) {
    case Status::ok: return Exit::ok;
    case Status::signer_not_admin:
    case Status::signer_not_issuer: return Exit::key_refused;
    default: return Exit::data;
  }
}

Bytes encode_account(const AccountRec& a) {
  Bytes out;
  Writer w(out);
  w.u8(static_cast<std::uint8_t>(a.kind));
  w.u64(a.balance);
  w.u64(a.opened_at);
  w.u16(static_cast<std::uint16_t>(a.label.size()));
  w.raw(a.label);
  return out;
}

std::optional<AccountRec> decode_account(ByteView b) {
  Reader r(b);
  AccountRec a;
  a.kind = static_cast<Kind>(r.u8());
  a.balance = r.u64();
  a.opened_at = r.u64();
  auto n = r.u16();
  a.label = std::string(as_chars(r.raw(n)));
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return a;
}

Bytes encode_signer(const SignerRec& s) {
  Bytes out;
  Writer w(out);
  w.u64(s.last_nonce);
  w.u8(s.roles);
  return out;
}

std::optional<SignerRec> decode_signer(ByteView b) {
  Reader r(b);
  SignerRec s;
  s.last_nonce = r.u64();
  s.roles = r.u8();
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return s;
}

Bytes encode_totals(const Totals& t) {
  Bytes out;
  Writer w(out);
  w.u64(t.issued);
  w.u64(t.redeemed);
  w.u64(t.admins);
  return out;
}

std::optional<Totals> decode_totals(ByteView b) {
  Reader r(b);
  Totals t;
  t.issued = r.u64();
  t.redeemed = r.u64();
  t.admins = r.u64();
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return t;
}

Bytes history_key(const Key32& key, std::uint64_t height) {
  Bytes k(key.begin(), key.end());
  auto h = be64(height);
  k.insert(k.end(), h.begin(), h.end());
  return k;
}

Bytes issue_ref_key(std::string_view ref) {
  Bytes out;
  out.reserve(1 + ref.size());
  out.push_back('I');
  out.insert(out.end(), ref.begin(), ref.end());
  return out;
}

Bytes redeem_ref_key(const Key32& merchant, std::string_view ref) {
  Bytes out;
  out.reserve(1 + merchant.size() + ref.size());
  out.push_back('R');
  out.insert(out.end(), merchant.begin(), merchant.end());
  out.insert(out.end(), ref.begin(), ref.end());
  return out;
}

Status check_entry(const Entry& e, const Tip& tip, const Params* params, Op& op,
                   std::string* detail, SigCheck sig) {
  if (e.height != tip.next_height) return Status::height_not_next;
  if (e.prev_hash != tip.prev_hash) return Status::prev_hash_mismatch;
  if (e.appended_at_ms < tip.prev_appended_at_ms) return Status::time_before_prev;
  auto decoded = decode_op(e.op);
  if (!decoded) {
    if (detail) *detail = decoded.error().message;
    return Status::op_malformed;
  }
  op = std::move(*decoded);
  if (params != nullptr && op.type() != OpType::genesis && op.chain_id != params->chain_id) {
    return Status::chain_id_mismatch;
  }
  if (sig == SigCheck::here && !verify_signature(op.signer, e.op, e.sig)) return Status::signature_invalid;
  return Status::ok;
}

Status check_op_static(const Op& op) {
  if (auto* b = std::get_if<OpenBody>(&op.body)) {
    if (b->label.starts_with("sc1")) return Status::label_reserved;
  }
  std::uint64_t amount = 1;
  if (auto* b = std::get_if<IssueBody>(&op.body)) amount = b->amount;
  if (auto* b = std::get_if<TransferBody>(&op.body)) amount = b->amount;
  if (auto* b = std::get_if<RedeemBody>(&op.body)) amount = b->amount;
  if (amount == 0) return Status::amount_zero;
  return Status::ok;
}

namespace {

bool has_duplicates(std::vector<Key32> keys) {
  std::sort(keys.begin(), keys.end());
  return std::adjacent_find(keys.begin(), keys.end()) != keys.end();
}

}  // namespace

Status apply_op(State& st, const Params* params, const Op& op, const Hash32& op_hash,
                std::uint64_t height) {
  const bool is_genesis = op.type() == OpType::genesis;
  if (height == 0 && !is_genesis) return Status::first_not_genesis;
  if (height != 0 && is_genesis) return Status::genesis_not_first;
  SCOIN_ASSERT(is_genesis || params != nullptr);
  if (!is_genesis && op.chain_id != params->chain_id) return Status::chain_id_mismatch;
  if (auto s = check_op_static(op); s != Status::ok) return s;

  SignerRec signer = st.signer(op.signer);
  if (op.nonce != signer.last_nonce + 1) return Status::nonce_not_next;
  const bool signer_admin = (signer.roles & k_role_admin_bit) != 0;
  signer.last_nonce = op.nonce;

  switch (op.type()) {
    case OpType::genesis: {
      const auto& b = std::get<GenesisBody>(op.body);
      if (b.admins.empty()) return Status::genesis_no_admins;
      if (std::find(b.admins.begin(), b.admins.end(), op.signer) == b.admins.end()) {
        return Status::genesis_signer_not_admin;
      }
      if (has_duplicates(b.admins) || has_duplicates(b.issuers)) return Status::genesis_duplicate_key;
      for (auto& k : b.admins) {
        auto rec = k == op.signer ? signer : st.signer(k);
        rec.roles |= k_role_admin_bit;
        if (k == op.signer) signer = rec;
        st.put_signer(k, rec);
      }
      for (auto& k : b.issuers) {
        auto rec = k == op.signer ? signer : st.signer(k);
        rec.roles |= k_role_issuer_bit;
        if (k == op.signer) signer = rec;
        st.put_signer(k, rec);
      }
      Totals t;
      t.admins = b.admins.size();
      st.put_totals(t);
      break;
    }
    case OpType::role: {
      const auto& b = std::get<RoleBody>(op.body);
      if (!signer_admin) return Status::signer_not_admin;
      SignerRec target = b.key == op.signer ? signer : st.signer(b.key);
      const std::uint8_t bit = b.role == Role::admin ? k_role_admin_bit : k_role_issuer_bit;
      Totals t = st.totals();
      if (b.action == RoleAction::grant) {
        if (target.roles & bit) return Status::role_already_held;
        target.roles |= bit;
        if (b.role == Role::admin) ++t.admins;
      } else {
        if (!(target.roles & bit)) return Status::role_not_held;
        if (b.role == Role::admin && t.admins <= 1) return Status::last_admin;
        target.roles &= static_cast<std::uint8_t>(~bit);
        if (b.role == Role::admin) --t.admins;
      }
      if (b.key == op.signer) {
        signer = target;
      } else {
        st.put_signer(b.key, target);
      }
      if (b.role == Role::admin) st.put_totals(t);
      break;
    }
    case OpType::open: {
      const auto& b = std::get<OpenBody>(op.body);
      if (!signer_admin) return Status::signer_not_admin;
      if (st.account(b.account)) return Status::account_exists;
      if (st.label_owner(b.label)) return Status::label_taken;
      st.put_account(b.account, AccountRec{b.kind, 0, height, b.label});
      st.put_label(b.label, b.account);
      st.put_history(b.account, height, 0);
      break;
    }
    case OpType::issue: {
      const auto& b = std::get<IssueBody>(op.body);
      if (!(signer.roles & k_role_issuer_bit)) return Status::signer_not_issuer;
      auto to = st.account(b.to);
      if (!to) return Status::recipient_not_account;
      auto ref_key = issue_ref_key(b.ref);
      if (st.ref_height(ref_key)) return Status::ref_used;
      Totals t = st.totals();
      std::uint64_t issued, balance;
      if (!add_u64(t.issued, b.amount, issued) || issued > k_amount_max) return Status::supply_overflow;
      if (!add_u64(to->balance, b.amount, balance) || balance > k_amount_max) return Status::balance_overflow;
      t.issued = issued;
      to->balance = balance;
      st.put_totals(t);
      st.put_account(b.to, *to);
      st.put_history(b.to, height, balance);
      st.put_ref(ref_key, height);
      break;
    }
    case OpType::transfer: {
      const auto& b = std::get<TransferBody>(op.body);
      auto from = st.account(op.signer);
      if (!from) return Status::signer_not_account;
      auto to = st.account(b.to);
      if (!to) return Status::recipient_not_account;
      if (b.to == op.signer) return Status::transfer_to_self;
      if (from->kind == Kind::resident && to->kind == Kind::resident &&
          !(params->genesis.flags & k_flag_resident_transfers)) {
        return Status::kind_not_allowed;
      }
      if (b.amount > from->balance) return Status::exceeds_balance;
      std::uint64_t balance;
      if (!add_u64(to->balance, b.amount, balance) || balance > k_amount_max) return Status::balance_overflow;
      from->balance -= b.amount;
      to->balance = balance;
      st.put_account(op.signer, *from);
      st.put_account(b.to, *to);
      st.put_history(op.signer, height, from->balance);
      st.put_history(b.to, height, to->balance);
      break;
    }
    case OpType::redeem: {
      const auto& b = std::get<RedeemBody>(op.body);
      auto from = st.account(op.signer);
      if (!from) return Status::signer_not_account;
      if (from->kind != Kind::merchant) return Status::signer_not_merchant;
      auto ref_key = redeem_ref_key(op.signer, b.ref);
      if (st.ref_height(ref_key)) return Status::ref_used;
      if (b.amount > from->balance) return Status::exceeds_balance;
      Totals t = st.totals();
      // redeemed ≤ issued ≤ 2^63-1 always holds while balances are sound.
      SCOIN_ASSERT(t.redeemed + b.amount <= t.issued);
      t.redeemed += b.amount;
      from->balance -= b.amount;
      st.put_totals(t);
      st.put_account(op.signer, *from);
      st.put_history(op.signer, height, from->balance);
      st.put_ref(ref_key, height);
      break;
    }
  }
  st.put_signer(op.signer, signer);
  st.put_op_hash(op_hash, height);
  return Status::ok;
}

}  // namespace scoin
