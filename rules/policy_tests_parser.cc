// Reads policy test files (see policy_tests.h) with the policy parser's value readers, so a
// mistake in a test file is a positioned diagnostic like one in a policy.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "rules/policy_tests.h"
#include "rules/yaml_reader.h"

namespace enforcer {
namespace {

const std::vector<std::string> kStandings = {"good_standing", "warned",      "restricted",
                                             "suspended",     "deactivated", "revoked"};

class TestsReader : private YamlReader {
 public:
  explicit TestsReader(absl::string_view filename) : YamlReader(filename) {}

  PolicyTestsParse Run(absl::string_view text) {
    PolicyTestsParse out;
    PolicyTests tests;
    try {
      YAML::Node root = YAML::Load(std::string(text));
      auto f = ReadMap(root, "the tests file", {"policy", "start", "cases"}, {"cases"});
      if (f) {
        if (f->count("policy")) ReadString((*f)["policy"].value, "policy", &tests.policy_path);
        now_ = absl::FromCivil(absl::CivilSecond(2026, 1, 1), absl::UTCTimeZone());
        if (f->count("start")) ReadTime((*f)["start"].value, "start", &now_);
        start_ = now_;
        if (f->count("cases")) {
          ForEachItem((*f)["cases"].value, "cases",
                      [&](const YAML::Node& n, const std::string& w) { ReadCase(n, w, &tests); });
        }
      }
    } catch (const YAML::Exception& e) {
      SourcePosition p{e.mark.line + 1, e.mark.column + 1};
      if (e.mark.is_null()) p = {1, 1};
      AddAt(p, absl::StrCat("invalid YAML: ", e.msg));
    }
    out.diagnostics = std::move(diags_);
    if (out.diagnostics.empty()) out.tests = std::move(tests);
    return out;
  }

 private:
  bool ReadTime(const YAML::Node& node, absl::string_view what, absl::Time* out) {
    std::string s, err;
    if (!ReadString(node, what, &s)) return false;
    if (!absl::ParseTime(absl::RFC3339_full, s, out, &err)) {
      Error(node, absl::StrCat(what, " must be a time like 2026-06-01T10:00:00Z, found '", s, "'"));
      return false;
    }
    return true;
  }

  // Exactly one of the fields' "seller" and "creator" names the subject.
  bool ReadSubject(Fields& f, const std::string& what, v1::Subject* out) {
    const bool is_seller = f.count("seller") > 0;
    if (is_seller == (f.count("creator") > 0)) return false;
    out->set_kind(is_seller ? v1::SELLER : v1::CREATOR);
    std::string id;
    if (!ReadString(f[is_seller ? "seller" : "creator"].value, what, &id)) return false;
    out->set_id(id);
    return true;
  }

  void ReadCase(const YAML::Node& node, const std::string& what, PolicyTests* tests) {
    PolicyTestCase c;
    c.position = Pos(node);
    auto f = ReadMap(node, what, {"name", "steps"}, {"name", "steps"});
    if (!f) return;
    if (f->count("name")) ReadString((*f)["name"].value, absl::StrCat(what, ".name"), &c.name);
    now_ = start_;  // every case starts afresh, with subjects of its own
    if (f->count("steps")) {
      ForEachItem((*f)["steps"].value, absl::StrCat(what, ".steps"),
                  [&](const YAML::Node& n, const std::string& w) { ReadStep(n, w, &c); });
    }
    tests->cases.push_back(std::move(c));
  }

  void ReadStep(const YAML::Node& node, const std::string& what, PolicyTestCase* c) {
    PolicyTestStep step;
    step.position = Pos(node);
    auto f = ReadMap(node, what, {"at", "after", "report", "remedy", "expect"});
    if (!f) return;
    if (f->count("at") && f->count("after")) Error(node, absl::StrCat(what, ": give at or after"));
    if (f->count("at")) ReadTime((*f)["at"].value, absl::StrCat(what, ".at"), &now_);
    absl::Duration after;
    if (f->count("after") &&
        ReadDuration((*f)["after"].value, absl::StrCat(what, ".after"), &after))
      now_ += after;
    step.at = now_;
    if (f->count("report") && f->count("remedy")) {
      Error(node, absl::StrCat(what, ": a step has a report or a remedy, not both"));
    }
    if (f->count("report")) {
      ReadReport((*f)["report"].value, absl::StrCat(what, ".report"),
                 absl::StrCat("case", counter_, "-", c->steps.size() + 1), &step);
    }
    if (f->count("remedy")) ReadRemedy((*f)["remedy"].value, absl::StrCat(what, ".remedy"), &step);
    if (f->count("expect")) {
      const YAML::Node& e = (*f)["expect"].value;
      if (e.IsMap()) {
        ReadExpectation(e, absl::StrCat(what, ".expect"), &step);
      } else {
        ForEachItem(
            e, absl::StrCat(what, ".expect"),
            [&](const YAML::Node& n, const std::string& w) { ReadExpectation(n, w, &step); });
      }
    }
    c->steps.push_back(std::move(step));
    ++counter_;
  }

  void ReadReport(const YAML::Node& node, const std::string& what, const std::string& default_id,
                  PolicyTestStep* step) {
    auto f = ReadMap(node, what,
                     {"id", "seller", "creator", "category", "severity", "source", "region",
                      "object", "rights_holder", "right", "notice", "attributes", "occurred"},
                     {"category"});
    if (!f) return;
    v1::ReportViolationRequest r;
    r.set_report_id(default_id);
    r.set_source(v1::SOURCE_LISTING);
    auto text = [&](const char* key, void (v1::ReportViolationRequest::*set)(const std::string&)) {
      std::string value;
      if (f->count(key) && ReadString((*f)[key].value, absl::StrCat(what, ".", key), &value))
        (r.*set)(value);
    };
    text("id", &v1::ReportViolationRequest::set_report_id);
    text("seller", &v1::ReportViolationRequest::set_seller_id);
    text("creator", &v1::ReportViolationRequest::set_creator_id);
    text("category", &v1::ReportViolationRequest::set_category);
    text("region", &v1::ReportViolationRequest::set_region);
    text("object", &v1::ReportViolationRequest::set_object_id);
    text("rights_holder", &v1::ReportViolationRequest::set_rights_holder_id);
    text("right", &v1::ReportViolationRequest::set_right_id);
    text("notice", &v1::ReportViolationRequest::set_notice_id);
    if (!f->count("seller") && !f->count("creator")) {
      Error(node, absl::StrCat(what, " needs a seller, a creator or both"));
    }
    if (f->count("severity")) {
      std::vector<size_t> picked;
      YAML::Node list(YAML::NodeType::Sequence);
      list.push_back((*f)["severity"].value);
      ReadEnumList(list, absl::StrCat(what, ".severity"), kSeverities, &picked);
      if (!picked.empty()) r.set_severity(static_cast<v1::Severity>(picked[0] + 1));
    }
    if (f->count("source")) {
      std::vector<size_t> picked;
      YAML::Node list(YAML::NodeType::Sequence);
      list.push_back((*f)["source"].value);
      ReadEnumList(list, absl::StrCat(what, ".source"), kSources, &picked);
      if (!picked.empty()) r.set_source(static_cast<v1::Source>(picked[0] + 1));
    }
    if (f->count("attributes")) {
      auto entries = ReadNamedMap((*f)["attributes"].value, absl::StrCat(what, ".attributes"));
      for (const Entry& e : entries ? *entries : std::vector<Entry>{}) {
        std::string value;
        if (ReadString(e.value, absl::StrCat(what, ".attributes.", e.key.Scalar()), &value))
          (*r.mutable_attributes())[e.key.Scalar()] = value;
      }
    }
    absl::Duration ago = absl::ZeroDuration();
    if (f->count("occurred"))
      ReadDuration((*f)["occurred"].value, absl::StrCat(what, ".occurred"), &ago);
    r.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(now_ - ago));
    step->report = std::move(r);
  }

  void ReadRemedy(const YAML::Node& node, const std::string& what, PolicyTestStep* step) {
    auto f = ReadMap(node, what, {"seller", "creator", "remedy", "violation"}, {"remedy"});
    if (!f) return;
    v1::Subject subject;
    if (!ReadSubject(*f, what, &subject)) {
      Error(node, absl::StrCat(what, " needs exactly one of seller and creator"));
      return;
    }
    step->remedy_subject = subject;
    if (f->count("remedy"))
      ReadId((*f)["remedy"].value, absl::StrCat(what, ".remedy"), false, &step->remedy);
    if (f->count("violation")) {
      ReadString((*f)["violation"].value, absl::StrCat(what, ".violation"),
                 &step->remedy_report_id);
    }
  }

  void ReadExpectation(const YAML::Node& node, const std::string& what, PolicyTestStep* step) {
    auto f = ReadMap(node, what,
                     {"seller", "creator", "standing", "points", "issued", "fired", "pending"});
    if (!f) return;
    SubjectExpectation e;
    e.position = Pos(node);
    if (!ReadSubject(*f, what, &e.subject)) {
      Error(node, absl::StrCat(what, " needs exactly one of seller and creator"));
      return;
    }
    if (f->count("standing")) {
      std::vector<size_t> picked;
      YAML::Node list(YAML::NodeType::Sequence);
      list.push_back((*f)["standing"].value);
      ReadEnumList(list, absl::StrCat(what, ".standing"), kStandings, &picked);
      if (!picked.empty()) e.standing = static_cast<v1::Standing>(picked[0] + 1);
    }
    int n = 0;
    if (f->count("points") &&
        ReadInt((*f)["points"].value, absl::StrCat(what, ".points"), 0, 1000000, &n))
      e.points = n;
    if (f->count("pending") &&
        ReadInt((*f)["pending"].value, absl::StrCat(what, ".pending"), 0, 1000, &n))
      e.pending = n;
    for (const char* key : {"issued", "fired"}) {
      if (!f->count(key)) continue;
      std::vector<std::string> names;
      ForEachItem((*f)[key].value, absl::StrCat(what, ".", key),
                  [&](const YAML::Node& item, const std::string& w) {
                    std::string s;
                    if (ReadString(item, w, &s)) names.push_back(s);
                  });
      (std::string(key) == "issued" ? e.issued : e.fired) = names;
    }
    step->expect.push_back(std::move(e));
  }

  absl::Time start_;
  absl::Time now_;
  int counter_ = 1;
};

}  // namespace

PolicyTestsParse ParsePolicyTests(absl::string_view text, absl::string_view filename) {
  return TestsReader(filename).Run(text);
}

}  // namespace enforcer
