// Disk full and limits (issue 8): a batch that outgrows the replica's maximum
// map size, or the disk itself, fails whole with exit status 74; the replica
// is left as it was and verifies, and a later batch that fits still goes
// through. An export to a full disk leaves no partial file behind.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "e2e/harness.hpp"

using e2e::Sandbox;
namespace fs = std::filesystem;

namespace {

// `rows` issue rows to R-000001 / R-000002 with refs PREFIX-i; `want` gets the
// units each of the two is owed.
std::string issue_csv(const std::string& prefix, int rows, std::uint64_t want[2]) {
  std::string csv = "account,amount,reason,ref\n";
  for (int i = 0; i < rows; ++i) {
    int who = i % 2;
    int amount = 1 + i % 3;
    want[who] += static_cast<std::uint64_t>(amount);
    csv += (who == 0 ? "R-000001," : "R-000002,") + std::to_string(amount) + ",volunteering," +
           prefix + "-" + std::to_string(i) + "\n";
  }
  return csv;
}

struct Chain {
  std::uint64_t entries = 0;
  std::uint64_t head_height = 0;
  std::string head_hash;
  std::uint64_t supply = 0;
};

// verify-chain must pass; returns what it saw.
Chain verified(const Sandbox& s) {
  auto v = s.scoin({"verify-chain", "--json"});
  INFO(v.out << v.err);
  REQUIRE(v.code == 0);
  auto j = v.json();
  REQUIRE(j["valid"] == true);
  return Chain{j["entries"].get<std::uint64_t>(), j["head_height"].get<std::uint64_t>(),
               j["head_hash"].get<std::string>(), j["supply_units"].get<std::uint64_t>()};
}

std::uint64_t balance(const Sandbox& s, const std::string& account) {
  auto b = s.scoin({"balance", account, "--json"});
  INFO(b.err);
  REQUIRE(b.code == 0);
  return b.json()["balance_units"].get<std::uint64_t>();
}

// A tmpfs of `size` mounted on `dir` for the life of the guard. Mounting
// needs root (CAP_SYS_ADMIN); `error` tells why it was not mounted.
struct Tmpfs {
  std::string dir;
  bool mounted = false;
  int error = 0;
  Tmpfs(std::string d, const std::string& size) : dir(std::move(d)) {
    fs::create_directories(dir);
    auto options = "size=" + size + ",mode=0700";
    mounted = ::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) == 0;
    error = mounted ? 0 : errno;
  }
  ~Tmpfs() {
    if (mounted) ::umount2(dir.c_str(), MNT_DETACH);
  }
  Tmpfs(const Tmpfs&) = delete;
};

// Fills the file system holding `dir` to the last byte with `dir/filler`.
void fill_disk(const std::string& dir) {
  auto path = dir + "/filler";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  REQUIRE(fd >= 0);
  std::string chunk(65536, 'x');
  // Big writes until one falls short, then byte by byte until none fits.
  for (;;) {
    auto n = ::write(fd, chunk.data(), chunk.size());
    if (n < static_cast<ssize_t>(chunk.size())) break;
  }
  while (::write(fd, "x", 1) == 1) {
  }
  int e = errno;
  ::close(fd);
  REQUIRE(e == ENOSPC);
}

// Files in `dir` other than those named in `expected`.
std::vector<std::string> strays(const std::string& dir, const std::vector<std::string>& expected) {
  std::vector<std::string> out;
  for (auto& e : fs::directory_iterator(dir)) {
    auto name = e.path().filename().string();
    if (std::find(expected.begin(), expected.end(), name) == expected.end()) out.push_back(name);
  }
  return out;
}

} // namespace

TEST_CASE("diskfull: a batch that outgrows the maximum map size fails whole (74); a larger maximum "
          "lets it through",
          "[e2e][diskfull]") {
  Sandbox s;
  std::vector<Sandbox::Account> acc = {{"r1", "resident", "R-000001", ""},
                                       {"r2", "resident", "R-000002", ""}};
  s.init_ledger(acc);
  // 20,000 issues take well over 3 MiB (entries, hashes, history, refs, ops).
  const int rows = 20000;
  std::uint64_t want[2] = {0, 0};
  s.write("big.csv", issue_csv("map", rows, want));
  const auto before = verified(s);
  const auto digest = s.ledger_digest();
  const std::vector<std::string> issue{"issue", "--key",   "issuer.key",
                                       "--csv", "big.csv", "--json"};

  // From the environment.
  auto small = s.scoin(issue, {}, {"SCOIN_MAX_MAP_SIZE=3MiB"});
  INFO(small.err);
  CHECK(small.code == 74);
  CHECK(small.err.find("map is full") != std::string::npos);
  CHECK(small.err.find("SCOIN_MAX_MAP_SIZE") != std::string::npos);
  // Not a byte of the replica changed: the transaction was thrown away.
  CHECK(s.ledger_digest() == digest);
  auto after = verified(s);
  CHECK(after.entries == before.entries);
  CHECK(after.head_hash == before.head_hash);

  // From scoin.toml, as an integer and as a string with a unit.
  for (const char* setting : {"max_map_size = 3145728\n", "max_map_size = \"3 MiB\"\n"}) {
    s.write("scoin.toml", setting);
    auto c = s.scoin(issue);
    INFO(setting << c.err);
    CHECK(c.code == 74);
    CHECK(c.err.find("map is full") != std::string::npos);
    CHECK(s.ledger_digest() == digest);
  }
  CHECK(verified(s).entries == before.entries);
  CHECK(balance(s, "R-000001") == 0);

  // The environment beats the file: with room to grow, the batch lands whole.
  auto big = s.scoin(issue, {}, {"SCOIN_MAX_MAP_SIZE=256MiB"});
  INFO(big.err);
  REQUIRE(big.code == 0);
  CHECK(big.json()["appended"] == rows);
  auto done = verified(s);
  CHECK(done.entries == before.entries + rows);
  CHECK(done.supply == before.supply + want[0] + want[1]);
  CHECK(balance(s, "R-000001") == want[0]);
  CHECK(balance(s, "R-000002") == want[1]);
  // Readers do not care about the maximum, even one below the replica's size.
  CHECK(s.scoin({"balance", "R-000001"}).code == 0);
  // Paid once: a re-run under the small maximum needs no room and appends nothing.
  auto again = s.scoin(issue);
  INFO(again.err);
  REQUIRE(again.code == 0);
  CHECK(again.json()["appended"] == 0);
  CHECK(again.json()["already_applied"] == rows);
  CHECK(verified(s).entries == before.entries + rows);
  CHECK(balance(s, "R-000001") == want[0]);
}

TEST_CASE("config: max_map_size and SCOIN_MAX_MAP_SIZE are checked, shown by config show, and used "
          "by init",
          "[e2e][diskfull][config]") {
  Sandbox s;
  auto shown = [&](const std::vector<std::string>& env) {
    auto r = s.scoin({"config", "show", "--json"}, {}, env);
    INFO(r.err);
    REQUIRE(r.code == 0);
    return r.json()["max_map_size"];
  };
  auto d = shown({});
  CHECK(d["value"] == "1TiB");
  CHECK(d["source"] == "default");
  s.write("scoin.toml", "# limits\nmax_map_size = \"64GiB\"\n");
  auto c = shown({});
  CHECK(c["value"] == "64GiB");
  CHECK(c["source"] == "scoin.toml:2");
  auto e = shown({"SCOIN_MAX_MAP_SIZE=2 GiB"});
  CHECK(e["value"] == "2 GiB");
  CHECK(e["source"] == "SCOIN_MAX_MAP_SIZE");
  // The human listing has the line too.
  auto text = s.scoin({"config", "show"});
  CHECK(text.out.find("max_map_size") != std::string::npos);

  // Bad values in the file fail every command with the line (78).
  struct Case {
    const char* text;
    const char* want;
  } bad[] = {
      {"max_map_size = \"64 gigabytes\"\n",
       "scoin.toml:1: max_map_size: '64 gigabytes': unknown unit"},
      {"max_map_size = \"-1\"\n", "scoin.toml:1: max_map_size: '-1' is not a size"},
      {"max_map_size = -5\n", "scoin.toml:1: max_map_size: '-5' is not a size"},
      {"max_map_size = \"1KiB\"\n", "out of bounds"},
      {"max_map_size = \"65TiB\"\n", "out of bounds"},
      {"max_map_size = \"99999999999999999999\"\n", "too large"},
      {"max_map_size = \"17179869184TiB\"\n", "too large"},
      {"max_map_size = true\n", "max_map_size: expected an integer or a string"},
      {"max_map_size = \"\"\n", "is not a size"},
  };
  for (auto& b : bad) {
    s.write("scoin.toml", b.text);
    auto r = s.scoin({"config", "show"});
    INFO(b.text << " -> " << r.err);
    CHECK(r.code == 78);
    CHECK(r.err.find(b.want) != std::string::npos);
    CHECK(s.scoin({"balance"}).code == 78);
  }
  fs::remove(s.path("scoin.toml"));

  // A bad SCOIN_MAX_MAP_SIZE stops config show and every writer (78), before
  // a key is read or a replica created.
  auto admin = s.keygen("admin.key");
  for (const char* v :
       {"SCOIN_MAX_MAP_SIZE=lots", "SCOIN_MAX_MAP_SIZE=4MB", "SCOIN_MAX_MAP_SIZE=512KiB"}) {
    auto show = s.scoin({"config", "show"}, {}, {v});
    INFO(v << " -> " << show.err);
    CHECK(show.code == 78);
    CHECK(show.err.find("SCOIN_MAX_MAP_SIZE") != std::string::npos);
    auto init = s.scoin({"init", "--admin-key", "admin.key", "--name", "X"}, {}, {v});
    CHECK(init.code == 78);
    CHECK_FALSE(s.exists("ledger"));
  }
  // init under a small maximum: the replica starts within it, and a batch
  // that needs more fails whole.
  auto init = s.scoin({"init", "--admin-key", "admin.key", "--name", "X", "--issuer", admin}, {},
                      {"SCOIN_MAX_MAP_SIZE=1MiB"});
  INFO(init.err);
  REQUIRE(init.code == 0);
  s.write("acc.csv", "address,kind,label\n" + admin + ",resident,R-000001\n");
  REQUIRE(s.scoin({"account", "open", "--key", "admin.key", "--csv", "acc.csv"}).code == 0);
  std::string csv = "account,amount,reason,ref\n";
  for (int i = 0; i < 5000; ++i)
    csv += "R-000001,1,v,init-" + std::to_string(i) + "\n";
  s.write("b.csv", csv);
  auto full =
      s.scoin({"issue", "--key", "admin.key", "--csv", "b.csv"}, {}, {"SCOIN_MAX_MAP_SIZE=1MiB"});
  CHECK(full.code == 74);
  CHECK(s.scoin({"verify-chain"}).code == 0);
  CHECK(s.scoin({"balance", "R-000001", "--json"}).json()["balance_units"] == 0);
  // A reader ignores the variable, valid or not.
  CHECK(s.scoin({"balance"}, {}, {"SCOIN_MAX_MAP_SIZE=lots"}).code == 0);
  auto ok = s.scoin({"issue", "--key", "admin.key", "--csv", "b.csv", "--json"}, {},
                    {"SCOIN_MAX_MAP_SIZE=64MiB"});
  INFO(ok.err);
  REQUIRE(ok.code == 0);
  CHECK(ok.json()["appended"] == 5000);
}

TEST_CASE("diskfull: a replica on a full tmpfs: the batch fails whole (74), the ledger verifies, a "
          "small batch "
          "still goes through; an export to the full disk leaves nothing behind",
          "[e2e][diskfull]") {
  Sandbox s;
  // The replica's directory is a 4 MiB tmpfs.
  Tmpfs disk(s.ledger(), "4m");
  if (!disk.mounted) {
    WARN("skipped: cannot mount a tmpfs on " << disk.dir << ": " << std::strerror(disk.error)
                                             << " (needs root)");
    return;
  }
  std::vector<Sandbox::Account> acc = {{"r1", "resident", "R-000001", ""},
                                       {"r2", "resident", "R-000002", ""}};
  s.init_ledger(acc);
  const auto before = verified(s);
  std::uint64_t want[2] = {0, 0};
  s.write("big.csv", issue_csv("disk", 20000, want));
  auto big = s.scoin({"issue", "--key", "issuer.key", "--csv", "big.csv"});
  INFO(big.err);
  CHECK(big.code == 74);
  CHECK(big.err.find("disk full") != std::string::npos);
  // Nothing half-written: the same head, the same balances.
  auto after = verified(s);
  CHECK(after.entries == before.entries);
  CHECK(after.head_hash == before.head_hash);
  CHECK(after.supply == before.supply);
  CHECK(balance(s, "R-000001") == 0);
  CHECK(balance(s, "R-000002") == 0);

  // A batch that fits still goes through on the same full disk: LMDB reuses
  // the pages the failed transaction wrote past the committed data.
  std::uint64_t small_want[2] = {0, 0};
  s.write("small.csv", issue_csv("small", 10, small_want));
  auto small = s.scoin({"issue", "--key", "issuer.key", "--csv", "small.csv", "--json"});
  INFO(small.err);
  REQUIRE(small.code == 0);
  CHECK(small.json()["appended"] == 10);
  CHECK(verified(s).entries == before.entries + 10);
  CHECK(balance(s, "R-000001") == small_want[0]);

  // The rest of the disk, to the last byte; then an export into it.
  fs::create_directories(s.ledger() + "/out");
  fill_disk(s.ledger());
  for (const std::vector<std::string>& extra : {std::vector<std::string>{}, {"--manifest"}}) {
    std::vector<std::string> args{
        "export-csv", "transactions", "--from", "2000-01-01",
        "--to",       "2099-12-31",   "-o",     s.ledger() + "/out/tx.csv"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto x = s.scoin(args);
    INFO(x.err);
    CHECK(x.code == 74);
    CHECK(x.err.find("No space left on device") != std::string::npos);
    // No partial output and no temporary file left behind.
    CHECK(strays(s.ledger() + "/out", {}).empty());
  }
  CHECK(verified(s).entries == before.entries + 10);
  // With room again (the tmpfs grown), the same export is written whole.
  fs::remove(s.ledger() + "/filler");
  REQUIRE(::mount("tmpfs", disk.dir.c_str(), "tmpfs", MS_REMOUNT | MS_NOSUID | MS_NODEV,
                  "size=8m") == 0);
  auto x = s.scoin({"export-csv", "transactions", "--from", "2000-01-01", "--to", "2099-12-31",
                    "-o", s.ledger() + "/out/tx.csv", "--manifest"});
  INFO(x.err);
  CHECK(x.code == 0);
  CHECK(strays(s.ledger() + "/out", {"tx.csv", "tx.csv.manifest.json"}).empty());
  CHECK(s.read("ledger/out/tx.csv").find("small-9") != std::string::npos);
}
