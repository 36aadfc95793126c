// End-to-end harness: runs the built `scoin` binary as a user would, in a
// fresh temporary directory with real files and a real LMDB replica.
#pragma once

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace e2e {

struct Run {
  int code = -1;
  std::string out;
  std::string err;
  nlohmann::json json() const;  // stdout parsed as JSON
};

// Runs `program` with `args`, feeding `input` on stdin, in a clean
// environment: PATH, HOME, TMPDIR and `env` ("K=V") only.
Run run_program(const std::string& program, const std::vector<std::string>& args,
                const std::string& input, const std::vector<std::string>& env,
                const std::string& cwd = {});

// A temporary directory, removed when the test ends.
class Sandbox {
 public:
  Sandbox();
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;

  const std::string& dir() const { return m_dir; }
  std::string path(const std::string& name) const { return m_dir + "/" + name; }
  std::string ledger() const { return path("ledger"); }
  void write(const std::string& name, const std::string& content, unsigned mode = 0644) const;
  std::string read(const std::string& name) const;
  bool exists(const std::string& name) const;

  // Runs scoin with SCOIN_LEDGER set to ledger() and the sandbox as cwd.
  Run scoin(const std::vector<std::string>& args, const std::string& input = {},
            std::vector<std::string> env = {}) const;

  // Makes a key file (unencrypted unless `passphrase` is given; then the
  // fast interactive KDF) and returns its address.
  std::string keygen(const std::string& name, const std::string& passphrase = {}) const;
  // A passphrase file "pass-<text>" (0600) holding `text`; returns its path.
  std::string pass_file(const std::string& text) const;

  // A ledger with an encrypted admin key (admin.key, passphrase "admin pw"),
  // an unencrypted issuer key (issuer.key), and accounts opened for the given
  // (name, kind) pairs; each gets name.key and the label given.
  struct Account {
    std::string name;
    std::string kind;
    std::string label;
    std::string address;
  };
  void init_ledger(std::vector<Account>& accounts, const std::vector<std::string>& extra_init = {});
  std::string admin_pass() const { return path("pass-admin"); }

  // SHA-256 of the replica's data.mdb: equal before and after means the
  // ledger was not written.
  std::string ledger_digest() const;

 private:
  std::string m_dir;
};

std::string scoin_bin();

// Runs several scoin commands at once in `sandbox`, each on its own thread,
// and returns their results in the same order.
std::vector<Run> run_parallel(const Sandbox& sandbox, const std::vector<std::vector<std::string>>& commands);

}  // namespace e2e
