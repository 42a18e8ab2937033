// What the delivery end-to-end tests share: the action feed's client calls over the fixture's
// channel, and reports built for them.
#ifndef ENFORCERD_TESTS_E2E_DELIVERY_SUPPORT_H_
#define ENFORCERD_TESTS_E2E_DELIVERY_SUPPORT_H_

#include <string>
#include <vector>

#include "proto/action_feed.grpc.pb.h"
#include "tests/e2e_support.h"

namespace enforcer::e2e {

// A report of a 1-point take-down category for `seller`'s listing `listing`.
v1::ReportViolationRequest TakedownReport(const std::string& report_id, const std::string& seller,
                                          const std::string& listing);

// Reads a WatchActions stream until `count` events arrived (or it ends), then cancels it.
struct WatchResult {
  grpc::Status status;
  std::vector<v1::ActionEvent> events;
};
WatchResult WatchFeed(v1::ActionFeed::Stub& stub, const v1::WatchActionsRequest& request,
                      size_t count);

std::vector<uint64_t> FeedSequences(const std::vector<v1::ActionEvent>& events);

// Sends `requests` on one ReportViolations stream (writing on one thread, reading on another)
// and returns the results in arrival order, with the stream's final status.
struct StreamResult {
  grpc::Status status;
  std::vector<v1::ReportViolationResult> results;
};
StreamResult StreamReports(v1::Enforcer::Stub& stub,
                           const std::vector<v1::ReportViolationRequest>& requests);

}  // namespace enforcer::e2e

#endif  // ENFORCERD_TESTS_E2E_DELIVERY_SUPPORT_H_
