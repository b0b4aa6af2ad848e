// Runs the router's routing pass (store::Store::SubmitRoutingPass): work waiting in a queue is
// offered again when reps come online or free capacity, and a rep's transfer or conference that
// the partner has not answered within the routing window fails.
//
// A pass runs once a second (time is the clock seam's, so moving the admin clock past a deadline
// takes effect at the next tick) and soon after Poke() (presence changes, work that freed or
// claimed capacity). Pokes coalesce: at most one pass is waiting to run.
//
// Threading: Poke() and Stop() may be called from any thread; passes run on the executor. The
// store must outlive the scheduler, and the clock must outlive the store (a pass already queued
// in the store's writer reads it); call Stop() before closing the store.
#pragma once

#include <atomic>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "config/org_model.h"
#include "domain/conversation_change.h"
#include "domain/result.h"
#include "store/store.h"
#include "util/clock.h"

namespace interactiond::api {

class RoutingScheduler {
 public:
  RoutingScheduler(boost::asio::any_io_executor executor, store::Store* store,
                   std::shared_ptr<const config::OrgDirectory> orgs, const util::Clock* clock);
  ~RoutingScheduler();

  void Start();
  void Poke();
  void Stop();

  // The pass's decision for one conversation: fail partner routing requests past their deadline,
  // then offer an unassigned PSR to the next available rep. Exposed for tests.
  static domain::Result<domain::ConversationChange> DecidePass(const config::OrgDirectory& orgs,
                                                               const domain::ConversationState&,
                                                               int64_t now_ms);

 private:
  void Tick();
  void RunPass();

  boost::asio::any_io_executor executor_;
  store::Store* store_;
  std::shared_ptr<const config::OrgDirectory> orgs_;
  const util::Clock* clock_;
  std::shared_ptr<boost::asio::steady_timer> timer_;
  std::atomic<bool> poke_pending_{false};
  std::atomic<bool> running_pass_{false};
  std::shared_ptr<std::atomic<bool>> stopped_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace interactiond::api
