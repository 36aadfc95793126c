#include "scoin/proof.hpp"

#include "scoin/ledger.hpp"
#include "scoin/merkle.hpp"
#include "scoin/text.hpp"

namespace scoin {

namespace {
constexpr std::string_view k_proof_magic = "scoin proof v1";
}

std::string Proof::text() const {
  std::string out = fmt::format("{}\nentry {}\n", k_proof_magic, base64_encode(entry));
  for (const auto& h : path) out += fmt::format("path {}\n", base64_encode(h));
  out += '\n';
  out += checkpoint.text();
  return out;
}

Result<Proof> make_proof(const Txn& txn, std::uint64_t height, const Checkpoint& cp) {
  SCOIN_ASSERT(height < cp.size);
  auto bytes = txn.get(txn.dbs().entries, be64(height));
  if (!bytes) return fail(Exit::io, "{}: no entry at height {}", txn.env().dir(), height);
  Proof p;
  p.entry.assign(bytes->begin(), bytes->end());
  auto path = merkle_inclusion_proof(TableSubtrees(txn), height, cp.size);
  if (!path) return std::unexpected(path.error());
  p.path = std::move(*path);
  p.checkpoint = cp;
  // What a verifier will compute from the proof. A damaged tree row makes a
  // path that does not lead to the checkpoint's root: never write it.
  if (!merkle_verify_inclusion(merkle_leaf_hash(entry_hash(p.entry)), height, cp.size, p.path, cp.root)) {
    return fail(Exit::io,
                "{}: the tree table does not lead from entry {} to the checkpoint's root at size {} (run verify-chain)",
                txn.env().dir(), height, cp.size);
  }
  return p;
}

Result<Proof> parse_proof(std::string_view text, std::string_view source) {
  auto bad = [&](std::string_view line, std::string_view what) {
    return fail(Exit::data, "{}:{}: not a scoin proof: {}", source, line, what);
  };
  if (text.size() > k_proof_bytes_max) return bad("1", "over 256 KiB");
  Proof p;
  std::size_t line_no = 0;
  bool have_entry = false;
  for (;;) {
    auto nl = text.find('\n');
    if (nl == std::string_view::npos) return bad(std::to_string(line_no + 1), "no blank line before the checkpoint");
    auto line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    ++line_no;
    const auto where = std::to_string(line_no);
    if (line_no == 1) {
      if (line != k_proof_magic) return bad(where, "the first line is not 'scoin proof v1'");
      continue;
    }
    if (line.empty()) break;
    if (line.starts_with("entry ")) {
      if (have_entry) return bad(where, "a second entry line");
      auto b = base64_decode(line.substr(6));
      if (!b) return bad(where, "entry: not base64");
      p.entry = std::move(*b);
      have_entry = true;
    } else if (line.starts_with("path ")) {
      if (!have_entry) return bad(where, "a path line before the entry line");
      auto b = base64_decode(line.substr(5));
      if (!b || b->size() != 32) return bad(where, "path: not the base64 of 32 bytes");
      if (p.path.size() >= 64) return bad(where, "more than 64 path lines");
      Hash32 h;
      std::copy(b->begin(), b->end(), h.begin());
      p.path.push_back(h);
    } else {
      return bad(where, fmt::format("unexpected line '{}'", printable(line, 40)));
    }
  }
  if (!have_entry) return bad(std::to_string(line_no), "no entry line");
  auto cp = parse_checkpoint(text, fmt::format("{} (its checkpoint)", source));
  if (!cp) return std::unexpected(cp.error());
  p.checkpoint = std::move(*cp);
  return p;
}

ProofCheck check_proof(const Proof& proof, std::span<const Key32> trusted) {
  ProofCheck c;
  const auto& cp = proof.checkpoint;
  auto trust = check_checkpoint(cp, trusted);
  if (!trust.bad.empty()) {
    c.problem = fmt::format("the checkpoint's signature by {} does not verify", trust.bad.front());
    return c;
  }
  if (trust.signed_by.empty()) {
    c.problem = "the checkpoint carries no signature by a trusted key";
    return c;
  }
  c.signer_names = trust.signer_names;
  auto e = decode_entry(proof.entry);
  if (!e) {
    c.problem = fmt::format("the entry does not parse: {}", e.error().message);
    return c;
  }
  c.height = e->height;
  c.entry_hash = entry_hash(proof.entry);
  auto op = decode_op(e->op);
  if (!op) {
    c.problem = fmt::format("the entry's op does not parse: {}", op.error().message);
    return c;
  }
  c.entry = *e;
  c.op = *op;
  const bool genesis = op->type() == OpType::genesis;
  if (genesis ? (e->height != 0 || c.entry_hash != cp.chain_id) : op->chain_id != cp.chain_id) {
    c.problem = "the entry belongs to another ledger than the checkpoint's";
    return c;
  }
  if (!verify_signature(op->signer, e->op, e->sig)) {
    c.problem = "the entry's Ed25519 signature does not verify";
    return c;
  }
  if (e->height >= cp.size) {
    c.problem = fmt::format("the checkpoint covers {} entries, not height {}", cp.size, e->height);
    return c;
  }
  if (!merkle_verify_inclusion(merkle_leaf_hash(c.entry_hash), e->height, cp.size, proof.path, cp.root)) {
    c.problem = fmt::format("the Merkle path does not lead from entry {} to the checkpoint's root", e->height);
    return c;
  }
  c.valid = true;
  return c;
}

}  // namespace scoin
