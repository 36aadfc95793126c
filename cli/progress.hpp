// A progress bar on stderr, drawn only when stderr is a terminal and output
// is neither --quiet nor --json: rate and ETA, redrawn at most ten times a
// second, erased when done.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace scoin::cli {

class ProgressBar {
 public:
  // `unit` names what is counted ("rows", "bytes", "entries").
  ProgressBar(std::string label, std::string unit);
  ~ProgressBar();
  bool enabled() const { return m_enabled; }
  void update(std::uint64_t done, std::uint64_t total);
  void finish();

 private:
  std::string m_label, m_unit;
  bool m_enabled = false;
  bool m_drawn = false;
  std::chrono::steady_clock::time_point m_start, m_last;
};

}  // namespace scoin::cli
