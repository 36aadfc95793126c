// Ed25519 signature checks on worker threads while a verifier walks the
// entries (verify-chain, and verify-chain --since-state): the walk hands
// batches of (op, signature) views into the read transaction's pages, and
// collects the failures at the end.
#pragma once

#include <sodium.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "scoin/bytes.hpp"
#include "scoin/error.hpp"

namespace scoin {

inline constexpr std::size_t k_sig_batch = 1024;
inline constexpr std::size_t k_sig_queue_max = 8;
// Where an op holds its signer: after magic, version, type, chain id, time.
inline constexpr std::size_t k_signer_offset = 4 + 1 + 1 + 32 + 8;

// Verifies signatures on worker threads while the walk goes on. The queue
// is bounded: when it is full, the walking thread verifies the batch itself.
class SigPool {
 public:
  struct Job {
    ByteView op;
    ByteView sig;
    std::uint64_t height;
    Hash32 hash;
  };

  explicit SigPool(unsigned threads) {
    for (unsigned i = 0; i < threads; ++i) m_threads.emplace_back([this] { work(); });
  }
  ~SigPool() { finish(); }

  void submit(std::vector<Job>&& batch) {
    {
      std::unique_lock lock(m_mutex);
      if (m_queue.size() < k_sig_queue_max && !m_threads.empty()) {
        m_queue.push_back(std::move(batch));
        m_ready.notify_one();
        return;
      }
    }
    verify(batch);
  }

  // Waits for every batch; returns the entries whose signature failed.
  std::vector<Job> finish() {
    {
      std::unique_lock lock(m_mutex);
      m_done = true;
      m_ready.notify_all();
    }
    for (auto& t : m_threads) t.join();
    m_threads.clear();
    return std::move(m_failed);
  }

 private:
  void work() {
    for (;;) {
      std::vector<Job> batch;
      {
        std::unique_lock lock(m_mutex);
        m_ready.wait(lock, [&] { return m_done || !m_queue.empty(); });
        if (m_queue.empty()) return;
        batch = std::move(m_queue.front());
        m_queue.pop_front();
      }
      verify(batch);
    }
  }

  void verify(const std::vector<Job>& batch) {
    std::vector<Job> failed;
    for (auto& j : batch) {
      // Pair assertion: jobs are made of ops that decoded, so the signer is there.
      SCOIN_ASSERT(j.op.size() >= k_signer_offset + 32 && j.sig.size() == 64);
      if (crypto_sign_verify_detached(j.sig.data(), j.op.data(), j.op.size(),
                                      j.op.data() + k_signer_offset) != 0) {
        failed.push_back(j);
      }
    }
    if (!failed.empty()) {
      std::lock_guard lock(m_mutex);
      m_failed.insert(m_failed.end(), failed.begin(), failed.end());
    }
  }

  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<std::vector<Job>> m_queue;
  std::vector<std::thread> m_threads;
  std::vector<Job> m_failed;
  bool m_done = false;
};

// The signature threads for `threads` (0: all cores): the walking thread
// verifies too when the queue is full, so one fewer than that.
inline unsigned sig_pool_threads(unsigned threads) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned n = threads ? threads : cores;
  return n > 1 ? n - 1 : 0;
}

}  // namespace scoin
