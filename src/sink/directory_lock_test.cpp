#include "steadyfeed/sink/directory_lock.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "support/temp_dir.hpp"

namespace sf {
namespace {

namespace fs = std::filesystem;

TEST(DirectoryLock, CreatesTheDirectoryAndHoldsItAgainstASecondRecorder) {
  test::temp_dir tmp{"lock"};
  const fs::path dir = tmp.path / "a" / "b";
  std::string error;
  auto first = directory_lock::acquire(dir, error);
  ASSERT_TRUE(first) << error;
  EXPECT_TRUE(fs::is_directory(dir));
  // Only the lock file is left behind: the probe is gone.
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) files += e.path().filename() == ".steadyfeed.lock" ? 0 : 1;
  EXPECT_EQ(files, 0u);

  // flock is per open file: a second acquire in this process is refused as
  // another process's would be, naming the holder's pid.
  auto second = directory_lock::acquire(dir, error);
  EXPECT_FALSE(second);
  EXPECT_NE(error.find("being recorded by another steadyfeed process (pid " + std::to_string(::getpid()) + ")"),
            std::string::npos)
      << error;

  first.reset();
  auto third = directory_lock::acquire(dir, error);
  EXPECT_TRUE(third) << error;
}

TEST(DirectoryLock, APathThatCannotBeADirectoryIsNamed) {
  test::temp_dir tmp{"lock"};
  std::ofstream(tmp.path / "file") << "x";
  std::string error;
  EXPECT_FALSE(directory_lock::acquire(tmp.path / "file" / "data", error));
  EXPECT_NE(error.find("the data directory " + (tmp.path / "file" / "data").string() + " cannot be created"),
            std::string::npos)
      << error;
  EXPECT_FALSE(directory_lock::acquire("/proc/nope", error));
  EXPECT_NE(error.find("/proc/nope"), std::string::npos) << error;
}

TEST(DirectoryLock, AReadOnlyDirectoryIsRefusedBeforeAnythingRecords) {
  if (::geteuid() == 0) {
    // root writes anywhere a mode allows nothing; /proc is read-only for everyone.
    std::string error;
    EXPECT_FALSE(directory_lock::acquire("/proc/self", error));
    EXPECT_NE(error.find("/proc/self is not writable"), std::string::npos) << error;
    return;
  }
  test::temp_dir tmp{"lock"};
  fs::permissions(tmp.path, fs::perms::owner_read | fs::perms::owner_exec);
  std::string error;
  EXPECT_FALSE(directory_lock::acquire(tmp.path, error));
  EXPECT_NE(error.find("is not writable"), std::string::npos) << error;
  fs::permissions(tmp.path, fs::perms::owner_all);
}

}  // namespace
}  // namespace sf
