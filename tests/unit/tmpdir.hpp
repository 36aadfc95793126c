// A temporary directory for one unit test, removed with everything in it.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace scoin::test {

struct TmpDir {
  std::filesystem::path path;
  TmpDir() {
    std::string t = (std::filesystem::temp_directory_path() / "scoin-unit-XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    path = t;
  }
  ~TmpDir() { std::filesystem::remove_all(path); }
  TmpDir(const TmpDir&) = delete;
  std::string file(const char* name) const { return (path / name).string(); }
};

}  // namespace scoin::test
