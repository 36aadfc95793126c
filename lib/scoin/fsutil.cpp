#include "scoin/fsutil.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace scoin {

namespace {

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

void fsync_dir(const std::string& path) {
  int fd = ::open(dir_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    auto n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

Result<SecretBuffer> read_private_file(const std::string& path, std::size_t max_bytes,
                                       std::string_view what) {
  // O_NONBLOCK: opening a FIFO would otherwise wait for a writer, for ever;
  // it is refused below like anything else that is not a regular file.
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    int e = errno;
    if (e == ELOOP) return fail(Exit::key_refused, "{}: {} is a symlink; refused", path, what);
    if (e == ENOENT) return fail(Exit::no_input, "{}: no such {}", path, what);
    return fail(Exit::key_refused, "{}: cannot open {}: {}", path, what, std::strerror(e));
  }
  struct Close {
    int fd;
    ~Close() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return fail(Exit::key_refused, "{}: {} is not a regular file", path, what);
  }
  if ((st.st_mode & 077) != 0) {
    return fail(Exit::key_refused,
                "{}: {} is accessible by group or others (mode {:04o}); run chmod 600", path,
                what, st.st_mode & 07777);
  }
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    return fail(Exit::data, "{}: {} is over the limit of {} bytes", path, what, max_bytes);
  }
  SecretBuffer buf(max_bytes + 1);
  std::size_t got = 0;
  while (got < buf.size()) {
    auto n = ::read(fd, buf.data() + got, buf.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Exit::io, "{}: cannot read {}: {}", path, what, std::strerror(errno));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > max_bytes) {
    return fail(Exit::data, "{}: {} is over the limit of {} bytes", path, what, max_bytes);
  }
  buf.truncate(got);
  return buf;
}

Result<void> write_new_file(const std::string& path, std::string_view content, unsigned mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  static_cast<mode_t>(mode));
  if (fd < 0) {
    int e = errno;
    if (e == EEXIST) return fail(Exit::cant_create, "{}: already exists; refusing to overwrite", path);
    return fail(Exit::cant_create, "{}: cannot create: {}", path, std::strerror(e));
  }
  // The umask may have narrowed the mode; it must never have widened it.
  ::fchmod(fd, static_cast<mode_t>(mode));
  bool ok = write_all(fd, content) && ::fsync(fd) == 0;
  int e = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return fail(Exit::cant_create, "{}: cannot write: {}", path, std::strerror(e));
  }
  fsync_dir(path);
  return {};
}

Result<std::string> read_input_file(const std::string& path, std::size_t max_bytes) {
  int fd = path == "-" ? 0 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    int e = errno;
    if (e == ENOENT) return fail(Exit::no_input, "{}: no such file", path);
    return fail(Exit::no_input, "{}: cannot open: {}", path, std::strerror(e));
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    if (fd != 0) ::close(fd);
    return fail(Exit::no_input, "{}: is a directory", path);
  }
  auto out = read_all(fd, path, max_bytes);
  if (fd != 0) ::close(fd);
  return out;
}

Result<std::string> read_all(int fd, const std::string& path, std::size_t max_bytes) {
  std::string out;
  char buf[65536];
  for (;;) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Exit::no_input, "{}: cannot read: {}", path, std::strerror(errno));
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      return fail(Exit::data, "{}: over the limit of {} bytes", path, max_bytes);
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

Result<void> write_file_atomic(const std::string& path, std::string_view content, unsigned mode) {
  return write_file_atomic(path, mode, [&](const ByteSink& sink) { return sink(content); });
}

Result<void> write_file_atomic(const std::string& path, unsigned mode,
                               const std::function<Result<void>(const ByteSink&)>& produce) {
  // Only a regular file is ever replaced: renaming over /dev/stdout (a
  // symlink), a device or a directory would be a disaster, above all as root.
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return fail(Exit::cant_create, "{}: is {}; refusing to replace it", path,
                S_ISDIR(st.st_mode)   ? "a directory"
                : S_ISLNK(st.st_mode) ? "a symlink"
                                      : "not a regular file");
  }
  std::string tmp = dir_of(path) + "/.scoin-tmp-XXXXXX";
  int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) {
    return fail(Exit::cant_create, "{}: cannot create a file in {}: {}", path, dir_of(path),
                std::strerror(errno));
  }
  ::fchmod(fd, static_cast<mode_t>(mode));
  // A full disk or an I/O error is a storage error (74), not a path problem.
  auto write_error = [&](int e) {
    const bool storage = e == ENOSPC || e == EIO || e == EDQUOT;
    return fail(storage ? Exit::io : Exit::cant_create, "{}: cannot write: {}", path, std::strerror(e));
  };
  const ByteSink sink = [&](std::string_view piece) -> Result<void> {
    if (!write_all(fd, piece)) return write_error(errno);
    return {};
  };
  Result<void> made = produce(sink);
  if (made && ::fsync(fd) != 0) made = write_error(errno);
  ::close(fd);
  if (made && ::rename(tmp.c_str(), path.c_str()) != 0) made = write_error(errno);
  if (!made) {
    ::unlink(tmp.c_str());
    return made;
  }
  fsync_dir(path);
  return {};
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace scoin
