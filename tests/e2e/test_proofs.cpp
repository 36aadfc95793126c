// Checkpoints, cosignatures and inclusion proofs (DESIGN.md §9), run through
// the real binary. The note's bytes are checked against the C2SP
// tlog-checkpoint form with libsodium and an RFC 6962 tree computed here,
// independently of scoin's own code.
#include <fmt/format.h>
#include <sodium.h>

#include <filesystem>
#include <fstream>

#include "e2e/harness.hpp"
#include "e2e/tamper.hpp"
#include "scoin/bytes.hpp"
#include "scoin/crypto.hpp"
#include "scoin/rules.hpp"

using e2e::Run;
using e2e::Sandbox;
namespace fs = std::filesystem;

namespace {

const std::string k_dash = "\xE2\x80\x94 ";  // U+2014 EM DASH and a space

using Hash = std::array<unsigned char, 32>;

Hash sha256_of(const std::string& bytes) {
  Hash h;
  crypto_hash_sha256(h.data(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return h;
}

std::string raw(const Hash& h) { return std::string(h.begin(), h.end()); }

// RFC 6962 §2.1 MTH over entry hashes: leaf = H(0x00 ‖ entry_hash),
// node = H(0x01 ‖ left ‖ right), split at the largest power of two below n.
Hash mth(const std::vector<std::string>& entry_hashes, std::size_t begin, std::size_t end) {
  if (end - begin == 1) return sha256_of(std::string(1, '\0') + entry_hashes[begin]);
  std::size_t k = 1;
  while (k * 2 < end - begin) k *= 2;
  return sha256_of(std::string(1, '\x01') + raw(mth(entry_hashes, begin, begin + k)) +
                   raw(mth(entry_hashes, begin + k, end)));
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    auto nl = text.find('\n', at);
    REQUIRE(nl != std::string::npos);
    out.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

std::string b64(const std::string& bytes) { return scoin::base64_encode(scoin::as_bytes(bytes)); }
std::string unb64(const std::string& text) {
  auto b = scoin::base64_decode(text);
  REQUIRE(b.has_value());
  return std::string(b->begin(), b->end());
}

std::string pubkey(const std::string& address) {
  auto k = scoin::decode_address(address);
  REQUIRE(k.has_value());
  return std::string(k->begin(), k->end());
}

// Checks a note signature line "— name base64(keyhash ‖ sig)" by the key of
// `address` over `body`, the C2SP / sumdb note way.
void check_signature_line(const std::string& line, const std::string& name, const std::string& address,
                          const std::string& body) {
  INFO(line);
  REQUIRE(line.starts_with(k_dash + name + " "));
  auto blob = unb64(line.substr(k_dash.size() + name.size() + 1));
  REQUIRE(blob.size() == 4 + 64);
  const auto pk = pubkey(address);
  const auto key_hash = raw(sha256_of(name + "\n" + std::string(1, '\x01') + pk)).substr(0, 4);
  CHECK(blob.substr(0, 4) == key_hash);
  CHECK(crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(blob.data() + 4),
                                    reinterpret_cast<const unsigned char*>(body.data()), body.size(),
                                    reinterpret_cast<const unsigned char*>(pk.data())) == 0);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string digest(const std::string& dir) {
  auto data = read_file(dir + "/data.mdb");
  REQUIRE_FALSE(data.empty());
  return scoin::to_hex(scoin::sha256(scoin::as_bytes(data)));
}

// A ledger with an admin (admin.key, encrypted), an issuer, three accounts
// and an auditor key that holds no role (auditor.key).
// Heights: 0 genesis, 1-3 open, 4-6 issue, 7 transfer, 8 redeem.
struct Ledger {
  Sandbox s;
  std::vector<Sandbox::Account> acc = {{"r1", "resident", "R-000001", ""},
                                       {"r2", "resident", "R-000002", ""},
                                       {"gym", "merchant", "Gym", ""}};
  std::string admin, auditor;
  Ledger() {
    REQUIRE(sodium_init() >= 0);
    s.init_ledger(acc);
    admin = s.scoin({"key", "show", "admin.key", "--json"}).json()["address"].get<std::string>();
    auditor = s.keygen("auditor.key");
    s.write("fund.csv", "account,amount,reason,ref\nR-000001,100,v,f-1\nR-000002,50,v,f-2\nGym,10,v,f-3\n");
    REQUIRE(s.scoin({"issue", "--key", "issuer.key", "--csv", "fund.csv"}).code == 0);
    pay(20);
    REQUIRE(s.scoin({"redeem", "--key", "gym.key", "--amount", "5", "--ref", "settle-1"}).code == 0);
  }
  Run at(const std::string& dir, std::vector<std::string> args) const {
    return s.scoin(args, {}, {"SCOIN_LEDGER=" + dir});
  }
  void pay(int amount, const std::string& dir = {}) const {
    auto r = at(dir.empty() ? s.ledger() : dir,
                {"transfer", "--key", "r1.key", "--to", "Gym", "--amount", std::to_string(amount)});
    INFO(r.err);
    REQUIRE(r.code == 0);
  }
  // `checkpoint` by the admin on `dir`, with `extra` options.
  Run checkpoint(std::vector<std::string> extra = {}, const std::string& dir = {}) const {
    std::vector<std::string> args{"checkpoint", "--key", "admin.key", "--passphrase-file", s.admin_pass()};
    args.insert(args.end(), extra.begin(), extra.end());
    return at(dir.empty() ? s.ledger() : dir, args);
  }
  // A checkpoint that must succeed; returns the note.
  std::string signed_checkpoint(const std::string& dir = {}) const {
    auto r = checkpoint({}, dir);
    INFO(r.err);
    REQUIRE(r.code == 0);
    return r.out;
  }
  std::string chain_id() const {
    return s.scoin({"verify-chain", "--json"}).json()["chain_id"].get<std::string>();
  }
  // The entries' hashes (raw bytes), from log --json.
  std::vector<std::string> entry_hashes(const std::string& dir = {}) const {
    auto r = at(dir.empty() ? s.ledger() : dir, {"log", "--json"});
    REQUIRE(r.code == 0);
    std::vector<std::string> out;
    for (auto& e : r.json()) {
      auto h = scoin::from_hex<32>(e["entry_hash"].get<std::string>());
      REQUIRE(h.has_value());
      out.emplace_back(h->begin(), h->end());
    }
    return out;
  }
  // `prove height` (against the stored checkpoint unless `extra` says).
  std::string prove(std::uint64_t height, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"prove", std::to_string(height)};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = s.scoin(args);
    INFO("prove " << height << ": " << r.err);
    REQUIRE(r.code == 0);
    return r.out;
  }
  Run verify_proof(const std::string& text, std::vector<std::string> trust, std::vector<std::string> extra = {}) const {
    s.write("proof.txt", text);
    std::vector<std::string> args{"verify-proof", "proof.txt"};
    for (auto& t : trust) args.insert(args.end(), {"--trust", t});
    args.insert(args.end(), extra.begin(), extra.end());
    return s.scoin(args);
  }
};

// The proof text with the line starting `prefix` (the n-th of them)
// replaced by `line`.
std::string replace_line(const std::string& text, const std::string& prefix, const std::string& line, int nth = 0) {
  auto lines = split_lines(text);
  for (auto& l : lines) {
    if (l.starts_with(prefix) && nth-- == 0) {
      l = line;
      std::string out;
      for (auto& x : lines) out += x + "\n";
      return out;
    }
  }
  FAIL("no line starting " << prefix);
  return {};
}

std::string line_with(const std::string& text, const std::string& prefix) {
  for (auto& l : split_lines(text))
    if (l.starts_with(prefix)) return l;
  FAIL("no line starting " << prefix);
  return {};
}

}  // namespace

TEST_CASE("checkpoint: the note is a C2SP tlog-checkpoint over the RFC 6962 root, signed by the admin",
          "[e2e][proofs]") {
  Ledger l;
  auto r = l.checkpoint({"--name", "district-ops"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto hashes = l.entry_hashes();
  REQUIRE(hashes.size() == 9);
  const auto root_b64 = b64(raw(mth(hashes, 0, hashes.size())));
  const auto body = fmt::format("scoin/{}\n9\n{}\n", l.chain_id(), root_b64);
  auto lines = split_lines(r.out);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == "scoin/" + l.chain_id());
  CHECK(lines[1] == "9");
  CHECK(lines[2] == root_b64);
  CHECK(lines[3].empty());
  check_signature_line(lines[4], "district-ops", l.admin, body);
  // Byte for byte: the body, a blank line, the signature line.
  CHECK(r.out == body + "\n" + lines[4] + "\n");

  // The default name is the key's address; a second signature of the same
  // size is merged into the stored note.
  auto d = l.checkpoint({"-o", "cp.txt"});
  INFO(d.err);
  REQUIRE(d.code == 0);
  // With -o the note goes to the file, not to standard output.
  CHECK(d.out.empty());
  auto two = split_lines(l.s.read("cp.txt"));
  REQUIRE(two.size() == 6);
  CHECK(two[4] == lines[4]);
  check_signature_line(two[5], l.admin, l.admin, body);
  // A checkpoint of a larger tree after more entries.
  l.pay(1);
  l.pay(2);
  auto later = split_lines(l.signed_checkpoint());
  auto h2 = l.entry_hashes();
  REQUIRE(h2.size() == 11);
  CHECK(later[1] == "11");
  CHECK(later[2] == b64(raw(mth(h2, 0, 11))));
  // JSON names the same fields.
  auto j = l.checkpoint({"--json"});
  REQUIRE(j.code == 0);
  CHECK(j.json()["size"] == 11);
  CHECK(j.json()["chain_id"] == l.chain_id());
  CHECK(j.json()["root"] == scoin::to_hex(scoin::as_bytes(raw(mth(h2, 0, 11)))));
}

TEST_CASE("checkpoint: a key without the admin role (77) or a name with a space (64) writes nothing",
          "[e2e][proofs]") {
  Ledger l;
  const auto before = digest(l.s.ledger());
  for (const char* key : {"issuer.key", "r1.key", "auditor.key"}) {
    auto r = l.s.scoin({"checkpoint", "--key", key, "-o", "cp.txt"});
    INFO(key << ": " << r.err);
    CHECK(r.code == 77);
    CHECK(r.err.find("not an admin") != std::string::npos);
    CHECK(r.out.empty());
    CHECK(digest(l.s.ledger()) == before);
    CHECK_FALSE(l.s.exists("cp.txt"));
  }
  for (const char* name : {"two words", "plus+sign", "tab\tname"}) {
    auto r = l.checkpoint({"--name", name, "-o", "cp.txt"});
    INFO("'" << name << "': " << r.err);
    CHECK(r.code == 64);
    CHECK(r.err.find("--name") != std::string::npos);
    CHECK(digest(l.s.ledger()) == before);
    CHECK_FALSE(l.s.exists("cp.txt"));
  }
  // Nothing was stored: prove has no checkpoint.
  auto p = l.s.scoin({"prove", "3"});
  CHECK(p.code == 66);
  CHECK(p.err.find("no stored checkpoint") != std::string::npos);
}

TEST_CASE("prove: uses the newest stored checkpoint; heights past it or the head are refused", "[e2e][proofs]") {
  Ledger l;
  auto none = l.s.scoin({"prove", "0"});
  CHECK(none.code == 66);
  CHECK(none.err.find("no stored checkpoint covers height 0") != std::string::npos);
  const auto cp9 = l.signed_checkpoint();
  l.s.write("cp9.txt", cp9);
  auto proof = l.prove(3);
  CHECK(proof.starts_with("scoin proof v1\nentry "));
  // The proof ends with the stored checkpoint, as checkpoint printed it.
  auto split = proof.find("\n\n");
  REQUIRE(split != std::string::npos);
  CHECK(proof.substr(split + 2) == cp9);
  CHECK(l.prove(3, {"--checkpoint", "cp9.txt"}) == proof);
  // -o writes the same text.
  REQUIRE(l.s.scoin({"prove", "3", "-o", "p3.txt"}).code == 0);
  CHECK(l.s.read("p3.txt") == proof);

  l.pay(1);
  l.pay(2);  // heights 9, 10; the stored checkpoint covers 0-8
  auto past = l.s.scoin({"prove", "10", "--checkpoint", "cp9.txt"});
  CHECK(past.code == 65);
  CHECK(past.err.find("covers entries 0 to 8 only") != std::string::npos);
  auto uncovered = l.s.scoin({"prove", "9"});
  CHECK(uncovered.code == 66);
  CHECK(uncovered.err.find("no stored checkpoint covers height 9") != std::string::npos);
  auto head = l.s.scoin({"prove", "11"});
  CHECK(head.code == 65);
  CHECK(head.err.find("head is 10") != std::string::npos);
  // A note of the right size with another root: the replica is not the
  // ledger that note describes.
  auto lines9 = split_lines(cp9);
  auto root9 = unb64(lines9[2]);
  root9[0] ^= 0x01;
  l.s.write("forked9.txt", replace_line(cp9, lines9[2], b64(root9)));
  auto forked = l.s.scoin({"prove", "3", "--checkpoint", "forked9.txt"});
  CHECK(forked.code == 1);
  CHECK(forked.err.find("fork") != std::string::npos);
  CHECK(forked.out.empty());
  auto missing = l.s.scoin({"prove", "3", "--checkpoint", "nope.txt"});
  CHECK(missing.code == 66);
  CHECK(missing.err.find("nope.txt") != std::string::npos);
  // Once a newer checkpoint is stored, it is the one used.
  const auto cp11 = l.signed_checkpoint();
  auto p10 = l.prove(10);
  CHECK(p10.substr(p10.find("\n\n") + 2) == cp11);
  auto p3 = l.prove(3);
  CHECK(p3.substr(p3.find("\n\n") + 2) == cp11);
}

TEST_CASE("cosign: adds a witness line; refuses another chain, a larger tree (65), another root (1)",
          "[e2e][proofs]") {
  Ledger l;
  fs::copy(l.s.ledger(), l.s.path("behind"));
  l.pay(1);
  l.pay(2);
  const auto cp = l.signed_checkpoint();
  l.s.write("cp.txt", cp);
  const auto before = digest(l.s.ledger());
  auto r = l.s.scoin({"cosign", "cp.txt", "--key", "auditor.key", "--name", "auditor-1", "-o", "cp2.txt"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto lines = split_lines(l.s.read("cp2.txt"));
  REQUIRE(lines.size() == 6);
  const auto body = lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n";
  CHECK(split_lines(cp)[4] == lines[4]);
  check_signature_line(lines[4], l.admin, l.admin, body);
  check_signature_line(lines[5], "auditor-1", l.auditor, body);
  CHECK(digest(l.s.ledger()) == before);
  // Cosigning again with the same key and name changes nothing.
  auto again = l.s.scoin({"cosign", "cp2.txt", "--key", "auditor.key", "--name", "auditor-1"});
  REQUIRE(again.code == 0);
  CHECK(again.out == l.s.read("cp2.txt"));
  // A proof against the cosigned note verifies when trusting the witness alone.
  auto proof = l.prove(4, {"--checkpoint", "cp2.txt"});
  auto v = l.verify_proof(proof, {l.auditor}, {"--json"});
  INFO(v.out << v.err);
  CHECK(v.code == 0);
  CHECK(v.json()["signed_by"] == nlohmann::json::array({"auditor-1"}));
  // Trusting the admin, the witness's line is one from an unknown key: ignored.
  CHECK(l.verify_proof(proof, {l.admin}).code == 0);

  auto refused = [&](const std::string& file, const std::string& dir, int code, const std::string& word) {
    auto x = l.at(dir, {"cosign", file, "--key", "auditor.key", "-o", "out.txt"});
    INFO(file << " on " << dir << ": " << x.err);
    CHECK(x.code == code);
    CHECK(x.err.find(word) != std::string::npos);
    CHECK(x.out.empty());
    CHECK_FALSE(l.s.exists("out.txt"));
  };
  // Another ledger's checkpoint.
  Ledger other;
  l.s.write("other.txt", other.signed_checkpoint());
  refused(l.s.path("other.txt"), l.s.ledger(), 65, "another ledger");
  // A tree larger than the witness's replica.
  refused(l.s.path("cp.txt"), l.s.path("behind"), 65, "this replica has 9");
  // The right size with another root: the primary shows the witness a fork.
  auto wrong = split_lines(cp);
  auto root = unb64(wrong[2]);
  root[5] ^= 0x01;
  l.s.write("forked.txt", replace_line(cp, wrong[2], b64(root)));
  refused(l.s.path("forked.txt"), l.s.ledger(), 1, "fork");
  // A malformed note, a missing one.
  l.s.write("junk.txt", "scoin/zz\n9\nAAAA\n\n");
  refused(l.s.path("junk.txt"), l.s.ledger(), 65, "not a scoin checkpoint");
  refused(l.s.path("missing.txt"), l.s.ledger(), 66, "missing.txt");
  CHECK(digest(l.s.ledger()) == before);
}

TEST_CASE("verify-proof: proofs at several heights verify with no replica", "[e2e][proofs]") {
  Ledger l;
  l.pay(1);
  l.pay(2);
  l.pay(3);  // 12 entries: heights 0-11
  l.signed_checkpoint();
  const auto hashes = l.entry_hashes();
  for (std::uint64_t h : {0u, 1u, 5u, 7u, 8u, 10u, 11u}) {
    auto proof = l.prove(h);
    // Moved away from the replica: verify-proof needs none.
    l.s.write("p.txt", proof);
    fs::create_directory(l.s.path("elsewhere"));
    fs::copy_file(l.s.path("p.txt"), l.s.path("elsewhere/p.txt"), fs::copy_options::overwrite_existing);
    auto v = e2e::run_program(e2e::scoin_bin(), {"verify-proof", "p.txt", "--trust", l.admin, "--json"}, {},
                              {"SCOIN_LEDGER=" + l.s.path("no-ledger-here")}, l.s.path("elsewhere"));
    INFO("height " << h << ": " << v.out << v.err);
    REQUIRE(v.code == 0);
    auto j = v.json();
    CHECK(j["valid"] == true);
    CHECK(j["height"] == h);
    CHECK(j["tree_size"] == 12);
    CHECK(j["entry_hash"] == scoin::to_hex(scoin::as_bytes(hashes[h])));
    // The path: ceil(log2) siblings at most.
    auto path_lines = 0;
    for (auto& line : split_lines(proof)) path_lines += line.starts_with("path ");
    CHECK(path_lines <= 4);
    CHECK(path_lines >= 2);
    auto text = l.verify_proof(proof, {l.admin});
    CHECK(text.code == 0);
    CHECK(text.out.find("VALID") != std::string::npos);
    // Trusting several keys, one of which signed: valid.
    CHECK(l.verify_proof(proof, {l.auditor, l.admin}).code == 0);
  }
}

TEST_CASE("verify-proof: a wrong leaf, a flipped path byte, a bad signature or an untrusted key is invalid (1)",
          "[e2e][proofs]") {
  Ledger l;
  l.pay(1);
  l.signed_checkpoint();  // 10 entries
  const auto p3 = l.prove(3), p4 = l.prove(4);
  auto invalid = [&](const std::string& text, std::vector<std::string> trust, const std::string& word) {
    auto r = l.verify_proof(text, trust);
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK(r.out.find("INVALID") != std::string::npos);
    CHECK(r.out.find(word) != std::string::npos);
    auto j = l.verify_proof(text, trust, {"--json"});
    CHECK(j.code == 1);
    CHECK(j.json()["valid"] == false);
    CHECK(j.json()["problem"].get<std::string>().find(word) != std::string::npos);
  };
  // Another entry in the proof of entry 3 (its own, valid entry, at 4).
  invalid(replace_line(p3, "entry ", line_with(p4, "entry ")), {l.admin}, "Merkle path");
  // A flipped byte in each path hash.
  int n = 0;
  for (auto& line : split_lines(p3)) {
    if (!line.starts_with("path ")) continue;
    auto h = unb64(line.substr(5));
    h[n % 32] ^= 0x01;
    invalid(replace_line(p3, "path ", "path " + b64(h), n), {l.admin}, "Merkle path");
    ++n;
  }
  REQUIRE(n >= 2);
  // A path line left out, or one too many.
  auto lines = split_lines(p3);
  invalid(replace_line(p3, "path ", lines[2] + "\npath " + b64(std::string(32, 'x'))), {l.admin}, "Merkle path");
  // The checkpoint's signature broken.
  auto sig = line_with(p3, k_dash);
  auto name_end = sig.find(' ', k_dash.size());
  auto blob = unb64(sig.substr(name_end + 1));
  blob[20] ^= 0x01;
  invalid(replace_line(p3, k_dash, sig.substr(0, name_end + 1) + b64(blob)), {l.admin}, "does not verify");
  // The checkpoint's root changed: the admin's signature no longer covers it.
  auto root_line = split_lines(p3.substr(p3.find("\n\n") + 2))[2];
  auto root = unb64(root_line);
  root[0] ^= 0x01;
  invalid(replace_line(p3, root_line, b64(root)), {l.admin}, "does not verify");
  // Only a key that did not sign it is trusted.
  invalid(p3, {l.auditor}, "no signature by a trusted key");
  // The entry's own signature broken (the op signed by its signer).
  auto entry = unb64(line_with(p3, "entry ").substr(6));
  entry[entry.size() - 3] ^= 0x01;
  invalid(replace_line(p3, "entry ", "entry " + b64(entry)), {l.admin}, "signature");
  // An entry of another ledger, proved against its own checkpoint but
  // presented with this ledger's.
  Ledger other;
  other.signed_checkpoint();
  invalid(replace_line(p3, "entry ", line_with(other.prove(3), "entry ")), {l.admin}, "another ledger");
  // The untouched proof is still good.
  CHECK(l.verify_proof(p3, {l.admin}).code == 0);
}

TEST_CASE("verify-proof: a mistyped --trust (65), a malformed proof (65), a missing file (66)", "[e2e][proofs]") {
  Ledger l;
  l.signed_checkpoint();
  const auto p3 = l.prove(3);
  // One character of the address changed: its Bech32m checksum fails.
  auto typo = l.admin;
  typo[10] = typo[10] == 'q' ? 'p' : 'q';
  auto t = l.verify_proof(p3, {typo});
  CHECK(t.code == 65);
  CHECK(t.err.find("--trust") != std::string::npos);
  auto t2 = l.verify_proof(p3, {l.admin, "sc1notanaddress"});
  CHECK(t2.code == 65);
  CHECK(t2.err.find("sc1notanaddress") != std::string::npos);

  const std::vector<std::pair<std::string, std::string>> malformed = {
      {"", "not a scoin proof"},
      {"hello\n", "not a scoin proof"},
      {"scoin proof v2\n" + p3.substr(p3.find('\n') + 1), "scoin proof v1"},
      {replace_line(p3, "entry ", "entry !!!"), "entry: not base64"},
      {replace_line(p3, "path ", "path AAAA"), "path: not the base64 of 32 bytes"},
      {replace_line(p3, "entry ", "note hello"), "unexpected line"},
      {p3.substr(0, p3.find("\n\n") + 1), "no blank line"},
      {p3.substr(0, p3.find("\n\n") + 2), "not a scoin checkpoint"},
      {p3.substr(0, p3.size() - 1), "not a scoin checkpoint"},
      {p3.substr(0, p3.rfind(k_dash)), "not a scoin checkpoint"},
      {replace_line(p3, "scoin/", "scoin/XYZ"), "not a scoin checkpoint"},
  };
  for (const auto& [text, word] : malformed) {
    auto r = l.verify_proof(text, {l.admin});
    INFO(text << "\n-> " << r.code << ": " << r.err);
    CHECK(r.code == 65);
    CHECK(r.err.find("proof.txt") != std::string::npos);
    CHECK(r.err.find(word) != std::string::npos);
  }
  // An entry that is base64 but not an entry: a proof that is well formed
  // but proves nothing.
  auto junk = l.verify_proof(replace_line(p3, "entry ", "entry " + b64("not an entry")), {l.admin});
  CHECK(junk.code == 1);
  CHECK(junk.out.find("does not parse") != std::string::npos);
  auto missing = l.s.scoin({"verify-proof", "nope.txt", "--trust", l.admin});
  CHECK(missing.code == 66);
  CHECK(missing.err.find("nope.txt") != std::string::npos);
  auto no_trust = l.s.scoin({"verify-proof", "proof.txt"});
  CHECK(no_trust.code == 64);
}

// --- verify-chain --trust --state ---------------------------------------------

namespace {

// verify-chain --trust ... --state FILE on `dir`, with `extra` options.
Run audit(const Ledger& l, const std::string& dir, const std::string& state, std::vector<std::string> extra = {},
          std::vector<std::string> trust = {}) {
  std::vector<std::string> args{"verify-chain", "--state", state};
  if (trust.empty()) trust = {l.admin};
  for (auto& t : trust) args.insert(args.end(), {"--trust", t});
  args.insert(args.end(), extra.begin(), extra.end());
  return l.at(dir, args);
}

// A refused audit: exit `code`, `word` in what it said, `state` as it was.
void expect_audit(const Ledger& l, const std::string& dir, const std::string& state, int code,
                  const std::string& word, std::vector<std::string> extra = {},
                  std::vector<std::string> trust = {}) {
  const bool existed = fs::exists(state);
  const auto before = read_file(state);
  auto r = audit(l, dir, state, extra, trust);
  INFO("exit " << r.code << "\nstdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.code == code);
  CHECK((r.out + r.err).find(word) != std::string::npos);
  CHECK(fs::exists(state) == existed);
  CHECK(read_file(state) == before);
}

}  // namespace

TEST_CASE("verify-chain --state: usage, and no trusted checkpoint to start from", "[e2e][proofs][state]") {
  Ledger l;
  const auto st = l.s.path("audit.state");
  auto bare = l.s.scoin({"verify-chain", "--state", st});
  CHECK(bare.code == 64);
  CHECK(bare.err.find("--trust") != std::string::npos);
  auto since = l.s.scoin({"verify-chain", "--since-state"});
  CHECK(since.code == 64);
  CHECK(since.err.find("--state") != std::string::npos);
  expect_audit(l, l.s.ledger(), st, 66, "no state file", {"--since-state"});
  auto typo = l.admin;
  typo.back() = typo.back() == 'q' ? 'p' : 'q';
  expect_audit(l, l.s.ledger(), st, 65, "--trust", {}, {typo});
  // Nothing signed yet: there is no state to start from.
  expect_audit(l, l.s.ledger(), st, 1, "no stored checkpoint is signed by a --trust key");
  l.signed_checkpoint();
  // Signed, but not by the key the auditor trusts.
  expect_audit(l, l.s.ledger(), st, 1, "no stored checkpoint is signed by a --trust key", {}, {l.auditor});
  CHECK_FALSE(fs::exists(st));
}

TEST_CASE("verify-chain --state: the first run saves the checkpoint; later runs advance it, with or without "
          "--since-state",
          "[e2e][proofs][state]") {
  Ledger l;
  const auto cp9 = l.signed_checkpoint();
  const auto st = l.s.path("audit.state");
  auto first = audit(l, l.s.ledger(), st, {"--json"});
  INFO(first.out << first.err);
  REQUIRE(first.code == 0);
  CHECK(first.json()["valid"] == true);
  CHECK(first.json()["state"]["updated"] == true);
  CHECK(first.json()["state"]["size"] == 9);
  CHECK(l.s.read("audit.state") == cp9);
  // Nothing new: valid, the state unchanged.
  auto same = audit(l, l.s.ledger(), st);
  CHECK(same.code == 0);
  CHECK(same.out.find("unchanged at 9 entries") != std::string::npos);
  CHECK(l.s.read("audit.state") == cp9);
  auto same_since = audit(l, l.s.ledger(), st, {"--since-state"});
  CHECK(same_since.code == 0);
  CHECK(l.s.read("audit.state") == cp9);

  // More entries and a new checkpoint, cosigned by a witness.
  l.pay(1);
  l.pay(2);
  l.pay(3);
  l.s.write("cp12.txt", l.signed_checkpoint());
  REQUIRE(l.s.scoin({"cosign", "cp12.txt", "--key", "auditor.key", "-o", "cp12w.txt"}).code == 0);
  const auto cp12 = l.signed_checkpoint();  // the stored note, with the admin's line only
  fs::copy_file(st, l.s.path("since.state"));
  auto full = audit(l, l.s.ledger(), st, {"--json"});
  INFO(full.out << full.err);
  REQUIRE(full.code == 0);
  CHECK(full.json()["state"]["previous_size"] == 9);
  CHECK(full.json()["state"]["size"] == 12);
  CHECK(full.json()["state"]["updated"] == true);
  CHECK(l.s.read("audit.state") == cp12);
  auto quick = audit(l, l.s.ledger(), l.s.path("since.state"), {"--since-state", "--json"});
  INFO(quick.out << quick.err);
  REQUIRE(quick.code == 0);
  CHECK(quick.json()["valid"] == full.json()["valid"]);
  CHECK(quick.json()["head_hash"] == full.json()["head_hash"]);
  CHECK(quick.json()["state"]["since_state"] == true);
  // Only the entries after the saved checkpoint were walked.
  CHECK(quick.json()["entries"].get<std::uint64_t>() < full.json()["entries"].get<std::uint64_t>());
  CHECK(l.s.read("since.state") == cp12);
  // Entries past the newest checkpoint: valid; the state stays at it.
  l.pay(4);
  CHECK(audit(l, l.s.ledger(), st, {"--since-state"}).code == 0);
  CHECK(audit(l, l.s.ledger(), st).code == 0);
  CHECK(l.s.read("audit.state") == cp12);
  // A state file the witness cosigned, trusting the witness only: the
  // replica is consistent with it, and no newer note bears the witness's
  // signature, so it stays.
  l.s.write("w.state", l.s.read("cp12w.txt"));
  auto w = audit(l, l.s.ledger(), l.s.path("w.state"), {"--since-state"}, {l.auditor});
  CHECK(w.code == 0);
  CHECK(w.out.find("unchanged at 12 entries") != std::string::npos);
  CHECK(l.s.read("w.state") == l.s.read("cp12w.txt"));
}

TEST_CASE("verify-chain --state: a state file of another ledger, badly signed, untrusted or malformed (65)",
          "[e2e][proofs][state]") {
  Ledger l;
  const auto cp = l.signed_checkpoint();
  Ledger other;
  const auto theirs = other.signed_checkpoint();
  for (auto since : {false, true}) {
    std::vector<std::string> extra;
    if (since) extra.push_back("--since-state");
    INFO((since ? "--since-state" : "full walk"));
    l.s.write("st", theirs);
    expect_audit(l, l.s.ledger(), l.s.path("st"), 65, "not signed by a --trust key", extra);
    expect_audit(l, l.s.ledger(), l.s.path("st"), 65, "another ledger", extra, {l.admin, other.admin});
    // A flipped byte in the saved checkpoint's signature.
    auto sig = line_with(cp, k_dash);
    auto name_end = sig.find(' ', k_dash.size());
    auto blob = unb64(sig.substr(name_end + 1));
    blob[30] ^= 0x01;
    l.s.write("st", replace_line(cp, k_dash, sig.substr(0, name_end + 1) + b64(blob)));
    expect_audit(l, l.s.ledger(), l.s.path("st"), 65, "does not verify", extra);
    // Its size or root edited: the admin never signed that.
    l.s.write("st", replace_line(cp, "9", "8"));
    expect_audit(l, l.s.ledger(), l.s.path("st"), 65, "does not verify", extra);
    // Trusting only a key that did not sign it.
    l.s.write("st", cp);
    expect_audit(l, l.s.ledger(), l.s.path("st"), 65, "not signed by a --trust key", extra, {l.auditor});
    // Not a checkpoint at all.
    for (std::string junk : {std::string("hello\n"), std::string(""), cp.substr(0, cp.size() - 1),
                             cp.substr(0, cp.find("\n\n") + 2)}) {
      l.s.write("st", junk);
      expect_audit(l, l.s.ledger(), l.s.path("st"), 65, "not a scoin checkpoint", extra);
    }
  }
}

TEST_CASE("verify-chain --state: a primary that rewrote history, or a shorter replica, is a fork (1)",
          "[e2e][proofs][state]") {
  Ledger l;
  // Heights 0-8 shared; then this primary books 9-10, a rewritten one books
  // other entries at 9-10 (and 11), each with a checkpoint by the same admin.
  l.signed_checkpoint();
  fs::copy(l.s.ledger(), l.s.path("before"));
  fs::copy(l.s.ledger(), l.s.path("twin"));
  l.pay(1);
  l.pay(1);
  l.signed_checkpoint();
  const auto st = l.s.path("audit.state");
  REQUIRE(audit(l, l.s.ledger(), st).code == 0);
  const auto saved = l.s.read("audit.state");
  REQUIRE(split_lines(saved)[1] == "11");

  l.pay(2, l.s.path("twin"));
  l.pay(2, l.s.path("twin"));
  const auto twin11 = l.signed_checkpoint(l.s.path("twin"));
  // On its own, the rewritten ledger is a valid one.
  REQUIRE(l.at(l.s.path("twin"), {"verify-chain"}).code == 0);
  // The same size with another root.
  expect_audit(l, l.s.path("twin"), st, 1, "fork");
  expect_audit(l, l.s.path("twin"), st, 1, "fork", {"--since-state"});
  auto j = audit(l, l.s.path("twin"), st, {"--json"});
  REQUIRE(j.code == 1);
  bool at_saved = false;
  const auto jf = j.json();
  for (auto& f : jf["findings"]) at_saved |= f["check"] == "fork" && f["height"] == 10;
  CHECK(at_saved);
  // Longer, with a newer trusted checkpoint.
  l.pay(3, l.s.path("twin"));
  l.signed_checkpoint(l.s.path("twin"));
  expect_audit(l, l.s.path("twin"), st, 1, "fork");
  expect_audit(l, l.s.path("twin"), st, 1, "fork", {"--since-state"});
  // A replica that lost its last entries (it still holds the checkpoint of 9).
  expect_audit(l, l.s.path("before"), st, 1, "shrank");
  expect_audit(l, l.s.path("before"), st, 1, "shrank", {"--since-state"});
  // The honest primary still passes.
  CHECK(audit(l, l.s.ledger(), st, {"--since-state"}).code == 0);
  CHECK(audit(l, l.s.ledger(), st).code == 0);
  CHECK(l.s.read("audit.state") == saved);

  // A stored checkpoint that is validly signed but not of this tree (the
  // twin's note for 11 entries, planted in this replica's table): a finding
  // on every run, with or without a state file.
  tamper::put(l.s.ledger(), "checkpoints", tamper::height_key(11), scoin::Bytes(twin11.begin(), twin11.end()));
  auto plain = l.s.scoin({"verify-chain", "--json"});
  INFO(plain.out);
  CHECK(plain.code == 1);
  bool planted = false;
  const auto pf = plain.json();
  for (auto& f : pf["findings"]) planted |= f["check"] == "checkpoint" && f["height"] == 10;
  CHECK(planted);
  expect_audit(l, l.s.ledger(), st, 1, "checkpoint");
  expect_audit(l, l.s.ledger(), st, 1, "checkpoint", {"--since-state"});
  CHECK(l.s.read("audit.state") == saved);
}

namespace {

// A ledger audited at 9 entries (the state file saved), then grown to 12
// with a checkpoint, and a clean copy of it to restore after each damage.
struct Grown {
  Ledger l;
  std::string st = l.s.path("audit.state");
  std::string saved;
  Grown() {
    l.signed_checkpoint();
    REQUIRE(audit(l, l.s.ledger(), st).code == 0);
    saved = l.s.read("audit.state");
    l.pay(1);
    l.pay(2);
    l.pay(3);  // heights 9-11
    l.signed_checkpoint();
    fs::copy(l.s.ledger(), l.s.path("clean"));
  }
  void restore() const {
    fs::remove_all(l.s.ledger());
    fs::copy(l.s.path("clean"), l.s.ledger());
  }
};

}  // namespace

TEST_CASE("tree: each entry's row holds the subtrees it completes, and a damaged row is found by every audit",
          "[e2e][proofs][tree]") {
  Grown g;
  const Ledger& l = g.l;
  const auto& st = g.st;
  const auto restore = [&] { g.restore(); };
  // The rows, read with raw LMDB calls: row h holds the roots of the perfect
  // subtrees leaf h completes, level 0 first — recomputed here from the
  // entry hashes with libsodium.
  const auto hashes = l.entry_hashes();
  REQUIRE(hashes.size() == 12);
  for (std::size_t h = 0; h < hashes.size(); ++h) {
    auto row = tamper::get(l.s.ledger(), "tree", tamper::height_key(h));
    std::string want;
    for (std::size_t level = 0; ((h + 1) % (std::size_t{1} << level)) == 0; ++level) {
      const std::size_t span = std::size_t{1} << level;
      want += raw(mth(hashes, h + 1 - span, h + 1));
    }
    INFO("row " << h);
    CHECK(std::string(row.begin(), row.end()) == want);
  }
  // Every audit finds the damage at the row's height; the state stays.
  const auto expect_tree_finding = [&](std::uint64_t height) {
    auto full = l.s.scoin({"verify-chain", "--json"});
    INFO(full.out << full.err);
    REQUIRE(full.code == 1);
    bool found = false;
    const auto j = full.json();
    for (auto& f : j["findings"]) found |= f["check"] == "tree" && f["height"] == height;
    CHECK(found);
    expect_audit(l, l.s.ledger(), st, 1, "tree");
    expect_audit(l, l.s.ledger(), st, 1, "tree", {"--since-state"});
  };
  // Leaf 11 (0b1011) completes levels 0-2: a flipped byte in its level-2 hash.
  auto row11 = tamper::get(l.s.ledger(), "tree", tamper::height_key(11));
  REQUIRE(row11.size() == 96);
  row11[64] ^= 0x01;
  tamper::put(l.s.ledger(), "tree", tamper::height_key(11), row11);
  expect_tree_finding(11);
  restore();
  // A row cut to its leaf hash, a row deleted.
  auto row9 = tamper::get(l.s.ledger(), "tree", tamper::height_key(9));
  tamper::put(l.s.ledger(), "tree", tamper::height_key(9), scoin::Bytes(row9.begin(), row9.begin() + 32));
  expect_tree_finding(9);
  restore();
  tamper::del(l.s.ledger(), "tree", tamper::height_key(10));
  expect_tree_finding(10);
  restore();
  // A row past the head, and a row in DESIGN.md's level ‖ index layout.
  tamper::put(l.s.ledger(), "tree", tamper::height_key(12), scoin::Bytes(32, 0x42));
  CHECK(l.s.scoin({"verify-chain"}).code == 1);
  expect_audit(l, l.s.ledger(), st, 1, "tree");
  expect_audit(l, l.s.ledger(), st, 1, "tree", {"--since-state"});
  restore();
  scoin::Bytes level_index(9, 0);
  level_index[8] = 5;
  tamper::put(l.s.ledger(), "tree", level_index, row9);
  CHECK(l.s.scoin({"verify-chain"}).code == 1);
  expect_audit(l, l.s.ledger(), st, 1, "tree");
  restore();
  CHECK(audit(l, l.s.ledger(), st, {"--since-state"}).code == 0);

  // checkpoint signs no root whose last leaf is not the head entry's.
  auto head_row = tamper::get(l.s.ledger(), "tree", tamper::height_key(11));
  head_row[5] ^= 0x01;
  tamper::put(l.s.ledger(), "tree", tamper::height_key(11), head_row);
  const auto before = digest(l.s.ledger());
  auto unsigned_cp = l.checkpoint();
  CHECK(unsigned_cp.code == 74);
  CHECK(unsigned_cp.err.find("nothing signed") != std::string::npos);
  CHECK(unsigned_cp.out.empty());
  CHECK(digest(l.s.ledger()) == before);
  restore();

  // prove reads the rows it needs: leaf 3's level-2 hash is the root of
  // entries 0-3, on the path of entry 5. Damaged, no proof is written.
  auto row3 = tamper::get(l.s.ledger(), "tree", tamper::height_key(3));
  REQUIRE(row3.size() == 96);
  row3[70] ^= 0x10;
  tamper::put(l.s.ledger(), "tree", tamper::height_key(3), row3);
  auto bad = l.s.scoin({"prove", "5", "-o", "p5.txt"});
  CHECK(bad.code == 74);
  CHECK(bad.err.find("tree") != std::string::npos);
  CHECK(bad.out.empty());
  CHECK_FALSE(fs::exists(l.s.path("p5.txt")));
  // A missing row: the same.
  restore();
  tamper::del(l.s.ledger(), "tree", tamper::height_key(3));
  auto gone = l.s.scoin({"prove", "5"});
  CHECK(gone.code == 74);
  CHECK(gone.err.find("tree") != std::string::npos);
  CHECK(gone.out.empty());
}

TEST_CASE("verify-chain --since-state: a bad signature or an edited row among the new entries is found at its height",
          "[e2e][proofs][state]") {
  Grown g;
  const Ledger& l = g.l;
  const auto& st = g.st;
  const auto& saved = g.saved;
  const auto restore = [&] { g.restore(); };
  const auto finds = [&](const std::string& check, std::uint64_t height) {
    for (auto extra : {std::vector<std::string>{"--json"}, std::vector<std::string>{"--json", "--since-state"}}) {
      auto r = audit(l, l.s.ledger(), st, extra);
      INFO(extra.size() << ": " << r.out << r.err);
      REQUIRE(r.code == 1);
      bool found = false;
      const auto j = r.json();
      for (auto& f : j["findings"]) found |= f["check"] == check && f["height"] == height;
      CHECK(found);
      CHECK(l.s.read("audit.state") == saved);
    }
  };
  // The last byte of entry 11 is in its signature; both audits check every
  // new entry's signature (--since-state on all cores, like a full one).
  auto e11 = tamper::get(l.s.ledger(), "entries", tamper::height_key(11));
  e11.back() ^= 0x01;
  tamper::put(l.s.ledger(), "entries", tamper::height_key(11), e11);
  finds("signature", 11);
  auto one_thread = audit(l, l.s.ledger(), st, {"--json", "--since-state", "--threads", "1"});
  CHECK(one_thread.code == 1);
  CHECK(one_thread.out.find("\"signature\"") != std::string::npos);
  restore();
  // r1's balance row written by entry 10, edited.
  scoin::Bytes hk = scoin::history_key(*scoin::decode_address(l.acc[0].address), 10);
  auto bal = tamper::get(l.s.ledger(), "history", hk);
  REQUIRE(bal.size() == 8);
  bal[7] ^= 0x01;
  tamper::put(l.s.ledger(), "history", hk, bal);
  finds("history", 10);
  restore();
  CHECK(audit(l, l.s.ledger(), st, {"--since-state"}).code == 0);
}
