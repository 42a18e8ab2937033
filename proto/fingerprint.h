// The idempotency fingerprint of a report: what "the same report" means when a report_id is sent
// again. Shared by the engine (which records it) and storage (which migrates old records to it).
#ifndef ENFORCERD_PROTO_FINGERPRINT_H_
#define ENFORCERD_PROTO_FINGERPRINT_H_

#include <string>

#include "proto/enforcer.pb.h"

namespace enforcer {

// SHA-256 (32 raw bytes) of the deterministic serialization of `request`, exactly as sent.
std::string RequestFingerprint(const v1::ReportViolationRequest& request);

// The same for any request message (remedies, links).
std::string MessageFingerprint(const google::protobuf::Message& request);

}  // namespace enforcer

#endif  // ENFORCERD_PROTO_FINGERPRINT_H_
