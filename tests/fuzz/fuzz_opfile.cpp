// fuzz_opfile: op file armor (DESIGN.md §4.3), as `scoin submit` and
// `scoin show-op` read it.
//
// Properties:
// - the parser refuses with a data error (65) naming the file, or returns at
//   least one block, each with at least 4 op bytes, starting on increasing
//   lines;
// - armoring the parsed blocks and parsing that again gives the same op bytes
//   and signatures, and armoring is canonical: the re-parsed blocks armor to
//   the very same text;
// - an op inside that decodes re-encodes to its bytes.
#include <algorithm>

#include "fuzz.hpp"
#include "scoin/codec.hpp"

using namespace scoin;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::TargetScope scope;
  auto ops = parse_op_file(fuzz::as_text(data, size), "fuzz.op");
  if (!ops) {
    FUZZ_CHECK(ops.error().exit == Exit::data);
    FUZZ_CHECK(ops.error().message.starts_with("fuzz.op"));
    return 0;
  }
  FUZZ_CHECK(!ops->empty());
  std::size_t last_line = 0;
  for (auto& s : *ops) {
    FUZZ_CHECK(s.op.size() >= 4);
    FUZZ_CHECK(s.line > last_line);
    last_line = s.line;
    if (auto op = decode_op(s.op)) FUZZ_CHECK(std::ranges::equal(encode_op(*op), s.op));
  }
  auto text = armor_ops(*ops);
  auto again = parse_op_file(text, "armored");
  FUZZ_CHECK(again.has_value() && again->size() == ops->size());
  for (std::size_t i = 0; i < ops->size(); ++i) {
    FUZZ_CHECK((*again)[i].op == (*ops)[i].op);
    FUZZ_CHECK((*again)[i].sig == (*ops)[i].sig);
  }
  FUZZ_CHECK(armor_ops(*again) == text);
  return 0;
}
