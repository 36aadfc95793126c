// fuzz_csv: the streaming CSV reader (DESIGN.md §8) and the batch readers
// built on it, the way `issue --csv`, `transfer --csv` and
// `account open --csv` read a file: with no replica (offline signing) and
// against a small replica made at start-up.
//
// Properties:
// - CsvReader: records start on non-decreasing lines; a file it reads without
//   a malformed record writes back (csv_quote, `,`, `\n`) to a file that
//   reads back to the same fields;
// - batch readers: fatal errors are data errors (65); at most
//   k_csv_findings_max findings, each naming the file and a line; every row
//   they accept becomes an op that encodes (encode_op asserts its fields)
//   and decodes back to itself.
#include <sys/mman.h>
#include <unistd.h>

#include <filesystem>
#include <optional>

#include "fuzz.hpp"
#include "scoin/amount.hpp"
#include "scoin/batch.hpp"
#include "scoin/csv.hpp"
#include "scoin/issue.hpp"
#include "scoin/keyfile.hpp"
#include "scoin/ledger.hpp"
#include "scoin/transfer.hpp"

using namespace scoin;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t k_now_ms = 1'795'000'000'000;

// The readers take a path: the input goes into a memfd, named by its
// /proc/self/fd path.
class MemFile {
 public:
  MemFile() : m_fd(memfd_create("fuzz.csv", 0)) {
    FUZZ_CHECK(m_fd >= 0);
    m_path = "/proc/self/fd/" + std::to_string(m_fd);
  }
  ~MemFile() { ::close(m_fd); }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  const std::string& write(std::string_view text) {
    FUZZ_CHECK(::ftruncate(m_fd, 0) == 0);
    FUZZ_CHECK(::pwrite(m_fd, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size()));
    return m_path;
  }

 private:
  int m_fd;
  std::string m_path;
};

Op op_with(const Hash32& chain_id, const Key32& signer, std::uint64_t nonce, OpBody body) {
  Op op;
  op.chain_id = chain_id;
  op.created_at_ms = k_now_ms;
  op.signer = signer;
  op.nonce = nonce;
  op.body = std::move(body);
  return op;
}

Key32 key_of(std::uint8_t b) { return SecretKey::from_seed(Bytes(32, b)).public_key(); }

// A replica in a temporary folder: decimals 2; admin (also the issuer, seed
// 1), two residents R-000001 and R-000002 (seeds 3, 4), a merchant (seed 5);
// ref 2026-11-25/seocho-welfare/0001 paid 12.50 to R-000001, as the first
// row of examples/rewards.csv.
struct Replica {
  struct Dir {
    fs::path path;
    ~Dir() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  } dir;
  std::optional<Env> env;
  std::optional<Txn> txn;
  Params params;
  Key32 resident{};

  Replica() {
    std::string tmpl = (fs::temp_directory_path() / "scoin-fuzz-XXXXXX").string();
    FUZZ_CHECK(::mkdtemp(tmpl.data()) != nullptr);
    dir.path = tmpl;
    auto admin = SecretKey::from_seed(Bytes(32, 1));
    auto genesis = op_with(Hash32{}, admin.public_key(), 1,
                           GenesisBody{"Fuzz", "SC", 2, 200, 540, 0, {admin.public_key()},
                                       {admin.public_key()}});
    auto ledger = (dir.path / "ledger").string();
    FUZZ_CHECK(create_ledger(ledger, sign_op(genesis, admin), genesis).has_value());
    auto opened = Env::open(ledger, Env::Mode::existing);
    FUZZ_CHECK(opened.has_value());
    env.emplace(std::move(*opened));
    {
      auto t = Txn::begin(*env, false);
      FUZZ_CHECK(t.has_value());
      params = *load_params(*t);
    }
    resident = key_of(3);
    std::vector<Op> ops = {
        op_with(params.chain_id, admin.public_key(), 2, OpenBody{key_of(3), Kind::resident, "R-000001"}),
        op_with(params.chain_id, admin.public_key(), 3, OpenBody{key_of(4), Kind::resident, "R-000002"}),
        op_with(params.chain_id, admin.public_key(), 4,
                OpenBody{key_of(5), Kind::merchant, "서초구민체육센터"}),
        op_with(params.chain_id, admin.public_key(), 5,
                IssueBody{key_of(3), 1250, "volunteering", "2026-11-25/seocho-welfare/0001",
                          "park clean-up, Yangjae stream"}),
    };
    auto r = write_txn<int>(*env, &params, [&](Appender& app) -> Result<int> {
      for (auto& op : ops) FUZZ_CHECK(app.append_own(sign_op(op, admin), op) == Status::ok);
      return 0;
    });
    FUZZ_CHECK(r.has_value());
    auto t = Txn::begin(*env, false);
    FUZZ_CHECK(t.has_value());
    txn.emplace(std::move(*t));
  }
};

void check_round_trip(const Op& op) {
  auto bytes = encode_op(op);
  auto back = decode_op(bytes);
  FUZZ_CHECK(back.has_value() && *back == op);
}

void check_findings(const Findings& f, const std::string& file) {
  FUZZ_CHECK(f.list.size() <= k_csv_findings_max);
  for (auto& x : f.list) {
    FUZZ_CHECK(x.file == file && x.line >= 1 && !x.message.empty());
  }
}

void check_fatal(const Error& e) {
  FUZZ_CHECK(e.exit == Exit::data);
  FUZZ_CHECK(!e.message.empty());
}

// Reads every record; nullopt when one is malformed or the reader refuses.
std::optional<std::vector<std::vector<std::string>>> read_all(std::string text) {
  auto reader = CsvReader::from_string(std::move(text), "fuzz.csv");
  std::vector<std::vector<std::string>> out;
  bool clean = true;
  std::size_t last_line = 0;
  CsvRecord rec;
  for (;;) {
    auto got = reader.next(rec);
    if (!got) {
      check_fatal(got.error());
      return std::nullopt;
    }
    if (!*got) break;
    // Not strictly: a lone CR ends a (malformed) record but not a line.
    FUZZ_CHECK(rec.line >= last_line && rec.line >= 1);
    last_line = rec.line;
    FUZZ_CHECK(!rec.fields.empty());
    clean = clean && rec.error.empty();
    out.push_back(rec.fields);
  }
  FUZZ_CHECK(reader.bytes_read() <= reader.size_hint());
  if (!clean) return std::nullopt;
  return out;
}

void check_reader(std::string_view text) {
  auto records = read_all(std::string(text));
  if (!records) return;
  // Written back with a BOM, so a first field that starts with one survives.
  std::string out = "\xEF\xBB\xBF";
  for (auto& fields : *records) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out += ',';
      out += csv_quote(fields[i]);
    }
    out += '\n';
  }
  auto again = read_all(out);
  FUZZ_CHECK(again.has_value() && *again == *records);
}

void check_issue(const std::string& path, const Txn* txn, const Params& params) {
  Findings findings;
  auto batch = IssueBatch::read_csv(path, txn, params, findings);
  if (!batch) return check_fatal(batch.error());
  check_findings(findings, path);
  for (auto& row : batch->rows()) {
    FUZZ_CHECK(row.amount >= 1 && row.amount <= k_amount_max && row.line >= 2);
    check_round_trip(issue_op(*batch, row, params.chain_id, key_of(1), 7, k_now_ms));
  }
  if (txn == nullptr) FUZZ_CHECK(batch->already_applied() == 0);
}

void check_transfer(const std::string& path, const Txn* txn, const Params& params, const Key32& sender) {
  Findings findings;
  auto rows = read_transfer_csv(path, txn, params, sender, findings);
  if (!rows) return check_fatal(rows.error());
  check_findings(findings, path);
  for (auto& row : *rows) {
    FUZZ_CHECK(row.amount >= 1 && row.amount <= k_amount_max && row.to != sender);
    check_round_trip(op_with(params.chain_id, sender, 7, TransferBody{row.to, row.amount, row.memo}));
  }
}

void check_open_csv(const std::string& path, const Replica& r) {
  Findings findings;
  auto rows = read_open_csv(path, *r.txn, findings);
  if (!rows) return check_fatal(rows.error());
  check_findings(findings, path);
  for (auto& row : *rows) {
    FUZZ_CHECK(!read_account(*r.txn, row.account));
    FUZZ_CHECK(!row.label.starts_with("sc1") && !row.label.starts_with("SC1"));
    check_round_trip(op_with(r.params.chain_id, key_of(1), 7, OpenBody{row.account, row.kind, row.label}));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool k_ready = (crypto_init(), true);
  (void)k_ready;
  fuzz::TargetScope scope;
  static Replica replica;
  static MemFile file;
  auto text = fuzz::as_text(data, size);
  check_reader(text);
  const auto& path = file.write(text);
  check_issue(path, nullptr, replica.params);
  check_issue(path, &*replica.txn, replica.params);
  check_transfer(path, nullptr, replica.params, replica.resident);
  check_transfer(path, &*replica.txn, replica.params, replica.resident);
  check_open_csv(path, replica);
  return 0;
}
