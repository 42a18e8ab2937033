#include "engine/ledger_writer.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/audit.h"

namespace enforcer {

namespace {
std::string SubjectMapKey(const v1::Subject& s) {
  return absl::StrCat(static_cast<int>(s.kind()), "/", s.id());
}
}  // namespace

// The store seen through the group's pending writes.
class LedgerWriter::GroupView : public LedgerView {
 public:
  // Writes the preparer returns are added to `owned` and their place to `order`, both owned by
  // the group.
  GroupView(LedgerStore* store, uint64_t* next_sequence, const SubjectPreparer* preparer,
            std::deque<LedgerWrite>* owned, std::vector<LedgerWrite*>* order)
      : store_(store),
        next_sequence_(next_sequence),
        preparer_(preparer),
        owned_(owned),
        order_(order) {}

  absl::StatusOr<std::optional<v1::StoredReport>> GetReport(absl::string_view id) override {
    auto it = reports_.find(std::string(id));
    if (it != reports_.end()) return *it->second;
    return store_->GetReport(id);
  }

  absl::StatusOr<std::vector<v1::LedgerEntry>> ReadSubjectLog(const v1::Subject& subject) override {
    if (absl::Status prepared = Prepare(subject); !prepared.ok()) return prepared;
    absl::StatusOr<std::vector<v1::LedgerEntry>> log = store_->ReadLog(subject);
    if (!log.ok()) return log.status();
    const std::string key = SubjectMapKey(subject);
    for (const LedgerWrite* w : staged_) {
      for (const v1::LedgerEntry& e : w->entries) {
        if (SubjectMapKey(e.subject()) == key) log->push_back(e);
      }
    }
    return log;
  }

  absl::StatusOr<std::vector<v1::LedgerEntry>> GetViolationEntries(
      absl::string_view violation_id) override {
    std::vector<v1::LedgerEntry> out;
    for (const LedgerWrite* w : staged_) AppendViolationEntries(w->entries, violation_id, &out);
    if (!out.empty()) return out;
    absl::StatusOr<std::vector<v1::LedgerPosition>> where = store_->FindViolation(violation_id);
    if (!where.ok()) return where.status();
    for (const v1::LedgerPosition& p : *where) {
      // A report writes its violation, decision and actions together: a few entries at most.
      absl::StatusOr<std::vector<v1::LedgerEntry>> entries =
          store_->ReadLogRange(p.subject(), p.position(), kMaxEntriesPerViolation);
      if (!entries.ok()) return entries.status();
      AppendViolationEntries(*entries, violation_id, &out);
    }
    return out;
  }

  absl::StatusOr<v1::SubjectState> GetSubjectState(const v1::Subject& subject) override {
    if (absl::Status prepared = Prepare(subject); !prepared.ok()) return prepared;
    auto it = states_.find(SubjectMapKey(subject));
    if (it != states_.end()) return *it->second;
    // The state Prepare read, handed over once (a report reads its subject once): no copy.
    auto read = read_.extract(SubjectMapKey(subject));
    if (!read.empty()) return std::move(read.mapped());
    return ReadState(subject);
  }

  uint64_t NextSequence() override { return (*next_sequence_)++; }

  // Makes `w` visible to later jobs of the group. `w` must stay in place until the group is
  // done: the view points into it rather than copying whole states on the writer's hot path.
  void Stage(const LedgerWrite& w) {
    if (w.report) reports_[w.report->report_id] = &w.report->record;
    for (const v1::SubjectState& s : w.states) states_[SubjectMapKey(s.subject())] = &s;
    staged_.push_back(&w);
  }

 private:
  static constexpr size_t kMaxEntriesPerViolation = 64;

  // The stored state, or an empty one naming the subject.
  absl::StatusOr<v1::SubjectState> ReadState(const v1::Subject& subject) {
    absl::StatusOr<std::optional<v1::SubjectState>> stored = store_->GetSubjectState(subject);
    if (!stored.ok()) return stored.status();
    if (stored->has_value()) return **stored;
    v1::SubjectState empty;
    *empty.mutable_subject() = subject;
    return empty;
  }

  // The first time the group touches `subject`: runs the preparer on its state as it stands
  // (stored, or as an earlier job of the group left it) and stages what it records. A state read
  // with nothing to record is kept, so the job does not read it again.
  absl::Status Prepare(const v1::Subject& subject) {
    if (preparer_ == nullptr || !*preparer_) return absl::OkStatus();
    const std::string key = SubjectMapKey(subject);
    if (!prepared_.insert(key).second) return absl::OkStatus();
    auto staged = states_.find(key);
    v1::SubjectState read;
    if (staged == states_.end()) {
      absl::StatusOr<v1::SubjectState> stored = ReadState(subject);
      if (!stored.ok()) return stored.status();
      read = *std::move(stored);
    }
    absl::StatusOr<LedgerWrite> write =
        (*preparer_)(*this, staged != states_.end() ? *staged->second : read);
    if (!write.ok()) return write.status();
    if (write->entries.empty() && write->states.empty()) {
      if (staged == states_.end()) read_[key] = std::move(read);
      return absl::OkStatus();
    }
    owned_->push_back(*std::move(write));
    order_->push_back(&owned_->back());
    Stage(owned_->back());
    return absl::OkStatus();
  }

  // From `entries` (one ledger's, in order): the violation's own entry and the decision and
  // action entries right after it that belong to it.
  static void AppendViolationEntries(const std::vector<v1::LedgerEntry>& entries,
                                     absl::string_view violation_id,
                                     std::vector<v1::LedgerEntry>* out) {
    bool inside = false;
    for (const v1::LedgerEntry& e : entries) {
      if (e.has_violation()) {
        inside = e.violation().violation_id() == violation_id;
      } else if (inside && !((e.has_decision() && e.decision().violation_id() == violation_id) ||
                             (e.has_action() && e.action().violation_id() == violation_id))) {
        inside = false;
      }
      if (inside) out->push_back(e);
    }
  }

  LedgerStore* store_;
  uint64_t* next_sequence_;
  const SubjectPreparer* preparer_;
  std::deque<LedgerWrite>* owned_;
  std::vector<LedgerWrite*>* order_;
  std::set<std::string> prepared_;
  std::map<std::string, v1::SubjectState> read_;
  std::map<std::string, const v1::StoredReport*> reports_;
  std::map<std::string, const v1::SubjectState*> states_;
  std::vector<const LedgerWrite*> staged_;
};

LedgerWriter::LedgerWriter(LedgerStore* store, Options options)
    : store_(store), options_(options), next_sequence_(store->LastSequence() + 1) {
  thread_ = std::thread([this] { Run(); });
}

LedgerWriter::~LedgerWriter() { Shutdown(); }

absl::Status LedgerWriter::Submit(ApplyFn apply, DoneFn done) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return absl::UnavailableError("enforcerd is shutting down");
  if (queue_.size() >= options_.max_queue) {
    return absl::ResourceExhaustedError(absl::StrCat("the ledger writer queue is full (",
                                                     queue_.size(),
                                                     " reports waiting); retry with backoff"));
  }
  queue_.push_back(Job{std::move(apply), std::move(done)});
  return absl::OkStatus();
}

void LedgerWriter::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void LedgerWriter::SetCommitObserver(std::function<void()> observer) {
  absl::MutexLock lock(&mu_);
  commit_observer_ = std::move(observer);
}

void LedgerWriter::SetHealthObserver(std::function<void(bool)> observer) {
  absl::MutexLock lock(&mu_);
  health_observer_ = std::move(observer);
}

void LedgerWriter::SetSubjectPreparer(SubjectPreparer preparer) {
  absl::MutexLock lock(&mu_);
  preparer_ = std::move(preparer);
}

LedgerWriter::Stats LedgerWriter::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

void LedgerWriter::Run() {
  while (true) {
    std::deque<Job> group;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](LedgerWriter* w)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(w->mu_) { return w->stopping_ || !w->queue_.empty(); },
          this));
      if (queue_.empty()) return;  // stopping, and everything accepted is done
      const size_t n = std::min(queue_.size(), options_.max_group);
      for (size_t i = 0; i < n; ++i) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    CommitGroup(group);
  }
}

void LedgerWriter::CommitGroup(std::deque<Job>& group) {
  std::function<void()> observer;
  std::function<void(bool)> health;
  SubjectPreparer preparer;
  {
    absl::MutexLock lock(&mu_);
    observer = commit_observer_;
    health = health_observer_;
    preparer = preparer_;
  }
  // Every write of the group, prepared ones before the job that caused them; a deque, so the
  // view's pointers into it stay valid.
  std::deque<LedgerWrite> owned;
  std::vector<LedgerWrite*> order;
  GroupView view(store_, &next_sequence_, &preparer, &owned, &order);
  std::vector<absl::Status> results;
  results.reserve(group.size());
  // The last sequence committed or written by an earlier job of the group: where an activation's
  // audit entry goes.
  uint64_t last_written = store_->LastSequence();
  size_t counted = 0;  // writes of `order` whose entries last_written has seen
  for (Job& job : group) {
    absl::StatusOr<LedgerWrite> write = job.apply(view);
    for (; counted < order.size(); ++counted) {
      for (const v1::LedgerEntry& e : order[counted]->entries) {
        last_written = std::max(last_written, e.sequence());
      }
    }
    if (!write.ok()) {
      results.push_back(write.status());
      continue;
    }
    results.push_back(absl::OkStatus());
    // Every staff, appeal and policy action is audited, whichever job wrote it.
    for (const v1::LedgerEntry& e : write->entries) {
      last_written = std::max(last_written, e.sequence());
    }
    AddAuditEntries(&*write, [&last_written] { return last_written; });
    if (write->report || !write->states.empty() || !write->entries.empty() || write->activation ||
        write->shadow_setting || !write->shadow_decisions.empty() || !write->audit.empty() ||
        !write->timers_done.empty() || !write->cursors.empty() || write->feed_retain_from > 0) {
      owned.push_back(*std::move(write));
      order.push_back(&owned.back());
      view.Stage(owned.back());
      counted = order.size();
    }
  }
  // The view is done with them: move the writes, in order, into one span.
  std::vector<LedgerWrite> writes;
  writes.reserve(order.size());
  for (LedgerWrite* w : order) writes.push_back(std::move(*w));
  absl::Status commit = writes.empty() ? absl::OkStatus() : store_->Commit(writes);
  if (!commit.ok()) {
    // Nothing of the group is durable, and every job that read the group's pending writes (a
    // duplicate of an earlier job, say) read something that never happened: fail them all.
    next_sequence_ = store_->LastSequence() + 1;
    for (absl::Status& r : results) {
      if (r.ok())
        r = absl::UnavailableError(absl::StrCat("ledger commit failed: ", commit.message()));
    }
  }
  {
    absl::MutexLock lock(&mu_);
    stats_.jobs += group.size();
    stats_.groups += writes.empty() ? 0 : 1;
    stats_.largest_group = std::max<uint64_t>(stats_.largest_group, group.size());
    stats_.failed_commits += commit.ok() ? 0 : 1;
  }
  if (commit.ok() && !writes.empty() && observer) observer();
  if (!writes.empty() && commit.ok() != healthy_) {
    healthy_ = commit.ok();
    if (health) health(healthy_);
  }
  for (size_t i = 0; i < group.size(); ++i) group[i].done(results[i]);
}

}  // namespace enforcer
