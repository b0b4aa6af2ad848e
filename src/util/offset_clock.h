// The server's clock: a base clock (the system clock by default) plus an offset that the admin
// API moves (GET/POST /admin/v1/clock), so tests can let hours pass in an instant — e.g. to make
// imported history older than 24 hours — without waiting or restarting.
//
// Thread-safety: every member is safe from any thread (the offset is one atomic). The base clock
// must outlive this one.
#pragma once

#include <atomic>
#include <cstdint>

#include "util/clock.h"

namespace interactiond::util {

class OffsetClock final : public Clock {
 public:
  // Offsets beyond ±100 years are refused (SetOffset/Advance return false): they would only
  // come from a typo, and keep every sum far from int64 overflow.
  static constexpr int64_t kMaxOffsetMs = 100ll * 365 * 24 * 60 * 60 * 1000;

  OffsetClock() : base_(&system_) {}
  explicit OffsetClock(const Clock* base) : base_(base) {}
  OffsetClock(const OffsetClock&) = delete;
  OffsetClock& operator=(const OffsetClock&) = delete;

  int64_t NowMs() const override {
    return base_->NowMs() + offset_ms_.load(std::memory_order_relaxed);
  }
  int64_t offset_ms() const { return offset_ms_.load(std::memory_order_relaxed); }

  // Replaces the offset; false (nothing changes) when |offset_ms| > kMaxOffsetMs.
  bool SetOffset(int64_t offset_ms) {
    if (offset_ms > kMaxOffsetMs || offset_ms < -kMaxOffsetMs) return false;
    offset_ms_.store(offset_ms, std::memory_order_relaxed);
    return true;
  }

  // Moves time by delta_ms (negative: back); false (nothing changes) when the resulting offset
  // would leave ±kMaxOffsetMs.
  bool Advance(int64_t delta_ms) {
    if (delta_ms > 2 * kMaxOffsetMs || delta_ms < -2 * kMaxOffsetMs) return false;
    int64_t current = offset_ms_.load(std::memory_order_relaxed);
    for (;;) {
      const int64_t next = current + delta_ms;
      if (next > kMaxOffsetMs || next < -kMaxOffsetMs) return false;
      if (offset_ms_.compare_exchange_weak(current, next, std::memory_order_relaxed)) return true;
    }
  }

 private:
  SystemClock system_;
  const Clock* base_;
  std::atomic<int64_t> offset_ms_{0};
};

}  // namespace interactiond::util
