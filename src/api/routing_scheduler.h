// Runs the router's routing passes (store::Store): work waiting in a queue is offered again when
// capacity appears, and a rep's transfer or conference that the partner has not answered within
// the routing window fails.
//
// A full pass (every waiting session, oldest first) runs after Poke(): presence changes call it,
// and so does every committed RoutingWorkResult event (work that ended, was declined or
// cancelled frees capacity). A cheap deadline pass runs once a second; time is the clock seam's,
// so moving the admin clock past a deadline takes effect at the next tick. Pokes coalesce: at
// most one full pass is queued at a time.
//
// Threading: Poke() and Stop() may be called from any thread; the timer lives on a strand. The
// store must outlive the scheduler, and the clock must outlive the store (a pass already queued
// in the store's writer reads it); call Stop() before closing the store.
#pragma once

#include <atomic>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "config/org_model.h"
#include "domain/conversation_change.h"
#include "domain/result.h"
#include "events/event_log.h"
#include "store/store.h"
#include "util/clock.h"

namespace interactiond::api {

class RoutingScheduler {
 public:
  // `events` (may be null) is watched for RoutingWorkResult events, which poke the scheduler.
  RoutingScheduler(boost::asio::any_io_executor executor, store::Store* store,
                   events::EventLog* events, std::shared_ptr<const config::OrgDirectory> orgs,
                   const util::Clock* clock);
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
  void RunPass(bool offer_waiting);

  boost::asio::any_io_executor executor_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  store::Store* store_;
  events::EventLog* events_;
  uint64_t listener_ = 0;
  std::shared_ptr<const config::OrgDirectory> orgs_;
  const util::Clock* clock_;
  std::shared_ptr<boost::asio::steady_timer> timer_;
  std::atomic<bool> poke_pending_{false};
  std::atomic<bool> running_full_pass_{false};
  std::atomic<bool> running_deadline_pass_{false};
  std::atomic<bool> rerun_full_pass_{false};
  std::shared_ptr<std::atomic<bool>> stopped_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace interactiond::api
