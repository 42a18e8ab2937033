// The daemon as a gRPC service, through gRPC's generic (untyped) API as tools such as grpcurl
// use it: health checking answers SERVING, and server reflection lists and describes the
// enforcer.v1.Enforcer service.
#include <chrono>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/unknown_field_set.h"
#include "gtest/gtest.h"
#include "tests/e2e_support.h"

namespace enforcer::e2e {
namespace {

using ::testing::Contains;

class ServiceTest : public EnforcerdTest {};

std::string Flatten(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// One unary call of `method` with a hand-encoded request; returns the status, fills `response`.
grpc::Status GenericUnaryCall(const std::shared_ptr<grpc::Channel>& channel,
                              const std::string& method, const std::string& request,
                              std::string* response) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kRpcDeadline);
  const grpc::ByteBuffer request_buffer = ToByteBuffer(request);
  grpc::ByteBuffer response_buffer;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request_buffer, &response_buffer,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  grpc::Status status = done.get_future().get();
  *response = Flatten(response_buffer);
  return status;
}

// One request and one response on a bidi-streaming `method`.
grpc::Status GenericStreamRoundTrip(const std::shared_ptr<grpc::Channel>& channel,
                                    const std::string& method, const std::string& request,
                                    std::string* response) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kRpcDeadline);
  grpc::CompletionQueue cq;
  auto next = [&cq](intptr_t expected_tag) {
    void* tag = nullptr;
    bool ok = false;
    const auto deadline = std::chrono::system_clock::now() + kRpcDeadline;
    return cq.AsyncNext(&tag, &ok, deadline) == grpc::CompletionQueue::GOT_EVENT &&
           reinterpret_cast<intptr_t>(tag) == expected_tag && ok;
  };
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, method, &cq);
  grpc::Status status(grpc::StatusCode::UNKNOWN, "stream broke before Finish");
  call->StartCall(reinterpret_cast<void*>(1));
  if (next(1)) {
    call->Write(ToByteBuffer(request), reinterpret_cast<void*>(2));
    if (next(2)) {
      grpc::ByteBuffer buffer;
      call->Read(&buffer, reinterpret_cast<void*>(3));
      if (next(3)) *response = Flatten(buffer);
      call->WritesDone(reinterpret_cast<void*>(4));
      next(4);
    }
  }
  call->Finish(&status, reinterpret_cast<void*>(5));
  next(5);
  cq.Shutdown();
  void* tag;
  bool ok;
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

// The length-delimited values of field `number` in the serialized message `bytes`.
std::vector<std::string> LengthDelimitedFields(const std::string& bytes, int number) {
  google::protobuf::UnknownFieldSet fields;
  std::vector<std::string> values;
  if (!fields.ParseFromString(bytes)) return values;
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField& f = fields.field(i);
    if (f.number() == number && f.type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      values.push_back(f.length_delimited());
    }
  }
  return values;
}

TEST_F(ServiceTest, HealthCheckAnswersServing) {
  // grpc.health.v1.HealthCheckRequest{service: ""} encodes as no bytes at all.
  std::string response;
  const grpc::Status status =
      GenericUnaryCall(channel_, "/grpc.health.v1.Health/Check", "", &response);
  ASSERT_TRUE(status.ok()) << StatusText(status);
  // HealthCheckResponse{status: SERVING (1)}: field 1, varint 1.
  EXPECT_EQ(response, std::string("\x08\x01", 2));
  EXPECT_EQ(channel_->GetState(false), GRPC_CHANNEL_READY);
}

TEST_F(ServiceTest, ReflectionListsAndDescribesTheEnforcerService) {
  const std::string method = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";
  // ServerReflectionRequest{list_services: ""}: field 7, length 0.
  std::string response;
  grpc::Status status = GenericStreamRoundTrip(channel_, method, std::string("\x3a\x00", 2),
                                               &response);
  ASSERT_TRUE(status.ok()) << StatusText(status);
  // ServerReflectionResponse.list_services_response (6) -> repeated ServiceResponse (1) -> name (1).
  std::vector<std::string> services;
  for (const std::string& list : LengthDelimitedFields(response, 6)) {
    for (const std::string& service : LengthDelimitedFields(list, 1)) {
      for (const std::string& name : LengthDelimitedFields(service, 1)) services.push_back(name);
    }
  }
  EXPECT_THAT(services, Contains("enforcer.v1.Enforcer")) << absl::StrJoin(services, ", ");
  EXPECT_THAT(services, Contains("enforcer.v1.ActionFeed")) << absl::StrJoin(services, ", ");

  // ServerReflectionRequest{file_containing_symbol (4): "enforcer.v1.Enforcer"}.
  const std::string symbol = "enforcer.v1.Enforcer";
  std::string request = std::string(1, '\x22') + static_cast<char>(symbol.size()) + symbol;
  status = GenericStreamRoundTrip(channel_, method, request, &response);
  ASSERT_TRUE(status.ok()) << StatusText(status);
  // file_descriptor_response (4) -> repeated bytes file_descriptor_proto (1).
  bool found = false;
  for (const std::string& files : LengthDelimitedFields(response, 4)) {
    for (const std::string& file : LengthDelimitedFields(files, 1)) {
      google::protobuf::FileDescriptorProto descriptor;
      ASSERT_TRUE(descriptor.ParseFromString(file));
      if (descriptor.package() != "enforcer.v1") continue;
      for (const auto& service : descriptor.service()) {
        if (service.name() != "Enforcer") continue;
        found = true;
        std::set<std::string> methods;
        for (const auto& m : service.method()) methods.insert(m.name());
        EXPECT_EQ(methods, (std::set<std::string>{"ReportViolation", "ReportViolations",
                                                  "GetStanding", "ListHistory"}));
      }
    }
  }
  EXPECT_TRUE(found) << "no descriptor of enforcer.v1.Enforcer in the reflection response";
}

}  // namespace
}  // namespace enforcer::e2e
