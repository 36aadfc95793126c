// scoin export-csv: transactions, settlements and balances as CSV for cron
// jobs and spreadsheets (DESIGN.md §8). Needs no key.
#include <filesystem>

#include "common.hpp"
#include "progress.hpp"
#include "scoin/export.hpp"
#include "scoin/fsutil.hpp"
#include "scoin/time.hpp"

namespace scoin::cli {

namespace {

struct Opts {
  std::string kind;
  std::optional<std::string> date;
  std::string from, to, at_date;
  std::optional<std::uint64_t> at_height;
  std::string out;
  bool manifest = false;
};

// Expands %Y, %m, %d (the export's date), %k (the kind) and %% in an
// output path.
Result<std::string> expand_path(const std::string& pattern, std::int64_t day, const std::string& kind) {
  std::int64_t y;
  unsigned m, d;
  civil_from_days(day, y, m, d);
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') {
      out += pattern[i];
      continue;
    }
    if (++i == pattern.size()) return fail(Exit::usage, "-o: '{}' ends in a lone %", pattern);
    switch (pattern[i]) {
      case 'Y': out += fmt::format("{:04}", y); break;
      case 'm': out += fmt::format("{:02}", m); break;
      case 'd': out += fmt::format("{:02}", d); break;
      case 'k': out += kind; break;
      case '%': out += '%'; break;
      default: return fail(Exit::usage, "-o: unknown pattern %{} in '{}' (use %Y %m %d %k %%)", pattern[i], pattern);
    }
  }
  return out;
}

Result<int> run(const Opts& o) {
  auto ledger = open_ledger(true);
  if (!ledger) return std::unexpected(ledger.error());
  const auto& p = ledger->params;
  auto now = now_ms();
  if (!now) return std::unexpected(now.error());
  const std::int64_t today = local_day(*now, p.genesis.utc_offset_min);
  auto day_of = [&](const std::string& text, const char* opt) -> Result<std::int64_t> {
    auto d = parse_day(text, today);
    if (!d) return fail(Exit::usage, "{}: {}", opt, d.error().message);
    return d;
  };
  // Everything comes from one read snapshot.
  auto txn = Txn::begin(ledger->env, false);
  if (!txn) return std::unexpected(txn.error());

  ExportInfo info;
  Result<std::string> csv = std::string();
  std::int64_t file_day = today;
  json what = json::object();
  if (o.kind == "transactions") {
    if (!o.at_date.empty() || o.at_height) return fail(Exit::usage, "transactions take --date or --from/--to");
    std::int64_t first, last;
    if (o.date) {
      if (!o.from.empty() || !o.to.empty()) return fail(Exit::usage, "give --date or --from/--to, not both");
      auto d = day_of(*o.date, "--date");
      if (!d) return std::unexpected(d.error());
      first = last = *d;
      what["date"] = format_day(*d);
    } else if (!o.from.empty() && !o.to.empty()) {
      auto f = day_of(o.from, "--from");
      if (!f) return std::unexpected(f.error());
      auto t = day_of(o.to, "--to");
      if (!t) return std::unexpected(t.error());
      if (*t < *f) return fail(Exit::usage, "--to {} is before --from {}", format_day(*t), format_day(*f));
      first = *f;
      last = *t;
      what["from"] = format_day(first);
      what["to"] = format_day(last);
    } else {
      return fail(Exit::usage, "transactions need --date D or --from D1 --to D2");
    }
    file_day = first;
    ProgressBar bar("exporting", "entries");
    csv = export_transactions(*txn, p, first, last, *now, info,
                              [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); });
    bar.finish();
  } else if (o.kind == "settlements") {
    if (!o.from.empty() || !o.to.empty() || !o.at_date.empty() || o.at_height) {
      return fail(Exit::usage, "settlements take --date D (default: yesterday)");
    }
    auto d = day_of(o.date.value_or("yesterday"), "--date");
    if (!d) return std::unexpected(d.error());
    file_day = *d;
    what["date"] = format_day(*d);
    csv = export_settlements(*txn, p, *d, *now, info);
  } else {
    if (o.date || !o.from.empty() || !o.to.empty()) {
      return fail(Exit::usage, "balances take --at-date D or --at-height H");
    }
    auto head = read_head(*txn);
    SCOIN_ASSERT(head.has_value());
    std::uint64_t height = head->height;
    if (!o.at_date.empty()) {
      if (o.at_height) return fail(Exit::usage, "give --at-date or --at-height, not both");
      auto d = day_of(o.at_date, "--at-date");
      if (!d) return std::unexpected(d.error());
      auto end = first_height_at_or_after(*txn, day_start_ms(*d + 1, p.genesis.utc_offset_min));
      if (end == 0) return fail(Exit::data, "--at-date {}: the ledger has no entries by then", format_day(*d));
      height = end - 1;
      file_day = *d;
      what["at_date"] = format_day(*d);
      info.complete = day_complete(*txn, p, *d, *now);
    } else if (o.at_height) {
      if (*o.at_height > head->height) {
        return fail(Exit::data, "--at-height {}: the ledger's head is at {}", *o.at_height, head->height);
      }
      height = *o.at_height;
      auto e = read_entry(*txn, height);
      if (e && *e) file_day = local_day((**e).appended_at_ms, p.genesis.utc_offset_min);
    }
    what["at_height"] = height;
    csv = export_balances(*txn, p, height, info);
  }
  if (!csv) return std::unexpected(csv.error());

  json manifest{{"kind", o.kind}};
  for (auto& [k, v] : what.items()) manifest[k] = v;
  manifest["chain_id"] = hex(p.chain_id);
  manifest["first_height"] = info.range.end_height > info.range.first_height ? json(info.range.first_height) : json(nullptr);
  manifest["last_height"] = info.range.end_height > info.range.first_height ? json(info.range.end_height - 1) : json(nullptr);
  manifest["rows"] = info.rows;
  manifest["head_height"] = info.head ? json(info.head->height) : json(nullptr);
  manifest["head_hash"] = info.head ? json(hex(info.head->hash)) : json(nullptr);
  manifest["complete"] = info.complete;
  manifest["sha256"] = hex(sha256(as_bytes(*csv)));

  // -o, else the config's export.out; --manifest, else export.manifest.
  const auto& cfg = globals().cfg;
  const std::string out = !o.out.empty() ? o.out : cfg.export_out ? cfg.export_out->value : std::string();
  const bool want_manifest = o.manifest || (o.out.empty() && cfg.export_manifest.value_or(false));
  if (out.empty() || out == "-") {
    if (want_manifest) return fail(Exit::usage, "--manifest needs -o FILE (it is written beside it)");
    std::fwrite(csv->data(), 1, csv->size(), stdout);
    return 0;
  }
  auto path = expand_path(out, file_day, o.kind);
  if (!path) return std::unexpected(path.error());
  // The replica's folder holds the replica only: an export renamed over its
  // data.mdb would destroy it.
  std::error_code ec;
  auto folder = std::filesystem::path(*path).parent_path();
  if (std::filesystem::equivalent(folder.empty() ? "." : folder, ledger->env.dir(), ec)) {
    return fail(Exit::cant_create, "{}: is in the ledger's folder {}; refusing to write there", *path,
                ledger->env.dir());
  }
  // A temporary file in the target folder, fsynced, then renamed: a reader
  // never sees half a file.
  if (auto w = write_file_atomic(*path, *csv, 0644); !w) return std::unexpected(w.error());
  manifest["file"] = *path;
  if (want_manifest) {
    auto text = manifest.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
    if (auto w = write_file_atomic(*path + ".manifest.json", text, 0644); !w) {
      return std::unexpected(w.error());
    }
  }
  if (globals().json) {
    print_json(manifest);
  } else if (!globals().quiet) {
    fmt::print(stderr, "scoin: wrote {} ({} row{}{})\n", *path, info.rows, info.rows == 1 ? "" : "s", info.complete ? "" : "; the day is not over yet");
  }
  return 0;
}

}  // namespace

void register_export(CLI::App& app) {
  static Opts o;
  auto* cmd = app.add_subcommand("export-csv", "export transactions, settlements or balances as CSV");
  cmd->add_option("kind", o.kind, "transactions, settlements or balances")
      ->required()
      ->check(CLI::IsMember({"transactions", "settlements", "balances"}));
  cmd->add_option("--date", o.date, "a ledger-local day: YYYY-MM-DD, today or yesterday")->type_name("D");
  cmd->add_option("--from", o.from, "first day of a range (transactions)")->type_name("D");
  cmd->add_option("--to", o.to, "last day of a range (transactions)")->type_name("D");
  cmd->add_option("--at-date", o.at_date, "balances at the end of this day")->type_name("D");
  cmd->add_option("--at-height", o.at_height, "balances after this entry")->type_name("H");
  cmd->add_option("-o,--out", o.out, "write to FILE (%Y %m %d: the export's date, %k: the kind)")
      ->type_name("FILE");
  cmd->add_flag("--manifest", o.manifest, "also write FILE.manifest.json: chain id, heights, head, complete");
  add_command(cmd, [] { return run(o); });
}

}  // namespace scoin::cli
