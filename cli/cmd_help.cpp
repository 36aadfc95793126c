// scoin help [COMMAND]: the command's man page — scoin(1), scoin-COMMAND(1),
// or scoin-format(5) for `help format`.
#include <unistd.h>

#include <climits>

#include "common.hpp"
#include "scoin/fsutil.hpp"

#ifndef SCOIN_SOURCE_MAN_DIR
#define SCOIN_SOURCE_MAN_DIR ""
#endif

namespace scoin::cli {

namespace {

// Where the page is: beside the installed binary (PREFIX/share/man), else
// in the source tree the binary was built from.
std::optional<std::string> find_page(const std::string& page, const std::string& section) {
  std::vector<std::string> dirs;
  char exe[PATH_MAX];
  auto n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    std::string self(exe, static_cast<std::size_t>(n));
    auto bin = self.substr(0, self.rfind('/'));
    dirs.push_back(bin + "/../share/man/man" + section);
  }
  if (*SCOIN_SOURCE_MAN_DIR != '\0') dirs.push_back(SCOIN_SOURCE_MAN_DIR);
  for (auto& d : dirs) {
    auto path = d + "/" + page + "." + section;
    if (path_exists(path)) return path;
  }
  return std::nullopt;
}

Result<int> run(const CLI::App& app, const std::string& topic) {
  std::string page = "scoin", section = "1";
  if (topic == "format") {
    page = "scoin-format", section = "5";
  } else if (!topic.empty()) {
    bool known = false;
    for (const auto* sub : app.get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); })) {
      known |= sub->get_name() == topic;
    }
    if (!known) return fail(Exit::usage, "help: no command '{}' (see scoin --help)", topic);
    page = "scoin-" + topic;
  }
  auto path = find_page(page, section);
  if (!path) {
    // No page installed: the command's own summary is better than nothing.
    fmt::print("{}", topic.empty() ? app.help() : app.get_subcommand(topic)->help());
    return 0;
  }
  std::fflush(stdout);
  // man pages through the pager on a terminal and prints plain text into a
  // pipe; if there is no man at all, the page's source is still readable.
  ::execlp("man", "man", "-l", path->c_str(), static_cast<char*>(nullptr));
  auto text = read_input_file(*path, 1 << 20);
  if (!text) return std::unexpected(text.error());
  fmt::print("{}", *text);
  return 0;
}

}  // namespace

void register_help(CLI::App& app) {
  static std::string topic;
  auto* cmd = app.add_subcommand("help", "show a command's manual page (scoin help issue)");
  cmd->add_option("command", topic, "a command, or 'format' for the byte formats")->type_name("COMMAND");
  add_command(cmd, [&app] { return run(app, topic); });
}

}  // namespace scoin::cli
