#include "transfer/local_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "otto.h"
#include "util/random_id.hpp"

namespace otto {

Error file_system_error(const std::string &what, const std::string &path, int err) {
    int code = err == ENOENT || err == ENOTDIR ? OTTO_ENOTFOUND
               : err == EACCES || err == EPERM ? OTTO_EPERM
                                               : OTTO_EFILE;
    return Error(code, what + " " + path + ": " + std::strerror(err));
}

namespace {

Error file_in_the_way(const std::string &path) {
    return Error(OTTO_EFILE, "cannot create directory " + path + ": a file is in the way");
}

}  // namespace

Error make_directories(const std::string &path, uint32_t mode) {
    for (size_t end = path.find('/', 1);; end = path.find('/', end + 1)) {
        std::string part = path.substr(0, end);
        if (!part.empty() && ::mkdir(part.c_str(), mode) != 0 && errno != EEXIST) {
            return file_system_error("cannot create directory", part, errno);
        }
        if (end == std::string::npos) break;
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return file_system_error("cannot create directory", path, errno);
    if (!S_ISDIR(st.st_mode)) return file_in_the_way(path);
    return {};
}

Error directory_or_missing(const std::string &path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return errno == ENOENT ? Error() : file_system_error("cannot create directory", path, errno);
    }
    if (!S_ISDIR(st.st_mode)) return file_in_the_way(path);
    return {};
}

std::string temporary_sibling(const std::string &path) {
    auto slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    // Kept short so a name near NAME_MAX still has room for the suffix
    // (validation reserves it).
    return dir + "." + name + ".otto-" + random_hex(8) + ".tmp";
}

// --- UploadSource --------------------------------------------------------

UploadSource UploadSource::open(const UploadSpec &spec, Error &error) {
    UploadSource source;
    if (spec.bytes) {
        source.bytes_ = *spec.bytes;
        source.size_ = spec.bytes->size();
        source.mode_ = spec.mode.value_or(0644);
        source.description_ = "memory";
        return source;
    }
    source.description_ = spec.local_path;
    source.fd_ = ::open(spec.local_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (source.fd_ < 0) {
        error = file_system_error("cannot open local file", spec.local_path, errno);
        return source;
    }
    struct stat st {};
    if (fstat(source.fd_, &st) != 0) {
        error = file_system_error("cannot stat local file", spec.local_path, errno);
        return source;
    }
    if (S_ISDIR(st.st_mode)) {
        error = Error(OTTO_EFILE, spec.local_path + " is a directory: only files are copied, not directories");
        return source;
    }
    if (!S_ISREG(st.st_mode)) {
        error = Error(OTTO_EFILE, spec.local_path + " is not a regular file");
        return source;
    }
    source.size_ = static_cast<uint64_t>(st.st_size);
    source.mode_ = spec.mode.value_or(st.st_mode & 07777);
    return source;
}

UploadSource::UploadSource(UploadSource &&other) noexcept
    : fd_(std::exchange(other.fd_, -1)), bytes_(std::move(other.bytes_)), size_(other.size_), mode_(other.mode_),
      description_(std::move(other.description_)) {}

UploadSource &UploadSource::operator=(UploadSource &&other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
        bytes_ = std::move(other.bytes_);
        size_ = other.size_;
        mode_ = other.mode_;
        description_ = std::move(other.description_);
    }
    return *this;
}

UploadSource::~UploadSource() {
    if (fd_ >= 0) ::close(fd_);
}

std::string UploadSource::read(uint64_t offset, size_t length, Error &error) const {
    if (offset >= size_) return {};
    length = static_cast<size_t>(std::min<uint64_t>(length, size_ - offset));
    if (bytes_) return bytes_->substr(static_cast<size_t>(offset), length);
    std::string block(length, '\0');
    size_t got = 0;
    while (got < length) {
        ssize_t n = ::pread(fd_, block.data() + got, length - got, static_cast<off_t>(offset + got));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = file_system_error("cannot read local file", description_, errno);
            return {};
        }
        if (n == 0) {
            error = Error(OTTO_EFILE, "local file " + description_ + " shrank while being sent");
            return {};
        }
        got += static_cast<size_t>(n);
    }
    return block;
}

// --- DownloadSink --------------------------------------------------------

DownloadSink DownloadSink::open(const DownloadSpec &spec, Error &error) {
    DownloadSink sink;
    sink.mode_ = spec.mode;
    if (spec.local_path.empty()) {
        sink.to_memory_ = true;
        return sink;
    }
    sink.final_path_ = spec.local_path;
    sink.temp_path_ = temporary_sibling(spec.local_path);
    sink.fd_ = ::open(sink.temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (sink.fd_ < 0) {
        error = file_system_error("cannot create local file", sink.final_path_, errno);
        sink.temp_path_.clear();
    }
    return sink;
}

DownloadSink::DownloadSink(DownloadSink &&other) noexcept
    : to_memory_(other.to_memory_), memory_(std::move(other.memory_)), fd_(std::exchange(other.fd_, -1)),
      temp_path_(std::exchange(other.temp_path_, {})), final_path_(std::move(other.final_path_)), mode_(other.mode_) {}

DownloadSink &DownloadSink::operator=(DownloadSink &&other) noexcept {
    if (this != &other) {
        abort();
        to_memory_ = other.to_memory_;
        memory_ = std::move(other.memory_);
        fd_ = std::exchange(other.fd_, -1);
        temp_path_ = std::exchange(other.temp_path_, {});
        final_path_ = std::move(other.final_path_);
        mode_ = other.mode_;
    }
    return *this;
}

DownloadSink::~DownloadSink() { abort(); }

Error DownloadSink::write(uint64_t offset, std::string_view data) {
    if (to_memory_) {
        if (memory_.size() < offset + data.size()) memory_.resize(static_cast<size_t>(offset + data.size()));
        memory_.replace(static_cast<size_t>(offset), data.size(), data);
        return {};
    }
    size_t put = 0;
    while (put < data.size()) {
        ssize_t n = ::pwrite(fd_, data.data() + put, data.size() - put, static_cast<off_t>(offset + put));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return file_system_error("cannot write local file", temp_path_, errno);
        put += static_cast<size_t>(n);
    }
    return {};
}

Error DownloadSink::commit(uint32_t remote_mode, std::string &content) {
    if (to_memory_) {
        content = std::move(memory_);
        return {};
    }
    uint32_t mode = mode_.value_or(remote_mode & 07777);
    if (fchmod(fd_, mode) != 0) return file_system_error("cannot set the mode of local file", temp_path_, errno);
    if (::close(std::exchange(fd_, -1)) != 0) return file_system_error("cannot write local file", temp_path_, errno);
    if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
        return file_system_error("cannot rename local file into place:", final_path_, errno);
    }
    temp_path_.clear();
    return {};
}

void DownloadSink::abort() {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
    if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
    temp_path_.clear();
}

}  // namespace otto
