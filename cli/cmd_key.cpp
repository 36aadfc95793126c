// scoin key show: the public side of a key file, no passphrase needed.
#include "common.hpp"
#include "scoin/keyfile.hpp"

namespace scoin::cli {

namespace {

Result<int> run_show(const std::string& file) {
  auto info = read_key_info(file);
  if (!info) return std::unexpected(info.error());
  auto addr = address(info->public_key);
  auto id = key_id(info->public_key);
  if (globals().json) {
    print_json(json{{"file", file},
                    {"address", addr},
                    {"key_id", id},
                    {"public_key", hex(info->public_key)},
                    {"encrypted", info->encrypted},
                    {"kdf_opslimit", info->opslimit},
                    {"kdf_memlimit", info->memlimit}});
  } else if (!globals().quiet) {
    fmt::print("address:    {}\nkey id:     {}\npublic key: {}\nencrypted:  {}\n", addr, id,
               hex(info->public_key),
               info->encrypted ? fmt::format("yes (Argon2id, ops {}, mem {} MiB)", info->opslimit,
                                             info->memlimit >> 20)
                               : std::string("no"));
  }
  return 0;
}

}  // namespace

void register_key(CLI::App& app) {
  static std::string file;
  auto* key = app.add_subcommand("key", "inspect key files");
  key->require_subcommand(1);
  auto* show = key->add_subcommand("show", "print a key file's address and key id");
  show->add_option("file", file, "key file")->required()->type_name("FILE");
  add_command(show, [] { return run_show(file); });
}

}  // namespace scoin::cli
