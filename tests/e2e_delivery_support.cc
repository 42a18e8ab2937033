#include "tests/e2e_delivery_support.h"

#include <thread>

namespace enforcer::e2e {

v1::ReportViolationRequest TakedownReport(const std::string& report_id, const std::string& seller,
                                          const std::string& listing) {
  v1::ReportViolationRequest r;
  r.set_report_id(report_id);
  r.set_seller_id(seller);
  r.set_category("keyword_or_logo_misuse");
  r.set_severity(v1::SEVERITY_LOW);
  r.set_source(v1::SOURCE_LISTING);
  r.set_object_id(listing);
  return r;
}

WatchResult WatchFeed(v1::ActionFeed::Stub& stub, const v1::WatchActionsRequest& request,
                      size_t count) {
  WatchResult out;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  std::unique_ptr<grpc::ClientReader<v1::ActionEvent>> reader =
      stub.WatchActions(&context, request);
  v1::ActionEvent event;
  while (out.events.size() < count && reader->Read(&event)) out.events.push_back(event);
  if (out.events.size() >= count) context.TryCancel();
  out.status = reader->Finish();
  if (out.events.size() >= count && out.status.error_code() == grpc::StatusCode::CANCELLED) {
    out.status = grpc::Status::OK;
  }
  return out;
}

std::vector<uint64_t> FeedSequences(const std::vector<v1::ActionEvent>& events) {
  std::vector<uint64_t> out;
  for (const v1::ActionEvent& e : events) out.push_back(e.sequence());
  return out;
}

StreamResult StreamReports(v1::Enforcer::Stub& stub,
                           const std::vector<v1::ReportViolationRequest>& requests) {
  StreamResult out;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(600));
  auto stream = stub.ReportViolations(&context);
  std::thread writer([&] {
    for (const v1::ReportViolationRequest& r : requests) {
      if (!stream->Write(r)) break;
    }
    stream->WritesDone();
  });
  v1::ReportViolationResult result;
  while (stream->Read(&result)) out.results.push_back(result);
  writer.join();
  out.status = stream->Finish();
  return out;
}

}  // namespace enforcer::e2e
