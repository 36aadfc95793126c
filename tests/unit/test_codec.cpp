#include <catch2/catch.hpp>

#include "scoin/codec.hpp"
#include "scoin/crypto.hpp"

using namespace scoin;

namespace {

Key32 key_of(std::uint8_t b) {
  Key32 k;
  k.fill(b);
  return k;
}

Op base_op(OpBody body) {
  Op op;
  op.chain_id = body.index() == 0 ? Hash32{} : Hash32{1, 2, 3};
  op.created_at_ms = 1'795'000'000'000;
  op.signer = key_of(9);
  op.nonce = 7;
  op.body = std::move(body);
  return op;
}

std::vector<Op> sample_ops() {
  GenesisBody g{"Ledger", "SC", 2, 200, -540, 1, {key_of(9), key_of(8)}, {key_of(7)}};
  return {
      base_op(g),
      base_op(RoleBody{RoleAction::revoke, Role::issuer, key_of(7)}),
      base_op(OpenBody{key_of(5), Kind::charity, "서초 푸드뱅크"}),
      base_op(IssueBody{key_of(5), 1250, "volunteering", "ref-1", "line one\nline two"}),
      base_op(TransferBody{key_of(4), 1, ""}),
      base_op(RedeemBody{99, "settle-1", "memo"}),
  };
}

}  // namespace

TEST_CASE("codec: every op type round-trips to the same bytes") {
  for (auto& op : sample_ops()) {
    INFO(op_type_name(op.type()));
    auto bytes = encode_op(op);
    auto back = decode_op(bytes);
    REQUIRE(back.has_value());
    CHECK(*back == op);
    CHECK(encode_op(*back) == bytes);
  }
}

TEST_CASE("codec: op layout is SCOP, version, type, chain id, time, signer, nonce") {
  auto op = sample_ops()[4];
  auto bytes = encode_op(op);
  REQUIRE(bytes.size() == 4 + 1 + 1 + 32 + 8 + 32 + 8 + 32 + 8 + 2);
  CHECK(as_chars(ByteView(bytes).subspan(0, 4)) == "SCOP");
  CHECK(bytes[4] == 1);
  CHECK(bytes[5] == 4);
  CHECK(get_u64(bytes.data() + 38) == 1'795'000'000'000);
  CHECK(get_u64(bytes.data() + 78) == 7);
}

TEST_CASE("codec: every truncation and any trailing byte is refused") {
  for (auto& op : sample_ops()) {
    auto bytes = encode_op(op);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      INFO(op_type_name(op.type()) << " truncated to " << n);
      CHECK_FALSE(decode_op(ByteView(bytes).first(n)).has_value());
    }
    bytes.push_back(0);
    CHECK_FALSE(decode_op(bytes).has_value());
  }
}

TEST_CASE("codec: a decoded op always re-encodes to the bytes it came from") {
  // Flip every bit of every sample op: whatever still decodes is canonical.
  for (auto& op : sample_ops()) {
    auto bytes = encode_op(op);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        auto mutated = bytes;
        mutated[i] ^= static_cast<std::uint8_t>(1 << bit);
        auto d = decode_op(mutated);
        if (d) REQUIRE(encode_op(*d) == mutated);
      }
    }
  }
}

TEST_CASE("codec: non-canonical fields are refused") {
  auto refuse = [](Op op, const char* why) {
    INFO(why);
    CHECK_FALSE(check_op_fields(op).empty());
  };
  auto ops = sample_ops();
  {
    auto op = ops[0];
    std::get<GenesisBody>(op.body).decimals = 9;
    refuse(op, "decimals over 8");
    op = ops[0];
    std::get<GenesisBody>(op.body).flags = 2;
    refuse(op, "unknown flag bit");
    op = ops[0];
    std::get<GenesisBody>(op.body).utc_offset_min = 841;
    refuse(op, "offset beyond 14h");
    op = ops[0];
    op.chain_id[0] = 1;
    refuse(op, "genesis with a chain id");
    op = ops[0];
    std::get<GenesisBody>(op.body).name = "";
    refuse(op, "empty name");
  }
  {
    auto op = ops[2];
    std::get<OpenBody>(op.body).label = "a\nb";
    refuse(op, "line feed in a label");
    std::get<OpenBody>(op.body).label = std::string(65, 'x');
    refuse(op, "label over 64 bytes");
    std::get<OpenBody>(op.body).label = "\xff";
    refuse(op, "invalid UTF-8");
    std::get<OpenBody>(op.body).label = "ok";
    std::get<OpenBody>(op.body).kind = static_cast<Kind>(4);
    refuse(op, "unknown kind");
  }
  {
    auto op = ops[3];
    std::get<IssueBody>(op.body).ref = std::string(129, 'r');
    refuse(op, "ref over 128 bytes");
    op = ops[3];
    std::get<IssueBody>(op.body).memo = std::string(257, 'm');
    refuse(op, "memo over 256 bytes");
    op = ops[3];
    std::get<IssueBody>(op.body).reason = "";
    refuse(op, "empty reason");
    op = ops[3];
    std::get<IssueBody>(op.body).memo = "tab\there";
    refuse(op, "tab in memo");
  }
  {
    auto op = ops[1];
    std::get<RoleBody>(op.body).action = static_cast<RoleAction>(3);
    refuse(op, "unknown role action");
  }
}

TEST_CASE("codec: unknown type and version are refused on decode") {
  auto bytes = encode_op(sample_ops()[4]);
  auto v = bytes;
  v[4] = 2;
  CHECK(decode_op(v).error().message.find("version") != std::string::npos);
  auto t = bytes;
  t[5] = 6;
  CHECK(decode_op(t).error().message.find("unknown type") != std::string::npos);
  auto m = bytes;
  m[0] = 'X';
  CHECK_FALSE(decode_op(m).has_value());
}

TEST_CASE("codec: entries round-trip; the hash covers the domain-separated bytes") {
  Entry e;
  e.height = 5;
  e.prev_hash.fill(0xaa);
  e.appended_at_ms = 1234;
  e.op = encode_op(sample_ops()[4]);
  e.sig.fill(0x55);
  auto bytes = encode_entry(e);
  CHECK(bytes.size() == 8 + 32 + 8 + 4 + e.op.size() + 64);
  auto back = decode_entry(bytes);
  REQUIRE(back.has_value());
  CHECK(*back == e);
  const std::string_view tag("scoin-entry-v1\0", 15);
  CHECK(entry_hash(bytes) == Sha256().update(tag).update(bytes).final());
  bytes.push_back(0);
  CHECK_FALSE(decode_entry(bytes).has_value());
  bytes.resize(bytes.size() - 2);
  CHECK_FALSE(decode_entry(bytes).has_value());
}

TEST_CASE("op files: armor round-trips several ops; damage is reported with its line") {
  std::vector<SignedOp> ops;
  for (auto& op : sample_ops()) {
    SignedOp s;
    s.op = encode_op(op);
    s.sig.fill(static_cast<std::uint8_t>(op.body.index()));
    ops.push_back(s);
  }
  auto text = armor_ops(ops);
  CHECK(text.starts_with("-----BEGIN SCOIN OP-----\n"));
  auto back = parse_op_file(text, "f.op");
  REQUIRE(back.has_value());
  REQUIRE(back->size() == ops.size());
  for (std::size_t i = 0; i < ops.size(); ++i) {
    CHECK((*back)[i].op == ops[i].op);
    CHECK((*back)[i].sig == ops[i].sig);
  }
  CHECK_FALSE(parse_op_file("", "f.op").has_value());
  CHECK_FALSE(parse_op_file("garbage\n", "f.op").has_value());
  auto unterminated = text.substr(0, text.rfind("-----END"));
  auto r = parse_op_file(unterminated, "f.op");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message.find("f.op:") == 0);
  auto bad = text;
  bad[30] = '!';
  CHECK_FALSE(parse_op_file(bad, "f.op").has_value());
}
