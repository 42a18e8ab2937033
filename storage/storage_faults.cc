#include "storage/storage_faults.h"

#include <string>
#include <utility>

#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace enforcer {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;

IOStatus NoSpace() { return IOStatus::NoSpace("injected fault: no space left on device"); }

class FaultyFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultyFile(std::unique_ptr<rocksdb::FSWritableFile> file, const std::atomic<bool>* fail)
      : FSWritableFileOwnerWrapper(std::move(file)), fail_(fail) {}

  IOStatus Append(const rocksdb::Slice& data, const IOOptions& options,
                  IODebugContext* dbg) override {
    return *fail_ ? NoSpace() : target()->Append(data, options, dbg);
  }
  IOStatus Append(const rocksdb::Slice& data, const IOOptions& options,
                  const rocksdb::DataVerificationInfo& info, IODebugContext* dbg) override {
    return *fail_ ? NoSpace() : target()->Append(data, options, info, dbg);
  }
  IOStatus Flush(const IOOptions& options, IODebugContext* dbg) override {
    return *fail_ ? NoSpace() : target()->Flush(options, dbg);
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    return *fail_ ? NoSpace() : target()->Sync(options, dbg);
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    return *fail_ ? NoSpace() : target()->Fsync(options, dbg);
  }

 private:
  const std::atomic<bool>* fail_;
};

class FaultyFileSystem : public rocksdb::FileSystemWrapper {
 public:
  FaultyFileSystem(const std::shared_ptr<rocksdb::FileSystem>& base, const std::atomic<bool>* fail)
      : FileSystemWrapper(base), fail_(fail) {}
  const char* Name() const override { return "EnforcerdFaultyFileSystem"; }

  IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                           std::unique_ptr<rocksdb::FSWritableFile>* result,
                           IODebugContext* dbg) override {
    if (*fail_) return NoSpace();
    std::unique_ptr<rocksdb::FSWritableFile> file;
    IOStatus s = target()->NewWritableFile(name, options, &file, dbg);
    if (s.ok()) result->reset(new FaultyFile(std::move(file), fail_));
    return s;
  }
  IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                              std::unique_ptr<rocksdb::FSWritableFile>* result,
                              IODebugContext* dbg) override {
    if (*fail_) return NoSpace();
    std::unique_ptr<rocksdb::FSWritableFile> file;
    IOStatus s = target()->ReopenWritableFile(name, options, &file, dbg);
    if (s.ok()) result->reset(new FaultyFile(std::move(file), fail_));
    return s;
  }

 private:
  const std::atomic<bool>* fail_;
};

}  // namespace

struct StorageFaults::Impl {
  std::shared_ptr<rocksdb::FileSystem> fs;
  std::unique_ptr<rocksdb::Env> env;
};

StorageFaults::StorageFaults() : impl_(std::make_unique<Impl>()) {
  impl_->fs = std::make_shared<FaultyFileSystem>(rocksdb::FileSystem::Default(), &fail_writes_);
  impl_->env = rocksdb::NewCompositeEnv(impl_->fs);
}

StorageFaults::~StorageFaults() = default;

void* StorageFaults::env() const { return impl_->env.get(); }

}  // namespace enforcer
