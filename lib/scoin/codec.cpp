#include "scoin/codec.hpp"

#include "scoin/amount.hpp"
#include "scoin/crypto.hpp"
#include "scoin/text.hpp"
#include "scoin/time.hpp"

namespace scoin {

std::string_view op_type_name(OpType t) {
  switch (t) {
    case OpType::genesis: return "genesis";
    case OpType::role: return "role";
    case OpType::open: return "open";
    case OpType::issue: return "issue";
    case OpType::transfer: return "transfer";
    case OpType::redeem: return "redeem";
  }
  return "unknown";
}

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::resident: return "resident";
    case Kind::merchant: return "merchant";
    case Kind::charity: return "charity";
  }
  return "unknown";
}

std::string_view role_name(Role r) { return r == Role::admin ? "admin" : "issuer"; }

Result<Kind> parse_kind(std::string_view s) {
  if (s == "resident") return Kind::resident;
  if (s == "merchant") return Kind::merchant;
  if (s == "charity") return Kind::charity;
  return fail(Exit::data, "unknown kind '{}' (expected resident, merchant or charity)",
              printable(s, 40));
}

Result<OpType> parse_op_type(std::string_view s) {
  for (int t = 0; t <= 5; ++t)
    if (op_type_name(static_cast<OpType>(t)) == s) return static_cast<OpType>(t);
  return fail(Exit::usage, "unknown op type '{}'", printable(s, 40));
}

namespace {

void put_text(Writer& w, const std::string& s) {
  SCOIN_ASSERT(s.size() <= 0xFFFF);
  w.u16(static_cast<std::uint16_t>(s.size()));
  w.raw(s);
}

std::string get_text(Reader& r) {
  auto n = r.u16();
  auto b = r.raw(n);
  return std::string(as_chars(b));
}

std::string field_check(std::string_view field, std::string_view value, std::size_t min,
                        std::size_t max, bool allow_lf = false) {
  auto why = check_text(value, min, max, allow_lf);
  return why.empty() ? why : fmt::format("{}: {}", field, why);
}

}  // namespace

std::string check_op_fields(const Op& op) {
  std::string why;
  auto first = [&](std::string w) {
    if (why.empty()) why = std::move(w);
  };
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, GenesisBody>) {
          first(field_check("name", b.name, 1, k_name_bytes_max));
          first(field_check("unit", b.unit, 1, k_unit_bytes_max));
          if (b.decimals > k_decimals_max) first(fmt::format("decimals: {} is over {}", b.decimals, k_decimals_max));
          if (std::abs(b.utc_offset_min) > k_utc_offset_min_max)
            first(fmt::format("utc_offset_min: {} is beyond ±840", b.utc_offset_min));
          if ((b.flags & ~k_flag_resident_transfers) != 0)
            first(fmt::format("flags: unknown bits 0x{:02x}", b.flags));
          if (b.admins.size() > 255) first("admins: more than 255");
          if (b.issuers.size() > 255) first("issuers: more than 255");
          if (op.chain_id != Hash32{}) first("chain_id: must be zero in the genesis op");
        } else if constexpr (std::is_same_v<T, RoleBody>) {
          if (b.action != RoleAction::grant && b.action != RoleAction::revoke)
            first(fmt::format("action: unknown value {}", static_cast<int>(b.action)));
          if (b.role != Role::admin && b.role != Role::issuer)
            first(fmt::format("role: unknown value {}", static_cast<int>(b.role)));
        } else if constexpr (std::is_same_v<T, OpenBody>) {
          if (b.kind != Kind::resident && b.kind != Kind::merchant && b.kind != Kind::charity)
            first(fmt::format("kind: unknown value {}", static_cast<int>(b.kind)));
          first(field_check("label", b.label, 1, k_label_bytes_max));
        } else if constexpr (std::is_same_v<T, IssueBody>) {
          first(field_check("reason", b.reason, 1, k_reason_bytes_max));
          first(field_check("ref", b.ref, 1, k_ref_bytes_max));
          first(field_check("memo", b.memo, 0, k_memo_bytes_max, true));
        } else if constexpr (std::is_same_v<T, TransferBody>) {
          first(field_check("memo", b.memo, 0, k_memo_bytes_max, true));
        } else if constexpr (std::is_same_v<T, RedeemBody>) {
          first(field_check("ref", b.ref, 1, k_ref_bytes_max));
          first(field_check("memo", b.memo, 0, k_memo_bytes_max, true));
        }
      },
      op.body);
  return why;
}

Bytes encode_op(const Op& op) {
  auto why = check_op_fields(op);
  SCOIN_ASSERT(why.empty());
  Bytes out;
  out.reserve(128);
  Writer w(out);
  w.raw(k_op_magic);
  w.u8(k_op_version);
  w.u8(static_cast<std::uint8_t>(op.type()));
  w.raw(op.chain_id);
  w.u64(op.created_at_ms);
  w.raw(op.signer);
  w.u64(op.nonce);
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, GenesisBody>) {
          put_text(w, b.name);
          put_text(w, b.unit);
          w.u8(b.decimals);
          w.u64(b.krw_per_coin);
          w.u16(static_cast<std::uint16_t>(b.utc_offset_min));
          w.u8(b.flags);
          w.u8(static_cast<std::uint8_t>(b.admins.size()));
          for (auto& k : b.admins) w.raw(k);
          w.u8(static_cast<std::uint8_t>(b.issuers.size()));
          for (auto& k : b.issuers) w.raw(k);
        } else if constexpr (std::is_same_v<T, RoleBody>) {
          w.u8(static_cast<std::uint8_t>(b.action));
          w.u8(static_cast<std::uint8_t>(b.role));
          w.raw(b.key);
        } else if constexpr (std::is_same_v<T, OpenBody>) {
          w.raw(b.account);
          w.u8(static_cast<std::uint8_t>(b.kind));
          put_text(w, b.label);
        } else if constexpr (std::is_same_v<T, IssueBody>) {
          w.raw(b.to);
          w.u64(b.amount);
          put_text(w, b.reason);
          put_text(w, b.ref);
          put_text(w, b.memo);
        } else if constexpr (std::is_same_v<T, TransferBody>) {
          w.raw(b.to);
          w.u64(b.amount);
          put_text(w, b.memo);
        } else if constexpr (std::is_same_v<T, RedeemBody>) {
          w.u64(b.amount);
          put_text(w, b.ref);
          put_text(w, b.memo);
        }
      },
      op.body);
  SCOIN_ASSERT(out.size() <= k_op_bytes_max);
  return out;
}

Result<Op> decode_op(ByteView bytes) {
  if (bytes.size() > k_op_bytes_max) {
    return fail(Exit::data, "op of {} bytes is over the limit of {}", bytes.size(), k_op_bytes_max);
  }
  Reader r(bytes);
  auto magic = r.raw(4);
  if (!r.ok() || as_chars(magic) != k_op_magic) return fail(Exit::data, "op: bad magic (not SCOP)");
  auto version = r.u8();
  if (r.ok() && version != k_op_version) {
    return fail(Exit::data, "op: unknown version {}", version);
  }
  auto type = r.u8();
  if (r.ok() && type > static_cast<std::uint8_t>(OpType::redeem)) {
    return fail(Exit::data, "op: unknown type {}", type);
  }
  Op op;
  op.chain_id = r.array<32>();
  op.created_at_ms = r.u64();
  op.signer = r.array<32>();
  op.nonce = r.u64();
  switch (static_cast<OpType>(type)) {
    case OpType::genesis: {
      GenesisBody b;
      b.name = get_text(r);
      b.unit = get_text(r);
      b.decimals = r.u8();
      b.krw_per_coin = r.u64();
      b.utc_offset_min = static_cast<std::int16_t>(r.u16());
      b.flags = r.u8();
      auto n_admins = r.u8();
      for (int i = 0; i < n_admins && r.ok(); ++i) b.admins.push_back(r.array<32>());
      auto n_issuers = r.u8();
      for (int i = 0; i < n_issuers && r.ok(); ++i) b.issuers.push_back(r.array<32>());
      op.body = std::move(b);
      break;
    }
    case OpType::role: {
      RoleBody b;
      b.action = static_cast<RoleAction>(r.u8());
      b.role = static_cast<Role>(r.u8());
      b.key = r.array<32>();
      op.body = b;
      break;
    }
    case OpType::open: {
      OpenBody b;
      b.account = r.array<32>();
      b.kind = static_cast<Kind>(r.u8());
      b.label = get_text(r);
      op.body = std::move(b);
      break;
    }
    case OpType::issue: {
      IssueBody b;
      b.to = r.array<32>();
      b.amount = r.u64();
      b.reason = get_text(r);
      b.ref = get_text(r);
      b.memo = get_text(r);
      op.body = std::move(b);
      break;
    }
    case OpType::transfer: {
      TransferBody b;
      b.to = r.array<32>();
      b.amount = r.u64();
      b.memo = get_text(r);
      op.body = std::move(b);
      break;
    }
    case OpType::redeem: {
      RedeemBody b;
      b.amount = r.u64();
      b.ref = get_text(r);
      b.memo = get_text(r);
      op.body = std::move(b);
      break;
    }
  }
  if (!r.ok()) return fail(Exit::data, "op: truncated ({} bytes)", bytes.size());
  if (!r.at_end()) return fail(Exit::data, "op: {} trailing bytes", r.remaining());
  if (auto why = check_op_fields(op); !why.empty()) return fail(Exit::data, "op: {}", why);
  return op;
}

Bytes encode_entry(const Entry& e) {
  SCOIN_ASSERT(e.op.size() <= k_op_bytes_max);
  Bytes out;
  out.reserve(k_entry_header_bytes + e.op.size() + 64);
  Writer w(out);
  w.u64(e.height);
  w.raw(e.prev_hash);
  w.u64(e.appended_at_ms);
  w.u32(static_cast<std::uint32_t>(e.op.size()));
  w.raw(e.op);
  w.raw(e.sig);
  return out;
}

Result<Entry> decode_entry(ByteView bytes) {
  Reader r(bytes);
  Entry e;
  e.height = r.u64();
  e.prev_hash = r.array<32>();
  e.appended_at_ms = r.u64();
  auto op_len = r.u32();
  if (r.ok() && op_len > k_op_bytes_max) {
    return fail(Exit::data, "entry: op length {} is over the limit of {}", op_len, k_op_bytes_max);
  }
  auto op = r.raw(op_len);
  e.op.assign(op.begin(), op.end());
  e.sig = r.array<64>();
  if (!r.ok()) return fail(Exit::data, "entry: truncated ({} bytes)", bytes.size());
  if (!r.at_end()) return fail(Exit::data, "entry: {} trailing bytes", r.remaining());
  return e;
}

std::optional<EntryView> view_entry(ByteView bytes) {
  Reader r(bytes);
  EntryView v;
  v.height = r.u64();
  v.prev_hash = r.raw(32);
  v.appended_at_ms = r.u64();
  auto op_len = r.u32();
  if (!r.ok() || op_len > k_op_bytes_max) return std::nullopt;
  v.op = r.raw(op_len);
  v.sig = r.raw(64);
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return v;
}

Hash32 entry_hash(ByteView entry_bytes) {
  static constexpr std::uint8_t k_domain[] = {'s', 'c', 'o', 'i', 'n', '-', 'e', 'n',
                                              't', 'r', 'y', '-', 'v', '1', 0};
  return Sha256().update(ByteView(k_domain, sizeof k_domain)).update(entry_bytes).final();
}

// --- op files ----------------------------------------------------------------

namespace {
constexpr std::string_view k_begin = "-----BEGIN SCOIN OP-----";
constexpr std::string_view k_end = "-----END SCOIN OP-----";
}  // namespace

std::string armor_ops(const std::vector<SignedOp>& ops) {
  std::string out;
  for (auto& s : ops) {
    Bytes blob = s.op;
    blob.insert(blob.end(), s.sig.begin(), s.sig.end());
    auto b64 = base64_encode(blob);
    out += k_begin;
    out += '\n';
    for (std::size_t i = 0; i < b64.size(); i += 64) {
      out += b64.substr(i, 64);
      out += '\n';
    }
    out += k_end;
    out += '\n';
  }
  return out;
}

Result<std::vector<SignedOp>> parse_op_file(std::string_view text, std::string_view name) {
  if (text.size() > k_op_file_bytes_max) {
    return fail(Exit::data, "{}: over the limit of {} bytes", name, k_op_file_bytes_max);
  }
  std::vector<SignedOp> ops;
  std::size_t line_no = 0, block_line = 0;
  bool inside = false;
  std::string b64;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    auto line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!inside) {
      if (line.empty()) continue;
      if (line != k_begin) {
        return fail(Exit::data, "{}:{}: expected '{}'", name, line_no, k_begin);
      }
      inside = true;
      block_line = line_no;
      b64.clear();
      continue;
    }
    if (line == k_end) {
      auto blob = base64_decode(b64);
      if (!blob) return fail(Exit::data, "{}:{}: op block is not valid base64", name, block_line);
      if (blob->size() < 64 + 4) return fail(Exit::data, "{}:{}: op block too short", name, block_line);
      SignedOp s;
      s.line = block_line;
      s.op.assign(blob->begin(), blob->end() - 64);
      std::copy(blob->end() - 64, blob->end(), s.sig.begin());
      if (ops.size() >= k_op_file_ops_max) {
        return fail(Exit::data, "{}: more than {} ops", name, k_op_file_ops_max);
      }
      ops.push_back(std::move(s));
      inside = false;
      continue;
    }
    if (line.size() > 64) return fail(Exit::data, "{}:{}: line longer than 64 columns", name, line_no);
    b64 += line;
    if (b64.size() > (k_op_bytes_max + 64) * 4 / 3 + 4) {
      return fail(Exit::data, "{}:{}: op block over the limit of {} bytes", name, line_no,
                  k_op_bytes_max);
    }
  }
  if (inside) return fail(Exit::data, "{}:{}: op block has no END line", name, block_line);
  if (ops.empty()) return fail(Exit::data, "{}: no op blocks", name);
  return ops;
}

}  // namespace scoin
