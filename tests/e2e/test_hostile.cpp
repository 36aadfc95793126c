// Hostile input, end to end (DESIGN.md §3, §4, §7, §8): malformed CSV, op
// files, key and passphrase files, configurations, dates, addresses, amounts,
// labels, huge fields and deep paths, each run through the real binary
// against one fixture ledger. Every case must end with its documented exit
// status and an error naming the file, line and field at fault; stdout and
// the case's folder get no partial output, stderr no raw control bytes or
// echo of a huge field; and the ledger's data.mdb stays byte for byte as it
// was, with no new file beside it but lock.mdb.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>

#include "e2e/harness.hpp"
#include "scoin/codec.hpp"
#include "scoin/crypto.hpp"
#include "scoin/keyfile.hpp"
#include "scoin/ledger.hpp"
#include "scoin/text.hpp"

using e2e::Sandbox;

namespace {

namespace fs = std::filesystem;

// No error is allowed to echo a huge input back whole.
constexpr std::size_t k_stderr_bytes_max = 16 * 1024;

// --- the fixture ------------------------------------------------------------

// One ledger for the whole run: genesis, an admin (encrypted key) and an
// issuer, residents, merchants and a charity, issues, transfers and a redeem,
// so balances, nonces and refs exist; and op files signed against it but not
// submitted. Its data.mdb is kept to compare after every case.
struct Fixture {
  Sandbox s;
  std::vector<Sandbox::Account> acc = {{"r1", "resident", "R-000001", ""},
                                       {"r2", "resident", "R-000002", ""},
                                       {"gym", "merchant", "Gym", ""},
                                       {"cafe", "merchant", "Cafe", ""},
                                       {"bank", "charity", "Food Bank", ""}};
  std::string chain_id;
  std::string data; // data.mdb as it must stay
  std::string pay_op, stale_op, ahead_op, stranger_op;
  std::string other_chain_op, resigned_other_chain_op, trailing_byte_op;

  Fixture() {
    s.init_ledger(acc, {"--decimals", "2"});
    s.write("fund.csv",
            "account,amount,reason,ref\nR-000001,100,v,f-1\nR-000002,50,v,f-2\nGym,10,v,f-3\n");
    must(s.scoin({"issue", "--key", "issuer.key", "--csv", "fund.csv"}));
    must(s.scoin({"transfer", "--key", "r1.key", "--to", "Gym", "--amount", "20"}));
    must(s.scoin({"redeem", "--key", "gym.key", "--amount", "5", "--ref", "settle-1"}));
    must(s.scoin({"transfer", "--key", "r2.key", "--to", "Food Bank", "--amount", "1"}));
    // Balances: R-000001 80.00, R-000002 49.00, Gym 25.00, Food Bank 1.00.
    chain_id = s.scoin({"log", "--json", "--limit", "1"}).json()[0]["op"]["chain_id"];
    s.keygen("stranger.key"); // a key that is no account
    must(s.scoin(
        {"transfer", "--key", "r1.key", "--to", "Gym", "--amount", "1", "--out", "pay.op"}));
    must(s.scoin({"transfer", "--key", "r1.key", "--to", "Gym", "--amount", "1", "--out",
                  "stale.op", "--nonce", "1"}));
    must(s.scoin({"transfer", "--key", "r1.key", "--to", "Gym", "--amount", "1", "--out",
                  "ahead.op", "--nonce", "9"}));
    must(s.scoin({"transfer", "--key", "stranger.key", "--to", acc[2].address, "--amount", "1",
                  "--out", "stranger.op", "--chain-id", chain_id, "--nonce", "1", "--decimals",
                  "2"}));
    pay_op = s.read("pay.op");
    stale_op = s.read("stale.op");
    ahead_op = s.read("ahead.op");
    stranger_op = s.read("stranger.op");

    // Ops crafted with the library: another ledger's chain id (signed again,
    // and not), and a trailing byte after a well-formed op, signed.
    auto r1 = scoin::load_key(s.path("r1.key"), [] {
      return scoin::Result<scoin::SecretBuffer>(
          scoin::fail(scoin::Exit::key_refused, "unencrypted"));
    });
    REQUIRE(r1.has_value());
    auto parsed = scoin::parse_op_file(pay_op, "pay.op");
    REQUIRE(parsed.has_value());
    auto op = scoin::decode_op((*parsed)[0].op);
    REQUIRE(op.has_value());
    op->chain_id[0] ^= 0x01;
    auto other = (*parsed)[0];
    other.op = scoin::encode_op(*op);
    other_chain_op = scoin::armor_ops({other});
    resigned_other_chain_op = scoin::armor_ops({scoin::sign_op(*op, *r1)});
    scoin::SignedOp trailing = (*parsed)[0];
    trailing.op.push_back(0);
    trailing.sig = r1->sign(trailing.op);
    trailing_byte_op = scoin::armor_ops({trailing});

    data = s.read("ledger/data.mdb");
    REQUIRE_FALSE(data.empty());
  }

  static void must(const e2e::Run& r) {
    INFO(r.err);
    REQUIRE(r.code == 0);
  }
  std::string key(const std::string& name) const { return s.path(name + ".key"); }
  const std::string& address(const std::string& name) const {
    for (auto& a : acc)
      if (a.name == name) return a.address;
    FAIL("no account " << name);
    return acc[0].address;
  }

  // The ledger is as it was: the same data.mdb bytes, and nothing new in its
  // folder but LMDB's lock file. A changed ledger is put back, and a stray
  // file removed, so one broken case does not fail every case after it.
  void check_ledger_unchanged() const {
    const auto now = s.read("ledger/data.mdb");
    const bool same = now == data;
    CHECK(same);
    for (auto& e : fs::directory_iterator(s.ledger())) {
      auto name = e.path().filename().string();
      INFO("new file in the ledger folder: " << name);
      CHECK((name == "data.mdb" || name == "lock.mdb"));
      if (name != "data.mdb" && name != "lock.mdb") fs::remove_all(e.path());
    }
    if (!same) {
      fs::remove(s.path("ledger/lock.mdb"));
      fs::remove(s.path("ledger/data.mdb"));
      s.write("ledger/data.mdb", data, 0640);
    }
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

// --- cases ------------------------------------------------------------------

struct File {
  enum class Type { regular, directory, symlink, fifo };
  std::string name;
  std::string content; // a regular file's bytes; a symlink's target
  unsigned mode = 0600;
  Type type = Type::regular;
};

File folder(std::string name) {
  return File{std::move(name), "", 0700, File::Type::directory};
}
File link_to(std::string name, std::string target) {
  return File{std::move(name), std::move(target), 0, File::Type::symlink};
}
File fifo_at(std::string name) {
  return File{std::move(name), "", 0600, File::Type::fifo};
}

enum Flags : unsigned {
  k_cli11 = 1,     // the message is CLI11's own, not `scoin: error:`
  k_stdout_ok = 2, // the command reports on stdout by design (show-op)
  k_no_ledger = 4, // SCOIN_LEDGER is not set
  k_json = 8,      // --json: stdout is the error object, and only that
  k_raw_path = 16, // stderr names a file by its path as given, bytes and all
};

struct Case {
  std::string name;
  std::vector<File> files; // written into the case's own working folder
  std::vector<std::string> args;
  int code;
  std::vector<std::string> err; // what stderr must say
  unsigned flags = 0;
  std::vector<std::string> env = {};
  std::string input = {};        // standard input
  std::size_t json_findings = 0; // with k_json: the findings it must list
};

// The files under `dir`, but LMDB's lock files: opening a replica a case
// hands over may make one.
std::set<std::string> listing(const std::string& dir) {
  std::set<std::string> out;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().filename() != "lock.mdb") out.insert(e.path().lexically_relative(dir).string());
  }
  return out;
}

// Control characters other than a line feed, for the test's own messages.
std::string escaped(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\n') || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

bool has_raw_control(std::string_view s) {
  if (!scoin::is_valid_utf8(s)) return true;
  auto c = scoin::find_control(s, true);
  return c.has_value();
}

void make(const Sandbox& work, const File& f) {
  const auto path = work.path(f.name);
  switch (f.type) {
  case File::Type::regular: work.write(f.name, f.content, f.mode); break;
  case File::Type::directory: REQUIRE(::mkdir(path.c_str(), f.mode) == 0); break;
  case File::Type::symlink: REQUIRE(::symlink(f.content.c_str(), path.c_str()) == 0); break;
  case File::Type::fifo: REQUIRE(::mkfifo(path.c_str(), f.mode) == 0); break;
  }
}

void run_case(const Fixture& f, const Case& c) {
  Sandbox work;
  for (auto& file : c.files)
    make(work, file);
  const auto before = listing(work.dir());
  std::vector<std::string> env = c.env;
  if (!(c.flags & k_no_ledger)) env.push_back("SCOIN_LEDGER=" + f.s.ledger());
  env.push_back("XDG_CONFIG_HOME=" + work.path("xdg"));
  // Under timeout(1): a FIFO or a device must be refused, never waited on, and
  // a hang is a failure of its own case rather than of the whole run.
  std::vector<std::string> args{"-s", "KILL", "60", e2e::scoin_bin()};
  args.insert(args.end(), c.args.begin(), c.args.end());
  auto r = e2e::run_program("/usr/bin/timeout", args, c.input, env, work.dir());

  std::string argv = "scoin";
  for (auto& a : c.args)
    argv += " " + (a.size() > 120 ? a.substr(0, 120) + "…" : a);
  INFO(escaped(argv) << "\nexit " << r.code << "\nstderr: " << escaped(r.err.substr(0, 2000))
                     << "\nstdout: " << escaped(r.out.substr(0, 500)));
  CHECK(r.code == c.code);
  for (auto& want : c.err) {
    INFO("stderr should say: " << escaped(want));
    CHECK(r.err.find(want) != std::string::npos);
  }
  if (!(c.flags & k_cli11)) CHECK(r.err.find("scoin: error: ") != std::string::npos);
  if (c.flags & k_json) {
    auto j = r.json();
    CHECK(j["ok"] == false);
    CHECK(j["exit"] == c.code);
    CHECK(j.value("findings", nlohmann::json::array()).size() == c.json_findings);
  } else if (!(c.flags & k_stdout_ok)) {
    CHECK(r.out.empty());
  }
  // Errors are for a terminal: no escape sequences or invalid bytes from the
  // input, and a huge field is not echoed back whole.
  if (!(c.flags & k_raw_path)) CHECK_FALSE(has_raw_control(r.err));
  CHECK(r.err.size() <= k_stderr_bytes_max);
  // No partial output: the folder holds what the case wrote, nothing more,
  // and scoin changed none of it.
  CHECK(listing(work.dir()) == before);
  for (auto& file : c.files) {
    INFO("changed: " << file.name);
    if (file.type == File::Type::regular) CHECK(work.read(file.name) == file.content);
  }
  f.check_ledger_unchanged();
}

void run_cases(const std::vector<Case>& cases) {
  auto& f = fixture();
  std::set<std::string> names;
  for (auto& c : cases) {
    if (!names.insert(c.name).second) FAIL("two cases named " << c.name);
    DYNAMIC_SECTION(c.name) {
      run_case(f, c);
    }
  }
}

// --- inputs -----------------------------------------------------------------

const std::string k_issue_header = "account,amount,reason,ref,memo\n";

std::string new_address() {
  return scoin::encode_address(scoin::SecretKey::generate().public_key());
}

// An address of `key` in another form: another hrp, Bech32 instead of
// Bech32m, or a key of the wrong length.
std::string bech32_of(scoin::ByteView key, std::string_view hrp, scoin::Bech32Variant v) {
  auto data5 = scoin::convert_bits(key, 8, 5, true);
  REQUIRE(data5.has_value());
  return scoin::bech32_encode(hrp, *data5, v);
}

scoin::Key32 key_of(const std::string& address) {
  auto k = scoin::decode_address(address);
  REQUIRE(k.has_value());
  return *k;
}

// A key file's two lines, its second decoded, and back.
struct KeyText {
  std::string comment;
  scoin::Bytes blob;
};
KeyText split_key(const std::string& text) {
  auto nl = text.find('\n');
  REQUIRE(nl != std::string::npos);
  auto line2 = text.substr(nl + 1);
  while (!line2.empty() && line2.back() == '\n')
    line2.pop_back();
  auto blob = scoin::base64_decode(line2);
  REQUIRE(blob.has_value());
  return {text.substr(0, nl + 1), *blob};
}
std::string join_key(const KeyText& k) {
  return k.comment + scoin::base64_encode(k.blob) + "\n";
}
constexpr std::size_t k_key_public_at = 5, k_key_ops_at = 37, k_key_mem_at = 45;
void put_u64(scoin::Bytes& b, std::size_t at, std::uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8)
    b[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v);
}

std::string line_count_plus_one(const std::string& text) {
  return std::to_string(std::count(text.begin(), text.end(), '\n') + 1);
}

} // namespace

TEST_CASE("hostile: CSV batches", "[e2e][hostile]") {
  auto& f = fixture();
  const std::string H = k_issue_header;
  auto issue = [&](std::string name, std::string csv, int code, std::vector<std::string> err) {
    return Case{std::move(name),
                {File{"rewards.csv", std::move(csv)}},
                {"issue", "--key", f.key("issuer"), "--csv", "rewards.csv"},
                code,
                std::move(err)};
  };
  auto row = [](std::string account, std::string amount, std::string reason, std::string ref,
                std::string memo = "") {
    return account + "," + amount + "," + reason + "," + ref + "," + memo + "\n";
  };
  const std::string ok = row("R-000001", "1", "volunteering", "ok-1");
  const std::string gym = f.address("gym");
  auto typo = gym;
  typo[20] = typo[20] == 'q' ? 'p' : 'q';
  const auto gym_key = key_of(gym);

  std::vector<Case> cases = {
      issue("csv: invalid UTF-8 in a reason", H + ok + row("R-000001", "1", "vol\xff", "h-2"), 65,
            {"rewards.csv:3: reason: invalid UTF-8", "nothing was written"}),
      issue("csv: overlong UTF-8 encoding", H + row("R-000001", "1", "a\xC0\xAF", "h-1"), 65,
            {"rewards.csv:2: reason: invalid UTF-8"}),
      issue("csv: a UTF-16 surrogate in UTF-8",
            H + row("R-000001", "1", "v", "h-1", "\xED\xA0\x80"), 65,
            {"rewards.csv:2: memo: invalid UTF-8"}),
      issue("csv: a byte-order mark in the middle",
            H + ok + "\xEF\xBB\xBF" + row("R-000002", "1", "v", "h-2"), 65,
            {"rewards.csv:3: account: no account with the label"}),
      issue("csv: a broken byte-order mark", std::string("\xEF\xBB\x00", 3) + H + ok, 65,
            {"rewards.csv:1: invalid byte-order mark"}),
      issue("csv: unterminated quoted field",
            H + "R-000001,1,\"volunteering,h-1,\n" + row("R-000002", "1", "v", "h-2"), 65,
            {"rewards.csv:2: unterminated quoted field"}),
      issue("csv: text after a closing quote", H + "R-000001,1,\"v\"x,h-1,\n", 65,
            {"rewards.csv:2: text after a closing quote"}),
      issue("csv: a quote inside an unquoted field", H + "R-000001,1,v\"x,h-1,\n", 65,
            {"rewards.csv:2: quote inside an unquoted field"}),
      issue("csv: a bare carriage return", H + "R-000001,1,v,h-1,a\rb\n", 65,
            {"rewards.csv:2: carriage return without a line feed"}),
      issue("csv: a misspelt header column", "acount,amount,reason,ref\n" + ok, 65,
            {"rewards.csv:1: header: unknown column 'acount'"}),
      issue("csv: a header without a required column", "account,amount,reason\nR-000001,1,v\n", 65,
            {"rewards.csv:1: header: missing column 'ref'"}),
      issue("csv: a header naming a column twice",
            "account,amount,reason,ref,ref\nR-000001,1,v,a,b\n", 65,
            {"rewards.csv:1: header: column 'ref' appears twice"}),
      issue("csv: a row with an extra column", H + ok + "R-000002,1,v,h-2,,extra\n", 65,
            {"rewards.csv:3: 6 columns, the header has 5"}),
      issue("csv: a row with a missing column", H + "R-000001,1,v\n", 65,
            {"rewards.csv:2: 3 columns, the header has 5"}),
      issue("csv: the same ref twice in the file", H + ok + row("R-000002", "2", "v", "ok-1"), 65,
            {"rewards.csv:3: ref: 'ok-1' also on line 2"}),
      issue("csv: a ref on the ledger with other fields", H + row("R-000001", "7", "v", "f-1"), 65,
            {"rewards.csv:2: ref: 'f-1' was already used at height", "conflict"}),
      issue("csv: amount zero", H + row("R-000001", "0", "v", "h-1"), 65,
            {"rewards.csv:2: amount: zero"}),
      issue("csv: a negative amount", H + row("R-000001", "-1", "v", "h-1"), 65,
            {"rewards.csv:2: amount: negative amount"}),
      issue("csv: more fraction digits than the ledger's", H + row("R-000001", "1.234", "v", "h-1"),
            65,
            {"rewards.csv:2: amount: amount '1.234' has 3 fraction digits, the ledger allows 2"}),
      issue("csv: 2^63 base units", H + row("R-000001", "92233720368547758.08", "v", "h-1"), 65,
            {"rewards.csv:2: amount:", "over the limit of 2^63-1 base units"}),
      issue("csv: 2^64 coins", H + row("R-000001", "18446744073709551616", "v", "h-1"), 65,
            {"rewards.csv:2: amount:", "over the limit of 2^63-1 base units"}),
      issue(
          "csv: amounts that are no decimal numbers",
          H + row("R-000001", "ten", "v", "h-1") + row("R-000001", "1e3", "v", "h-2") +
              row("R-000001", " 1", "v", "h-3") + row("R-000001", "+1", "v", "h-4") +
              row("R-000001", "0x10", "v", "h-5") + row("R-000001", "1.", "v", "h-6") +
              row("R-000001", ".5", "v", "h-7") + row("R-000001", "\"1,000\"", "v", "h-8") +
              row("R-000001", "\xEF\xBC\x91", "v", "h-9") + row("R-000001", "", "v", "h-10"),
          65,
          {"rewards.csv:2: amount: not an amount 'ten'",
           "rewards.csv:3: amount: not an amount '1e3'",
           "rewards.csv:4: amount: not an amount ' 1'", "rewards.csv:5: amount: not an amount '+1'",
           "rewards.csv:6: amount: not an amount '0x10'",
           "rewards.csv:7: amount: not an amount '1.'", "rewards.csv:8: amount: not an amount '.5'",
           "rewards.csv:9: amount: not an amount '1,000'", "rewards.csv:10: amount: not an amount",
           "rewards.csv:11: amount: empty", "10 problems found; nothing was written"}),
      issue("csv: an unknown label", H + row("R-999999", "1", "v", "h-1"), 65,
            {"rewards.csv:2: account: no account with the label 'R-999999'"}),
      issue("csv: an address failing its checksum", H + row(typo, "1", "v", "h-1"), 65,
            {"rewards.csv:2: account: address '" + typo + "' fails its checksum"}),
      issue("csv: an address that is no account", H + row(new_address(), "1", "v", "h-1"), 65,
            {"rewards.csv:2: account:", "is not a registered account"}),
      issue("csv: a Bech32 (not Bech32m) address",
            H + row(bech32_of(gym_key, "sc", scoin::Bech32Variant::bech32), "1", "v", "h-1"), 65,
            {"rewards.csv:2: account:", "uses Bech32, not Bech32m"}),
      issue("csv: a control character in a reason", H + row("R-000001", "1", "vol\x07", "h-1"), 65,
            {"rewards.csv:2: reason: control character U+0007"}),
      issue("csv: U+0085 (NEL) in a reason", H + row("R-000001", "1", "vol\xC2\x85", "h-1"), 65,
            {"rewards.csv:2: reason: control character U+0085"}),
      issue("csv: a terminal escape in an account", H + row("R-\x1b[2J", "1", "v", "h-1"), 65,
            {"rewards.csv:2: account: no account with the label 'R-\\u001b[2J'"}),
      issue("csv: a NUL byte in a memo",
            H + row("R-000001", "1", "v", "h-1", std::string("a\0b", 3)), 65,
            {"rewards.csv:2: memo: control character U+0000"}),
      issue("csv: a memo of 257 bytes", H + row("R-000001", "1", "v", "h-1", std::string(257, 'm')),
            65, {"rewards.csv:2: memo: 257 bytes, over the limit of 256"}),
      issue("csv: a memo of 86 Hangul syllables (258 bytes)",
            H + row("R-000001", "1", "v", "h-1",
                    [] {
                      std::string m;
                      for (int i = 0; i < 86; ++i)
                        m += "\xEA\xB0\x80"; // 가
                      return m;
                    }()),
            65, {"rewards.csv:2: memo: 258 bytes, over the limit of 256"}),
      issue("csv: a reason of 65 bytes", H + row("R-000001", "1", std::string(65, 'r'), "h-1"), 65,
            {"rewards.csv:2: reason: 65 bytes, over the limit of 64"}),
      issue("csv: a ref of 129 bytes", H + row("R-000001", "1", "v", std::string(129, 'f')), 65,
            {"rewards.csv:2: ref: 129 bytes, over the limit of 128"}),
      issue("csv: personal data in a memo",
            H + row("R-000001", "1", "v", "h-1", "for 900101-1234567"), 65,
            {"rewards.csv:2: memo: looks like a resident registration number"}),
      issue("csv: a 10 MB field", H + "R-000001,1,v,h-1," + std::string(10 << 20, 'x') + "\n", 65,
            {"rewards.csv:2: record longer than the limit of 1048576 bytes"}),
      issue("csv: only a header", H, 65, {"rewards.csv: no rows after the header"}),
      issue("csv: an empty file", "", 65, {"rewards.csv: empty file"}),
      Case{"csv: a directory",
           {folder("rewards.csv")},
           {"issue", "--key", f.key("issuer"), "--csv", "rewards.csv"},
           66,
           {"rewards.csv: is a directory"}},
      Case{"csv: a missing file",
           {},
           {"issue", "--key", f.key("issuer"), "--csv", "missing.csv"},
           66,
           {"missing.csv: cannot open"}},
      Case{"csv: /dev/zero",
           {},
           {"issue", "--key", f.key("issuer"), "--csv", "/dev/zero"},
           65,
           {"/dev/zero:1: record longer than the limit"}},
      Case{"csv: bad rows on standard input",
           {},
           {"issue", "--key", f.key("issuer"), "--csv", "-"},
           65,
           {"<stdin>:3: amount: zero", "<stdin>: 1 problem found"},
           0,
           {},
           H + ok + row("R-000002", "0", "v", "h-2")},
      Case{"csv: findings as JSON",
           {File{"rewards.csv",
                 H + row("R-404", "1", "v", "h-1") + row("R-000001", "0", "v", "h-2")}},
           {"issue", "--key", f.key("issuer"), "--csv", "rewards.csv", "--json"},
           65,
           {"rewards.csv:2: account:", "rewards.csv:3: amount: zero"},
           k_json,
           {},
           {},
           2},
      Case{"csv: a file name that is not UTF-8, with --json",
           {},
           {"issue", "--key", f.key("issuer"), "--csv", "r\xff.csv", "--json"},
           66,
           {"cannot open"},
           k_json | k_raw_path},
      Case{"csv: a path of 5000 characters",
           {},
           {"issue", "--key", f.key("issuer"), "--csv", std::string(5000, 'p')},
           66,
           {"cannot open"}},
  };

  // account open --csv: address,kind,label.
  auto open_csv = [&](std::string name, std::string csv, std::vector<std::string> err) {
    return Case{std::move(name),
                {File{"accounts.csv", "address,kind,label\n" + csv}},
                {"account", "open", "--key", f.key("admin"), "--csv", "accounts.csv",
                 "--passphrase-file", f.s.admin_pass()},
                65,
                std::move(err)};
  };
  const auto fresh = new_address(), fresh2 = new_address();
  cases.push_back(open_csv("open csv: an unknown kind", fresh + ",shop,Shop\n",
                           {"accounts.csv:2: kind: unknown kind 'shop'"}));
  cases.push_back(open_csv("open csv: a tab in a label", fresh + ",merchant,Sho\tp\n",
                           {"accounts.csv:2: label: control character U+0009"}));
  cases.push_back(open_csv("open csv: invalid UTF-8 in a label", fresh + ",resident,R-\xfe\n",
                           {"accounts.csv:2: label: invalid UTF-8"}));
  cases.push_back(open_csv("open csv: a label like an address", fresh + ",merchant,sc1shop\n",
                           {"accounts.csv:2: label: starts with sc1"}));
  cases.push_back(open_csv("open csv: a label of 65 bytes",
                           fresh + ",merchant," + std::string(65, 'L') + "\n",
                           {"accounts.csv:2: label: 65 bytes, over the limit of 64"}));
  cases.push_back(open_csv("open csv: a label taken on the ledger", fresh + ",merchant,Gym\n",
                           {"accounts.csv:2: label: 'Gym' is taken by another account"}));
  cases.push_back(open_csv("open csv: an address that is an account already",
                           gym + ",merchant,Gym 2\n",
                           {"accounts.csv:2: address:", "is already an account"}));
  cases.push_back(open_csv("open csv: the same address twice",
                           fresh + ",merchant,A\n" + fresh + ",merchant,B\n",
                           {"accounts.csv:3: address: also on line 2"}));
  cases.push_back(open_csv("open csv: the same label twice",
                           fresh + ",merchant,A\n" + fresh2 + ",merchant,A\n",
                           {"accounts.csv:3: label: 'A' also on line 2"}));

  // transfer --csv: account,amount[,memo], from one account.
  auto pay_csv = [&](std::string name, std::string payer, std::string csv,
                     std::vector<std::string> err) {
    return Case{std::move(name),
                {File{"pay.csv", std::move(csv)}},
                {"transfer", "--key", f.key(payer), "--csv", "pay.csv"},
                65,
                std::move(err)};
  };
  cases.push_back(pay_csv(
      "pay csv: rows that overdraw together", "gym", "account,amount\nR-000001,20\nR-000002,6\n",
      {"pay.csv:3: amount: 26.00 in all, with the rows before, exceeds the balance of 25.00"}));
  cases.push_back(pay_csv("pay csv: paying oneself", "r1", "account,amount\nR-000001,1\n",
                          {"pay.csv:2: account: that is the sending account itself"}));
  cases.push_back(pay_csv("pay csv: a resident paying a resident", "r1",
                          "account,amount\nR-000002,1\n",
                          {"pay.csv:2: account:", "(kind_not_allowed)"}));
  cases.push_back(pay_csv("pay csv: an unknown column", "gym",
                          "account,amount,note\nR-000001,1,x\n",
                          {"pay.csv:1: header: unknown column 'note'"}));
  run_cases(cases);
}

TEST_CASE("hostile: op files", "[e2e][hostile]") {
  auto& f = fixture();
  auto submit = [](std::string name, std::string text, int code, std::vector<std::string> err) {
    return Case{std::move(name),
                {File{"pay.op", std::move(text), 0644}},
                {"submit", "pay.op"},
                code,
                std::move(err)};
  };
  const auto& good = f.pay_op;
  auto lines = [&](std::size_t n) {
    std::size_t at = 0;
    for (std::size_t i = 0; i < n; ++i)
      at = good.find('\n', at) + 1;
    return good.substr(0, at);
  };
  auto flip = [&](bool in_sig) {
    auto ops = scoin::parse_op_file(good, "pay.op");
    REQUIRE(ops.has_value());
    if (in_sig) {
      (*ops)[0].sig[5] ^= 0x40;
    } else {
      (*ops)[0].op[4 + 1 + 1 + 32 + 8 + 32 + 8 + 32 + 7] ^= 0x01; // the amount's last byte
    }
    return scoin::armor_ops(*ops);
  };
  auto bad_b64 = good;
  bad_b64[good.find('\n') + 10] = '!';
  std::string huge_block = "-----BEGIN SCOIN OP-----\n";
  for (int i = 0; i < 500; ++i)
    huge_block += std::string(64, 'A') + "\n";
  huge_block += "-----END SCOIN OP-----\n";

  std::vector<Case> cases = {
      submit("op: truncated", lines(3), 65, {"pay.op:1: op block has no END line"}),
      submit("op: a flipped signature byte", flip(true), 65,
             {"pay.op:1: signature does not verify"}),
      submit("op: a flipped amount byte", flip(false), 65, {"pay.op:1: signature does not verify"}),
      submit("op: another chain id, same signature", f.other_chain_op, 65,
             {"pay.op:1: signed for another ledger"}),
      submit("op: signed for another ledger", f.resigned_other_chain_op, 65,
             {"pay.op:1: signed for another ledger", f.chain_id}),
      submit("op: trailing garbage after the block", good + "garbage\n", 65,
             {"pay.op:" + line_count_plus_one(good) + ": expected '-----BEGIN SCOIN OP-----'"}),
      submit("op: a trailing byte inside the signed op", f.trailing_byte_op, 65,
             {"pay.op:1:", "trailing bytes"}),
      submit("op: a stale nonce", f.stale_op, 75, {"pay.op:1: stale: nonce 1 was already used"}),
      submit("op: a nonce that skips ahead", f.ahead_op, 65, {"pay.op:1: nonce 9 skips ahead"}),
      submit("op: a signer that is no account", f.stranger_op, 65,
             {"pay.op:1:", "(signer_not_account)"}),
      submit("op: bad base64", bad_b64, 65, {"pay.op:1: op block is not valid base64"}),
      submit("op: a line over 64 columns",
             "-----BEGIN SCOIN OP-----\n" + std::string(65, 'A') + "\n", 65,
             {"pay.op:2: line longer than 64 columns"}),
      submit("op: a block too short", "-----BEGIN SCOIN OP-----\nAAAA\n-----END SCOIN OP-----\n",
             65, {"pay.op:1: op block too short"}),
      submit("op: a block over the op limit", huge_block, 65,
             {"op block over the limit of 20000 bytes"}),
      submit("op: an empty file", "", 65, {"pay.op: no op blocks"}),
      Case{"op: garbage on standard input",
           {},
           {"submit", "-"},
           65,
           {"<stdin>:1: expected '-----BEGIN SCOIN OP-----'"},
           0,
           {},
           "\x1b[2J\n"},
      Case{"op: a stale nonce, with --json",
           {File{"pay.op", f.stale_op, 0644}},
           {"submit", "pay.op", "--json"},
           75,
           {"pay.op:1: stale"},
           k_json},
      submit("op: armor with no op inside", "hello\n", 65,
             {"pay.op:1: expected '-----BEGIN SCOIN OP-----'"}),
      Case{"op: a good file and a bad one, all or nothing",
           {File{"a.op", good, 0644}, File{"b.op", flip(true), 0644}},
           {"submit", "a.op", "b.op"},
           65,
           {"b.op:1: signature does not verify"}},
      Case{"op: show-op on a flipped byte",
           {File{"pay.op", flip(false), 0644}},
           {"show-op", "pay.op"},
           65,
           {},
           k_stdout_ok | k_cli11},
      Case{"op: a directory",
           {folder("pay.op")},
           {"submit", "pay.op"},
           66,
           {"pay.op: is a directory"}},
      Case{"op: a missing file", {}, {"submit", "missing.op"}, 66, {"missing.op: no such file"}},
      Case{"op: /dev/zero",
           {},
           {"submit", "/dev/zero"},
           65,
           {"/dev/zero: over the limit of 67108864 bytes"}},
  };
  run_cases(cases);
}

TEST_CASE("hostile: key and passphrase files", "[e2e][hostile]") {
  auto& f = fixture();
  const auto r1_text = f.s.read("r1.key");
  const auto admin_text = f.s.read("admin.key");
  // Pays 1 from the key in the case's folder (the key is read first).
  auto pay = [&](std::string name, std::vector<File> files, int code, std::vector<std::string> err,
                 std::string key = "k.key") {
    return Case{std::move(name),
                std::move(files),
                {"transfer", "--key", key, "--to", "Gym", "--amount", "1"},
                code,
                std::move(err)};
  };
  // Opens a new account with the admin key: every row check passes, so the
  // key and its passphrase are what is refused.
  auto open = [&](std::string name, std::vector<File> files, std::vector<std::string> extra,
                  int code, std::vector<std::string> err, std::vector<std::string> env = {}) {
    std::vector<std::string> args{"account",  "open",    new_address(), "--kind",
                                  "merchant", "--label", "New Shop"};
    if (std::find(extra.begin(), extra.end(), "--key") == extra.end()) {
      args.insert(args.end(), {"--key", "admin.key"});
      files.push_back(File{"admin.key", admin_text});
    }
    args.insert(args.end(), extra.begin(), extra.end());
    return Case{std::move(name), std::move(files), std::move(args), code, std::move(err), 0,
                std::move(env)};
  };
  auto edited = [&](const std::string& text, const std::function<void(scoin::Bytes&)>& edit) {
    auto k = split_key(text);
    edit(k.blob);
    return join_key(k);
  };
  const auto issuer_key =
      key_of(f.s.scoin({"key", "show", "issuer.key", "--json"}).json()["address"]);

  std::vector<Case> cases = {
      pay("key: readable by others", {File{"k.key", r1_text, 0644}}, 77, {"k.key:", "chmod 600"}),
      pay("key: a symlink", {File{"real.key", r1_text}, link_to("k.key", "real.key")}, 77,
          {"k.key: key file is a symlink"}),
      pay("key: truncated", {File{"k.key", r1_text.substr(0, r1_text.size() - 20)}}, 65,
          {"k.key:2:"}),
      pay("key: bad base64", {File{"k.key", r1_text.substr(0, r1_text.find('\n') + 1) + "!!!!\n"}},
          65, {"k.key:2: key is not valid base64"}),
      pay("key: no comment line", {File{"k.key", r1_text.substr(r1_text.find('\n') + 1)}}, 65,
          {"k.key:1: not a scoin secret key file"}),
      pay("key: an unknown version",
          {File{"k.key", edited(r1_text, [](scoin::Bytes& b) { b[2] = 9; })}}, 65,
          {"k.key:2: unknown key file version 9"}),
      pay("key: an unknown KDF tag",
          {File{"k.key", edited(r1_text, [](scoin::Bytes& b) { b[3] = 'X'; })}}, 65,
          {"k.key:2: unknown KDF tag"}),
      pay("key: over 4 KiB", {File{"k.key", r1_text + std::string(5000, '#')}}, 65,
          {"k.key: key file is over the limit of 4096 bytes"}),
      pay("key: a directory", {folder("k.key")}, 77, {"k.key: key file is not a regular file"}),
      pay("key: a FIFO", {fifo_at("k.key")}, 77, {"k.key: key file is not a regular file"}),
      pay("key: /dev/zero", {}, 77, {"/dev/zero: key file is not a regular file"}, "/dev/zero"),
      pay("key: missing", {}, 66, {"missing.key: no such key file"}, "missing.key"),
      Case{"key: readable by others, with --json",
           {File{"k.key", r1_text, 0644}},
           {"transfer", "--key", "k.key", "--to", "Gym", "--amount", "1", "--json"},
           77,
           {"chmod 600"},
           k_json},
      pay("key: a key that is no account", {}, 65, {"(signer_not_account)"}, f.key("stranger")),
      // The issuer's public key over the resident's seed: the role check
      // sees an issuer, the seed must not get past loading.
      Case{"key: a public key that does not match the seed",
           {File{"k.key", edited(r1_text,
                                 [&](scoin::Bytes& b) {
                                   std::copy(issuer_key.begin(), issuer_key.end(),
                                             b.begin() + k_key_public_at);
                                 })}},
           {"issue", "--key", "k.key", "--to", "R-000001", "--amount", "1", "--reason", "v",
            "--ref", "fake-1"},
           77,
           {"k.key: the secret key does not match its public key"}},
      open("key: wrong passphrase", {}, {"--passphrase-file", f.s.pass_file("not it")}, 77,
           {"admin.key: wrong passphrase"}),
      open(
          "key: Argon2 opslimit above SENSITIVE",
          {File{"admin.key2",
                edited(admin_text, [](scoin::Bytes& b) { put_u64(b, k_key_ops_at, 0xFFFFFFFF); })}},
          {"--key", "admin.key2", "--passphrase-file", f.s.admin_pass()}, 77,
          {"admin.key2: KDF limits outside what scoin accepts"}),
      open(
          "key: Argon2 memlimit above SENSITIVE",
          {File{"admin.key2",
                edited(admin_text, [](scoin::Bytes& b) { put_u64(b, k_key_mem_at, 1ULL << 40); })}},
          {"--key", "admin.key2", "--passphrase-file", f.s.admin_pass()}, 77,
          {"admin.key2: KDF limits outside what scoin accepts"}),
      open("passphrase: readable by others", {File{"pw", "admin pw\n", 0644}},
           {"--passphrase-file", "pw"}, 77,
           {"pw: passphrase file is accessible by group or others"}),
      open("passphrase: a symlink", {File{"real-pw", "admin pw\n"}, link_to("pw", "real-pw")},
           {"--passphrase-file", "pw"}, 77, {"pw: passphrase file is a symlink"}),
      open("passphrase: empty", {File{"pw", "\n"}}, {"--passphrase-file", "pw"}, 77,
           {"pw: empty passphrase"}),
      open("passphrase: over 1 KiB", {File{"pw", std::string(2000, 'p') + "\n"}},
           {"--passphrase-file", "pw"}, 77,
           {"pw: passphrase file is over the limit of 1024 bytes"}),
      open("passphrase: a FIFO", {fifo_at("pw")}, {"--passphrase-file", "pw"}, 77,
           {"pw: passphrase file is not a regular file"}),
      open("passphrase: missing", {}, {"--passphrase-file", "missing-pw"}, 66,
           {"missing-pw: no such passphrase file"}),
      open("passphrase: SCOIN_PASSPHRASE_FILE readable by others", {File{"pw", "admin pw\n", 0644}},
           {}, 77, {"pw: passphrase file is accessible by group or others"},
           {"SCOIN_PASSPHRASE_FILE=pw"}),
      open("passphrase: none, and --no-input", {}, {"--no-input"}, 77, {"--no-input"}),
  };
  run_cases(cases);
}

TEST_CASE("hostile: configuration files", "[e2e][hostile]") {
  auto& f = fixture();
  auto config = [](std::string name, std::string text, int code, std::vector<std::string> err) {
    return Case{std::move(name),
                {File{"bad.toml", std::move(text), 0644}},
                {"--config", "bad.toml", "balance"},
                code,
                std::move(err)};
  };
  std::vector<Case> cases = {
      config("config: bad TOML", "ledger = \"/x\n", 78, {"bad.toml:1:"}),
      config("config: an unknown key", "ledger = \"/x\"\nledgr = \"/y\"\n", 78,
             {"bad.toml:2: unknown key 'ledgr'"}),
      config("config: a terminal escape in a key", "\"\\u001b[2J\" = 1\n", 78,
             {"bad.toml:1: unknown key"}),
      config("config: a value of the wrong type", "ledger = 5\n", 78,
             {"bad.toml:1: ledger: expected a string"}),
      config("config: invalid UTF-8", "ledger = \"/x\xff\"\n", 78, {"bad.toml:1:"}),
      config("config: an empty ledger", "ledger = \"\"\n", 78, {"bad.toml:1: ledger: empty"}),
      Case{"config: a ledger that is nowhere",
           {File{"scoin.toml", "ledger = \"/nonexistent/scoin/ledger\"\n", 0644}},
           {"balance"},
           66,
           {"/nonexistent/scoin/ledger: no such ledger directory"},
           k_no_ledger},
      Case{"config: ./scoin.toml broken",
           {File{"scoin.toml", "[export\n", 0644}},
           {"balance"},
           78,
           {"scoin.toml:1:"}},
      Case{"config: a directory",
           {folder("bad.toml")},
           {"--config", "bad.toml", "balance"},
           78,
           {"bad.toml"}},
      Case{"config: /dev/zero",
           {},
           {"--config", "/dev/zero", "balance"},
           78,
           {"/dev/zero: over the limit"}},
      Case{"config: a missing file",
           {},
           {"--config", "nope.toml", "balance"},
           78,
           {"nope.toml: no such configuration file (from --config)"}},
      Case{"config: SCOIN_CONFIG names a missing file",
           {},
           {"balance"},
           78,
           {"nope.toml: no such configuration file (from SCOIN_CONFIG)"},
           0,
           {"SCOIN_CONFIG=nope.toml"}},
      Case{"config: its passphrase file readable by others",
           {File{"scoin.toml", "passphrase_file = \"pw\"\n", 0644}, File{"pw", "admin pw\n", 0644}},
           {"account", "open", "--key", f.key("admin"), new_address(), "--kind", "merchant",
            "--label", "New Shop"},
           77,
           {"pw: passphrase file is accessible by group or others"}},
  };
  run_cases(cases);
}

TEST_CASE("hostile: dates, addresses, amounts and labels on the command line", "[e2e][hostile]") {
  auto& f = fixture();
  auto day = [](std::string name, std::vector<std::string> args, std::vector<std::string> err) {
    return Case{std::move(name), {}, std::move(args), 64, std::move(err)};
  };
  auto pay = [&](std::string name, std::vector<std::string> args, int code,
                 std::vector<std::string> err) {
    std::vector<std::string> full{"transfer", "--key", f.key("r1")};
    full.insert(full.end(), args.begin(), args.end());
    return Case{std::move(name), {}, std::move(full), code, std::move(err)};
  };
  auto label = [&](std::string name, std::string text, std::vector<std::string> err) {
    return Case{std::move(name),
                {},
                {"account", "open", "--key", f.key("admin"), new_address(), "--kind", "resident",
                 "--label", std::move(text), "--passphrase-file", f.s.admin_pass()},
                65,
                std::move(err)};
  };
  const std::string gym = f.address("gym");
  const auto gym_key = key_of(gym);
  auto mixed = gym; // one letter of the data part in upper case
  auto letter = mixed.find_first_of("acdefghjklmnpqrstuvwxyz", 3);
  mixed[letter] = static_cast<char>(std::toupper(mixed[letter]));
  const std::string big(100 * 1024, 'x');
  auto typo = gym;
  typo[20] = typo[20] == 'q' ? 'p' : 'q';

  std::vector<Case> cases = {
      day("date: 2026-02-30", {"export-csv", "transactions", "--date", "2026-02-30"},
          {"--date: invalid date '2026-02-30': no such day"}),
      day("date: 2026-13-01", {"export-csv", "transactions", "--date", "2026-13-01"},
          {"--date: invalid date '2026-13-01': no such day"}),
      day("date: tomorrow", {"export-csv", "settlements", "--date", "tomorrow"},
          {"--date: invalid date 'tomorrow' (expected YYYY-MM-DD, today or yesterday)"}),
      day("date: 2026-1-1", {"export-csv", "transactions", "--date", "2026-1-1"},
          {"--date: invalid date '2026-1-1'"}),
      day("date: year 99999", {"export-csv", "transactions", "--date", "99999-01-01"},
          {"--date: invalid date '99999-01-01'"}),
      day("date: before 1970", {"export-csv", "balances", "--at-date", "1969-12-31"},
          {"--at-date: invalid date '1969-12-31': no such day"}),
      day("date: --from after --to",
          {"export-csv", "transactions", "--from", "2026-03-01", "--to", "2026-02-01"},
          {"--to 2026-02-01 is before --from 2026-03-01"}),
      day("date: 29 February of a common year in log", {"log", "--date", "2025-02-29"},
          {"--date: invalid date '2025-02-29': no such day"}),
      day("date: a terminal escape", {"export-csv", "settlements", "--date", "2026-\x1b[2J"},
          {"--date: invalid date '2026-\\u001b[2J'"}),
      pay("address: another hrp",
          {"--to", bech32_of(gym_key, "bc", scoin::Bech32Variant::bech32m), "--amount", "1"}, 65,
          {"--to: no account with the label 'bc1"}),
      pay("address: mixed case", {"--to", mixed, "--amount", "1"}, 65,
          {"--to: address", "fails its checksum"}),
      pay("address: truncated", {"--to", gym.substr(0, gym.size() - 5), "--amount", "1"}, 65,
          {"--to: address", "fails its checksum"}),
      pay("address: too long", {"--to", gym + "qqqqq", "--amount", "1"}, 65,
          {"--to: address", "fails its checksum"}),
      pay("address: Bech32, not Bech32m",
          {"--to", bech32_of(gym_key, "sc", scoin::Bech32Variant::bech32), "--amount", "1"}, 65,
          {"--to: address", "uses Bech32, not Bech32m"}),
      pay("address: a 31-byte key",
          {"--to",
           bech32_of(scoin::ByteView(gym_key.data(), 31), "sc", scoin::Bech32Variant::bech32m),
           "--amount", "1"},
          65, {"--to: address", "does not hold a 32-byte key"}),
      pay("address: a terminal escape", {"--to", "sc1\x1b[2J", "--amount", "1"}, 65,
          {"--to: address 'sc1\\u001b[2J' fails its checksum"}),
      pay("address: that of no account", {"--to", new_address(), "--amount", "1"}, 65,
          {"is not a registered account"}),
      pay("amount: an exponent", {"--to", "Gym", "--amount", "1e2"}, 65,
          {"--amount: not an amount '1e2'"}),
      pay("amount: a sign", {"--to", "Gym", "--amount", "+1"}, 65,
          {"--amount: not an amount '+1'"}),
      pay("amount: thousands separators", {"--to", "Gym", "--amount", "1,000"}, 65,
          {"--amount: not an amount '1,000'"}),
      pay("amount: three fraction digits", {"--to", "Gym", "--amount", "1.001"}, 65,
          {"--amount: amount '1.001' has 3 fraction digits, the ledger allows 2"}),
      pay("amount: 2^64", {"--to", "Gym", "--amount", "18446744073709551616"}, 65,
          {"--amount:", "over the limit of 2^63-1"}),
      pay("amount: a terminal escape", {"--to", "Gym", "--amount", "1\x1b[2J"}, 65,
          {"--amount: not an amount '1\\u001b[2J'"}),
      pay("amount: 100 KB of digits after a minus",
          {"--to", "Gym", "--amount", "-" + std::string(100 * 1024, '1')}, 65,
          {"--amount: negative amount"}),
      pay("amount: more than the balance", {"--to", "Gym", "--amount", "80.01"}, 65,
          {"(exceeds_balance)"}),
      pay("memo: 100 KB", {"--to", "Gym", "--amount", "1", "--memo", big}, 65,
          {"--memo: 102400 bytes, over the limit of 256"}),
      pay("memo: a terminal escape", {"--to", "Gym", "--amount", "1", "--memo", "\x1b[2J"}, 65,
          {"--memo: control character U+001B"}),
      pay("to: a 100 KB label", {"--to", big, "--amount", "1"}, 65,
          {"--to: no account with the label 'xxx"}),
      pay("to: a terminal escape in a label", {"--to", "R-\x1b[31mX", "--amount", "1"}, 65,
          {"--to: no account with the label 'R-\\u001b[31mX'"}),
      label("label: a control character", "R-\x01", {"--label: control character U+0001"}),
      label("label: U+0085", "R-\xC2\x85", {"--label: control character U+0085"}),
      label("label: invalid UTF-8", "R-\xff", {"--label: invalid UTF-8"}),
      label("label: like an address", "sc1shop", {"--label: starts with sc1"}),
      label("label: like an upper-case address", "SC1SHOP", {"--label: starts with sc1"}),
      label("label: a resident registration number", "900101-1234567",
            {"--label: looks like a resident registration"}),
      label("label: 65 bytes", std::string(65, 'L'), {"--label: 65 bytes, over the limit of 64"}),
      label("label: 100 KB", big, {"--label: 102400 bytes, over the limit of 64"}),
      label("label: taken", "Gym", {"--label: 'Gym' is taken by another account"}),
      Case{"label: an unknown kind",
           {},
           {"account", "open", "--key", f.key("admin"), new_address(), "--kind", "shop", "--label",
            "Shop"},
           64,
           {"--kind"},
           k_cli11},
      Case{"account show: a 100 KB label",
           {},
           {"account", "show", big},
           65,
           {"no account with the label 'xxx"}},
      Case{"balance: a terminal escape",
           {},
           {"balance", "\x1b]0;pwned\x07"},
           65,
           {"no account with the label"}},
      Case{"redeem: a ref of 100 KB",
           {},
           {"redeem", "--key", f.key("gym"), "--amount", "1", "--ref", big},
           65,
           {"--ref: 102400 bytes, over the limit of 128"}},
      Case{"redeem: a control character in a ref",
           {},
           {"redeem", "--key", f.key("gym"), "--amount", "1", "--ref", "s\x1b"},
           65,
           {"--ref: control character U+001B"}},
      Case{"verify-chain: --expect-chain-id not hex",
           {},
           {"verify-chain", "--expect-chain-id", "zz"},
           64,
           {"--expect-chain-id: 'zz' is not 64 hex digits"}},
      Case{"verify-chain: --expect-chain-id with a terminal escape",
           {},
           {"verify-chain", "--expect-chain-id", "\x1b[2J"},
           64,
           {"--expect-chain-id:", "is not 64 hex digits"}},
      Case{"verify-chain: --expect-head not HEIGHT:HASH",
           {},
           {"verify-chain", "--expect-head", "7:xyz"},
           64,
           {"--expect-head: '7:xyz' is not HEIGHT:HASH"}},
      Case{"verify-chain: --from after --to",
           {},
           {"verify-chain", "--from", "5", "--to", "2"},
           64,
           {"--from 5 is after --to 2"}},
      Case{"transfer: --chain-id not hex",
           {},
           {"transfer", "--key", f.key("r1"), "--to", gym, "--amount", "1", "--out", "x.op",
            "--chain-id", "\x1b[2J", "--nonce", "2", "--decimals", "2"},
           64,
           {"--chain-id:", "is not 64 hex digits"}},
      Case{"log: an unknown type",
           {},
           {"log", "--type", "mint"},
           64,
           {"--type: mint not in"},
           k_cli11},
      Case{"export: --at-height beyond the head",
           {},
           {"export-csv", "balances", "--at-height", "99999"},
           65,
           {"--at-height 99999: the ledger's head is at"}},
      Case{
          "cli: an unknown command", {}, {"frobnicate"}, 64, {"A subcommand is required"}, k_cli11},
      Case{"cli: issue on 100000 threads",
           {},
           {"issue", "--key", f.key("issuer"), "--to", "R-000001", "--amount", "1", "--reason", "v",
            "--ref", "t-1", "--threads", "100000"},
           64,
           {"--threads"},
           k_cli11},
      Case{"cli: verify-chain on 100000 threads",
           {},
           {"verify-chain", "--threads", "100000"},
           64,
           {"--threads"},
           k_cli11},
      Case{"init: a terminal escape in --name",
           {},
           {"--ledger", "new", "init", "--admin-key", f.key("admin"), "--name", "D\x1b[2J"},
           64,
           {"--name: control character U+001B"}},
      Case{"init: an offset beyond 14 hours",
           {},
           {"--ledger", "new", "init", "--admin-key", f.key("admin"), "--name", "D", "--utc-offset",
            "+15:00"},
           64,
           {"UTC offset '+15:00' is beyond"}},
      Case{"init: an offset with a terminal escape",
           {},
           {"--ledger", "new", "init", "--admin-key", f.key("admin"), "--name", "D", "--utc-offset",
            "+0\x1b:00"},
           64,
           {"invalid UTC offset '+0\\u001b:00'"}},
      Case{"init: an issuer address failing its checksum",
           {},
           {"--ledger", "new", "init", "--admin-key", f.key("admin"), "--name", "D", "--issuer",
            typo, "--passphrase-file", f.s.admin_pass()},
           65,
           {"--issuer: address", "fails its checksum"}},
      Case{"init: the same issuer twice",
           {},
           {"--ledger", "new", "init", "--admin-key", f.key("admin"), "--name", "D", "--issuer",
            gym, "--issuer", gym, "--passphrase-file", f.s.admin_pass()},
           65,
           {"--issuer: " + gym + " is given twice"}},
      Case{
          "cli: an unknown option", {}, {"balance", "--frobnicate"}, 64, {"--frobnicate"}, k_cli11},
      Case{"env: SCOIN_NOW_MS not a number",
           {},
           {"transfer", "--key", f.key("r1"), "--to", "Gym", "--amount", "1"},
           64,
           {"SCOIN_NOW_MS is not a number of milliseconds"},
           0,
           {"SCOIN_NOW_MS=soon"}},
      Case{"env: SCOIN_NOW_MS far in the future",
           {},
           {"transfer", "--key", f.key("r1"), "--to", "Gym", "--amount", "1"},
           78,
           {"more than 5 minutes ahead of the system clock"},
           0,
           {"SCOIN_NOW_MS=99999999999999"}},
      Case{"env: SCOIN_NOW_MS before the head",
           {},
           {"transfer", "--key", f.key("r1"), "--to", "Gym", "--amount", "1"},
           78,
           {"is behind the ledger head's booking time"},
           0,
           {"SCOIN_NOW_MS=1"}},
  };
  run_cases(cases);
}

TEST_CASE("hostile: paths and outputs", "[e2e][hostile]") {
  auto& f = fixture();
  const std::string long_name(5000, 'd');
  std::string deep;
  for (int i = 0; i < 300; ++i)
    deep += "/deep" + std::to_string(i);
  std::vector<Case> cases = {
      Case{"path: a --ledger of 5000 characters",
           {},
           {"--ledger", long_name, "balance"},
           66,
           {"no such ledger directory"}},
      Case{"path: a --ledger in deep nonexistent folders",
           {},
           {"--ledger", deep, "balance"},
           66,
           {"no such ledger directory"}},
      Case{"path: a --ledger that is a file",
           {File{"file", "x"}},
           {"--ledger", "file", "balance"},
           66,
           {"file: no such ledger directory"}},
      Case{"path: a --ledger that is an empty folder",
           {folder("empty")},
           {"--ledger", "empty", "balance"},
           66,
           {"empty: no ledger here (no data.mdb)"}},
      Case{"path: no ledger at all", {}, {"balance"}, 64, {"no ledger given"}, k_no_ledger},
      Case{"replica: an empty data.mdb",
           {folder("rep"), File{"rep/data.mdb", ""}},
           {"--ledger", "rep", "transfer", "--key", f.key("r1"), "--to", f.address("gym"),
            "--amount", "1"},
           74,
           {"rep: data.mdb is empty; not a ledger"}},
      Case{"replica: a data.mdb of garbage",
           {folder("rep"), File{"rep/data.mdb", std::string(8192, '\x5a')}},
           {"--ledger", "rep", "transfer", "--key", f.key("r1"), "--to", f.address("gym"),
            "--amount", "1"},
           74,
           {"rep: MDB_INVALID"}},
      Case{"replica: data.mdb is a folder",
           {folder("rep"), folder("rep/data.mdb")},
           {"--ledger", "rep", "balance"},
           74,
           {"rep: data.mdb is not a regular file; not a ledger"}},
      Case{"output: -o into a missing folder",
           {},
           {"export-csv", "balances", "-o", "no/such/dir/b.csv"},
           73,
           {"no/such/dir/b.csv: cannot create a file in no/such/dir"}},
      Case{"output: -o with a 5000-character name",
           {},
           {"export-csv", "balances", "-o", long_name},
           73,
           {"cannot"}},
      Case{"output: -o onto a folder",
           {folder("out")},
           {"export-csv", "balances", "-o", "out"},
           73,
           {"out: is a directory; refusing to replace it"}},
      Case{"output: -o onto a symlink",
           {File{"real.csv", "keep"}, link_to("b.csv", "real.csv")},
           {"export-csv", "balances", "-o", "b.csv"},
           73,
           {"b.csv: is a symlink; refusing to replace it"}},
      Case{"output: -o onto /dev/null",
           {},
           {"export-csv", "balances", "-o", "/dev/null"},
           73,
           {"/dev/null: is not a regular file"}},
      Case{"output: -o onto the ledger's own data.mdb",
           {},
           {"export-csv", "balances", "-o", f.s.path("ledger/data.mdb")},
           73,
           {"data.mdb: is in the ledger's folder"}},
      Case{"output: -o into the ledger's folder through a symlink",
           {link_to("lnk", f.s.ledger())},
           {"export-csv", "balances", "-o", "lnk/b.csv"},
           73,
           {"lnk/b.csv: is in the ledger's folder"}},
      Case{"output: export.out in scoin.toml onto data.mdb",
           {File{"scoin.toml", "[export]\nout = \"" + f.s.path("ledger/data.mdb") + "\"\n", 0644}},
           {"export-csv", "balances"},
           73,
           {"data.mdb: is in the ledger's folder"}},
      Case{"output: -o with an unknown pattern",
           {},
           {"export-csv", "balances", "-o", "b-%q.csv"},
           64,
           {"-o: unknown pattern %q"}},
      Case{"output: --manifest without -o",
           {},
           {"export-csv", "balances", "--manifest"},
           64,
           {"--manifest needs -o FILE"}},
      Case{"output: --out into a missing folder",
           {},
           {"transfer", "--key", f.key("r1"), "--to", "Gym", "--amount", "1", "--out",
            "no/such/dir/pay.op"},
           73,
           {"no/such/dir/pay.op: cannot create"}},
      Case{"output: --out onto an existing file",
           {File{"pay.op", "keep", 0644}},
           {"transfer", "--key", f.key("r1"), "--to", "Gym", "--amount", "1", "--out", "pay.op"},
           73,
           {"pay.op: already exists; refusing to overwrite"}},
      Case{"output: keygen into a missing folder",
           {},
           {"keygen", "-o", "no/such/dir/k.key", "--unencrypted"},
           73,
           {"no/such/dir/k.key: cannot create"}},
      Case{"output: init over an existing ledger",
           {},
           {"init", "--admin-key", f.key("admin"), "--name", "Again", "--passphrase-file",
            f.s.admin_pass()},
           73,
           {"a ledger already exists here; refusing to touch it"}},
  };
  run_cases(cases);
}

TEST_CASE("hostile: ledger rules broken on purpose", "[e2e][hostile]") {
  auto& f = fixture();
  auto run = [&](std::string name, std::string key, std::vector<std::string> args, int code,
                 std::vector<std::string> err) {
    std::vector<std::string> full{args[0], "--key", f.key(key)};
    full.insert(full.end(), args.begin() + 1, args.end());
    return Case{std::move(name), {}, std::move(full), code, std::move(err)};
  };
  std::vector<Case> cases = {
      run("rule: insufficient balance", "r2", {"transfer", "--to", "Gym", "--amount", "49.01"}, 65,
          {"exceeds the balance of 49.00 (exceeds_balance)"}),
      run("rule: a transfer to oneself", "gym", {"transfer", "--to", "Gym", "--amount", "1"}, 65,
          {"--to: that is the sending account itself"}),
      run("rule: a resident paying a resident", "r1",
          {"transfer", "--to", "R-000002", "--amount", "1"}, 65, {"(kind_not_allowed)"}),
      run("rule: a transfer from a key that is no account", "stranger",
          {"transfer", "--to", "Gym", "--amount", "1"}, 65, {"(signer_not_account)"}),
      run("rule: a redeem by a resident", "r1", {"redeem", "--amount", "1", "--ref", "x-1"}, 65,
          {"only merchants redeem (signer_not_merchant)"}),
      run("rule: a redeem by a charity", "bank", {"redeem", "--amount", "1", "--ref", "x-1"}, 65,
          {"only merchants redeem (signer_not_merchant)"}),
      run("rule: a redeem over the balance", "gym", {"redeem", "--amount", "25.01", "--ref", "x-1"},
          65, {"--amount: 25.01 SC exceeds the balance of 25.00 SC (exceeds_balance)"}),
      run("rule: a redeem ref reused with another amount", "gym",
          {"redeem", "--amount", "6", "--ref", "settle-1"}, 65,
          {"--ref: 'settle-1' was already redeemed at height", "conflict"}),
      run("rule: an issue by a resident's key", "r1",
          {"issue", "--to", "R-000001", "--amount", "1", "--reason", "v", "--ref", "n-1"}, 77,
          {"is not an issuer on this ledger"}),
      run("rule: an issue by the admin (not an issuer)", "admin",
          {"issue", "--to", "R-000001", "--amount", "1", "--reason", "v", "--ref", "n-1"}, 77,
          {"is not an issuer on this ledger"}),
      run("rule: an issue ref reused with other fields", "issuer",
          {"issue", "--to", "R-000002", "--amount", "1", "--reason", "v", "--ref", "f-1"}, 65,
          {"--ref: 'f-1' was already used at height", "conflict"}),
      Case{"rule: an account opened by a non-admin",
           {},
           {"account", "open", "--key", f.key("issuer"), new_address(), "--kind", "merchant",
            "--label", "New Shop"},
           77,
           {"(signer_not_admin)"}},
  };
  run_cases(cases);
}
