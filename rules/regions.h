// ISO 3166-1 alpha-2 country codes, used to validate reports and policy region overrides.
#ifndef ENFORCERD_RULES_REGIONS_H_
#define ENFORCERD_RULES_REGIONS_H_

#include "absl/strings/string_view.h"

namespace enforcer {

// True for an officially assigned ISO 3166-1 alpha-2 code, e.g. "US", "PH" (upper case only).
bool IsIsoRegionCode(absl::string_view code);

}  // namespace enforcer

#endif  // ENFORCERD_RULES_REGIONS_H_
