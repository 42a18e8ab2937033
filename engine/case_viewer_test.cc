// The case view and the history filters over the real pipeline (fixture:
// appeal_pipeline_testing.h): next milestone and count-rule progress in words, statuses,
// overturn previews, links seen in reports, notes; ListHistory by kind, category, status, time.
#include "engine/case_viewer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "engine/appeal_pipeline_testing.h"
#include "engine/history_filter.h"

namespace enforcer {
namespace {

using ::testing::HasSubstr;

class CaseViewerTest : public AppealPipelineTest {
 protected:
  v1::CaseView Case(const std::string& seller) {
    CaseViewer viewer(store_.get(), &clock_, policies_.get());
    v1::GetCaseRequest r;
    *r.mutable_subject() = Seller(seller);
    absl::StatusOr<v1::CaseView> view = viewer.GetCase(r);
    EXPECT_TRUE(view.ok()) << view.status();
    return view.ok() ? *view : v1::CaseView();
  }
  absl::StatusOr<v1::ListHistoryResponse> History(v1::ListHistoryRequest r) {
    *r.mutable_subject() = Seller("s1");
    return enforcer_->ListHistory(r);
  }
};

TEST_F(CaseViewerTest, ShowsTheNextMilestoneCountProgressAndWhatOverturningWouldChange) {
  Report("r1", "s1", "spam");
  EXPECT_EQ(Case("s1").next_milestone(), "6 more points → suspension for 14 days");
  Report("i1", "s1", "ip");
  clock_.Advance(absl::Hours(24));
  Report("i2", "s1", "ip");
  const std::string crossing = Report("r2", "s1", "spam");
  clock_.Advance(absl::Hours(96));  // the suspension is in force
  const v1::CaseView view = Case("s1");
  EXPECT_EQ(view.standing().standing(), v1::SUSPENDED);
  ASSERT_EQ(view.count_rules_size(), 1);
  EXPECT_EQ(view.count_rules(0).count(), 2);
  EXPECT_EQ(view.count_rules(0).threshold(), 3);
  EXPECT_THAT(view.count_rules(0).summary(),
              HasSubstr("2 of 3 'Ip' violations within 730 days; the oldest leaves the window on"));
  ASSERT_EQ(view.violations_size(), 4);
  const v1::CaseViolation& newest = view.violations(0);
  EXPECT_EQ(newest.violation().violation_id(), crossing);
  EXPECT_EQ(newest.status(), v1::VIOLATION_ACTIVE);
  EXPECT_EQ(newest.points(), 6);
  EXPECT_EQ(newest.points_if_overturned(), 6);
  EXPECT_EQ(newest.standing_if_overturned(), v1::WARNED);
  EXPECT_THAT(newest.overturn_preview(),
              HasSubstr("12 → 6 points; SUSPENDED → WARNED; warning until"));
  EXPECT_THAT(newest.overturn_preview(), HasSubstr("; suspension until 2026-12-20 00:00 UTC lifted"));
  EXPECT_EQ(newest.action_ids_size(), 2);  // the warning it extended, the suspension
  EXPECT_THAT(newest.overturn_preview(), HasSubstr("would end earlier"));
  EXPECT_EQ(newest.lifted_if_overturned_size(), 1);
}

TEST_F(CaseViewerTest, StatusesLinksAndNotes) {
  const std::string v1id = Report("r1", "s1", "spam");
  const std::string v2id = Report("r2", "s1", "spam");
  v1::ReportViolationRequest together;
  together.set_report_id("r3");
  together.set_seller_id("s1");
  together.set_creator_id("c9");
  together.set_category("ip");
  together.set_source(v1::SOURCE_LIVESTREAM);
  const std::string v3id = Send(together);
  auto filed = File("f-1", "s1", v1id);
  ASSERT_TRUE(filed.ok());
  ASSERT_TRUE(Resolve("x-1", "s1", filed->appeal().appeal_id(), v1::APPEAL_OVERTURNED).ok());
  ASSERT_TRUE(File("f-2", "s1", v2id).ok());
  v1::AddNoteRequest note;
  note.set_request_id("n-1");
  *note.mutable_subject() = Seller("s1");
  note.set_note("Seller called; sending invoices.");
  note.set_actor("agent-7");
  ASSERT_TRUE(this->Staff(note, &StaffPipeline::AddNote).ok());
  const v1::CaseView view = Case("s1");
  std::map<std::string, v1::ViolationStatus> status;
  for (const v1::CaseViolation& v : view.violations())
    status[v.violation().violation_id()] = v.status();
  EXPECT_EQ(status[v1id], v1::VIOLATION_VOIDED);
  EXPECT_EQ(status[v2id], v1::VIOLATION_UNDER_APPEAL);
  EXPECT_EQ(view.open_appeals_size(), 1);
  ASSERT_EQ(view.links_size(), 1);
  EXPECT_EQ(view.links(0).subject().id(), "c9");
  EXPECT_EQ(view.links(0).how(), "seen in reports");
  EXPECT_EQ(view.links(0).shared_reports(), 1);
  ASSERT_EQ(view.notes_size(), 1);
  EXPECT_EQ(view.notes(0).note(), "Seller called; sending invoices.");

  // ListHistory filters.
  v1::ListHistoryRequest kinds;
  kinds.add_kinds("violation_void");
  auto voids = History(kinds);
  ASSERT_TRUE(voids.ok()) << voids.status();
  ASSERT_EQ(voids->entries_size(), 1);
  EXPECT_EQ(voids->entries(0).violation_void().violation_id(), v1id);
  v1::ListHistoryRequest voided;
  voided.set_violation_status(v1::VIOLATION_VOIDED);
  voided.add_kinds("violation");
  auto voided_violations = History(voided);
  ASSERT_TRUE(voided_violations.ok());
  ASSERT_EQ(voided_violations->entries_size(), 1);
  EXPECT_EQ(voided_violations->entries(0).violation().violation_id(), v1id);
  v1::ListHistoryRequest by_source;
  by_source.set_source(v1::SOURCE_LIVESTREAM);
  by_source.set_category("ip");
  auto livestream = History(by_source);
  ASSERT_TRUE(livestream.ok());
  for (const v1::LedgerEntry& e : livestream->entries()) EXPECT_EQ(ViolationIdOf(e), v3id);
  EXPECT_GE(livestream->entries_size(), 2);  // the violation and its decision
  v1::ListHistoryRequest paged;
  paged.add_kinds("violation");
  paged.set_page_size(2);
  auto first = History(paged);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->entries_size(), 2);
  paged.set_page_token(first->next_page_token());
  auto second = History(paged);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->entries_size(), 1);
  v1::ListHistoryRequest bad;
  bad.add_kinds("violations");
  auto refused = History(bad);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("kinds: 'violations' is not an entry kind"));
}

}  // namespace
}  // namespace enforcer
