#include <catch2/catch.hpp>

#include "scoin/csv.hpp"

using namespace scoin;

namespace {

std::vector<CsvRecord> read_all(std::string text) {
  auto r = CsvReader::from_string(std::move(text), "t.csv");
  std::vector<CsvRecord> out;
  CsvRecord rec;
  for (;;) {
    auto got = r.next(rec);
    REQUIRE(got.has_value());
    if (!*got) break;
    out.push_back(rec);
  }
  return out;
}

}  // namespace

TEST_CASE("csv: BOM, CRLF and LF, quoted commas, quotes and newlines") {
  auto recs = read_all("\xEF\xBB\xBF" "a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n2,\"two\nlines\",\n3,,last");
  REQUIRE(recs.size() == 4);
  CHECK(recs[0].fields == std::vector<std::string>{"a", "b", "c"});
  CHECK(recs[1].fields == std::vector<std::string>{"1", "x, y", "say \"hi\""});
  CHECK(recs[2].fields == std::vector<std::string>{"2", "two\nlines", ""});
  CHECK(recs[2].line == 3);
  CHECK(recs[3].line == 5);  // the quoted newline counted
  CHECK(recs[3].fields == std::vector<std::string>{"3", "", "last"});
  for (auto& r : recs) CHECK(r.error.empty());
}

TEST_CASE("csv: stray quotes mark the record but reading goes on") {
  auto recs = read_all("a,b\nx\"y,1\n\"q\"z,2\nok,3\n");
  REQUIRE(recs.size() == 4);
  CHECK_FALSE(recs[1].error.empty());
  CHECK_FALSE(recs[2].error.empty());
  CHECK(recs[3].error.empty());
}

TEST_CASE("csv: an unterminated quote and an over-long record are errors with the line") {
  auto r = CsvReader::from_string("a\n\"open\n", "t.csv");
  CsvRecord rec;
  REQUIRE(r.next(rec).value());
  auto e = r.next(rec);
  REQUIRE_FALSE(e.has_value());
  CHECK(e.error().message == "t.csv:2: unterminated quoted field");

  auto big = CsvReader::from_string("a\n" + std::string(k_csv_record_bytes_max + 10, 'x') + "\n", "t.csv");
  REQUIRE(big.next(rec).value());
  auto e2 = big.next(rec);
  REQUIRE_FALSE(e2.has_value());
  CHECK(e2.error().exit == Exit::data);
  CHECK(e2.error().message.find("t.csv:2: record longer") == 0);
}

TEST_CASE("csv: header columns in any order; missing, unknown and repeated names refused") {
  CsvRecord rec;
  rec.line = 1;
  rec.fields = {"ref", "amount", "account", "reason"};
  auto h = CsvHeader::parse(rec, "f", {"account", "amount", "reason", "ref"}, {"memo"});
  REQUIRE(h.has_value());
  CHECK(h->index == std::vector<int>{2, 1, 3, 0, -1});
  rec.fields = {"account", "amount", "reason"};
  auto missing = CsvHeader::parse(rec, "f", {"account", "amount", "reason", "ref"}, {"memo"});
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message.find("missing column 'ref'") != std::string::npos);
  rec.fields = {"account", "amount", "reason", "ref", "memmo"};
  CHECK(CsvHeader::parse(rec, "f", {"account", "amount", "reason", "ref"}, {"memo"})
            .error().message.find("unknown column 'memmo'") != std::string::npos);
  rec.fields = {"account", "account", "amount", "reason", "ref"};
  CHECK(CsvHeader::parse(rec, "f", {"account", "amount", "reason", "ref"}, {"memo"})
            .error().message.find("twice") != std::string::npos);
}

TEST_CASE("csv: output quoting per RFC 4180") {
  CHECK(csv_quote("plain") == "plain");
  CHECK(csv_quote("a,b") == "\"a,b\"");
  CHECK(csv_quote("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_quote("two\nlines") == "\"two\nlines\"");
  CHECK(csv_quote("서초구민체육센터") == "서초구민체육센터");
}
