// fuzz_bundle: bundles (DESIGN.md §9) as `scoin sync --from BUNDLE` reads
// them, into a new follower each run (in /dev/shm when there is one).
//
// Properties:
// - a refused bundle is a data error (65) or a fork (1), and leaves no
//   follower behind ("nothing is written on error");
// - a follower that sync made verifies (verify-chain, every finding listed)
//   with the chain id and head hash sync reported;
// - syncing the same bundle again appends nothing.
// A follower trusts nothing in a bundle, including the booking times and
// prev_hash links that no signature covers; those are what mutations reach
// past the signature checks.
#include <sys/mman.h>
#include <unistd.h>

#include <filesystem>

#include "fuzz.hpp"
#include "scoin/sync.hpp"
#include "scoin/verify.hpp"

using namespace scoin;
namespace fs = std::filesystem;

namespace {

// The input in a memfd, named by its /proc/self/fd path (sync takes a path).
class MemFile {
 public:
  MemFile() : m_fd(memfd_create("fuzz.bundle", 0)) {
    FUZZ_CHECK(m_fd >= 0);
    m_path = "/proc/self/fd/" + std::to_string(m_fd);
  }
  ~MemFile() { ::close(m_fd); }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  const std::string& write(ByteView bytes) {
    FUZZ_CHECK(::ftruncate(m_fd, 0) == 0);
    FUZZ_CHECK(::pwrite(m_fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size()));
    return m_path;
  }

 private:
  int m_fd;
  std::string m_path;
};

struct WorkDir {
  fs::path path;
  WorkDir() {
    std::error_code ec;
    fs::path base = fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
    std::string tmpl = (base / "scoin-fuzz-bundle-XXXXXX").string();
    FUZZ_CHECK(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~WorkDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
};

// Small maps: a bundle of a few KiB never needs more.
constexpr std::size_t k_map_size_max = 64u << 20;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool k_ready = (crypto_init(), true);
  (void)k_ready;
  fuzz::TargetScope scope;
  static WorkDir work;
  static MemFile file;
  const auto& bundle = file.write({data, size});
  const auto follower = (work.path / "follower").string();

  auto report = sync_replica(follower, bundle, k_map_size_max);
  if (!report) {
    FUZZ_CHECK(report.error().exit == Exit::data || report.error().exit == Exit::invalid);
    FUZZ_CHECK(!fs::exists(follower));
    return 0;
  }
  FUZZ_CHECK(report->created && report->size_before == 0);
  {
    auto env = Env::open(follower, Env::Mode::read_only, k_map_size_max);
    FUZZ_CHECK(env.has_value());
    VerifyOptions options;
    options.all = true;
    options.threads = 1;
    auto verified = verify_chain(*env, options);
    FUZZ_CHECK(verified.has_value());
    if (!verified->valid) {
      for (auto& f : verified->findings) {
        std::fprintf(stderr, "verify-chain: %llu %s: %s\n", static_cast<unsigned long long>(f.height),
                     f.check.c_str(), f.message.c_str());
      }
    }
    FUZZ_CHECK(verified->valid);
    FUZZ_CHECK(verified->entries == report->size_after);
    FUZZ_CHECK(verified->chain_id == report->chain_id && verified->head_hash == report->head_hash);
  }
  auto again = sync_replica(follower, bundle, k_map_size_max);
  FUZZ_CHECK(again.has_value() && !again->created);
  FUZZ_CHECK(again->size_before == report->size_after && again->size_after == report->size_after);
  std::error_code ec;
  fs::remove_all(follower, ec);
  FUZZ_CHECK(!ec);
  return 0;
}
