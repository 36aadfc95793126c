#include "progress.hpp"

#include <unistd.h>

#include <cstdlib>

#include "common.hpp"

namespace scoin::cli {

ProgressBar::ProgressBar(std::string label, std::string unit)
    : m_label(std::move(label)), m_unit(std::move(unit)) {
  const char* term = std::getenv("TERM");
  m_enabled = ::isatty(2) && !globals().quiet && !globals().json &&
              !(term != nullptr && std::string_view(term) == "dumb");
  m_start = m_last = std::chrono::steady_clock::now();
}

ProgressBar::~ProgressBar() { finish(); }

static std::string human(double v) {
  if (v >= 1e6) return fmt::format("{:.1f}M", v / 1e6);
  if (v >= 1e4) return fmt::format("{:.1f}k", v / 1e3);
  return fmt::format("{:.0f}", v);
}

void ProgressBar::update(std::uint64_t done, std::uint64_t total) {
  if (!m_enabled) return;
  auto now = std::chrono::steady_clock::now();
  if (m_drawn && now - m_last < std::chrono::milliseconds(100) && done != total) return;
  m_last = now;
  double secs = std::chrono::duration<double>(now - m_start).count();
  double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
  std::string line;
  if (total > 0) {
    constexpr int k_width = 24;
    int filled = static_cast<int>(static_cast<double>(k_width) * static_cast<double>(done) /
                                  static_cast<double>(total));
    filled = std::min(filled, k_width);
    double eta = rate > 0 ? static_cast<double>(total - std::min(done, total)) / rate : 0;
    line = fmt::format("{} [{}{}] {}/{} {} {}/s ETA {:.0f}s", m_label, std::string(static_cast<std::size_t>(filled), '#'),
                       std::string(static_cast<std::size_t>(k_width - filled), '.'), human(static_cast<double>(done)),
                       human(static_cast<double>(total)), m_unit, human(rate), eta);
  } else {
    line = fmt::format("{} {} {} {}/s", m_label, human(static_cast<double>(done)), m_unit, human(rate));
  }
  fmt::print(stderr, "\r\033[K{}", line);
  std::fflush(stderr);
  m_drawn = true;
}

void ProgressBar::finish() {
  if (m_enabled && m_drawn) {
    fmt::print(stderr, "\r\033[K");
    std::fflush(stderr);
  }
  m_drawn = false;
}

}  // namespace scoin::cli
