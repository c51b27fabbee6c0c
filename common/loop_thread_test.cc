#include "common/loop_thread.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"

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

}  // namespace
}  // namespace hearth
