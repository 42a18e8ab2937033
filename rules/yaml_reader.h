// YamlReader: reads the values of a policy document (names, numbers, days, durations, ledgers,
// repeat modes, actions) for the policy parser, turning every mistake a policy author can make
// into a positioned Diagnostic ("did you mean" included) instead of an exception. The parser
// reads the sections; this reads what is in them. A private header of //rules:policy_parser, the
// only code that uses yaml-cpp.
#ifndef ENFORCERD_RULES_YAML_READER_H_
#define ENFORCERD_RULES_YAML_READER_H_

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "rules/policy.h"
#include "rules/policy_parser.h"
#include "yaml-cpp/yaml.h"

namespace enforcer {

class YamlReader {
 protected:
  explicit YamlReader(absl::string_view filename) : filename_(filename) {}

  static constexpr int kMaxWindowDays = 3650;

  // The vocabularies of a policy, as it spells them.
  static inline const std::vector<std::string> kActionTypes = {
      "warning", "restrict_feature", "suspend", "deactivate_store", "revoke_selling_permission"};
  static inline const std::vector<std::string> kSeverities = {"low", "medium", "high", "critical"};
  static inline const std::vector<std::string> kLedgers = {"seller", "creator"};
  static inline const std::vector<std::string> kRepeatModes = {"while_at_or_above",
                                                               "each_violation", "on_crossing"};
  static inline const std::vector<std::string> kSources = {
      "listing",       "livestream",         "short_video", "rights_holder_complaint",
      "manual_review", "automated_detection"};

  struct Entry {
    YAML::Node key;
    YAML::Node value;
  };

  // The keys of one YAML mapping, checked against what is allowed there.
  using Fields = std::map<std::string, Entry>;

  static size_t EditDistance(absl::string_view a, absl::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t diagonal = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t above = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diagonal = above;
      }
    }
    return row[b.size()];
  }

  // " (did you mean 'x'?)" when one candidate is close to `word`, else "".
  static std::string Suggestion(absl::string_view word,
                                const std::vector<std::string>& candidates) {
    std::string best;
    size_t best_distance = word.size() / 3 + 1;
    for (const std::string& c : candidates) {
      size_t d = EditDistance(word, c);
      if (d < best_distance || (d == best_distance && best.empty() && d <= 2)) {
        best = c;
        best_distance = d;
      }
    }
    return best.empty() ? "" : absl::StrCat(" (did you mean '", best, "'?)");
  }

  // Plain decimal digits with an optional leading '-': no '+', spaces or other forms that
  // absl::SimpleAtoi would accept.
  static bool ParseWholeNumber(absl::string_view s, int* out) {
    absl::string_view digits = absl::StripPrefix(s, "-");
    if (digits.empty() || digits.size() > 9) return false;
    for (char c : digits) {
      if (!absl::ascii_isdigit(c)) return false;
    }
    return absl::SimpleAtoi(s, out);
  }

  static bool IsIdentifier(absl::string_view s, bool allow_dash_dot) {
    if (s.empty() || s.size() > 64 || !absl::ascii_islower(s[0])) return false;
    for (char c : s) {
      bool ok = absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' ||
                (allow_dash_dot && (c == '-' || c == '.'));
      if (!ok) return false;
    }
    return true;
  }

  static SourcePosition Pos(const YAML::Node& node) {
    YAML::Mark m = node.Mark();
    if (m.is_null()) return {1, 1};
    return {m.line + 1, m.column + 1};
  }

  void AddAt(SourcePosition p, std::string message) {
    diags_.push_back(Diagnostic{std::string(filename_), p, std::move(message)});
  }
  void Error(const YAML::Node& node, std::string message) { AddAt(Pos(node), std::move(message)); }

  static const char* KindName(const YAML::Node& node) {
    switch (node.Type()) {
      case YAML::NodeType::Map:
        return "a mapping";
      case YAML::NodeType::Sequence:
        return "a list";
      case YAML::NodeType::Scalar:
        return "a scalar";
      default:
        return "nothing";
    }
  }

  // Reads a mapping's keys. Reports unknown, duplicate and missing required keys.
  std::optional<Fields> ReadMap(const YAML::Node& node, absl::string_view what,
                                const std::vector<std::string>& allowed,
                                const std::vector<std::string>& required = {}) {
    if (!node.IsMap()) {
      Error(node, absl::StrCat(what, " must be a mapping, found ", KindName(node)));
      return std::nullopt;
    }
    Fields fields;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar()) {
        Error(it->first, absl::StrCat("keys in ", what, " must be plain names"));
        continue;
      }
      const std::string key = it->first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        Error(it->first, absl::StrCat("unknown key '", key, "' in ", what, Suggestion(key, allowed),
                                      "; expected one of: ", absl::StrJoin(allowed, ", ")));
        continue;
      }
      if (fields.count(key)) {
        Error(it->first, absl::StrCat("duplicate key '", key, "' in ", what, " (first at line ",
                                      Pos(fields[key].key).line, ")"));
        continue;
      }
      fields[key] = Entry{it->first, it->second};
    }
    for (const std::string& key : required) {
      if (!fields.count(key))
        Error(node, absl::StrCat(what, " is missing required key '", key, "'"));
    }
    return fields;
  }

  // The entries of a mapping whose keys are names chosen by the author (category ids, ...).
  std::optional<std::vector<Entry>> ReadNamedMap(const YAML::Node& node, absl::string_view what) {
    if (!node.IsMap()) {
      Error(node, absl::StrCat(what, " must be a mapping, found ", KindName(node)));
      return std::nullopt;
    }
    std::vector<Entry> entries;
    std::map<std::string, int> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar()) {
        Error(it->first, absl::StrCat("keys in ", what, " must be plain names"));
        continue;
      }
      const std::string key = it->first.Scalar();
      if (seen.count(key)) {
        Error(it->first, absl::StrCat("duplicate key '", key, "' in ", what, " (first at line ",
                                      seen[key], ")"));
        continue;
      }
      seen[key] = Pos(it->first).line;
      entries.push_back(Entry{it->first, it->second});
    }
    return entries;
  }

  bool ReadString(const YAML::Node& node, absl::string_view what, std::string* out) {
    if (!node.IsScalar()) {
      Error(node, absl::StrCat(what, " must be a string, found ", KindName(node)));
      return false;
    }
    *out = node.Scalar();
    return true;
  }

  bool ReadInt(const YAML::Node& node, absl::string_view what, int min, int max, int* out) {
    int value = 0;
    if (!node.IsScalar() || !ParseWholeNumber(node.Scalar(), &value) || value < min ||
        value > max) {
      Error(node, absl::StrCat(what, " must be a whole number from ", min, " to ", max, ", found '",
                               node.IsScalar() ? node.Scalar() : KindName(node), "'"));
      return false;
    }
    *out = value;
    return true;
  }

  bool ReadBool(const YAML::Node& node, absl::string_view what, bool* out) {
    if (node.IsScalar() && (node.Scalar() == "true" || node.Scalar() == "false")) {
      *out = node.Scalar() == "true";
      return true;
    }
    Error(node, absl::StrCat(what, " must be true or false, found '",
                             node.IsScalar() ? node.Scalar() : KindName(node), "'"));
    return false;
  }

  // "90d": whole days, for windows.
  bool ReadDays(const YAML::Node& node, absl::string_view what, int* out) {
    int days = 0;
    if (node.IsScalar() && absl::EndsWith(node.Scalar(), "d") &&
        ParseWholeNumber(absl::string_view(node.Scalar()).substr(0, node.Scalar().size() - 1),
                         &days) &&
        days >= 1 && days <= kMaxWindowDays) {
      *out = days;
      return true;
    }
    Error(node, absl::StrCat(what, " must be a number of days like '90d' (1d to ", kMaxWindowDays,
                             "d), found '", node.IsScalar() ? node.Scalar() : KindName(node), "'"));
    return false;
  }

  // "14d" or "12h": action durations.
  bool ReadDuration(const YAML::Node& node, absl::string_view what, absl::Duration* out) {
    int n = 0;
    if (node.IsScalar() && node.Scalar().size() >= 2) {
      absl::string_view s = node.Scalar();
      char unit = s.back();
      if ((unit == 'd' || unit == 'h') && ParseWholeNumber(s.substr(0, s.size() - 1), &n) &&
          n >= 1 && n <= (unit == 'd' ? kMaxWindowDays : kMaxWindowDays * 24)) {
        *out = unit == 'd' ? absl::Hours(24) * n : absl::Hours(n);
        return true;
      }
    }
    Error(node, absl::StrCat(what, " must be a duration like '14d' or '12h', found '",
                             node.IsScalar() ? node.Scalar() : KindName(node), "'"));
    return false;
  }

  // Text shown to sellers: one line, 1 to 120 characters.
  bool ReadDisplayName(const YAML::Node& node, absl::string_view what, std::string* out) {
    std::string s;
    if (!ReadString(node, what, &s)) return false;
    if (s.empty() || s.size() > 120 || s.find('\n') != std::string::npos) {
      Error(node, absl::StrCat(what, " must be one line of 1 to 120 characters"));
      return false;
    }
    *out = std::move(s);
    return true;
  }

  bool ReadId(const YAML::Node& node, absl::string_view what, bool allow_dash_dot,
              std::string* out) {
    if (!ReadString(node, what, out)) return false;
    if (!IsIdentifier(*out, allow_dash_dot)) {
      Error(node,
            absl::StrCat(what, " '", *out, "' must start with a lower-case letter and use only ",
                         allow_dash_dot ? "a-z, 0-9, '_', '-' and '.'" : "a-z, 0-9 and '_'",
                         " (at most 64 characters)"));
      return false;
    }
    return true;
  }

  template <typename F>
  void ForEachItem(const YAML::Node& node, absl::string_view what, F&& f) {
    if (!node.IsSequence()) {
      Error(node, absl::StrCat(what, " must be a list, found ", KindName(node)));
      return;
    }
    for (size_t i = 0; i < node.size(); ++i) f(node[i], absl::StrCat(what, "[", i, "]"));
  }

  // Reads a list of names from a fixed vocabulary; `index` receives each one's position in it.
  void ReadEnumList(const YAML::Node& node, absl::string_view what,
                    const std::vector<std::string>& vocabulary, std::vector<size_t>* index) {
    ForEachItem(node, what, [&](const YAML::Node& item, const std::string& item_what) {
      std::string name;
      if (!ReadString(item, item_what, &name)) return;
      auto it = std::find(vocabulary.begin(), vocabulary.end(), name);
      if (it == vocabulary.end()) {
        Error(item,
              absl::StrCat(item_what, ": unknown value '", name, "'", Suggestion(name, vocabulary),
                           "; expected one of: ", absl::StrJoin(vocabulary, ", ")));
        return;
      }
      index->push_back(it - vocabulary.begin());
    });
  }

  void ReadLedgers(const YAML::Node& node, absl::string_view what, bool* seller, bool* creator) {
    std::vector<size_t> picked;
    ReadEnumList(node, what, kLedgers, &picked);
    if (node.IsSequence() && node.size() == 0)
      Error(node, absl::StrCat(what, " must not be empty"));
    if (picked.empty()) return;
    *seller = std::count(picked.begin(), picked.end(), 0) > 0;
    *creator = std::count(picked.begin(), picked.end(), 1) > 0;
  }

  void ReadRepeat(const YAML::Node& node, const std::string& what, RepeatMode* out) {
    std::string name;
    if (!ReadString(node, what, &name)) return;
    auto it = std::find(kRepeatModes.begin(), kRepeatModes.end(), name);
    if (it == kRepeatModes.end()) {
      Error(node, absl::StrCat(what, ": unknown value '", name, "'", Suggestion(name, kRepeatModes),
                               "; expected one of: ", absl::StrJoin(kRepeatModes, ", ")));
      return;
    }
    static const RepeatMode kModes[] = {RepeatMode::kWhileAtOrAbove, RepeatMode::kEachViolation,
                                        RepeatMode::kOnCrossing};
    *out = kModes[it - kRepeatModes.begin()];
  }

  // An action: a bare type name, or {type, feature, duration}.
  void ReadAction(const YAML::Node& node, const std::string& what, std::vector<ActionSpec>* out) {
    ActionSpec action;
    YAML::Node type_node = node;
    std::optional<Fields> fields;
    if (node.IsMap()) {
      fields = ReadMap(node, what, {"type", "feature", "duration", "grace"}, {"type"});
      if (!fields || !fields->count("type")) return;
      type_node = (*fields)["type"].value;
    }
    std::string type;
    if (!ReadString(type_node, absl::StrCat(what, ".type"), &type)) return;
    static const v1::ActionType kTypes[] = {v1::ACTION_WARNING, v1::ACTION_RESTRICT_FEATURE,
                                            v1::ACTION_SUSPEND, v1::ACTION_DEACTIVATE_STORE,
                                            v1::ACTION_REVOKE_SELLING_PERMISSION};
    auto it = std::find(kActionTypes.begin(), kActionTypes.end(), type);
    if (it == kActionTypes.end()) {
      Error(type_node,
            absl::StrCat(what, ": unknown action type '", type, "'", Suggestion(type, kActionTypes),
                         "; expected one of: ", absl::StrJoin(kActionTypes, ", ")));
      return;
    }
    action.type = kTypes[it - kActionTypes.begin()];
    action.position = Pos(node);
    if (fields && fields->count("feature")) {
      ReadId((*fields)["feature"].value, absl::StrCat(what, ".feature"), false, &action.feature);
      action.position = Pos((*fields)["feature"].value);
    }
    if (fields && fields->count("duration")) {
      absl::Duration d;
      if (ReadDuration((*fields)["duration"].value, absl::StrCat(what, ".duration"), &d)) {
        action.duration = d;
      }
    }
    if (fields && fields->count("grace")) {
      absl::Duration d;
      if (ReadDuration((*fields)["grace"].value, absl::StrCat(what, ".grace"), &d)) {
        action.grace = d;
      }
    }
    // What each action type needs, so a decision is never ambiguous.
    const bool needs_duration = action.type == v1::ACTION_WARNING ||
                                action.type == v1::ACTION_RESTRICT_FEATURE ||
                                action.type == v1::ACTION_SUSPEND;
    bool has_duration = fields && fields->count("duration");
    if (needs_duration && !has_duration) {
      Error(node, absl::StrCat(
                      what, ": action '", type, "' needs a duration, e.g. {type: ", type,
                      action.type == v1::ACTION_RESTRICT_FEATURE ? ", feature: new_listings" : "",
                      ", duration: 14d}"));
    }
    if (action.type == v1::ACTION_REVOKE_SELLING_PERMISSION && has_duration) {
      Error((*fields)["duration"].key,
            absl::StrCat(what, ": revoke_selling_permission is permanent and takes no duration"));
    }
    bool has_feature = fields && fields->count("feature");
    if (action.type == v1::ACTION_RESTRICT_FEATURE && !has_feature) {
      Error(node,
            absl::StrCat(what,
                         ": restrict_feature needs a feature, e.g. new_listings or live_selling"));
    }
    if (action.type != v1::ACTION_RESTRICT_FEATURE && has_feature) {
      Error((*fields)["feature"].key,
            absl::StrCat(what, ": only restrict_feature takes a feature"));
    }
    out->push_back(action);
  }

  void ReadActions(const YAML::Node& node, absl::string_view what, std::vector<ActionSpec>* out) {
    ForEachItem(node, what, [&](const YAML::Node& item, const std::string& item_what) {
      ReadAction(item, item_what, out);
    });
    if (node.IsSequence() && node.size() == 0)
      Error(node, absl::StrCat(what, " must not be empty"));
  }

  absl::string_view filename_;
  std::vector<Diagnostic> diags_;
};

}  // namespace enforcer

#endif  // ENFORCERD_RULES_YAML_READER_H_
