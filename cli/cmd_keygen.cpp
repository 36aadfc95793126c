// scoin keygen: a new Ed25519 key in a key file (DESIGN.md §3).
#include "common.hpp"
#include "scoin/fsutil.hpp"
#include "scoin/keyfile.hpp"

namespace scoin::cli {

namespace {

struct Opts {
  std::string out;
  std::string kdf = "moderate";
  bool unencrypted = false;
};

Result<int> run(const Opts& o) {
  auto level = parse_kdf_level(o.kdf);
  if (!level) return std::unexpected(level.error());
  if (path_exists(o.out)) return fail(Exit::cant_create, "{}: already exists; refusing to overwrite", o.out);
  auto key = SecretKey::generate();
  std::optional<SecretBuffer> pass;
  if (!o.unencrypted) {
    auto p = get_passphrase(fmt::format("the new key {}", o.out), true);
    if (!p) return std::unexpected(p.error());
    pass.emplace(std::move(*p));
  }
  auto w = write_key_file(o.out, key, pass ? &*pass : nullptr, *level);
  if (!w) return std::unexpected(w.error());
  auto addr = address(key.public_key());
  auto id = key_id(key.public_key());
  if (globals().json) {
    print_json(json{{"file", o.out},
                    {"address", addr},
                    {"key_id", id},
                    {"public_key", hex(key.public_key())},
                    {"encrypted", !o.unencrypted}});
  } else if (!globals().quiet) {
    fmt::print("{}\n", addr);
    fmt::print(stderr, "scoin: wrote {} (key id {}, {})\n", o.out, id,
               o.unencrypted ? "UNENCRYPTED" : "encrypted, Argon2id " + o.kdf);
  }
  return 0;
}

}  // namespace

void register_keygen(CLI::App& app) {
  static Opts o;
  auto* cmd = app.add_subcommand("keygen", "make a new signing key file");
  cmd->add_option("-o,--out", o.out, "key file to create (never overwritten)")
      ->required()
      ->type_name("FILE");
  cmd->add_option("--kdf", o.kdf, "Argon2id cost: interactive, moderate (default), sensitive")
      ->check(CLI::IsMember({"interactive", "moderate", "sensitive"}));
  cmd->add_flag("--unencrypted", o.unencrypted, "store the key without a passphrase");
  add_command(cmd, [] { return run(o); });
}

}  // namespace scoin::cli
