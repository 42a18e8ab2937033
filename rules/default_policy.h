// The default policy pack (rules/default_policy.yaml), compiled into the binary.
#ifndef ENFORCERD_RULES_DEFAULT_POLICY_H_
#define ENFORCERD_RULES_DEFAULT_POLICY_H_

namespace enforcer {

// The YAML text of rules/default_policy.yaml.
extern const char kDefaultPolicyYaml[];

// The name diagnostics and logs use for it.
inline constexpr char kDefaultPolicyName[] = "rules/default_policy.yaml";

}  // namespace enforcer

#endif  // ENFORCERD_RULES_DEFAULT_POLICY_H_
