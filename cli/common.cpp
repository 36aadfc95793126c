#include "common.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>

#include "scoin/amount.hpp"
#include "scoin/batch.hpp"
#include "scoin/fsutil.hpp"
#include "scoin/keyfile.hpp"
#include "scoin/time.hpp"

namespace scoin::cli {

Globals& globals() {
  static Globals g;
  return g;
}

static std::vector<Command>& command_list() {
  static std::vector<Command> v;
  return v;
}

void add_command(CLI::App* app, std::function<Result<int>()> run) {
  command_list().push_back(Command{app, std::move(run)});
}

const std::vector<Command>& commands() { return command_list(); }

Result<std::string> ledger_dir() {
  if (!globals().ledger.empty()) return globals().ledger;
  if (const char* env = std::getenv("SCOIN_LEDGER"); env != nullptr && *env != '\0') {
    return std::string(env);
  }
  if (globals().cfg.ledger) return globals().cfg.ledger->value;
  return fail(Exit::usage, "no ledger given: use --ledger DIR, set SCOIN_LEDGER, or set ledger in scoin.toml");
}

Result<std::string> key_path(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (globals().cfg.key) return globals().cfg.key->value;
  return fail(Exit::usage, "no key given: use --key FILE, or set key in scoin.toml");
}

Result<MapSizeSetting> max_map_size() {
  if (const char* env = std::getenv("SCOIN_MAX_MAP_SIZE"); env != nullptr && *env != '\0') {
    auto bytes = parse_max_map_size(env);
    if (!bytes) return fail(Exit::config, "SCOIN_MAX_MAP_SIZE: {}", bytes.error().message);
    return MapSizeSetting{*bytes, env, "SCOIN_MAX_MAP_SIZE"};
  }
  if (const auto& c = globals().cfg.max_map_size) {
    return MapSizeSetting{globals().cfg.max_map_size_bytes, c->value, c->source};
  }
  return MapSizeSetting{k_map_size_max_default, "1TiB", "default"};
}

Result<Ledger> open_ledger(bool read_only) {
  auto dir = ledger_dir();
  if (!dir) return std::unexpected(dir.error());
  // A reader never grows the map: only a writer's setting matters (and only
  // a writer fails on a bad one).
  std::size_t map_max = k_map_size_max_default;
  if (!read_only) {
    auto m = max_map_size();
    if (!m) return std::unexpected(m.error());
    map_max = static_cast<std::size_t>(m->bytes);
  }
  auto env = Env::open(*dir, read_only ? Env::Mode::read_only : Env::Mode::existing, map_max);
  if (!env) return std::unexpected(env.error());
  auto txn = Txn::begin(*env, false);
  if (!txn) return std::unexpected(txn.error());
  auto params = load_params(*txn);
  if (!params) return std::unexpected(params.error());
  txn->abort();
  return Ledger{std::move(*env), std::move(*params)};
}

namespace {

// Reads one line from the terminal without echo into guarded memory.
Result<SecretBuffer> read_tty_line(int fd, std::string_view prompt) {
  (void)!::write(fd, prompt.data(), prompt.size());
  termios old {};
  bool restore = ::tcgetattr(fd, &old) == 0;
  if (restore) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(fd, TCSADRAIN, &quiet);
  }
  SecretBuffer buf(k_passphrase_bytes_max + 1);
  std::size_t n = 0;
  bool eof = false;
  for (;;) {
    char c;
    auto r = ::read(fd, &c, 1);
    if (r <= 0) {
      eof = n == 0;
      break;
    }
    if (c == '\n') break;
    if (n < buf.size()) buf.data()[n++] = static_cast<unsigned char>(c);
  }
  if (restore) ::tcsetattr(fd, TCSADRAIN, &old);
  if (eof) return fail(Exit::key_refused, "no passphrase given");
  if (n > k_passphrase_bytes_max) {
    return fail(Exit::key_refused, "passphrase over the limit of {} bytes", k_passphrase_bytes_max);
  }
  if (n > 0 && buf.data()[n - 1] == '\r') --n;
  buf.truncate(n);
  if (n == 0) return fail(Exit::key_refused, "empty passphrase");
  return buf;
}

}  // namespace

Result<SecretBuffer> get_passphrase(std::string_view why, bool confirm) {
  if (!globals().passphrase_file.empty()) return read_passphrase_file(globals().passphrase_file);
  if (const char* f = std::getenv("SCOIN_PASSPHRASE_FILE"); f != nullptr && *f != '\0') {
    return read_passphrase_file(f);
  }
  if (globals().cfg.passphrase_file) return read_passphrase_file(globals().cfg.passphrase_file->value);
  if (const char* d = std::getenv("CREDENTIALS_DIRECTORY"); d != nullptr && *d != '\0') {
    std::string path = std::string(d) + "/scoin-passphrase";
    if (path_exists(path)) return read_passphrase_file(path);
  }
  if (globals().no_input) {
    return fail(Exit::key_refused,
                "{} needs a passphrase and --no-input forbids asking; use --passphrase-file", why);
  }
  int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    return fail(Exit::key_refused,
                "{} needs a passphrase and there is no terminal to ask; use --passphrase-file "
                "or SCOIN_PASSPHRASE_FILE",
                why);
  }
  struct Close {
    int fd;
    ~Close() { ::close(fd); }
  } closer{fd};
  auto first = read_tty_line(fd, fmt::format("Passphrase for {}: ", why));
  if (!first || !confirm) return first;
  auto second = read_tty_line(fd, "Repeat the passphrase: ");
  if (!second) return second;
  if (first->size() != second->size() ||
      std::memcmp(first->data(), second->data(), first->size()) != 0) {
    return fail(Exit::key_refused, "the passphrases differ");
  }
  return first;
}

Result<SecretKey> load_signing_key(const std::string& path) {
  return load_key(path, [&] { return get_passphrase(path, false); });
}

void report_findings(const Findings& f) {
  for (auto& x : f.list) fmt::print(stderr, "scoin: {}\n", x.text());
  if (f.unchecked_rows > 0) {
    fmt::print(stderr, "scoin: stopped after {} findings; {} more rows went unchecked\n", f.list.size(),
               f.unchecked_rows);
  }
  json list = json::array();
  for (auto& x : f.list) {
    list.push_back(json{{"file", x.file}, {"line", x.line}, {"column", x.column}, {"message", x.message}});
  }
  globals().error_extra["findings"] = list;
  globals().error_extra["rows_unchecked"] = f.unchecked_rows;
}

bool use_color(std::FILE* stream) {
  const char* no = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  if (no != nullptr && *no != '\0') return false;
  if (term == nullptr || std::string_view(term) == "dumb") return false;
  return ::isatty(::fileno(stream)) != 0;
}

std::string paint(std::FILE* stream, std::string_view sgr, std::string_view text) {
  if (!use_color(stream)) return std::string(text);
  return fmt::format("\033[{}m{}\033[0m", sgr, text);
}

Error batch_failed(std::string_view source, const Findings& f) {
  auto n = f.list.size();
  return Error{Exit::data, fmt::format("{}: {}{} problem{} found; nothing was written",
                                       source == "-" ? std::string_view("<stdin>") : source,
                                       f.unchecked_rows ? "at least " : "", n, n == 1 ? "" : "s")};
}

// Invalid UTF-8 (a file name given by the user) is replaced, not thrown on:
// a report must never turn into an internal error.
void print_json(const json& j) {
  fmt::print("{}\n", j.dump(2, ' ', false, json::error_handler_t::replace));
}

std::string hex(ByteView b) { return to_hex(b); }
std::string address(const Key32& k) { return encode_address(k); }
std::string amount_text(std::uint64_t units, const Params& p) {
  return format_amount(units, p.genesis.decimals);
}
std::string time_text(std::uint64_t ms, const Params& p) {
  return format_time(ms, p.genesis.utc_offset_min);
}

json krw_json(std::uint64_t units, const Params& p) {
  auto v = krw_value(units, p.genesis.krw_per_coin, p.genesis.decimals);
  if (v) return *v;
  return krw_string(units, p);
}

std::string krw_string(std::uint64_t units, const Params& p) {
  return krw_text(units, p.genesis.krw_per_coin, p.genesis.decimals);
}

Result<std::int64_t> today(const Params& p) {
  auto now = now_ms();
  if (!now) return std::unexpected(now.error());
  return local_day(*now, p.genesis.utc_offset_min);
}

Error status_error(Status s, std::string_view context, std::string_view detail) {
  return Error{status_exit(s), fmt::format("{}: {} ({}){}{}", context, status_message(s),
                                           status_name(s), detail.empty() ? "" : ": ", detail)};
}

}  // namespace scoin::cli
