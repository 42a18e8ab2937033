#include "tests/examples/takedown_consumer.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace enforcer::examples {
namespace {

absl::Status FromGrpc(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

}  // namespace

TakedownConsumer::TakedownConsumer(std::shared_ptr<grpc::Channel> channel, Options options)
    : options_(std::move(options)), stub_(v1::ActionFeed::NewStub(channel)) {
  Load();
}

// State file: the first line is the last sequence applied; each further line
// "<listing> <times taken down> <down now: 1 or 0>".
void TakedownConsumer::Load() {
  std::ifstream in(options_.state_file);
  if (!in) return;
  absl::MutexLock lock(&mu_);
  std::string line;
  if (std::getline(in, line)) (void)absl::SimpleAtoi(line, &applied_through_);
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string listing;
    int count = 0;
    int down = 0;
    fields >> listing >> count >> down;
    if (listing.empty()) continue;
    take_downs_[listing] = count;
    if (down == 1) down_.insert(listing);
  }
}

absl::Status TakedownConsumer::Save() const {
  const std::string tmp = options_.state_file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << applied_through_ << "\n";
    for (const auto& [listing, count] : take_downs_) {
      out << listing << " " << count << " " << (down_.count(listing) ? 1 : 0) << "\n";
    }
    if (!out.flush()) return absl::UnavailableError("cannot write " + tmp);
  }
  // The rename makes the new state replace the old in one step.
  if (std::rename(tmp.c_str(), options_.state_file.c_str()) != 0) {
    return absl::UnavailableError("cannot replace " + options_.state_file);
  }
  return absl::OkStatus();
}

bool TakedownConsumer::Apply(const v1::ActionEvent& event) {
  absl::MutexLock lock(&mu_);
  if (event.sequence() <= applied_through_) return true;  // seen before a crash: skip
  const v1::Action& action = event.action();
  if (action.type() == v1::ACTION_TAKE_DOWN && !action.object_id().empty()) {
    if (event.kind() == v1::ACTION_ISSUED) {
      down_.insert(action.object_id());
      ++take_downs_[action.object_id()];
    } else if (event.kind() == v1::ACTION_LIFTED || event.kind() == v1::ACTION_REINSTATED) {
      down_.erase(action.object_id());
    }
  }
  applied_through_ = event.sequence();
  return Save().ok();
}

absl::Status TakedownConsumer::Ack() {
  v1::AckActionsRequest request;
  request.set_consumer(options_.consumer);
  request.set_sequence(applied_through());
  v1::AckActionsResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return FromGrpc(stub_->AckActions(&context, request, &response));
}

absl::Status TakedownConsumer::RunSession() {
  grpc::ClientContext context;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::OkStatus();
    session_ = &context;
  }
  v1::WatchActionsRequest request;
  request.set_consumer(options_.consumer);
  // Resume after what this service applied (its own record is the truth; the ack may lag).
  request.set_from_sequence(applied_through());
  request.add_action_types(v1::ACTION_TAKE_DOWN);
  std::unique_ptr<grpc::ClientReader<v1::ActionEvent>> reader =
      stub_->WatchActions(&context, request);
  v1::ActionEvent event;
  int since_ack = 0;
  absl::Status applied = absl::OkStatus();
  while (reader->Read(&event)) {
    if (!Apply(event)) {
      applied = absl::UnavailableError("cannot save the listing state");
      context.TryCancel();
      break;
    }
    if (++since_ack >= options_.ack_every) {
      (void)Ack();
      since_ack = 0;
    }
  }
  grpc::Status finished = reader->Finish();
  bool stopped = false;
  {
    absl::MutexLock lock(&mu_);
    session_ = nullptr;
    stopped = stopping_;
  }
  absl::Status acked = Ack();
  if (!applied.ok()) return applied;
  if (stopped && finished.error_code() == grpc::StatusCode::CANCELLED) return acked;
  return finished.ok() ? acked : FromGrpc(finished);
}

void TakedownConsumer::Stop() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
  if (session_ != nullptr) session_->TryCancel();
}

std::set<std::string> TakedownConsumer::taken_down() const {
  absl::MutexLock lock(&mu_);
  return down_;
}

std::map<std::string, int> TakedownConsumer::take_downs() const {
  absl::MutexLock lock(&mu_);
  return take_downs_;
}

uint64_t TakedownConsumer::applied_through() const {
  absl::MutexLock lock(&mu_);
  return applied_through_;
}

}  // namespace enforcer::examples
