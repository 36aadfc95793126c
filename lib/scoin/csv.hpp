// A streaming RFC 4180 reader (DESIGN.md §8): quoted fields with commas,
// quotes and newlines; CRLF or LF; a UTF-8 BOM at the start is skipped. Records
// are read one at a time with a bounded buffer, so a huge file or a 200 MB
// line costs at most one record's limit of memory.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "scoin/error.hpp"

namespace scoin {

inline constexpr std::size_t k_csv_record_bytes_max = 1024 * 1024;
inline constexpr std::size_t k_csv_rows_max = 10'000'000;
inline constexpr std::size_t k_csv_findings_max = 1000;

struct CsvRecord {
  std::vector<std::string> fields;
  std::size_t line = 0;  // line number where the record starts (1-based)
  std::string error;     // a malformed record (stray quote); the reader carries on
};

class CsvReader {
 public:
  // Opens `path` (`-` is standard input); 66 if it cannot be opened.
  static Result<CsvReader> open(const std::string& path);
  // Reads from a string (tests).
  static CsvReader from_string(std::string text, std::string name);
  CsvReader(CsvReader&& o) noexcept;
  CsvReader(const CsvReader&) = delete;
  ~CsvReader();

  // Reads the next record into `rec`. Returns false at the end of the input.
  // Errors (65, naming the file and line): a record over
  // k_csv_record_bytes_max, an unterminated quoted field; and I/O errors (74).
  Result<bool> next(CsvRecord& rec);
  const std::string& name() const { return m_name; }
  // Bytes consumed so far (for progress bars).
  std::uint64_t bytes_read() const { return m_bytes_read; }
  // Size of the input when it is a regular file, else 0.
  std::uint64_t size_hint() const { return m_size; }

 private:
  CsvReader() = default;
  int getc();
  int peekc();
  bool fill();

  std::FILE* m_file = nullptr;
  bool m_close = false;
  std::string m_buf;
  std::size_t m_pos = 0;
  std::string m_name;
  std::size_t m_line = 1;
  bool m_started = false;
  std::uint64_t m_bytes_read = 0;
  std::uint64_t m_size = 0;
};

// Maps header names to column positions. Every `required` name must be
// present; names outside `required` + `optional` and repeated names are
// refused, so a typo in an optional column is never silently dropped.
struct CsvHeader {
  std::vector<int> index;  // per wanted name (required then optional): column or -1
  std::size_t columns = 0;
  static Result<CsvHeader> parse(const CsvRecord& rec, const std::string& file,
                                 const std::vector<std::string_view>& required,
                                 const std::vector<std::string_view>& optional);
};

// Quotes one field for output per RFC 4180 (only when needed).
std::string csv_quote(std::string_view field);

}  // namespace scoin
