// scoin submit: append the ops of op files, all or nothing (DESIGN.md §4.3).
#include "common.hpp"
#include "scoin/fsutil.hpp"
#include "scoin/submit.hpp"

namespace scoin::cli {

namespace {

Result<std::vector<SubmitItem>> read_op_files(const std::vector<std::string>& files) {
  std::vector<SubmitItem> items;
  for (auto& f : files) {
    auto text = read_input_file(f, k_op_file_bytes_max);
    if (!text) return std::unexpected(text.error());
    auto name = f == "-" ? std::string("<stdin>") : f;
    auto ops = parse_op_file(*text, name);
    if (!ops) return std::unexpected(ops.error());
    for (auto& op : *ops) {
      auto where = fmt::format("{}:{}", name, op.line);
      items.push_back(SubmitItem{std::move(op), std::move(where)});
    }
  }
  return items;
}

Result<int> run(const std::vector<std::string>& files) {
  auto ledger = open_ledger();
  if (!ledger) return std::unexpected(ledger.error());
  auto items = read_op_files(files);
  if (!items) return std::unexpected(items.error());
  auto r = submit_ops(ledger->env, ledger->params, *items);
  if (!r) return std::unexpected(r.error());
  if (globals().json) {
    json j{{"ok", true}, {"ops", items->size()}, {"appended", r->appended}, {"already_applied", r->already_applied}};
    if (r->appended > 0) {
      j["first_height"] = r->first_height;
      j["last_height"] = r->first_height + r->appended - 1;
    }
    print_json(j);
  } else if (!globals().quiet) {
    fmt::print("submit: {} op{}, {} appended, {} already applied\n", items->size(),
               items->size() == 1 ? "" : "s", r->appended, r->already_applied);
    if (r->appended > 0) {
      fmt::print("appended heights {}..{}\n", r->first_height, r->first_height + r->appended - 1);
    }
  }
  return 0;
}

}  // namespace

void register_submit(CLI::App& app) {
  static std::vector<std::string> files;
  auto* cmd = app.add_subcommand("submit", "append the signed ops of op files, all or nothing");
  cmd->add_option("files", files, "op files ('-': stdin)")->required()->type_name("FILE...");
  add_command(cmd, [] { return run(files); });
}

}  // namespace scoin::cli
