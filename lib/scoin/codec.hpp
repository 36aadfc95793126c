// Canonical byte formats of DESIGN.md §4: ops, entries, entry hashes and op
// files. Every decoder accepts exactly one encoding of each value: trailing
// bytes, over-long or empty texts, invalid UTF-8, control characters, unknown
// types and out-of-range enums are refused, so re-encoding a decoded op gives
// back the same bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "scoin/bytes.hpp"
#include "scoin/error.hpp"

namespace scoin {

inline constexpr std::string_view k_op_magic = "SCOP";
inline constexpr std::uint8_t k_op_version = 1;
inline constexpr std::size_t k_name_bytes_max = 64;
inline constexpr std::size_t k_unit_bytes_max = 64;
inline constexpr std::size_t k_label_bytes_max = 64;
inline constexpr std::size_t k_reason_bytes_max = 64;
inline constexpr std::size_t k_ref_bytes_max = 128;
inline constexpr std::size_t k_memo_bytes_max = 256;
// The largest op: a genesis with 255 admins and 255 issuers is under 17 KiB.
inline constexpr std::size_t k_op_bytes_max = 20'000;
inline constexpr std::size_t k_entry_header_bytes = 8 + 32 + 8 + 4;
inline constexpr std::size_t k_entry_bytes_max = k_entry_header_bytes + k_op_bytes_max + 64;

enum class OpType : std::uint8_t { genesis = 0, role = 1, open = 2, issue = 3, transfer = 4, redeem = 5 };
enum class RoleAction : std::uint8_t { grant = 1, revoke = 2 };
enum class Role : std::uint8_t { admin = 1, issuer = 2 };
enum class Kind : std::uint8_t { resident = 1, merchant = 2, charity = 3 };

inline constexpr std::uint8_t k_flag_resident_transfers = 0x01;

std::string_view op_type_name(OpType t);
std::string_view kind_name(Kind k);
std::string_view role_name(Role r);
Result<Kind> parse_kind(std::string_view s);
Result<OpType> parse_op_type(std::string_view s);

struct GenesisBody {
  std::string name;
  std::string unit;
  std::uint8_t decimals = 0;
  std::uint64_t krw_per_coin = 0;
  std::int16_t utc_offset_min = 0;
  std::uint8_t flags = 0;
  std::vector<Key32> admins;
  std::vector<Key32> issuers;
  bool operator==(const GenesisBody&) const = default;
};
struct RoleBody {
  RoleAction action = RoleAction::grant;
  Role role = Role::admin;
  Key32 key{};
  bool operator==(const RoleBody&) const = default;
};
struct OpenBody {
  Key32 account{};
  Kind kind = Kind::resident;
  std::string label;
  bool operator==(const OpenBody&) const = default;
};
struct IssueBody {
  Key32 to{};
  std::uint64_t amount = 0;
  std::string reason;
  std::string ref;
  std::string memo;
  bool operator==(const IssueBody&) const = default;
};
struct TransferBody {
  Key32 to{};
  std::uint64_t amount = 0;
  std::string memo;
  bool operator==(const TransferBody&) const = default;
};
struct RedeemBody {
  std::uint64_t amount = 0;
  std::string ref;
  std::string memo;
  bool operator==(const RedeemBody&) const = default;
};

using OpBody = std::variant<GenesisBody, RoleBody, OpenBody, IssueBody, TransferBody, RedeemBody>;

struct Op {
  Hash32 chain_id{};
  std::uint64_t created_at_ms = 0;
  Key32 signer{};
  std::uint64_t nonce = 0;
  OpBody body;

  OpType type() const { return static_cast<OpType>(body.index()); }
  bool operator==(const Op&) const = default;
};

// Encodes `op` canonically. Asserts the fields are within the limits, since an
// op that would not decode must never be signed.
Bytes encode_op(const Op& op);
// Decodes canonical op bytes; the error message says which field is wrong.
Result<Op> decode_op(ByteView bytes);
// The field-level checks `decode_op` applies, for building ops: empty when
// the op can be encoded, else what is wrong.
std::string check_op_fields(const Op& op);

struct Entry {
  std::uint64_t height = 0;
  Hash32 prev_hash{};
  std::uint64_t appended_at_ms = 0;
  Bytes op;  // canonical op bytes
  Sig64 sig{};
  bool operator==(const Entry&) const = default;
};

Bytes encode_entry(const Entry& e);
// Splits entry bytes into their fields; checks lengths only (the op inside is
// decoded separately, so verify-chain can report each problem on its own).
Result<Entry> decode_entry(ByteView bytes);
// An entry's fields as views into its bytes (no copy), for readers that walk
// the whole chain; valid as long as the bytes are.
struct EntryView {
  std::uint64_t height = 0;
  ByteView prev_hash;
  std::uint64_t appended_at_ms = 0;
  ByteView op;
  ByteView sig;
};
// Splits entry bytes like `decode_entry`, without copying; nullopt when the
// lengths do not add up.
std::optional<EntryView> view_entry(ByteView bytes);

// SHA-256("scoin-entry-v1" 0x00 || entry bytes).
Hash32 entry_hash(ByteView entry_bytes);

// A signed op as it travels in op files: op bytes and the signature over them.
struct SignedOp {
  Bytes op;
  Sig64 sig{};
  std::size_t line = 0;  // where its block starts in an op file (0: not from a file)
};

// Op files (DESIGN.md §4.3): `-----BEGIN SCOIN OP-----`, base64 of op ‖ sig
// wrapped at 64 columns, `-----END SCOIN OP-----`; one or more blocks.
std::string armor_ops(const std::vector<SignedOp>& ops);
// Parses op file text; `name` is used in error messages (`FILE:LINE: ...`).
inline constexpr std::size_t k_op_file_bytes_max = 64 * 1024 * 1024;
inline constexpr std::size_t k_op_file_ops_max = 1'000'000;
Result<std::vector<SignedOp>> parse_op_file(std::string_view text, std::string_view name);

}  // namespace scoin
