#include "util/offset_clock.h"

#include <cstdint>
#include <cstdlib>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace interactiond::util {
namespace {

TEST(OffsetClockTest, AddsTheOffsetToTheBaseClock) {
  ManualClock base(1'000'000);
  OffsetClock clock(&base);
  EXPECT_EQ(clock.NowMs(), 1'000'000);
  EXPECT_EQ(clock.offset_ms(), 0);
  EXPECT_TRUE(clock.Advance(25ll * 60 * 60 * 1000));
  EXPECT_EQ(clock.NowMs(), 1'000'000 + 25ll * 60 * 60 * 1000);
  base.Advance(5);
  EXPECT_EQ(clock.NowMs(), 1'000'005 + 25ll * 60 * 60 * 1000);
  EXPECT_TRUE(clock.SetOffset(-1000));
  EXPECT_EQ(clock.offset_ms(), -1000);
  EXPECT_EQ(clock.NowMs(), 999'005);
  EXPECT_TRUE(clock.SetOffset(0));
  EXPECT_EQ(clock.NowMs(), 1'000'005);
}

TEST(OffsetClockTest, RefusesOffsetsBeyondAHundredYears) {
  ManualClock base(0);
  OffsetClock clock(&base);
  EXPECT_TRUE(clock.SetOffset(OffsetClock::kMaxOffsetMs));
  EXPECT_FALSE(clock.Advance(1));
  EXPECT_EQ(clock.offset_ms(), OffsetClock::kMaxOffsetMs);
  EXPECT_FALSE(clock.SetOffset(OffsetClock::kMaxOffsetMs + 1));
  EXPECT_FALSE(clock.SetOffset(-OffsetClock::kMaxOffsetMs - 1));
  EXPECT_FALSE(clock.Advance(INT64_MIN));
  EXPECT_FALSE(clock.Advance(INT64_MAX));
  EXPECT_EQ(clock.offset_ms(), OffsetClock::kMaxOffsetMs);
  EXPECT_TRUE(clock.Advance(-2 * OffsetClock::kMaxOffsetMs));
  EXPECT_EQ(clock.offset_ms(), -OffsetClock::kMaxOffsetMs);
}

TEST(OffsetClockTest, DefaultsToTheSystemClock) {
  OffsetClock clock;
  const int64_t system = SystemClock().NowMs();
  EXPECT_LE(std::abs(clock.NowMs() - system), 5000);
}

TEST(OffsetClockTest, ConcurrentAdvancesAllCount) {
  ManualClock base(0);
  OffsetClock clock(&base);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&clock] {
      for (int i = 0; i < 1000; ++i) clock.Advance(1);
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(clock.offset_ms(), 4000);
}

}  // namespace
}  // namespace interactiond::util
