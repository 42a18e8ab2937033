#include "enforcerctl/feed_commands.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "enforcerctl/case_client.h"
#include "enforcerctl/format.h"
#include "enforcerctl/connect.h"
#include "proto/action_feed.grpc.pb.h"

namespace enforcer::ctl {
namespace {

std::unique_ptr<v1::ActionFeed::Stub> FeedStub(const Invocation& inv) {
  return v1::ActionFeed::NewStub(Connect(inv));
}

// --name as a number; nullopt after printing a usage error.
std::optional<uint64_t> NumberFlag(const Invocation& inv, const std::string& command,
                                   const std::string& name, uint64_t fallback) {
  std::optional<std::string> text = inv.Flag(name);
  if (!text) return fallback;
  uint64_t n = 0;
  if (!absl::SimpleAtoi(*text, &n)) {
    *inv.err << "enforcerctl " << command << ": --" << name << "='" << *text
             << "' is not a number\n";
    return std::nullopt;
  }
  return n;
}

std::string EventText(const v1::ActionEvent& e) {
  std::string text = absl::StrCat("#", e.sequence(), " ", IsoTime(e.recorded_at()), " ",
                                  v1::ActionEventKind_Name(e.kind()), " ",
                                  SubjectText(e.action().subject()), " ", ActionText(e.action()));
  if (!e.reason().empty()) absl::StrAppend(&text, ": ", e.reason());
  if (!e.actor().empty()) absl::StrAppend(&text, " (by ", e.actor(), ")");
  return text;
}

int Consumers(const Invocation& inv) {
  v1::ListConsumersResponse response;
  grpc::Status status = FeedStub(inv)->ListConsumers(Context().get(), {}, &response);
  if (!status.ok()) return Refused(inv, "feed consumers", status);
  inv.Print(response, [&](std::ostream& out) {
    out << "feed: events " << response.oldest_sequence() << " to " << response.last_sequence()
        << " kept\n";
    for (const v1::ConsumerStatus& c : response.consumers()) {
      out << c.consumer() << ": acked " << c.acked_sequence() << " at " << IsoTime(c.acked_at())
          << ", " << c.lag() << " behind, " << c.watching() << " watching\n";
    }
  });
  return kOk;
}

int Watch(const Invocation& inv) {
  std::optional<uint64_t> from = NumberFlag(inv, "feed watch", "from", 0);
  std::optional<uint64_t> limit = NumberFlag(inv, "feed watch", "limit", 0);
  if (!from || !limit) return kUsage;
  v1::WatchActionsRequest request;
  request.set_from_sequence(*from);
  request.set_consumer(inv.Flag("consumer").value_or(""));
  grpc::ClientContext context;
  auto reader = FeedStub(inv)->WatchActions(&context, request);
  v1::ActionEvent event;
  uint64_t seen = 0;
  while (reader->Read(&event)) {
    inv.Print(event, [&](std::ostream& out) { out << EventText(event) << "\n"; });
    inv.out->flush();
    if (*limit > 0 && ++seen >= *limit) {
      context.TryCancel();
      break;
    }
  }
  grpc::Status status = reader->Finish();
  if (!status.ok() && !(*limit > 0 && seen >= *limit)) return Refused(inv, "feed watch", status);
  return kOk;
}

int Ack(const Invocation& inv) {
  std::optional<std::string> consumer = Arg(inv, "feed ack", 0, "CONSUMER");
  std::optional<std::string> sequence = Arg(inv, "feed ack", 1, "SEQUENCE");
  if (!consumer || !sequence) return kUsage;
  v1::AckActionsRequest request;
  request.set_consumer(*consumer);
  uint64_t n = 0;
  if (!absl::SimpleAtoi(*sequence, &n)) {
    *inv.err << "enforcerctl feed ack: SEQUENCE '" << *sequence << "' is not a number\n";
    return kUsage;
  }
  request.set_sequence(n);
  v1::AckActionsResponse response;
  grpc::Status status = FeedStub(inv)->AckActions(Context().get(), request, &response);
  if (!status.ok()) return Refused(inv, "feed ack", status);
  inv.Print(response, [&](std::ostream& out) {
    out << *consumer << " acked through " << response.acked_sequence() << " of "
        << response.last_sequence() << "\n";
  });
  return kOk;
}

}  // namespace

std::vector<Command> FeedCommands() {
  return {
      {"feed consumers", "feed consumers",
       "the action feed's named consumers: cursor, lag, open streams; and the events kept", "",
       kClientFlags, Consumers},
      {"feed watch",
       "feed watch [--from=SEQUENCE] [--consumer=NAME] [--limit=N]",
       "print action events as they come (replaying those after --from first)",
       "Without --from, a --consumer resumes after its last ack. Runs until interrupted, or "
       "until --limit events.",
       {"server", "json", "from", "consumer", "limit"},
       Watch},
      {"feed ack", "feed ack CONSUMER SEQUENCE",
       "record that CONSUMER has processed every event up to SEQUENCE (acks only move forward)", "",
       kClientFlags, Ack},
  };
}

}  // namespace enforcer::ctl
