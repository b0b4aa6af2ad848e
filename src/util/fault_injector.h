// Armed failures that let users and tests drive the server into error paths the real service can
// reach (a failed conversation lookup, a failed store commit) without breaking anything.
//
// Thread-safety: all members are safe from any thread.
#pragma once

#include <map>
#include <mutex>
#include <string>

namespace interactiond::util {

class FaultInjector {
 public:
  // Known points: "conversation-lookup" (20002), "store-commit" (500), the lookups behind
  // POST /agentWork's work item: "agentwork-end-user" (25005), "agentwork-conversation" (25006),
  // "agentwork-conversation-id" (25007), and the org permission fetch of every /api/v1 request:
  // "org-permissions" (20004), "downstream-timeout" (10094).
  static constexpr const char* kKnownPoints[] = {
      "conversation-lookup",       "store-commit",
      "agentwork-end-user",        "agentwork-conversation",
      "agentwork-conversation-id", "org-permissions",
      "downstream-timeout"};
  static bool IsKnownPoint(const std::string& point) {
    for (const char* known : kKnownPoints) {
      if (point == known) return true;
    }
    return false;
  }

  // The next `count` hits of `point` fail.
  void Arm(const std::string& point, int count) {
    std::lock_guard lock(mutex_);
    if (count <= 0) {
      armed_.erase(point);
    } else {
      armed_[point] = count;
    }
  }

  // True (and one fewer armed) when this hit must fail.
  bool Fire(const std::string& point) {
    std::lock_guard lock(mutex_);
    auto it = armed_.find(point);
    if (it == armed_.end()) return false;
    if (--it->second == 0) armed_.erase(it);
    return true;
  }

  std::map<std::string, int> Armed() const {
    std::lock_guard lock(mutex_);
    return armed_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, int> armed_;
};

}  // namespace interactiond::util
