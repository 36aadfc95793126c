// The ledger over a replica: reading entries and derived state, and appending
// signed ops through the rules of rules.hpp in one write transaction.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "scoin/codec.hpp"
#include "scoin/crypto.hpp"
#include "scoin/merkle.hpp"
#include "scoin/rules.hpp"
#include "scoin/store.hpp"

namespace scoin {

// The newest entry.
struct Head {
  std::uint64_t height = 0;
  Hash32 hash{};
  std::uint64_t appended_at_ms = 0;
};

// --- reading (any transaction) ----------------------------------------------

// The ledger parameters from the genesis entry. Errors if the replica has no
// readable genesis (74).
Result<Params> load_params(const Txn& txn);
std::optional<Head> read_head(const Txn& txn);
std::uint64_t entry_count(const Txn& txn);
// The entry at `height`, decoded; nullopt when there is none.
Result<std::optional<Entry>> read_entry(const Txn& txn, std::uint64_t height);
std::optional<AccountRec> read_account(const Txn& txn, const Key32& key);
SignerRec read_signer(const Txn& txn, const Key32& key);
std::optional<Key32> read_label_owner(const Txn& txn, std::string_view label);
Totals read_totals(const Txn& txn);
std::optional<std::uint64_t> read_ref(const Txn& txn, ByteView ref_key);
std::optional<std::uint64_t> read_op_height(const Txn& txn, const Hash32& op_hash);
// The balance of `key` after the entry at `height` (history), nullopt before
// the account was opened.
std::optional<std::uint64_t> balance_at(const Txn& txn, const Key32& key, std::uint64_t height);
// First height whose appended_at_ms ≥ `ms` (binary search; entry count if none).
std::uint64_t first_height_at_or_after(const Txn& txn, std::int64_t ms);

// Resolves ACCOUNT — an address (sc1…) or a registered label — to its key.
// Errors (65): a mistyped address, an unknown label, an address that is not
// an account (when `must_be_account`).
Result<Key32> resolve_account(const Txn& txn, std::string_view text, bool must_be_account = true);

// All accounts in the order they were opened.
struct AccountRow {
  Key32 key{};
  AccountRec rec;
};
std::vector<AccountRow> list_accounts(const Txn& txn);

// --- the rules' state over a write transaction ------------------------------

class TxnState final : public State {
 public:
  explicit TxnState(Txn& txn) : m_txn(txn) {}
  std::optional<AccountRec> account(const Key32& key) override;
  void put_account(const Key32& key, const AccountRec& rec) override;
  SignerRec signer(const Key32& key) override;
  void put_signer(const Key32& key, const SignerRec& rec) override;
  std::optional<Key32> label_owner(std::string_view label) override;
  void put_label(std::string_view label, const Key32& key) override;
  std::optional<std::uint64_t> ref_height(ByteView ref_key) override;
  void put_ref(ByteView ref_key, std::uint64_t height) override;
  void put_history(const Key32& key, std::uint64_t height, std::uint64_t balance) override;
  void put_op_hash(const Hash32& op_hash, std::uint64_t height) override;
  Totals totals() override;
  void put_totals(const Totals& t) override;

 private:
  Txn& m_txn;
};

// --- appending ----------------------------------------------------------------

// One write transaction of appends. `begin` waits for LMDB's writer lock, then
// reads the tip and the clock, so two writers serialise and never fork.
class Appender {
 public:
  // Who appends: `local` stamps this machine's clock on new entries and is
  // refused on a follower; `sync` takes a primary's entries verbatim (their
  // times included) into a follower, so the clock does not matter.
  enum class Mode { local, sync };
  // `params` is null only when creating a ledger (the genesis entry).
  static Result<Appender> begin(Env& env, const Params* params, Mode mode = Mode::local);
  // Moving rebinds the state to the moved transaction.
  Appender(Appender&& o) noexcept
      : m_txn(std::move(o.m_txn)),
        m_state(m_txn),
        m_params(o.m_params),
        m_tip(o.m_tip),
        m_now_ms(o.m_now_ms),
        m_appended(o.m_appended),
        m_frontier(std::move(o.m_frontier)) {}
  Appender& operator=(Appender&&) = delete;
  Txn& txn() { return m_txn; }
  const Tip& tip() const { return m_tip; }
  std::uint64_t now_ms() const { return m_now_ms; }
  const Params* params() const { return m_params; }
  TxnState& state() { return m_state; }

  // Checks `signed_op` (signature, chain id, nonce and every rule) and, when
  // valid, writes its entry and derived rows. On any status but ok nothing of
  // it is written. A storage error shows in `txn().rc()`; after one, appends
  // do nothing (and say ok) until the transaction is thrown away.
  Status append(const SignedOp& signed_op, std::string* detail = nullptr);
  // The same for an op this process built and just signed with the key of
  // `op.signer` (`signed_op` = sign_op(op, key)): the decoding and the
  // signature check are skipped; every rule of §5 is still checked.
  Status append_own(const SignedOp& signed_op, const Op& op);
  // Appends an entry another replica made (sync): its envelope — height,
  // prev_hash, time, canonical op, chain id, signature — and every rule are
  // checked, and it is stored with its own booking time, byte for byte.
  Status append_entry(const Entry& entry, std::string* detail = nullptr);
  // The parameters once the genesis entry is in (a follower being created).
  void set_params(const Params* params) { m_params = params; }
  // The hash of the last appended entry (the chain id after the genesis).
  const Hash32& last_hash() const { return m_tip.prev_hash; }
  std::uint64_t appended() const { return m_appended; }
  Result<void> commit() { return m_txn.commit(); }

 private:
  Appender(Txn txn, const Params* params) : m_txn(std::move(txn)), m_state(m_txn), m_params(params) {}
  Status apply_and_write(const SignedOp& signed_op, const Op& op, std::uint64_t appended_at_ms);
  Txn m_txn;
  TxnState m_state;
  const Params* m_params;
  Tip m_tip;
  std::uint64_t m_now_ms = 0;
  std::uint64_t m_appended = 0;
  // The right edge of the Merkle tree, so an append writes the `tree` rows
  // its leaf completes without reading them back.
  MerkleFrontier m_frontier;
  Bytes m_tree_value;  // the tree row of the entry being appended
};

// Runs `fn` in one write transaction and commits it. When the map fills up,
// the transaction is thrown away, the map grown (up to its maximum) and `fn`
// run again; so `fn` must read everything it needs inside the transaction.
template <typename T>
Result<T> write_txn(Env& env, const Params* params, const std::function<Result<T>(Appender&)>& fn,
                    Appender::Mode mode = Appender::Mode::local) {
  for (;;) {
    auto app = Appender::begin(env, params, mode);
    if (!app) return std::unexpected(app.error());
    auto r = fn(*app);
    bool map_full = app->txn().map_full();
    if (r && !map_full) {
      auto c = app->commit();
      if (!c) {
        if (app->txn().map_full() && env.grow_map()) continue;
        return std::unexpected(c.error());
      }
      return r;
    }
    if (map_full) {
      app->txn().abort();
      if (env.grow_map()) continue;
      return std::unexpected(lmdb_error(MDB_MAP_FULL, env.dir()));
    }
    return r;
  }
}

// The meta rows of a new replica: format version, chain id, role
// ("primary" or "follower").
void put_meta(Txn& txn, const Hash32& chain_id, std::string_view role);
// The replica's role: "primary", "follower", or empty when unset.
std::string read_role(const Txn& txn);

// Signs `op` (encoded canonically) with `key`.
SignedOp sign_op(const Op& op, const SecretKey& key);
Hash32 op_hash(ByteView op_bytes);

// Creates a replica in `dir` holding the genesis entry for `genesis`, signed
// by `admin`. Refuses an existing replica (73), leaving it untouched. Returns
// the chain id. `map_size_max` bounds the map's growth, as in Env::open.
Result<Hash32> create_ledger(const std::string& dir, const SignedOp& genesis, const Op& op,
                             std::size_t map_size_max = k_map_size_max_default);

}  // namespace scoin
