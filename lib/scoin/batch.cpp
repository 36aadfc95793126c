#include "scoin/batch.hpp"

#include <map>
#include <set>

#include "scoin/crypto.hpp"
#include "scoin/ledger.hpp"
#include "scoin/text.hpp"

namespace scoin {

std::string Finding::text() const {
  if (file.empty()) return column.empty() ? message : fmt::format("{}: {}", column, message);
  if (column.empty()) return fmt::format("{}:{}: {}", file, line, message);
  return fmt::format("{}:{}: {}: {}", file, line, column, message);
}

Finding row_finding(std::string_view file, std::size_t line, std::string_view column, std::string message) {
  return Finding{std::string(file), line,
                 file.empty() ? fmt::format("--{}", column == "account" ? "to" : column) : std::string(column),
                 std::move(message)};
}

void Findings::add(Finding f) {
  if (!full()) list.push_back(std::move(f));
}

std::string check_ledger_text(std::string_view s, std::size_t min_bytes, std::size_t max_bytes,
                              bool allow_lf, bool personal_guard) {
  auto why = check_text(s, min_bytes, max_bytes, allow_lf);
  if (!why.empty()) return why;
  if (personal_guard && looks_like_rrn(s)) {
    return "looks like a resident registration number; personal data must not go on the ledger";
  }
  return {};
}

std::vector<std::pair<std::string, std::string>> check_open(const Txn& txn, std::string_view address,
                                                            std::string_view kind,
                                                            std::string_view label, OpenRow& row) {
  std::vector<std::pair<std::string, std::string>> out;
  if (auto k = decode_address(address)) {
    row.account = *k;
    if (read_account(txn, *k)) out.emplace_back("address", fmt::format("{} is already an account", address));
  } else {
    out.emplace_back("address", k.error().message);
  }
  if (auto parsed = parse_kind(kind)) {
    row.kind = *parsed;
  } else {
    out.emplace_back("kind", parsed.error().message);
  }
  row.label = std::string(label);
  if (auto why = check_ledger_text(label, 1, k_label_bytes_max, false, true); !why.empty()) {
    out.emplace_back("label", why);
  } else if (label.starts_with("sc1") || label.starts_with("SC1")) {
    // The ledger rule names sc1; the CLI refuses the uppercase form of an
    // address too, since `SC1…` also resolves as an address.
    out.emplace_back("label", "starts with sc1, which is kept for addresses");
  } else if (read_label_owner(txn, label)) {
    out.emplace_back("label", fmt::format("'{}' is taken by another account", label));
  }
  return out;
}

Result<void> read_batch_csv(CsvReader& reader, const std::vector<std::string_view>& required,
                            const std::vector<std::string_view>& optional, Findings& findings,
                            const CsvRowFn& row, const Progress& progress) {
  const std::string& file = reader.name();
  CsvRecord rec;
  auto got = reader.next(rec);
  if (!got) return std::unexpected(got.error());
  if (!*got) {
    return fail(Exit::data, "{}: empty file (expected a header: {}{}{})", file, fmt::join(required, ","),
                optional.empty() ? "" : ",", fmt::join(optional, ","));
  }
  auto header = CsvHeader::parse(rec, file, required, optional);
  if (!header) return std::unexpected(header.error());
  std::size_t records = 0;
  std::vector<std::string_view> fields(header->index.size());
  for (;;) {
    got = reader.next(rec);
    if (!got) return std::unexpected(got.error());
    if (!*got) break;
    if (++records > k_csv_rows_max) {
      return fail(Exit::data, "{}:{}: more than {} rows", file, rec.line, k_csv_rows_max);
    }
    if (progress && records % 4096 == 0) progress(reader.bytes_read(), reader.size_hint());
    if (findings.full()) {
      ++findings.unchecked_rows;
      continue;
    }
    if (!rec.error.empty()) {
      findings.add(Finding{file, rec.line, "", rec.error});
      continue;
    }
    if (rec.fields.size() != header->columns) {
      findings.add(Finding{file, rec.line, "",
                           fmt::format("{} columns, the header has {}", rec.fields.size(), header->columns)});
      continue;
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
      auto at = header->index[i];
      fields[i] = at < 0 ? std::string_view{} : std::string_view(rec.fields[static_cast<std::size_t>(at)]);
    }
    row(rec.line, fields);
  }
  if (records == 0) return fail(Exit::data, "{}: no rows after the header", file);
  if (progress) progress(reader.bytes_read(), reader.size_hint());
  return {};
}

Result<std::vector<OpenRow>> read_open_csv(const std::string& path, const Txn& txn, Findings& findings) {
  auto reader = CsvReader::open(path);
  if (!reader) return std::unexpected(reader.error());
  const std::string file = reader->name();
  std::vector<OpenRow> rows;
  std::map<Key32, std::size_t> seen_keys;
  std::map<std::string, std::size_t> seen_labels;
  auto r = read_batch_csv(*reader, {"address", "kind", "label"}, {}, findings,
                          [&](std::size_t line, const std::vector<std::string_view>& f) {
    auto bad = [&](std::string column, std::string message) {
      findings.add(Finding{file, line, std::move(column), std::move(message)});
    };
    OpenRow row;
    row.line = line;
    auto problems = check_open(txn, f[0], f[1], f[2], row);
    bool ok = problems.empty();
    auto fine = [&](std::string_view column) {
      for (auto& p : problems)
        if (p.first == column) return false;
      return true;
    };
    for (auto& [column, message] : problems) bad(column, message);
    // Repeats inside the file, which the ledger cannot know about yet.
    if (fine("address")) {
      if (auto [it, fresh] = seen_keys.emplace(row.account, line); !fresh) {
        bad("address", fmt::format("also on line {}", it->second)), ok = false;
      }
    }
    if (fine("label")) {
      if (auto [it, fresh] = seen_labels.emplace(row.label, line); !fresh) {
        bad("label", fmt::format("'{}' also on line {}", row.label, it->second)), ok = false;
      }
    }
    if (ok) rows.push_back(std::move(row));
  });
  if (!r) return std::unexpected(r.error());
  return rows;
}

}  // namespace scoin
