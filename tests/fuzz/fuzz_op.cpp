// fuzz_op: the op and entry decoders (DESIGN.md §4.1, §4.2).
//
// Every input is tried both as an op and as an entry. Properties:
// - an op that decodes passes `check_op_fields` and re-encodes to exactly its
//   input (one encoding per op), and decoding that again gives the same op;
// - `decode_entry` and `view_entry` accept the same inputs and agree on every
//   field; a decoded entry re-encodes to exactly its input;
// - the op inside an entry that decodes obeys the op properties.
#include <algorithm>

#include "fuzz.hpp"
#include "scoin/codec.hpp"
#include "scoin/crypto.hpp"

using namespace scoin;

namespace {

void check_op(ByteView bytes) {
  auto op = decode_op(bytes);
  if (!op) {
    FUZZ_CHECK(op.error().exit == Exit::data && !op.error().message.empty());
    return;
  }
  FUZZ_CHECK(check_op_fields(*op).empty());
  FUZZ_CHECK(op_type_name(op->type()) != "unknown");
  auto again = encode_op(*op);
  FUZZ_CHECK(std::ranges::equal(again, bytes));
  auto twice = decode_op(again);
  FUZZ_CHECK(twice.has_value() && *twice == *op);
}

void check_entry(ByteView bytes) {
  auto e = decode_entry(bytes);
  auto v = view_entry(bytes);
  FUZZ_CHECK(e.has_value() == v.has_value());
  if (!e) return;
  FUZZ_CHECK(v->height == e->height && v->appended_at_ms == e->appended_at_ms);
  FUZZ_CHECK(std::ranges::equal(v->prev_hash, e->prev_hash));
  FUZZ_CHECK(std::ranges::equal(v->op, e->op));
  FUZZ_CHECK(std::ranges::equal(v->sig, e->sig));
  FUZZ_CHECK(std::ranges::equal(encode_entry(*e), bytes));
  FUZZ_CHECK(entry_hash(bytes) == entry_hash(encode_entry(*e)));
  check_op(e->op);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool k_ready = (crypto_init(), true);
  (void)k_ready;
  fuzz::TargetScope scope;
  ByteView in(data, size);
  check_op(in);
  check_entry(in);
  return 0;
}
