// The gRPC plumbing the service's bidirectional RPCs share (Subscribe, ManagedSubscribe,
// PublishStream): the reactor owns its session (shared with the service's hub, which outlives
// streams at shutdown), registers it, reads one request at a time and hands each to
// `Derived::Accept(request)` — which says whether to read on — and forwards gRPC's completion
// callbacks to the session. `Derived` implements the session's I/O interface (its writes).
//
// Threading and lifetime: gRPC calls the callbacks on its threads, never two reads at once; the
// reactor deletes itself in OnDone, after which the session only outlives it through the hub.
#pragma once

#include <memory>
#include <utility>

#include <grpcpp/support/server_callback.h>

namespace interactiond::pubsub {

template <typename Derived, typename Request, typename Response, typename Session>
class SessionReactor : public grpc::ServerBidiReactor<Request, Response> {
 public:
  void OnReadDone(bool ok) override {
    if (!ok) {
      session_->OnReadsDone();
      return;
    }
    if (static_cast<Derived*>(this)->Accept(request_)) this->StartRead(&request_);
  }
  void OnWriteDone(bool ok) override { session_->OnWriteDone(ok); }
  void OnCancel() override { session_->OnCancel(); }
  void OnDone() override {
    session_->OnDone();
    delete static_cast<Derived*>(this);
  }

 protected:
  // Called at the end of Derived's constructor, with the session built on `this` as its I/O.
  void Begin(std::shared_ptr<Session> session) {
    session_ = std::move(session);
    session_->Register();
    this->StartRead(&request_);
  }

  std::shared_ptr<Session> session_;
  Request request_;
};

}  // namespace interactiond::pubsub
