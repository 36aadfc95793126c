// Followers and bundles (DESIGN.md §9): `sync` from a replica directory or a
// bundle file into a follower that re-checks every entry. Each refusal is
// asserted with its exit status, a message naming the problem (and the
// height), and an untouched follower: the same data.mdb bytes as before.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <thread>
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include "e2e/harness.hpp"
#include "scoin/bytes.hpp"
#include "scoin/codec.hpp"
#include "scoin/crypto.hpp"

using e2e::Run;
using e2e::Sandbox;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t k_header_bytes = 4 + 1 + 32 + 8 + 8;
constexpr std::size_t k_prev_at = 8, k_op_at = 52;
// The last byte of a transfer's amount, inside its entry.
constexpr std::size_t k_transfer_amount_at = k_op_at + 4 + 1 + 1 + 32 + 8 + 32 + 8 + 32 + 7;

// A primary with a few accounts and entries.
// Heights: 0 genesis, 1-3 open, 4-6 issue, 7 transfer, 8 redeem.
struct Primary {
  Sandbox s;
  std::vector<Sandbox::Account> acc = {{"r1", "resident", "R-000001", ""},
                                       {"r2", "resident", "R-000002", ""},
                                       {"gym", "merchant", "Gym", ""}};
  Primary() {
    s.init_ledger(acc);
    s.write("fund.csv", "account,amount,reason,ref\nR-000001,100,v,f-1\nR-000002,50,v,f-2\nGym,10,v,f-3\n");
    REQUIRE(s.scoin({"issue", "--key", "issuer.key", "--csv", "fund.csv"}).code == 0);
    pay(20);
    REQUIRE(s.scoin({"redeem", "--key", "gym.key", "--amount", "5", "--ref", "settle-1"}).code == 0);
  }
  std::string follower() const { return s.path("follower"); }
  Run at(const std::string& dir, std::vector<std::string> args) const {
    return s.scoin(args, {}, {"SCOIN_LEDGER=" + dir});
  }
  Run sync(const std::string& from, const std::string& dir) const {
    return at(dir, {"sync", "--from", from, "--json"});
  }
  Run sync(const std::string& from) const { return sync(from, follower()); }
  // One transfer from R-000001 to Gym on the replica in `dir`.
  void pay(int amount, const std::string& dir = {}) const {
    auto r = at(dir.empty() ? s.ledger() : dir,
                {"transfer", "--key", "r1.key", "--to", "Gym", "--amount", std::to_string(amount)});
    INFO(r.err);
    REQUIRE(r.code == 0);
  }
  // verify-chain --json on `dir`, which must be valid.
  nlohmann::json verify(const std::string& dir) const {
    auto r = at(dir, {"verify-chain", "--json"});
    INFO(dir << ": " << r.out << r.err);
    REQUIRE(r.code == 0);
    auto j = r.json();
    REQUIRE(j["valid"] == true);
    return j;
  }
  std::string head(const std::string& dir) const {
    auto j = verify(dir);
    return fmt::format("{}:{}", j["head_height"].get<std::uint64_t>(), j["head_hash"].get<std::string>());
  }
  // `bundle --since since -o name`; returns the file's path.
  std::string bundle(std::uint64_t since, const std::string& name, const std::string& dir = {}) const {
    auto r = at(dir.empty() ? s.ledger() : dir, {"bundle", "--since", std::to_string(since), "-o", name});
    INFO(r.err);
    REQUIRE(r.code == 0);
    return s.path(name);
  }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  REQUIRE(out.good());
}

// SHA-256 of a replica's data.mdb ("" when there is none): equal before and
// after means nothing was written.
std::string digest(const std::string& dir) {
  auto data = read_file(dir + "/data.mdb");
  if (data.empty()) return {};
  return scoin::to_hex(scoin::sha256(scoin::as_bytes(data)));
}

// A bundle taken apart: its header and its entries' bytes.
struct BundleFile {
  std::string header;
  std::vector<std::string> entries;

  static BundleFile parse(const std::string& b) {
    BundleFile f;
    REQUIRE(b.size() >= k_header_bytes);
    REQUIRE(b.substr(0, 4) == "SCBN");
    f.header = b.substr(0, k_header_bytes);
    const auto count = scoin::get_u64(reinterpret_cast<const std::uint8_t*>(f.header.data()) + 45);
    std::size_t at = k_header_bytes;
    for (std::uint64_t i = 0; i < count; ++i) {
      REQUIRE(at + 4 <= b.size());
      auto* p = reinterpret_cast<const std::uint8_t*>(b.data()) + at;
      const std::size_t len = (std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) | (std::size_t{p[2]} << 8) | p[3];
      REQUIRE(at + 4 + len <= b.size());
      f.entries.push_back(b.substr(at + 4, len));
      at += 4 + len;
    }
    REQUIRE(at == b.size());
    return f;
  }
  std::uint64_t first_height() const {
    return scoin::get_u64(reinterpret_cast<const std::uint8_t*>(header.data()) + 37);
  }
  // The bundle's bytes, its count set to the entries it holds.
  std::string bytes() const {
    std::string out = header;
    scoin::put_u64(reinterpret_cast<std::uint8_t*>(out.data()) + 45, entries.size());
    for (const auto& e : entries) {
      const auto n = static_cast<std::uint32_t>(e.size());
      out += static_cast<char>(n >> 24);
      out += static_cast<char>(n >> 16);
      out += static_cast<char>(n >> 8);
      out += static_cast<char>(n);
      out += e;
    }
    return out;
  }
  std::string& entry_at(std::uint64_t height) { return entries.at(height - first_height()); }
};

// A refused sync: exit `code`, every word of `words` in its message, the
// follower at `dir` not written.
void expect_refused(const Primary& p, const std::string& from, int code, const std::vector<std::string>& words,
                    const std::string& dir) {
  const auto before = digest(dir);
  auto r = p.sync(from, dir);
  INFO(from << " -> " << dir << ": exit " << r.code << "\nstdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.code == code);
  CHECK(r.err.find("scoin: error:") != std::string::npos);
  for (const auto& w : words) CHECK(r.err.find(w) != std::string::npos);
  CHECK(digest(dir) == before);
}

}  // namespace

TEST_CASE("sync: into an empty dir makes a follower with the primary's head and booking times", "[e2e][sync]") {
  Primary p;
  auto r = p.sync(p.s.ledger());
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto j = r.json();
  CHECK(j["created"] == true);
  CHECK(j["added"] == 9);
  CHECK(j["size"] == 9);
  CHECK(p.head(p.follower()) == p.head(p.s.ledger()));
  auto vf = p.verify(p.follower());
  CHECK(vf["chain_id"] == p.verify(p.s.ledger())["chain_id"]);
  CHECK(vf["entries"] == 9);
  // Every entry as the primary booked it: same heights, hashes and times.
  auto lp = p.at(p.s.ledger(), {"log", "--json"});
  auto lf = p.at(p.follower(), {"log", "--json"});
  REQUIRE(lp.code == 0);
  REQUIRE(lf.code == 0);
  REQUIRE(lp.json().size() == 9);
  CHECK(lf.json() == lp.json());
  for (std::size_t h = 0; h < 9; ++h) {
    CHECK(lf.json()[h]["appended_at_ms"] == lp.json()[h]["appended_at_ms"]);
  }
  // Balances derived on the follower match.
  auto bp = p.at(p.s.ledger(), {"balance", "--json"});
  auto bf = p.at(p.follower(), {"balance", "--json"});
  CHECK(bf.code == 0);
  CHECK(bf.out == bp.out);
  // A text run says what it did.
  auto again = p.at(p.follower(), {"sync", "--from", p.s.ledger()});
  CHECK(again.code == 0);
  CHECK(again.out.find("up to date") != std::string::npos);
}

TEST_CASE("sync: a follower refuses local appends (78) and is not written", "[e2e][sync]") {
  Primary p;
  REQUIRE(p.sync(p.s.ledger()).code == 0);
  // An op file signed against the primary, for submit.
  auto op = p.s.scoin({"transfer", "--key", "r2.key", "--to", "Gym", "--amount", "1", "--out", "t.op"});
  INFO(op.err);
  REQUIRE(op.code == 0);
  auto newbie = p.s.keygen("newbie.key");
  const auto before = digest(p.follower());
  const std::vector<std::vector<std::string>> appends = {
      {"issue", "--key", "issuer.key", "--to", "R-000001", "--amount", "1", "--reason", "v", "--ref", "f-9"},
      {"transfer", "--key", "r1.key", "--to", "Gym", "--amount", "1"},
      {"redeem", "--key", "gym.key", "--amount", "1", "--ref", "settle-9"},
      {"submit", "t.op"},
      {"account", "open", "--key", "admin.key", newbie, "--kind", "resident", "--label", "R-000009",
       "--passphrase-file", p.s.admin_pass()},
  };
  for (const auto& args : appends) {
    auto r = p.at(p.follower(), args);
    INFO(args[0] << ": exit " << r.code << ": " << r.err);
    CHECK(r.code == 78);
    CHECK(r.err.find("follower") != std::string::npos);
    CHECK(digest(p.follower()) == before);
  }
  CHECK(p.verify(p.follower())["entries"] == 9);
  // The op file is good on the primary.
  CHECK(p.s.scoin({"submit", "t.op"}).code == 0);
}

TEST_CASE("sync: a second sync adds nothing; later ones add only the new entries", "[e2e][sync]") {
  Primary p;
  REQUIRE(p.sync(p.s.ledger()).code == 0);
  const auto before = digest(p.follower());
  auto again = p.sync(p.s.ledger());
  INFO(again.err);
  REQUIRE(again.code == 0);
  CHECK(again.json()["created"] == false);
  CHECK(again.json()["added"] == 0);
  CHECK(again.json()["size"] == 9);
  CHECK(digest(p.follower()) == before);

  // From the directory: only the new ones.
  p.pay(1);
  p.pay(2);
  auto r = p.sync(p.s.ledger());
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.json()["added"] == 2);
  CHECK(r.json()["size"] == 11);
  CHECK(p.head(p.follower()) == p.head(p.s.ledger()));

  // From a bundle starting right after the follower's head.
  p.pay(3);
  p.pay(4);
  p.pay(5);
  auto b = p.bundle(11, "b11");
  auto rb = p.sync(b);
  INFO(rb.err);
  REQUIRE(rb.code == 0);
  CHECK(rb.json()["added"] == 3);
  CHECK(rb.json()["size"] == 14);
  CHECK(p.head(p.follower()) == p.head(p.s.ledger()));
  // The same bundle again, and overlapping ones: idempotent.
  const auto synced = digest(p.follower());
  for (std::uint64_t since : {11u, 5u, 0u, 13u}) {
    auto o = p.sync(p.bundle(since, fmt::format("o{}", since)));
    INFO("--since " << since << ": " << o.err);
    REQUIRE(o.code == 0);
    CHECK(o.json()["added"] == 0);
    CHECK(o.json()["already_had"] == 14 - since);
    CHECK(digest(p.follower()) == synced);
  }
  // An overlapping bundle that also carries new entries adds just those.
  p.pay(6);
  auto ov = p.sync(p.bundle(9, "o9"));
  INFO(ov.err);
  REQUIRE(ov.code == 0);
  CHECK(ov.json()["added"] == 1);
  CHECK(ov.json()["already_had"] == 5);
  CHECK(p.head(p.follower()) == p.head(p.s.ledger()));
  // A follower created from a bundle of the whole ledger.
  auto whole = p.sync(p.bundle(0, "all"), p.s.path("f2"));
  INFO(whole.err);
  REQUIRE(whole.code == 0);
  CHECK(whole.json()["created"] == true);
  CHECK(p.head(p.s.path("f2")) == p.head(p.s.ledger()));
  CHECK(p.at(p.s.path("f2"), {"log", "--json"}).json() == p.at(p.s.ledger(), {"log", "--json"}).json());
}

TEST_CASE("sync: into a primary (78), from itself, from nothing; bundle past the head", "[e2e][sync]") {
  Primary p;
  REQUIRE(p.sync(p.s.ledger()).code == 0);
  expect_refused(p, p.follower(), 78, {"primary"}, p.s.ledger());
  expect_refused(p, p.bundle(0, "all"), 78, {"primary"}, p.s.ledger());
  expect_refused(p, p.follower(), 64, {"this replica"}, p.follower());
  expect_refused(p, p.s.path("nothing"), 66, {"nothing"}, p.follower());
  // A new follower from a bundle that does not start at genesis.
  expect_refused(p, p.bundle(3, "b3"), 65, {"height 0"}, p.s.path("f2"));
  CHECK_FALSE(fs::exists(p.s.path("f2")));
  auto past = p.s.scoin({"bundle", "--since", "9", "-o", "past"});
  CHECK(past.code == 65);
  CHECK(past.err.find("past the head") != std::string::npos);
  CHECK_FALSE(p.s.exists("past"));
}

TEST_CASE("sync: a bundle with a flipped byte in an op or a signature is refused (65)", "[e2e][sync]") {
  Primary p;
  REQUIRE(p.sync(p.s.ledger()).code == 0);
  p.pay(1);
  p.pay(2);
  p.pay(3);  // heights 9-11
  auto good = BundleFile::parse(read_file(p.bundle(9, "b9")));
  {
    auto b = good;
    b.entry_at(10)[k_transfer_amount_at] ^= 0x01;
    write_file(p.s.path("op-flip"), b.bytes());
    expect_refused(p, p.s.path("op-flip"), 65, {"height 10", "signature"}, p.follower());
  }
  {
    auto b = good;
    auto& e = b.entry_at(11);
    e[e.size() - 10] ^= '\x80';
    write_file(p.s.path("sig-flip"), b.bytes());
    expect_refused(p, p.s.path("sig-flip"), 65, {"height 11", "signature"}, p.follower());
  }
  {
    // A byte of the op's encoding itself: the op no longer decodes.
    auto b = good;
    b.entry_at(9)[k_op_at] ^= 0x20;  // the "SCOP" magic
    write_file(p.s.path("magic-flip"), b.bytes());
    expect_refused(p, p.s.path("magic-flip"), 65, {"height 9"}, p.follower());
  }
  // The same damage to entries the follower already holds: not another
  // history (a fork, 1) but a damaged bundle.
  auto held = BundleFile::parse(read_file(p.bundle(5, "b5")));
  {
    auto b = held;
    auto& e = b.entry_at(6);
    e[e.size() - 1] ^= 0x04;
    write_file(p.s.path("held-sig-flip"), b.bytes());
    expect_refused(p, p.s.path("held-sig-flip"), 65, {"height 6", "signature"}, p.follower());
  }
  {
    auto b = held;
    b.entry_at(7)[k_op_at] ^= 0x20;
    write_file(p.s.path("held-magic-flip"), b.bytes());
    expect_refused(p, p.s.path("held-magic-flip"), 65, {"height 7"}, p.follower());
  }
  CHECK(p.verify(p.follower())["entries"] == 9);
  // The untouched bundle still applies.
  auto ok = p.sync(p.s.path("b9"));
  INFO(ok.err);
  CHECK(ok.code == 0);
  CHECK(p.head(p.follower()) == p.head(p.s.ledger()));
}

TEST_CASE("sync: a bundle with a flipped byte in a prev_hash is a fork (1) at that height", "[e2e][sync]") {
  Primary p;
  REQUIRE(p.sync(p.s.ledger()).code == 0);
  p.pay(1);
  p.pay(2);  // heights 9-10
  auto good = BundleFile::parse(read_file(p.bundle(5, "b5")));
  {
    // A new entry that does not continue the follower's chain.
    auto b = good;
    b.entry_at(10)[k_prev_at + 3] ^= 0x01;
    write_file(p.s.path("prev-new"), b.bytes());
    expect_refused(p, p.s.path("prev-new"), 1, {"fork", "height 10"}, p.follower());
  }
  {
    // The first new entry: its link to the follower's head is broken.
    auto b = good;
    b.entry_at(9)[k_prev_at] ^= '\x80';
    write_file(p.s.path("prev-first"), b.bytes());
    expect_refused(p, p.s.path("prev-first"), 1, {"fork", "height 9"}, p.follower());
  }
  {
    // An entry the follower has, with another prev_hash: another entry there.
    auto b = good;
    b.entry_at(6)[k_prev_at + 31] ^= 0x01;
    write_file(p.s.path("prev-old"), b.bytes());
    expect_refused(p, p.s.path("prev-old"), 1, {"fork", "height 6"}, p.follower());
  }
  CHECK(p.verify(p.follower())["entries"] == 9);
}

TEST_CASE("sync: a bundle with entries out of order, a gap, or trailing bytes is refused (65)", "[e2e][sync]") {
  Primary p;
  REQUIRE(p.sync(p.s.ledger()).code == 0);
  p.pay(1);
  p.pay(2);
  p.pay(3);  // heights 9-11
  auto good = BundleFile::parse(read_file(p.bundle(9, "b9")));
  {
    auto b = good;
    std::swap(b.entry_at(9), b.entry_at(10));
    write_file(p.s.path("swapped"), b.bytes());
    expect_refused(p, p.s.path("swapped"), 65, {"out of order", "height 9"}, p.follower());
  }
  {
    auto b = good;
    std::swap(b.entry_at(10), b.entry_at(11));
    write_file(p.s.path("swapped2"), b.bytes());
    expect_refused(p, p.s.path("swapped2"), 65, {"out of order", "height 10"}, p.follower());
  }
  {
    // An entry left out: the next one's height is not where it lies.
    auto b = good;
    b.entries.erase(b.entries.begin() + 1);
    write_file(p.s.path("dropped"), b.bytes());
    expect_refused(p, p.s.path("dropped"), 65, {"out of order", "height 10"}, p.follower());
  }
  // A bundle that starts past the follower's head.
  expect_refused(p, p.bundle(10, "b10"), 65, {"gap", "height 10", "height 9"}, p.follower());
  expect_refused(p, p.bundle(11, "b11"), 65, {"gap", "height 11"}, p.follower());
  // Bytes after the last entry.
  write_file(p.s.path("trailing"), good.bytes() + "x");
  expect_refused(p, p.s.path("trailing"), 65, {"1 bytes after the last"}, p.follower());
  write_file(p.s.path("trailing-entry"), good.bytes() + good.bytes().substr(k_header_bytes));
  expect_refused(p, p.s.path("trailing-entry"), 65, {"after the last of its 3 entries"}, p.follower());
  // A bad header: magic, version.
  auto bad_magic = good.bytes();
  bad_magic[0] = 'X';
  write_file(p.s.path("magic"), bad_magic);
  expect_refused(p, p.s.path("magic"), 65, {"not a scoin bundle"}, p.follower());
  auto bad_version = good.bytes();
  bad_version[4] = 2;
  write_file(p.s.path("version"), bad_version);
  expect_refused(p, p.s.path("version"), 65, {"version 2"}, p.follower());
  CHECK(p.verify(p.follower())["entries"] == 9);
}

TEST_CASE("sync: a truncated bundle is refused (65) at every cut; no follower is left behind", "[e2e][sync]") {
  Primary p;
  REQUIRE(p.sync(p.s.ledger()).code == 0);
  p.pay(1);
  p.pay(2);
  const auto whole = read_file(p.bundle(0, "all"));
  const auto b9 = read_file(p.bundle(9, "b9"));
  const auto first = BundleFile::parse(whole).entries[0].size();
  // Cuts: empty, inside the header, right after it, inside a length, inside
  // the first entry, at an entry boundary, one byte short of the end.
  const std::vector<std::size_t> cuts = {0, 3, 20, k_header_bytes - 1, k_header_bytes, k_header_bytes + 2,
                                         k_header_bytes + 4 + first / 2, k_header_bytes + 4 + first,
                                         whole.size() - 65, whole.size() - 1};
  for (auto cut : cuts) {
    INFO("cut at " << cut << " of " << whole.size());
    write_file(p.s.path("cut"), whole.substr(0, cut));
    // Into a new follower: refused, and the folder is not left behind.
    expect_refused(p, p.s.path("cut"), 65, {p.s.path("cut")}, p.s.path("new"));
    CHECK_FALSE(fs::exists(p.s.path("new")));
    // Into an existing empty folder: it stays, with no replica in it.
    fs::create_directory(p.s.path("empty"));
    expect_refused(p, p.s.path("cut"), 65, {p.s.path("cut")}, p.s.path("empty"));
    CHECK(fs::exists(p.s.path("empty")));
    CHECK(fs::is_empty(p.s.path("empty")));
    // Into the existing follower: unchanged.
    expect_refused(p, p.s.path("cut"), 65, {p.s.path("cut")}, p.follower());
  }
  for (auto cut : {b9.size() - 1, b9.size() - 70, k_header_bytes + 7}) {
    INFO("b9 cut at " << cut << " of " << b9.size());
    write_file(p.s.path("cut9"), b9.substr(0, cut));
    expect_refused(p, p.s.path("cut9"), 65, {"truncated"}, p.follower());
  }
  CHECK(p.verify(p.follower())["entries"] == 9);
}

TEST_CASE("sync: a bundle of another chain, or another chain's entry inside one, is refused (65)",
          "[e2e][sync]") {
  Primary p;
  Primary other;
  REQUIRE(p.sync(p.s.ledger()).code == 0);
  p.pay(1);
  other.pay(1);
  // The other ledger's whole bundle, copied into this sandbox.
  write_file(p.s.path("other-all"), read_file(other.bundle(0, "all")));
  write_file(p.s.path("other-9"), read_file(other.bundle(9, "b9")));
  expect_refused(p, p.s.path("other-all"), 65, {"another ledger"}, p.follower());
  expect_refused(p, other.s.ledger(), 65, {"another ledger"}, p.follower());
  expect_refused(p, p.s.path("other-9"), 65, {"another ledger"}, p.follower());

  // A bundle naming this chain but carrying the other chain's entry at
  // height 9, relinked to this chain's head: its op is signed for another
  // ledger.
  auto b = BundleFile::parse(read_file(p.bundle(8, "b8")));
  auto foreign = BundleFile::parse(read_file(p.s.path("other-9"))).entry_at(9);
  const auto& ours = b.entry_at(8);
  auto link = scoin::entry_hash(scoin::as_bytes(ours));
  std::copy(link.begin(), link.end(), foreign.begin() + k_prev_at);
  b.entry_at(9) = foreign;
  write_file(p.s.path("mixed"), b.bytes());
  expect_refused(p, p.s.path("mixed"), 65, {"height 9", "chain_id"}, p.follower());

  // A bundle whose header names the other chain around this chain's entries.
  auto relabel = BundleFile::parse(read_file(p.bundle(0, "all")));
  relabel.header.replace(5, 32, BundleFile::parse(read_file(p.s.path("other-all"))).header.substr(5, 32));
  write_file(p.s.path("relabelled"), relabel.bytes());
  expect_refused(p, p.s.path("relabelled"), 65, {"another ledger"}, p.follower());
  expect_refused(p, p.s.path("relabelled"), 65, {"genesis"}, p.s.path("new"));
  CHECK_FALSE(fs::exists(p.s.path("new")));
  CHECK(p.verify(p.follower())["entries"] == 9);
}

TEST_CASE("sync: a primary that rewrote entries the follower has is a fork (1) at that height", "[e2e][sync]") {
  Primary p;
  // Two primaries from the same genesis and history, then different entries.
  fs::copy(p.s.ledger(), p.s.path("twin"));
  p.pay(1);
  p.pay(1);
  p.pay(2, p.s.path("twin"));
  REQUIRE(p.verify(p.s.path("twin"))["chain_id"] == p.verify(p.s.ledger())["chain_id"]);
  REQUIRE(p.sync(p.s.ledger()).code == 0);
  REQUIRE(p.verify(p.follower())["entries"] == 11);
  // From the twin's directory and from its bundles, overlapping or not.
  expect_refused(p, p.s.path("twin"), 1, {"fork", "height 9"}, p.follower());
  expect_refused(p, p.bundle(9, "twin9", p.s.path("twin")), 1, {"fork", "height 9"}, p.follower());
  expect_refused(p, p.bundle(0, "twin0", p.s.path("twin")), 1, {"fork", "height 9"}, p.follower());
  // A follower of the twin that is behind: the twin's follower at 10
  // entries, the primary's entry 9 differs.
  REQUIRE(p.sync(p.s.path("twin"), p.s.path("tf")).code == 0);
  expect_refused(p, p.s.ledger(), 1, {"fork", "height 9"}, p.s.path("tf"));
  expect_refused(p, p.bundle(9, "p9"), 1, {"fork", "height 9"}, p.s.path("tf"));
  CHECK(p.head(p.s.path("tf")) == p.head(p.s.path("twin")));
  CHECK(p.head(p.follower()) == p.head(p.s.ledger()));
}

TEST_CASE("sync: a follower takes the primary's checkpoints from its directory (not from a bundle); it proves "
          "and is audited with them",
          "[e2e][sync]") {
  Primary p;
  auto cp = p.s.scoin({"checkpoint", "--key", "admin.key", "--passphrase-file", p.s.admin_pass()});
  INFO(cp.err);
  REQUIRE(cp.code == 0);
  // A bundle carries entries only.
  const auto fb = p.s.path("fb");
  auto b = p.sync(p.bundle(0, "all"), fb);
  REQUIRE(b.code == 0);
  CHECK(b.json()["checkpoints_copied"] == 0);
  CHECK(p.at(fb, {"prove", "3"}).code == 66);
  auto d = p.sync(p.s.ledger(), fb);
  REQUIRE(d.code == 0);
  CHECK(d.json()["added"] == 0);
  CHECK(d.json()["checkpoints_copied"] == 1);
  auto r = p.sync(p.s.ledger());
  REQUIRE(r.code == 0);
  CHECK(r.json()["checkpoints_copied"] == 1);
  CHECK(p.sync(p.s.ledger()).json()["checkpoints_copied"] == 0);
  // The follower proves an entry against the primary's note.
  auto proof = p.at(p.follower(), {"prove", "3"});
  INFO(proof.err);
  REQUIRE(proof.code == 0);
  CHECK(proof.out.ends_with("\n\n" + cp.out));
  const auto admin = p.s.scoin({"key", "show", "admin.key", "--json"}).json()["address"].get<std::string>();
  p.s.write("p3.txt", proof.out);
  CHECK(p.s.scoin({"verify-proof", "p3.txt", "--trust", admin}).code == 0);
  // An auditor's state, kept against the follower.
  auto a = p.at(p.follower(), {"verify-chain", "--trust", admin, "--state", "audit.state"});
  INFO(a.out << a.err);
  CHECK(a.code == 0);
  CHECK(p.s.read("audit.state") == cp.out);
}

TEST_CASE("crash: sync of a 3,000-entry bundle killed -9 at random moments; the follower verifies; a re-run "
          "completes",
          "[e2e][sync][crash]") {
  Sandbox s;
  std::vector<Sandbox::Account> acc = {{"r1", "resident", "R-000001", ""}};
  s.init_ledger(acc);
  auto at = [&](const std::string& dir, std::vector<std::string> args) {
    return s.scoin(args, {}, {"SCOIN_LEDGER=" + dir});
  };
  // A follower of the ledger as it was before the big batch.
  REQUIRE(at(s.path("base"), {"sync", "--from", s.ledger()}).code == 0);
  const int rows = 3000;
  std::string csv = "account,amount,reason,ref\n";
  for (int i = 0; i < rows; ++i) csv += fmt::format("R-000001,{},v,crash-{}\n", 1 + i % 7, i);
  s.write("big.csv", csv);
  REQUIRE(s.scoin({"issue", "--key", "issuer.key", "--csv", "big.csv", "--quiet"}).code == 0);
  auto made = s.scoin({"bundle", "--since", "0", "-o", "big.bundle", "--json"});
  REQUIRE(made.code == 0);
  // Written in 256 KiB pieces: the file is whole, its size the one reported,
  // and the same bytes go to standard output.
  const auto big = read_file(s.path("big.bundle"));
  REQUIRE(big.size() > (std::size_t{512} << 10));
  CHECK(made.json()["bytes"] == big.size());
  CHECK(s.scoin({"bundle", "--since", "0"}).out == big);
  auto v = s.scoin({"verify-chain", "--json"}).json();
  const auto want_head = v["head_hash"].get<std::string>();
  const auto want_size = v["entries"].get<std::uint64_t>();
  const auto base_size = at(s.path("base"), {"verify-chain", "--json"}).json()["entries"].get<std::uint64_t>();

  // How long a whole sync takes here, to spread the kills over it.
  const auto t0 = std::chrono::steady_clock::now();
  auto probe = at(s.path("probe"), {"sync", "--from", "big.bundle", "--quiet"});
  const auto took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  INFO(probe.err);
  REQUIRE(probe.code == 0);
  fs::remove_all(s.path("probe"));

  std::mt19937 rng(20261127);
  std::uniform_int_distribution<long> ms(0, took_ms + took_ms / 5 + 5);
  int empty = 0, partial = 0, whole = 0;
  for (int k = 0; k < 16; ++k) {
    // Even rounds create a follower; odd ones extend a copy of the old one.
    const bool create = k % 2 == 0;
    const auto dir = s.path("f");
    fs::remove_all(dir);
    if (!create) fs::copy(s.path("base"), dir);
    const auto after = fmt::format("{}.{:03}", 0, ms(rng));
    // The shell waits for the killed sync itself (timeout(1) can return
    // while its child is still running), so nothing below races with it.
    auto killed = e2e::run_program("/bin/sh",
                                   {"-c", "\"$0\" sync --from big.bundle --quiet & p=$!; sleep \"$1\"; kill -9 $p; wait $p",
                                    e2e::scoin_bin(), after},
                                   {}, {"SCOIN_LEDGER=" + dir}, s.dir());
    INFO("round " << k << (create ? " (new follower)" : " (old follower)") << ": killed after " << after
                  << "s, exit " << killed.code << " " << killed.err);
    const bool had_file = fs::exists(dir + "/data.mdb");
    auto vr = at(dir, {"verify-chain", "--json"});
    INFO(vr.out << vr.err);
    bool none = false;
    if (create && vr.code != 0) {
      // Killed before its one commit: no replica, or an environment with
      // nothing in it (killed inside its creation), never a part of one.
      none = !had_file || (vr.code == 74 && vr.err.find("not a scoin ledger") != std::string::npos) ||
             (vr.code == 1 && vr.out.find("the ledger has no entries") != std::string::npos) ||
             vr.err.find("no ledger here") != std::string::npos;
      CHECK(none);
      ++empty;
    } else {
      REQUIRE(vr.code == 0);
      auto n = vr.json()["entries"].get<std::uint64_t>();
      // A sync is one transaction: all of it or none.
      CHECK((n == want_size || n == base_size));
      CHECK((create ? n == want_size : true));
      (n == want_size ? whole : partial) += 1;
    }
    auto rerun = at(dir, {"sync", "--from", "big.bundle", "--json"});
    INFO(rerun.err);
    REQUIRE(rerun.code == 0);
    CHECK(rerun.json()["created"] == none);
    auto j = at(dir, {"verify-chain", "--json"});
    REQUIRE(j.code == 0);
    CHECK(j.json()["entries"] == want_size);
    CHECK(j.json()["head_hash"] == want_head);
  }
  INFO("no replica " << empty << ", old head " << partial << ", synced " << whole);
  CHECK(empty + partial + whole == 16);
}

TEST_CASE("sync: a bundle through a named pipe is read whole and applied", "[e2e][sync]") {
  Primary p;
  p.pay(1);
  p.pay(2);
  const auto bundle = read_file(p.bundle(0, "all"));
  const auto fifo = p.s.path("bundle.fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // The writer waits (up to 30 s) for sync to open the pipe for reading; a
  // sync that stops reading early makes its writes fail, not kill the tests.
  auto old_pipe = std::signal(SIGPIPE, SIG_IGN);
  std::thread writer([&] {
    int fd = -1;
    for (int i = 0; i < 3000 && fd < 0; ++i) {
      fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (fd < 0) return;
    ::fcntl(fd, F_SETFL, 0);
    std::size_t at = 0;
    while (at < bundle.size()) {
      auto n = ::write(fd, bundle.data() + at, bundle.size() - at);
      if (n <= 0) break;
      at += static_cast<std::size_t>(n);
    }
    ::close(fd);
  });
  auto r = p.sync(fifo);
  writer.join();
  std::signal(SIGPIPE, old_pipe);
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.json()["created"] == true);
  CHECK(r.json()["size"] == 11);
  CHECK(p.head(p.follower()) == p.head(p.s.ledger()));
  CHECK(p.verify(p.follower())["entries"] == 11);
}
