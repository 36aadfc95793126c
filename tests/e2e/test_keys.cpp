// Keys and passphrases, end to end (DESIGN.md §3, §7).
#include <sys/stat.h>
#include <unistd.h>

#include "e2e/harness.hpp"

using e2e::Sandbox;

TEST_CASE("keygen: writes a 0600 key file and prints its address; key show agrees") {
  Sandbox s;
  auto r = s.scoin({"keygen", "-o", "k.key", "--kdf", "interactive", "--passphrase-file",
                    s.pass_file("pw one")});
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto addr = r.out.substr(0, r.out.find('\n'));
  CHECK(addr.starts_with("sc1"));
  CHECK(r.err.find("key id") != std::string::npos);
  struct stat st {};
  REQUIRE(::stat(s.path("k.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // key show needs no passphrase (none is available to this run).
  auto show = s.scoin({"key", "show", "k.key", "--json", "--no-input"});
  REQUIRE(show.code == 0);
  auto j = show.json();
  CHECK(j["address"] == addr);
  CHECK(j["encrypted"] == true);
  CHECK(j["key_id"].get<std::string>().size() == 16);
  CHECK(s.read("k.key").starts_with("untrusted comment: scoin secret key " +
                                    j["key_id"].get<std::string>() + "\n"));
}

TEST_CASE("keygen: refuses to overwrite an existing file (73)") {
  Sandbox s;
  s.write("k.key", "precious", 0600);
  auto r = s.scoin({"keygen", "-o", "k.key", "--unencrypted"});
  CHECK(r.code == 73);
  CHECK(r.err.find("refusing to overwrite") != std::string::npos);
  CHECK(s.read("k.key") == "precious");
}

TEST_CASE("keygen: without a passphrase source or terminal it refuses (77), writes nothing") {
  Sandbox s;
  auto r = s.scoin({"keygen", "-o", "k.key"});
  CHECK(r.code == 77);
  CHECK(r.err.find("--passphrase-file") != std::string::npos);
  CHECK_FALSE(s.exists("k.key"));
  auto n = s.scoin({"keygen", "-o", "k.key", "--no-input"});
  CHECK(n.code == 77);
  CHECK(n.err.find("--no-input") != std::string::npos);
}

TEST_CASE("keygen: --unencrypted stores the bare key, and key show says so") {
  Sandbox s;
  auto addr = s.keygen("u.key");
  auto show = s.scoin({"key", "show", "u.key", "--json"});
  REQUIRE(show.code == 0);
  CHECK(show.json()["encrypted"] == false);
  CHECK(show.json()["address"] == addr);
}

TEST_CASE("passphrase: wrong passphrase is refused (77) and nothing is written") {
  Sandbox s;
  s.keygen("admin.key", "right pw");
  auto r = s.scoin({"init", "--admin-key", "admin.key", "--name", "X", "--passphrase-file",
                    s.pass_file("wrong pw")});
  CHECK(r.code == 77);
  CHECK(r.err.find("wrong passphrase") != std::string::npos);
  CHECK_FALSE(s.exists("ledger"));
}

TEST_CASE("passphrase: from SCOIN_PASSPHRASE_FILE and from systemd's CREDENTIALS_DIRECTORY") {
  Sandbox s;
  s.keygen("admin.key", "env pw");
  auto r = s.scoin({"init", "--admin-key", "admin.key", "--name", "X"}, {},
                   {"SCOIN_PASSPHRASE_FILE=" + s.pass_file("env pw")});
  INFO(r.err);
  CHECK(r.code == 0);
  Sandbox t;
  t.keygen("admin.key", "cred pw");
  ::mkdir(t.path("creds").c_str(), 0700);
  t.write("creds/scoin-passphrase", "cred pw\n", 0600);
  auto c = t.scoin({"init", "--admin-key", "admin.key", "--name", "X"}, {},
                   {"CREDENTIALS_DIRECTORY=" + t.path("creds")});
  INFO(c.err);
  CHECK(c.code == 0);
}

TEST_CASE("passphrase: a passphrase file readable by others is refused (77)") {
  Sandbox s;
  s.keygen("admin.key", "pw");
  s.write("loose", "pw\n", 0644);
  auto r = s.scoin({"init", "--admin-key", "admin.key", "--name", "X", "--passphrase-file", "loose"});
  CHECK(r.code == 77);
  CHECK(r.err.find("group or others") != std::string::npos);
  CHECK_FALSE(s.exists("ledger"));
}

TEST_CASE("key file: readable by others (77), a symlink (77)") {
  Sandbox s;
  s.keygen("admin.key");
  ::chmod(s.path("admin.key").c_str(), 0644);
  auto r = s.scoin({"init", "--admin-key", "admin.key", "--name", "X"});
  CHECK(r.code == 77);
  CHECK(r.err.find("chmod 600") != std::string::npos);
  CHECK_FALSE(s.exists("ledger"));
  ::chmod(s.path("admin.key").c_str(), 0600);
  REQUIRE(::symlink(s.path("admin.key").c_str(), s.path("link.key").c_str()) == 0);
  auto l = s.scoin({"init", "--admin-key", "link.key", "--name", "X"});
  CHECK(l.code == 77);
  CHECK(l.err.find("symlink") != std::string::npos);
}

TEST_CASE("key file: truncated or edited files give a clear error naming the file") {
  Sandbox s;
  s.keygen("k.key", "pw");
  auto text = s.read("k.key");
  s.write("trunc.key", text.substr(0, text.size() - 20), 0600);
  auto t = s.scoin({"init", "--admin-key", "trunc.key", "--name", "X", "--passphrase-file",
                    s.pass_file("pw")});
  CHECK(t.code == 65);
  CHECK(t.err.find("trunc.key:2:") != std::string::npos);
  // Change one base64 character in the middle of the key (inside the salt).
  auto edited = text;
  auto pos = text.find('\n') + 100;
  edited[pos] = edited[pos] == 'A' ? 'B' : 'A';
  s.write("edit.key", edited, 0600);
  auto e = s.scoin({"init", "--admin-key", "edit.key", "--name", "X", "--passphrase-file",
                    s.pass_file("pw")});
  CHECK(e.code == 77);
  CHECK(e.err.find("edit.key") != std::string::npos);
  auto m = s.scoin({"key", "show", "missing.key"});
  CHECK(m.code == 66);
  CHECK_FALSE(s.exists("ledger"));
}

TEST_CASE("passphrase: asked on the terminal (/dev/tty), twice for a new key") {
  Sandbox s;
  auto bin = e2e::scoin_bin();
  // script(1) gives scoin a pseudo-terminal as its controlling terminal.
  auto make = e2e::run_program("/usr/bin/script",
                               {"-qec", bin + " keygen -o tty.key --kdf interactive", "/dev/null"},
                               "typed secret\ntyped secret\n", {}, s.dir());
  INFO(make.out << make.err);
  REQUIRE(make.code == 0);
  CHECK(make.out.find("Passphrase for") != std::string::npos);
  CHECK(make.out.find("Repeat the passphrase") != std::string::npos);
  CHECK(s.scoin({"key", "show", "tty.key", "--json"}).json()["encrypted"] == true);
  // The key opens with that passphrase given through a file, too.
  auto init = s.scoin({"init", "--admin-key", "tty.key", "--name", "X", "--passphrase-file",
                       s.pass_file("typed secret")});
  CHECK(init.code == 0);
  auto mismatch = e2e::run_program(
      "/usr/bin/script", {"-qec", bin + " keygen -o other.key --kdf interactive", "/dev/null"},
      "one\ntwo\n", {}, s.dir());
  CHECK(mismatch.code == 77);
  CHECK(mismatch.out.find("differ") != std::string::npos);
  CHECK_FALSE(s.exists("other.key"));
}
