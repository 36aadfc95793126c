// The ledger rules of DESIGN.md §5 as one state machine, shared by the append
// path (over the LMDB replica) and verify-chain (over a replayed state), so
// the two cannot drift apart.
//
// A broken rule is a `Status`, a named value (TigerBeetle's
// CreateTransferStatus), never an exception.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "scoin/codec.hpp"
#include "scoin/error.hpp"

namespace scoin {

// Every reason an entry can be refused, in order of precedence.
enum class Status : std::uint8_t {
  ok = 0,
  // The entry envelope (§4.2).
  height_not_next,
  prev_hash_mismatch,
  time_before_prev,
  op_malformed,
  chain_id_mismatch,
  signature_invalid,
  // Every op.
  genesis_not_first,
  first_not_genesis,
  nonce_not_next,
  // genesis
  genesis_no_admins,
  genesis_signer_not_admin,
  genesis_duplicate_key,
  // Role checks: the signer lacks what the op needs (exit 77).
  signer_not_admin,
  signer_not_issuer,
  // role
  role_already_held,
  role_not_held,
  last_admin,
  // open
  account_exists,
  label_reserved,
  label_taken,
  // issue, transfer, redeem
  amount_zero,
  recipient_not_account,
  signer_not_account,
  signer_not_merchant,
  transfer_to_self,
  kind_not_allowed,
  ref_used,
  exceeds_balance,
  balance_overflow,
  supply_overflow,
};

// snake_case name, stable for scripts and JSON (`exceeds_balance`).
std::string_view status_name(Status s);
// A sentence for humans.
std::string_view status_message(Status s);
// Exit status of DESIGN.md §7 for an op refused with `s`.
Exit status_exit(Status s);

inline constexpr std::uint8_t k_role_admin_bit = 1;
inline constexpr std::uint8_t k_role_issuer_bit = 2;

struct AccountRec {
  Kind kind = Kind::resident;
  std::uint64_t balance = 0;
  std::uint64_t opened_at = 0;  // height of its open entry
  std::string label;
  bool operator==(const AccountRec&) const = default;
};

struct SignerRec {
  std::uint64_t last_nonce = 0;
  std::uint8_t roles = 0;  // k_role_*_bit
  bool operator==(const SignerRec&) const = default;
};

// Ledger-wide counters, kept so that every append checks the supply limits
// and the last-admin rule in O(1).
struct Totals {
  std::uint64_t issued = 0;
  std::uint64_t redeemed = 0;
  std::uint64_t admins = 0;
  bool operator==(const Totals&) const = default;
};

Bytes encode_account(const AccountRec& a);
std::optional<AccountRec> decode_account(ByteView b);
Bytes encode_signer(const SignerRec& s);
std::optional<SignerRec> decode_signer(ByteView b);
Bytes encode_totals(const Totals& t);
std::optional<Totals> decode_totals(ByteView b);

// Keys of the `refs` table: issue refs ledger-wide ("I" ‖ ref), redeem refs
// per merchant ("R" ‖ merchant key ‖ ref).
// The history table's key: account key ‖ height:u64.
Bytes history_key(const Key32& key, std::uint64_t height);
Bytes issue_ref_key(std::string_view ref);
Bytes redeem_ref_key(const Key32& merchant, std::string_view ref);

// The derived state the rules read and write. The append path implements it
// over an LMDB write transaction; verify-chain over memory.
class State {
 public:
  virtual ~State() = default;
  virtual std::optional<AccountRec> account(const Key32& key) = 0;
  virtual void put_account(const Key32& key, const AccountRec& rec) = 0;
  virtual SignerRec signer(const Key32& key) = 0;
  virtual void put_signer(const Key32& key, const SignerRec& rec) = 0;
  virtual std::optional<Key32> label_owner(std::string_view label) = 0;
  virtual void put_label(std::string_view label, const Key32& key) = 0;
  virtual std::optional<std::uint64_t> ref_height(ByteView ref_key) = 0;
  virtual void put_ref(ByteView ref_key, std::uint64_t height) = 0;
  virtual void put_history(const Key32& key, std::uint64_t height, std::uint64_t balance) = 0;
  virtual void put_op_hash(const Hash32& op_hash, std::uint64_t height) = 0;
  virtual Totals totals() = 0;
  virtual void put_totals(const Totals& t) = 0;
};

// What the rules need to know about the ledger: taken from the genesis op.
struct Params {
  Hash32 chain_id{};
  GenesisBody genesis;
};

// The chain position an entry must continue.
struct Tip {
  std::uint64_t next_height = 0;
  Hash32 prev_hash{};
  std::uint64_t prev_appended_at_ms = 0;
};

// Whether check_entry verifies the signature, or the caller does (on other
// threads: verify-chain --since-state).
enum class SigCheck { here, by_caller };

// Checks the envelope of entry `e` against `tip` and `params` (chain id; the
// genesis entry has none yet): height, prev_hash, time, canonical op,
// signature. On success `op` holds the decoded op.
Status check_entry(const Entry& e, const Tip& tip, const Params* params, Op& op,
                   std::string* detail = nullptr, SigCheck sig = SigCheck::here);

// Applies decoded `op` at `height` to `state` when every rule of §5 holds.
// `params` is null only for the genesis op. On any status but ok, `state` is
// left untouched.
Status apply_op(State& state, const Params* params, const Op& op, const Hash32& op_hash,
                std::uint64_t height);

// Rules that depend only on the op and `params` (amount ≥ 1, label reserved):
// checked before the state is read, so batch checkers can use them too.
Status check_op_static(const Op& op);

}  // namespace scoin
