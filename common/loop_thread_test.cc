#include "common/loop_thread.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "common/thread_pool_work.h"

namespace hearth {
namespace {

TEST(LoopThread, RunsPostedTasksOnItsOwnThreadInOrder) {
  std::thread::id started_on;
  LoopThread loop(
      "test", [&] { started_on = std::this_thread::get_id(); }, [] {});
  std::vector<int> order;
  std::vector<std::thread::id> ran_on;
  absl::Notification done;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(loop.Post([&, i] {
      order.push_back(i);
      ran_on.push_back(std::this_thread::get_id());
      if (i == 99) done.Notify();
    }));
  }
  done.WaitForNotification();
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
  for (const auto& id : ran_on) EXPECT_EQ(id, started_on);
  EXPECT_NE(started_on, std::this_thread::get_id());
}

TEST(LoopThread, StopRunsTasksAlreadyQueuedThenOnStopAndRefusesNewOnes) {
  std::atomic<int> ran{0};
  bool stopped_after_tasks = false;
  auto loop = std::make_unique<LoopThread>(
      "test", [] {}, [&] { stopped_after_tasks = ran.load() == 1000; });
  for (int i = 0; i < 1000; ++i) loop->Post([&] { ran.fetch_add(1); });
  loop->Stop();
  EXPECT_EQ(ran.load(), 1000);
  EXPECT_TRUE(stopped_after_tasks);
  EXPECT_FALSE(loop->Post([&] { ran.fetch_add(1); }));
  EXPECT_EQ(ran.load(), 1000);
}

TEST(LoopThread, PostIsSafeFromManyThreads) {
  LoopThread loop(
      "test", [] {}, [] {});
  std::atomic<int> ran{0};
  std::vector<std::thread> posters;
  for (int t = 0; t < 4; ++t) {
    posters.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) loop.Post([&] { ran.fetch_add(1); });
    });
  }
  for (auto& poster : posters) poster.join();
  loop.Stop();
  EXPECT_EQ(ran.load(), 4000);
}

TEST(LoopThread, PostOrElseHandsTheValueBackWhenRefused) {
  LoopThread thread(
      "test", [] {}, [] {});
  absl::Notification ran;
  int accepted = 0;
  PostOrElse(
      thread, std::make_unique<int>(7),
      [&](std::unique_ptr<int> value) {
        accepted = *value;
        ran.Notify();
      },
      [](std::unique_ptr<int>) { ADD_FAILURE() << "refused while running"; });
  ran.WaitForNotification();
  EXPECT_EQ(accepted, 7);

  thread.Stop();
  int refused = 0;
  PostOrElse(
      thread, std::make_unique<int>(9),
      [](std::unique_ptr<int>) { ADD_FAILURE() << "ran after Stop"; },
      [&](std::unique_ptr<int> value) { refused = *value; });
  EXPECT_EQ(refused, 9);
}

// Many threads post while another stops the loop: a task is either run (before Stop
// returns) or handed back by PostOrElse, never lost, and nothing touches the loop after
// it closed (a wake-up sent after it would abort in libuv, or read freed memory: run under
// the asan preset too).
TEST(LoopThread, TasksPostedWhileStopRunsAreRunOrRefusedNeverLost) {
  constexpr int kRounds = 200;
  constexpr int kPosters = 6;
  constexpr int kTasksPerPoster = 300;
  for (int round = 0; round < kRounds; ++round) {
    auto loop = std::make_unique<LoopThread>(
        "stress", [] {}, [] {});
    std::atomic<int> ran{0};
    std::atomic<int> refused{0};
    absl::Notification go;
    std::vector<std::thread> posters;
    for (int t = 0; t < kPosters; ++t) {
      posters.emplace_back([&] {
        go.WaitForNotification();
        for (int i = 0; i < kTasksPerPoster; ++i) {
          PostOrElse(
              *loop, std::make_unique<int>(i),
              [&](std::unique_ptr<int>) { ran.fetch_add(1, std::memory_order_relaxed); },
              [&](std::unique_ptr<int>) { refused.fetch_add(1, std::memory_order_relaxed); });
        }
      });
    }
    go.Notify();
    // Stop once some tasks ran (the posters are busy), at a different point each round.
    while (ran.load() < round % 50) std::this_thread::yield();
    loop->Stop();
    const int ran_when_stopped = ran.load();
    for (auto& poster : posters) poster.join();
    ASSERT_EQ(ran.load() + refused.load(), kPosters * kTasksPerPoster) << "round " << round;
    // Accepted means run before Stop returned: nothing runs afterwards.
    ASSERT_EQ(ran.load(), ran_when_stopped) << "round " << round;
  }
}

TEST(RunOnThreadPool, RunsOffTheLoopThreadAndTheLoopWaitsForItAtStop) {
  std::thread::id loop_thread, pool_thread;
  std::atomic<bool> ran{false};
  {
    LoopThread loop(
        "test-pool", [] {}, [] {});
    absl::Notification queued;
    loop.Post([&] {
      loop_thread = std::this_thread::get_id();
      RunOnThreadPool(loop.loop(), [&] {
        pool_thread = std::this_thread::get_id();
        // Still running when the loop is asked to stop: the stop waits for it.
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        ran = true;
      });
      queued.Notify();
    });
    queued.WaitForNotification();
  }  // Stops the loop.
  EXPECT_TRUE(ran.load());
  EXPECT_NE(pool_thread, loop_thread);
}

}  // namespace
}  // namespace hearth
