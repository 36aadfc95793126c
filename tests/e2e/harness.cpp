#include "e2e/harness.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "scoin/bytes.hpp"
#include "scoin/crypto.hpp"

extern char** environ;

namespace e2e {

namespace fs = std::filesystem;

std::string scoin_bin() {
  if (const char* b = std::getenv("SCOIN_TEST_BIN"); b != nullptr && *b != '\0') return b;
  return SCOIN_BIN;
}

nlohmann::json Run::json() const {
  try {
    return nlohmann::json::parse(out);
  } catch (const std::exception& e) {
    FAIL("stdout is not JSON: " << e.what() << "\n" << out << "\nstderr: " << err);
    return {};
  }
}

// run_program may run on several threads at once (run_parallel), where
// Catch's assertions must not be used: a failure to start a program aborts.
static void must(bool ok, const char* what) {
  if (!ok) {
    std::perror(what);
    std::abort();
  }
}

Run run_program(const std::string& program, const std::vector<std::string>& args,
                const std::string& input, const std::vector<std::string>& env,
                const std::string& cwd) {
  int in[2], out[2], err[2];
  must(::pipe2(in, O_CLOEXEC) == 0, "pipe2");
  must(::pipe2(out, O_CLOEXEC) == 0, "pipe2");
  must(::pipe2(err, O_CLOEXEC) == 0, "pipe2");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // A new session: the child has no controlling terminal, as under cron, so
  // a passphrase prompt can never block a test.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);

  std::vector<std::string> argv_s{program};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s;
  for (const char* keep : {"PATH", "HOME", "TMPDIR", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LANG"}) {
    if (const char* v = std::getenv(keep)) env_s.push_back(std::string(keep) + "=" + v);
  }
  env_s.insert(env_s.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = 0;
  int rc = posix_spawn(&pid, program.c_str(), &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  must(rc == 0, "posix_spawn");

  Run r;
  std::size_t written = 0;
  if (input.empty()) {
    ::close(in[1]);
    in[1] = -1;
  } else {
    ::fcntl(in[1], F_SETFL, O_NONBLOCK);
  }
  bool out_open = true, err_open = true;
  char buf[65536];
  while (out_open || err_open) {
    pollfd fds[3];
    int n = 0;
    int io = -1, ie = -1, ii = -1;
    if (out_open) io = n, fds[n++] = {out[0], POLLIN, 0};
    if (err_open) ie = n, fds[n++] = {err[0], POLLIN, 0};
    if (in[1] >= 0) ii = n, fds[n++] = {in[1], POLLOUT, 0};
    if (::poll(fds, static_cast<nfds_t>(n), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    auto drain = [&](int idx, int fd, std::string& to, bool& open) {
      if (idx < 0 || !(fds[idx].revents & (POLLIN | POLLHUP | POLLERR))) return;
      auto got = ::read(fd, buf, sizeof buf);
      if (got <= 0) {
        open = false;
      } else {
        to.append(buf, static_cast<std::size_t>(got));
      }
    };
    drain(io, out[0], r.out, out_open);
    drain(ie, err[0], r.err, err_open);
    if (ii >= 0 && (fds[ii].revents & (POLLOUT | POLLERR | POLLHUP))) {
      auto w = ::write(in[1], input.data() + written, input.size() - written);
      if (w > 0) written += static_cast<std::size_t>(w);
      if (w < 0 || written == input.size()) {
        ::close(in[1]);
        in[1] = -1;
      }
    }
  }
  if (in[1] >= 0) ::close(in[1]);
  ::close(out[0]);
  ::close(err[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

Sandbox::Sandbox() {
  std::string t = (fs::temp_directory_path() / "scoin-e2e-XXXXXX").string();
  REQUIRE(::mkdtemp(t.data()) != nullptr);
  m_dir = t;
}

Sandbox::~Sandbox() {
  std::error_code ec;
  // Restore permissions a test may have taken away, then remove everything.
  for (auto& p : fs::recursive_directory_iterator(m_dir, ec)) {
    if (p.is_directory(ec)) fs::permissions(p.path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::remove_all(m_dir, ec);
}

void Sandbox::write(const std::string& name, const std::string& content, unsigned mode) const {
  auto p = path(name);
  fs::remove(p);
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL, mode);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
  ::fchmod(fd, mode);
  ::close(fd);
}

std::string Sandbox::read(const std::string& name) const {
  std::ifstream in(path(name), std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool Sandbox::exists(const std::string& name) const { return fs::exists(path(name)); }

Run Sandbox::scoin(const std::vector<std::string>& args, const std::string& input,
                   std::vector<std::string> env) const {
  bool has_ledger = false;
  for (auto& e : env) has_ledger |= e.starts_with("SCOIN_LEDGER=");
  if (!has_ledger) env.push_back("SCOIN_LEDGER=" + ledger());
  return run_program(scoin_bin(), args, input, env, m_dir);
}

std::string Sandbox::pass_file(const std::string& text) const {
  auto name = "pass-" + text.substr(0, text.find(' '));
  if (!exists(name)) write(name, text + "\n", 0600);
  return path(name);
}

std::string Sandbox::keygen(const std::string& name, const std::string& passphrase) const {
  std::vector<std::string> args{"keygen", "-o", name, "--json"};
  if (passphrase.empty()) {
    args.push_back("--unencrypted");
  } else {
    args.insert(args.end(), {"--kdf", "interactive", "--passphrase-file", pass_file(passphrase)});
  }
  auto r = scoin(args);
  INFO(r.err);
  REQUIRE(r.code == 0);
  return r.json()["address"].get<std::string>();
}

void Sandbox::init_ledger(std::vector<Account>& accounts, const std::vector<std::string>& extra_init) {
  auto admin = keygen("admin.key", "admin pw");
  auto issuer = keygen("issuer.key");
  std::vector<std::string> args{"init", "--admin-key", "admin.key", "--name", "Test District",
                                "--issuer", issuer, "--passphrase-file", admin_pass()};
  args.insert(args.end(), extra_init.begin(), extra_init.end());
  auto r = scoin(args);
  INFO(r.err);
  REQUIRE(r.code == 0);
  if (accounts.empty()) return;
  std::string csv = "address,kind,label\n";
  for (auto& a : accounts) {
    a.address = keygen(a.name + ".key");
    csv += a.address + "," + a.kind + "," + a.label + "\n";
  }
  write("accounts.csv", csv);
  auto o = scoin({"account", "open", "--key", "admin.key", "--csv", "accounts.csv",
                  "--passphrase-file", admin_pass()});
  INFO(o.err);
  REQUIRE(o.code == 0);
}

std::vector<Run> run_parallel(const Sandbox& sandbox, const std::vector<std::vector<std::string>>& commands) {
  std::vector<Run> out(commands.size());
  std::vector<std::thread> threads;
  // Catch's assertions are not thread-safe: the threads only run programs.
  for (std::size_t i = 0; i < commands.size(); ++i) {
    threads.emplace_back([&, i] {
      out[i] = run_program(scoin_bin(), commands[i], {}, {"SCOIN_LEDGER=" + sandbox.ledger()}, sandbox.dir());
    });
  }
  for (auto& t : threads) t.join();
  return out;
}

std::string Sandbox::ledger_digest() const {
  auto data = read("ledger/data.mdb");
  REQUIRE_FALSE(data.empty());
  return scoin::to_hex(scoin::sha256(scoin::as_bytes(data)));
}

}  // namespace e2e
