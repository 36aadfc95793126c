#include "scoin/csv.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "scoin/text.hpp"

namespace scoin {

Result<CsvReader> CsvReader::open(const std::string& path) {
  CsvReader r;
  r.m_name = path == "-" ? "<stdin>" : path;
  if (path == "-") {
    r.m_file = stdin;
  } else {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      return fail(Exit::no_input, "{}: is a directory", path);
    }
    r.m_file = std::fopen(path.c_str(), "rb");
    if (r.m_file == nullptr) {
      return fail(Exit::no_input, "{}: cannot open: {}", path, std::strerror(errno));
    }
    r.m_close = true;
    if (S_ISREG(st.st_mode)) r.m_size = static_cast<std::uint64_t>(st.st_size);
  }
  return r;
}

CsvReader CsvReader::from_string(std::string text, std::string name) {
  CsvReader r;
  r.m_buf = std::move(text);
  r.m_name = std::move(name);
  r.m_size = r.m_buf.size();
  return r;
}

CsvReader::CsvReader(CsvReader&& o) noexcept
    : m_file(o.m_file),
      m_close(o.m_close),
      m_buf(std::move(o.m_buf)),
      m_pos(o.m_pos),
      m_name(std::move(o.m_name)),
      m_line(o.m_line),
      m_started(o.m_started),
      m_bytes_read(o.m_bytes_read),
      m_size(o.m_size) {
  o.m_file = nullptr;
  o.m_close = false;
}

CsvReader::~CsvReader() {
  if (m_close && m_file != nullptr) std::fclose(m_file);
}

bool CsvReader::fill() {
  if (m_file == nullptr) return false;
  m_buf.resize(65536);
  auto n = std::fread(m_buf.data(), 1, m_buf.size(), m_file);
  m_buf.resize(n);
  m_pos = 0;
  return n > 0;
}

int CsvReader::getc() {
  if (m_pos >= m_buf.size() && !fill()) return EOF;
  ++m_bytes_read;
  return static_cast<unsigned char>(m_buf[m_pos++]);
}

int CsvReader::peekc() {
  if (m_pos >= m_buf.size() && !fill()) return EOF;
  return static_cast<unsigned char>(m_buf[m_pos]);
}

Result<bool> CsvReader::next(CsvRecord& rec) {
  rec.fields.clear();
  rec.error.clear();
  if (!m_started) {
    m_started = true;
    // A UTF-8 BOM is accepted at the start of the file.
    if (peekc() == 0xEF) {
      getc();
      if (getc() != 0xBB || getc() != 0xBF) {
        return fail(Exit::data, "{}:1: invalid byte-order mark", m_name);
      }
    }
  }
  int c = peekc();
  if (c == EOF) {
    if (m_file != nullptr && std::ferror(m_file)) {
      return fail(Exit::io, "{}: read error: {}", m_name, std::strerror(errno));
    }
    return false;
  }
  rec.line = m_line;
  std::size_t record_bytes = 0;
  std::string field;
  auto too_long = [&] {
    return fail(Exit::data, "{}:{}: record longer than the limit of {} bytes", m_name, rec.line,
                k_csv_record_bytes_max);
  };
  for (;;) {
    // Start of a field.
    field.clear();
    c = getc();
    if (c == '"') {
      for (;;) {
        c = getc();
        if (c == EOF) return fail(Exit::data, "{}:{}: unterminated quoted field", m_name, rec.line);
        if (++record_bytes > k_csv_record_bytes_max) return too_long();
        if (c == '"') {
          if (peekc() == '"') {
            getc();
            field.push_back('"');
            continue;
          }
          break;
        }
        if (c == '\n') ++m_line;
        field.push_back(static_cast<char>(c));
      }
      c = getc();
      if (c != ',' && c != '\n' && c != '\r' && c != EOF) {
        if (rec.error.empty()) rec.error = "text after a closing quote";
        while (c != ',' && c != '\n' && c != EOF) {
          if (++record_bytes > k_csv_record_bytes_max) return too_long();
          c = getc();
        }
      }
    } else {
      while (c != ',' && c != '\n' && c != '\r' && c != EOF) {
        if (++record_bytes > k_csv_record_bytes_max) return too_long();
        if (c == '"' && rec.error.empty()) rec.error = "quote inside an unquoted field";
        field.push_back(static_cast<char>(c));
        c = getc();
      }
    }
    if (c == '\r') {
      if (peekc() == '\n') {
        c = getc();
      } else if (rec.error.empty()) {
        rec.error = "carriage return without a line feed";
      }
    }
    rec.fields.push_back(std::move(field));
    if (c == ',') continue;
    if (c == '\n') ++m_line;
    return true;
  }
}

Result<CsvHeader> CsvHeader::parse(const CsvRecord& rec, const std::string& file,
                                   const std::vector<std::string_view>& required,
                                   const std::vector<std::string_view>& optional) {
  CsvHeader h;
  h.columns = rec.fields.size();
  h.index.assign(required.size() + optional.size(), -1);
  for (std::size_t col = 0; col < rec.fields.size(); ++col) {
    std::string_view name = rec.fields[col];
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    std::size_t i = 0;
    for (; i < required.size() + optional.size(); ++i) {
      auto want = i < required.size() ? required[i] : optional[i - required.size()];
      if (want == name) break;
    }
    if (i == h.index.size()) {
      return fail(Exit::data, "{}:{}: header: unknown column '{}'", file, rec.line,
                  printable(name, 40));
    }
    if (h.index[i] != -1) {
      return fail(Exit::data, "{}:{}: header: column '{}' appears twice", file, rec.line, name);
    }
    h.index[i] = static_cast<int>(col);
  }
  for (std::size_t i = 0; i < required.size(); ++i) {
    if (h.index[i] == -1) {
      return fail(Exit::data, "{}:{}: header: missing column '{}' (required: {})", file, rec.line,
                  required[i], fmt::join(required, ","));
    }
  }
  return h;
}

std::string csv_quote(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace scoin
