#include "scoin/batch.hpp"

#include <map>
#include <set>

#include "scoin/crypto.hpp"
#include "scoin/ledger.hpp"
#include "scoin/text.hpp"

namespace scoin {

std::string Finding::text() const {
  if (column.empty()) return fmt::format("{}:{}: {}", file, line, message);
  return fmt::format("{}:{}: {}: {}", file, line, column, message);
}

void Findings::add(Finding f) {
  if (list.size() < k_csv_findings_max) {
    list.push_back(std::move(f));
  } else {
    ++dropped;
  }
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

Result<std::vector<OpenRow>> read_open_csv(const std::string& path, const Txn& txn,
                                           Findings& findings) {
  auto reader = CsvReader::open(path);
  if (!reader) return std::unexpected(reader.error());
  const std::string& file = reader->name();
  CsvRecord rec;
  auto got = reader->next(rec);
  if (!got) return std::unexpected(got.error());
  if (!*got) return fail(Exit::data, "{}: empty file (expected a header: address,kind,label)", file);
  auto header = CsvHeader::parse(rec, file, {"address", "kind", "label"}, {});
  if (!header) return std::unexpected(header.error());

  std::vector<OpenRow> rows;
  std::map<Key32, std::size_t> seen_keys;
  std::map<std::string, std::size_t> seen_labels;
  for (;;) {
    got = reader->next(rec);
    if (!got) return std::unexpected(got.error());
    if (!*got) break;
    auto bad = [&](std::string column, std::string message) {
      findings.add(Finding{file, rec.line, std::move(column), std::move(message)});
    };
    if (rows.size() + findings.total() >= k_csv_rows_max) {
      return fail(Exit::data, "{}:{}: more than {} rows", file, rec.line, k_csv_rows_max);
    }
    if (!rec.error.empty()) {
      bad("", rec.error);
      continue;
    }
    if (rec.fields.size() != header->columns) {
      bad("", fmt::format("{} columns, the header has {}", rec.fields.size(), header->columns));
      continue;
    }
    OpenRow row;
    row.line = rec.line;
    bool ok = true;
    const auto& addr = rec.fields[static_cast<std::size_t>(header->index[0])];
    if (auto k = decode_address(addr)) {
      row.account = *k;
      if (read_account(txn, *k)) {
        bad("address", fmt::format("{} is already an account", addr)), ok = false;
      } else if (auto [it, fresh] = seen_keys.emplace(*k, rec.line); !fresh) {
        bad("address", fmt::format("also on line {}", it->second)), ok = false;
      }
    } else {
      bad("address", k.error().message), ok = false;
    }
    if (auto kind = parse_kind(rec.fields[static_cast<std::size_t>(header->index[1])])) {
      row.kind = *kind;
    } else {
      bad("kind", kind.error().message), ok = false;
    }
    row.label = rec.fields[static_cast<std::size_t>(header->index[2])];
    if (auto why = check_ledger_text(row.label, 1, k_label_bytes_max, false, true); !why.empty()) {
      bad("label", why), ok = false;
    } else if (row.label.starts_with("sc1") || row.label.starts_with("SC1")) {
      bad("label", "starts with sc1, which is kept for addresses"), ok = false;
    } else if (read_label_owner(txn, row.label)) {
      bad("label", fmt::format("'{}' is taken by another account", row.label)), ok = false;
    } else if (auto [it, fresh] = seen_labels.emplace(row.label, rec.line); !fresh) {
      bad("label", fmt::format("'{}' also on line {}", row.label, it->second)), ok = false;
    }
    if (ok) rows.push_back(std::move(row));
  }
  if (rows.empty() && findings.empty()) {
    return fail(Exit::data, "{}: no rows after the header", file);
  }
  return rows;
}

}  // namespace scoin
