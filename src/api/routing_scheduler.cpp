#include "api/routing_scheduler.h"

#include <boost/asio/post.hpp>

#include "domain/conversation_events.h"
#include "domain/router.h"
#include "domain/routing_events.h"

namespace interactiond::api {

RoutingScheduler::RoutingScheduler(boost::asio::any_io_executor executor, store::Store* store,
                                   events::EventLog* events,
                                   std::shared_ptr<const config::OrgDirectory> orgs,
                                   const util::Clock* clock)
    : executor_(std::move(executor)),
      strand_(boost::asio::make_strand(executor_)),
      store_(store),
      events_(events),
      orgs_(std::move(orgs)),
      clock_(clock),
      timer_(std::make_shared<boost::asio::steady_timer>(strand_)) {}

RoutingScheduler::~RoutingScheduler() { Stop(); }

void RoutingScheduler::Start() {
  if (events_ != nullptr) {
    listener_ = events_->AddListener(
        [this, stopped = stopped_](const std::vector<events::OutboundEvent>& appended) {
          if (stopped->load()) return;  // the store may call a removed listener once more
          for (const auto& event : appended) {
            if (event.entry_type == "RoutingWorkResult") return Poke();
          }
        });
  }
  RunPass(/*offer_waiting=*/true);  // what waited while the server was down
  Tick();
}

void RoutingScheduler::Stop() {
  if (stopped_->exchange(true)) return;
  if (events_ != nullptr && listener_ != 0) events_->RemoveListener(listener_);
  // The timer belongs to the strand; a tick already running sees `stopped_`.
  boost::asio::post(strand_, [timer = timer_] { timer->cancel(); });
}

void RoutingScheduler::Tick() {
  if (stopped_->load()) return;
  RunPass(/*offer_waiting=*/false);
  timer_->expires_after(std::chrono::seconds(1));
  timer_->async_wait([this, stopped = stopped_](const boost::system::error_code& ec) {
    if (ec || stopped->load()) return;
    Tick();
  });
}

void RoutingScheduler::Poke() {
  if (stopped_->load() || poke_pending_.exchange(true)) return;
  boost::asio::post(executor_, [this, stopped = stopped_] {
    if (stopped->load()) return;
    poke_pending_.store(false);
    RunPass(/*offer_waiting=*/true);
  });
}

void RoutingScheduler::RunPass(bool offer_waiting) {
  // One pass of each kind in the writer's queue at a time. A full pass asked for while one is
  // queued runs again when it completes (capacity may have changed meanwhile).
  std::atomic<bool>& running = offer_waiting ? running_full_pass_ : running_deadline_pass_;
  if (running.exchange(true)) {
    if (offer_waiting) rerun_full_pass_.store(true);
    return;
  }
  auto orgs = orgs_;
  const util::Clock* clock = clock_;
  auto decide = [orgs, clock](const domain::ConversationState& state) {
    return DecidePass(*orgs, state, clock->NowMs());
  };
  auto done = [this, stopped = stopped_, offer_waiting](domain::Result<int>) {
    if (stopped->load()) return;
    (offer_waiting ? running_full_pass_ : running_deadline_pass_).store(false);
    if (offer_waiting && rerun_full_pass_.exchange(false)) Poke();
  };
  if (offer_waiting) {
    store_->SubmitRoutingPass(clock_->NowMs(), std::move(decide), std::move(done));
  } else {
    store_->SubmitDeadlinePass(clock_->NowMs(), std::move(decide), std::move(done));
  }
}

domain::Result<domain::ConversationChange> RoutingScheduler::DecidePass(
    const config::OrgDirectory& orgs, const domain::ConversationState& state, int64_t now_ms) {
  const config::Org* org = orgs.FindOrg(state.org_id);
  if (org == nullptr) return domain::Error::Of(500, "conversation of no org");
  domain::EventOrigin origin;
  origin.org = org;
  origin.definition = org->FindChannelDefinition(state.channel_definition);
  if (origin.definition == nullptr) return domain::Error::Of(500, "no channel definition");
  origin.created_by_id = org->users.empty() ? std::string() : org->users.front().id;
  origin.sender = {"conversation", origin.created_by_id, "System"};
  origin.sender_display_name = "System";
  origin.now_ms = now_ms;
  domain::ConversationChange change;
  for (const auto& request : state.routing_requests) {
    if (request.status != "Pending" || request.deadline > now_ms) continue;
    domain::RoutingRequest failed = request;
    failed.status = "Failed";
    change.routing_requests.push_back(failed);
    domain::RoutingOutcome outcome;
    outcome.routing_type = request.routing_type;
    outcome.failure_type = "RoutingError";
    outcome.failure_reason = "The partner did not answer the routing request in time.";
    outcome.error_messages.push_back(outcome.failure_reason);
    outcome.work_owner_id = request.requested_by;
    change.events.push_back(domain::RoutingResultEvent(state, origin, outcome));
  }
  domain::AssignPendingRouting(state, origin, change, false);
  return change;
}

}  // namespace interactiond::api
