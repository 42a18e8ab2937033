#include "storage/storage_faults.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace enforcer {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;

IOStatus NoSpace() { return IOStatus::NoSpace("injected fault: no space left on device"); }
IOStatus PowerOff() { return IOStatus::IOError("injected fault: the power is off"); }

// One tracked file: bytes that reached the OS, and how many of them reached stable storage.
struct FileBytes {
  uint64_t written = 0;
  uint64_t synced = 0;
};

// The disk as the faults see it: whether it is full or off, and what each file holds.
class Disk {
 public:
  explicit Disk(const std::atomic<bool>* full) : full_(full) {}

  // The error any change to the disk fails with now (OK if none).
  IOStatus Fault() const {
    if (power_off_) return PowerOff();
    return *full_ ? NoSpace() : IOStatus::OK();
  }
  // For changes that need no space (renames, deletions, truncation): only a power cut fails them.
  IOStatus PowerFault() const { return power_off_ ? PowerOff() : IOStatus::OK(); }
  // As Fault(), for a sync, which may be the moment the power goes (CutPowerAtNextSync).
  IOStatus SyncFault() {
    {
      absl::MutexLock lock(&mu_);
      if (cut_at_next_sync_) CutLocked();
    }
    return Fault();
  }

  std::shared_ptr<FileBytes> Track(const std::string& name, uint64_t durable_size) {
    auto file = std::make_shared<FileBytes>();
    file->written = file->synced = durable_size;
    absl::MutexLock lock(&mu_);
    files_[name] = file;
    return file;
  }
  void Appended(FileBytes* file, uint64_t n) {
    absl::MutexLock lock(&mu_);
    file->written += n;
  }
  uint64_t Written(const FileBytes* file) const {
    absl::MutexLock lock(&mu_);
    return file->written;
  }
  // A sync that began when `upto` bytes were written has returned: they are durable (bytes
  // appended while it ran may not be).
  void Synced(FileBytes* file, uint64_t upto) {
    absl::MutexLock lock(&mu_);
    file->synced = std::max(file->synced, upto);
  }
  void Renamed(const std::string& from, const std::string& to) {
    absl::MutexLock lock(&mu_);
    auto it = files_.find(from);
    if (it == files_.end()) {
      files_.erase(to);  // Replaced by an untracked file, which is left as it is.
      return;
    }
    files_[to] = std::move(it->second);
    files_.erase(it);
  }
  void Deleted(const std::string& name) {
    absl::MutexLock lock(&mu_);
    files_.erase(name);
  }

  void CutPower() {
    absl::MutexLock lock(&mu_);
    CutLocked();
  }
  void CutPowerAtNextSync() {
    absl::MutexLock lock(&mu_);
    cut_at_next_sync_ = true;
  }
  bool power_off() const { return power_off_; }
  std::map<std::string, FileBytes> AtCut() const {
    absl::MutexLock lock(&mu_);
    return at_cut_;
  }
  // Power back on; what is on disk now is all there is, and durable.
  void Restore() {
    absl::MutexLock lock(&mu_);
    files_.clear();
    at_cut_.clear();
    power_off_ = false;
  }

 private:
  void CutLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (power_off_) return;
    cut_at_next_sync_ = false;
    for (const auto& [name, file] : files_) at_cut_[name] = *file;
    power_off_ = true;
  }

  const std::atomic<bool>* const full_;
  std::atomic<bool> power_off_{false};
  mutable absl::Mutex mu_;
  bool cut_at_next_sync_ ABSL_GUARDED_BY(mu_) = false;
  // By path. Shared with the open file objects, which outlive a rename.
  std::map<std::string, std::shared_ptr<FileBytes>> files_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, FileBytes> at_cut_ ABSL_GUARDED_BY(mu_);
};

class FaultyFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultyFile(std::unique_ptr<rocksdb::FSWritableFile> file, Disk* disk,
             std::shared_ptr<FileBytes> bytes)
      : FSWritableFileOwnerWrapper(std::move(file)), disk_(disk), bytes_(std::move(bytes)) {}

  IOStatus Append(const rocksdb::Slice& data, const IOOptions& options,
                  IODebugContext* dbg) override {
    IOStatus s = disk_->Fault();
    if (s.ok()) s = target()->Append(data, options, dbg);
    if (s.ok()) disk_->Appended(bytes_.get(), data.size());
    return s;
  }
  IOStatus Append(const rocksdb::Slice& data, const IOOptions& options,
                  const rocksdb::DataVerificationInfo& info, IODebugContext* dbg) override {
    IOStatus s = disk_->Fault();
    if (s.ok()) s = target()->Append(data, options, info, dbg);
    if (s.ok()) disk_->Appended(bytes_.get(), data.size());
    return s;
  }
  IOStatus Flush(const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = disk_->Fault();
    return s.ok() ? target()->Flush(options, dbg) : s;
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    return Synced([&] { return target()->Sync(options, dbg); });
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    return Synced([&] { return target()->Fsync(options, dbg); });
  }
  // Not a durability point (sync_file_range promises nothing), but still a write to the disk.
  // Close is passed on even with the power off: it releases the descriptor, and what it trims
  // (preallocated space) lies beyond the bytes tracked.
  IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const IOOptions& options,
                     IODebugContext* dbg) override {
    IOStatus s = disk_->PowerFault();
    return s.ok() ? target()->RangeSync(offset, nbytes, options, dbg) : s;
  }

 private:
  template <typename SyncFn>
  IOStatus Synced(SyncFn sync) {
    const uint64_t upto = disk_->Written(bytes_.get());
    IOStatus s = disk_->SyncFault();
    if (s.ok()) s = sync();
    if (s.ok()) disk_->Synced(bytes_.get(), upto);
    return s;
  }

  Disk* const disk_;
  const std::shared_ptr<FileBytes> bytes_;
};

class FaultyFileSystem : public rocksdb::FileSystemWrapper {
 public:
  FaultyFileSystem(const std::shared_ptr<rocksdb::FileSystem>& base, Disk* disk)
      : FileSystemWrapper(base), disk_(disk) {}
  const char* Name() const override { return "EnforcerdFaultyFileSystem"; }

  IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                           std::unique_ptr<rocksdb::FSWritableFile>* result,
                           IODebugContext* dbg) override {
    IOStatus s = disk_->Fault();
    std::unique_ptr<rocksdb::FSWritableFile> file;
    if (s.ok()) s = target()->NewWritableFile(name, options, &file, dbg);
    if (s.ok()) result->reset(new FaultyFile(std::move(file), disk_, disk_->Track(name, 0)));
    return s;
  }
  // What the file held before it was reopened counts as durable.
  IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                              std::unique_ptr<rocksdb::FSWritableFile>* result,
                              IODebugContext* dbg) override {
    IOStatus s = disk_->Fault();
    uint64_t size = 0;
    if (s.ok()) s = target()->GetFileSize(name, options.io_options, &size, dbg);
    std::unique_ptr<rocksdb::FSWritableFile> file;
    if (s.ok()) s = target()->ReopenWritableFile(name, options, &file, dbg);
    if (s.ok()) result->reset(new FaultyFile(std::move(file), disk_, disk_->Track(name, size)));
    return s;
  }
  // Recycled logs (recycle_log_file_num, off in the ledger) would escape the tracking.
  IOStatus ReuseWritableFile(const std::string&, const std::string&, const rocksdb::FileOptions&,
                             std::unique_ptr<rocksdb::FSWritableFile>*, IODebugContext*) override {
    return IOStatus::NotSupported("StorageFaults does not model recycled files");
  }
  IOStatus NewRandomRWFile(const std::string& name, const rocksdb::FileOptions& options,
                           std::unique_ptr<rocksdb::FSRandomRWFile>* result,
                           IODebugContext* dbg) override {
    IOStatus s = disk_->PowerFault();
    return s.ok() ? target()->NewRandomRWFile(name, options, result, dbg) : s;
  }

  IOStatus RenameFile(const std::string& from, const std::string& to, const IOOptions& options,
                      IODebugContext* dbg) override {
    IOStatus s = disk_->PowerFault();
    if (s.ok()) s = target()->RenameFile(from, to, options, dbg);
    if (s.ok()) disk_->Renamed(from, to);
    return s;
  }
  IOStatus DeleteFile(const std::string& name, const IOOptions& options,
                      IODebugContext* dbg) override {
    IOStatus s = disk_->PowerFault();
    if (s.ok()) s = target()->DeleteFile(name, options, dbg);
    if (s.ok()) disk_->Deleted(name);
    return s;
  }
  IOStatus LinkFile(const std::string& from, const std::string& to, const IOOptions& options,
                    IODebugContext* dbg) override {
    IOStatus s = disk_->PowerFault();
    return s.ok() ? target()->LinkFile(from, to, options, dbg) : s;
  }
  IOStatus Truncate(const std::string& name, size_t size, const IOOptions& options,
                    IODebugContext* dbg) override {
    IOStatus s = disk_->PowerFault();
    return s.ok() ? target()->Truncate(name, size, options, dbg) : s;
  }

 private:
  Disk* const disk_;
};

}  // namespace

struct StorageFaults::Impl {
  explicit Impl(const std::atomic<bool>* full) : disk(full) {}
  Disk disk;
  std::shared_ptr<rocksdb::FileSystem> fs;
  std::unique_ptr<rocksdb::Env> env;
};

StorageFaults::StorageFaults() : impl_(std::make_unique<Impl>(&fail_writes_)) {
  impl_->fs = std::make_shared<FaultyFileSystem>(rocksdb::FileSystem::Default(), &impl_->disk);
  impl_->env = rocksdb::NewCompositeEnv(impl_->fs);
}

StorageFaults::~StorageFaults() = default;

void StorageFaults::CutPower() { impl_->disk.CutPower(); }
void StorageFaults::CutPowerAtNextSync() { impl_->disk.CutPowerAtNextSync(); }
bool StorageFaults::power_cut() const { return impl_->disk.power_off(); }

std::map<std::string, uint64_t> StorageFaults::UnsyncedBytes() const {
  std::map<std::string, uint64_t> out;
  for (const auto& [name, file] : impl_->disk.AtCut()) {
    if (file.written > file.synced) out[name] = file.written - file.synced;
  }
  return out;
}

absl::Status StorageFaults::LoseUnsyncedData(Unsynced kept) {
  if (!impl_->disk.power_off()) return absl::FailedPreconditionError("the power is on");
  for (const auto& [name, file] : impl_->disk.AtCut()) {
    uint64_t keep = file.synced;
    if (kept == Unsynced::kTorn && file.written > file.synced + kTornBytes) {
      keep = file.written - kTornBytes;
    }
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(name, ec);
    if (!ec && size > keep) std::filesystem::resize_file(name, keep, ec);
    if (ec) {
      return absl::InternalError(
          absl::StrCat("cannot cut ", name, " to ", keep, ": ", ec.message()));
    }
  }
  impl_->disk.Restore();
  return absl::OkStatus();
}

void* StorageFaults::env() const { return impl_->env.get(); }

}  // namespace enforcer
