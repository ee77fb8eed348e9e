#include "transport/ssh/known_hosts.hpp"

#include <fcntl.h>
#include <libssh/libssh.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

#include "util/base64.hpp"

namespace otto {

namespace {

using KeyPtr = std::unique_ptr<ssh_key_struct, decltype(&ssh_key_free)>;

KeyPtr parse_key(const std::string &type, const std::string &base64) {
    ssh_key key = nullptr;
    enum ssh_keytypes_e kind = ssh_key_type_from_name(type.c_str());
    if (kind == SSH_KEYTYPE_UNKNOWN || ssh_pki_import_pubkey_base64(base64.c_str(), kind, &key) != SSH_OK)
        key = nullptr;
    return KeyPtr(key, &ssh_key_free);
}

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char &c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// OpenSSH's host patterns: '*' any run of characters, '?' any one.
bool wildcard_match(std::string_view pattern, std::string_view text) {
    size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

std::optional<std::string> decode_base64(std::string_view text) {
    Base64Decoder decoder;
    std::string out;
    if (!decoder.feed(text, out) || !decoder.complete()) return std::nullopt;
    return out;
}

// "|1|salt|hash": HMAC-SHA1 of the name keyed with the salt. Nothing when
// the field is not a well-formed hash, which nobody can attribute to a host.
std::optional<bool> hashed_name_matches(std::string_view field, const std::string &name) {
    constexpr std::string_view kMagic = "|1|";
    if (field.substr(0, kMagic.size()) != kMagic) return std::nullopt;
    std::string_view rest = field.substr(kMagic.size());
    size_t bar = rest.find('|');
    if (bar == std::string_view::npos) return std::nullopt;
    auto salt = decode_base64(rest.substr(0, bar));
    auto hash = decode_base64(rest.substr(bar + 1));
    if (!salt || !hash || salt->empty()) return std::nullopt;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (HMAC(EVP_sha1(), salt->data(), static_cast<int>(salt->size()),
             reinterpret_cast<const unsigned char *>(name.data()), name.size(), digest, &length) == nullptr)
        return std::nullopt;
    return hash->size() == length && std::memcmp(hash->data(), digest, length) == 0;
}

// Whether the host field of an entry names the host: a negated pattern
// that matches excludes it whatever else matches.
bool names_host(std::string_view field, const std::string &name) {
    if (!field.empty() && field.front() == '|') return hashed_name_matches(field, name).value_or(false);
    const std::string host = lowercase(name);
    bool matched = false;
    while (!field.empty()) {
        size_t comma = field.find(',');
        std::string_view pattern = field.substr(0, comma);
        field = comma == std::string_view::npos ? std::string_view() : field.substr(comma + 1);
        bool negated = !pattern.empty() && pattern.front() == '!';
        if (negated) pattern.remove_prefix(1);
        if (pattern.empty() || !wildcard_match(lowercase(pattern), host)) continue;
        if (negated) return false;
        matched = true;
    }
    return matched;
}

// The whitespace-separated fields of a line, comments included in the last.
std::vector<std::string_view> split_fields(std::string_view line, size_t wanted) {
    std::vector<std::string_view> fields;
    size_t at = 0;
    while (fields.size() < wanted) {
        at = line.find_first_not_of(" \t", at);
        if (at == std::string_view::npos) break;
        size_t end = line.find_first_of(" \t", at);
        fields.push_back(line.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
        if (end == std::string_view::npos) break;
        at = end;
    }
    return fields;
}

// Gathers the entries for one host over one or more files.
class HostKeyLookup {
public:
    HostKeyLookup(const std::string &name, const PublicKeyText &key)
        : name_(name), key_(parse_key(key.type, key.base64)) {}

    void read_line(std::string_view line, const std::string &file, size_t number) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        size_t start = line.find_first_not_of(" \t");
        if (start == std::string_view::npos || line[start] == '#') return;
        line.remove_prefix(start);
        std::string_view marker;
        if (line.front() == '@') {
            auto fields = split_fields(line, 1);
            marker = fields[0];
            line.remove_prefix(marker.size());
        }
        auto fields = split_fields(line, 3);
        if (fields.empty() || !names_host(fields[0], name_)) return;
        // From here on the entry is about this host: it must make sense.
        if (marker == "@cert-authority") return;  // signs certificates; otto checks plain keys only
        if (!marker.empty() && marker != "@revoked") {
            unreadable(file, number, "an unknown marker " + std::string(marker));
            return;
        }
        if (fields.size() < 3) {
            unreadable(file, number, "the entry has no key: the line is cut short");
            return;
        }
        std::string type(fields[1]);
        if (ssh_key_type_from_name(type.c_str()) == SSH_KEYTYPE_UNKNOWN) {
            unreadable(file, number, "an unknown key type \"" + type + "\"");
            return;
        }
        KeyPtr listed = parse_key(type, std::string(fields[2]));
        if (!listed) {
            unreadable(file, number, "the " + type + " key is not valid base64 key data");
            return;
        }
        bool same = key_ && ssh_key_cmp(listed.get(), key_.get(), SSH_KEY_CMP_PUBLIC) == 0;
        if (marker == "@revoked") {
            if (same && !revoked_) revoked_ = at(KnownHostsVerdict::Kind::Revoked, file, number);
            return;
        }
        if (same) {
            if (!known_) known_ = at(KnownHostsVerdict::Kind::Known, file, number);
        } else if (!changed_) {
            changed_ = at(KnownHostsVerdict::Kind::Changed, file, number);
            changed_->detail = type;
        }
    }

    void cannot_read(const std::string &file, const std::string &why) {
        if (!unreadable_) unreadable_ = at(KnownHostsVerdict::Kind::Unreadable, file, 0, why);
    }

    // Fail closed: anything unreadable decides, then a revocation.
    KnownHostsVerdict verdict() const {
        if (unreadable_) return *unreadable_;
        if (!key_) return at(KnownHostsVerdict::Kind::Unreadable, "", 0, "the server's key cannot be parsed");
        for (const auto *decided : {&revoked_, &known_, &changed_})
            if (*decided) return **decided;
        return {};
    }

private:
    static KnownHostsVerdict at(KnownHostsVerdict::Kind kind, const std::string &file, size_t line,
                                std::string detail = {}) {
        KnownHostsVerdict v;
        v.kind = kind;
        v.file = file;
        v.line = line;
        v.detail = std::move(detail);
        return v;
    }
    void unreadable(const std::string &file, size_t number, std::string why) {
        if (!unreadable_) unreadable_ = at(KnownHostsVerdict::Kind::Unreadable, file, number, std::move(why));
    }

    const std::string &name_;
    KeyPtr key_;
    std::optional<KnownHostsVerdict> unreadable_, revoked_, known_, changed_;
};

struct FileCloser {
    void operator()(FILE *f) const { std::fclose(f); }
};

// Reads `file` line by line into `lookup`, whatever its size. A missing file
// is fine: it knows nothing.
void read_file_into(HostKeyLookup &lookup, const std::string &file) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT) lookup.cannot_read(file, std::strerror(errno));
        return;
    }
    std::unique_ptr<FILE, FileCloser> stream(fdopen(fd, "r"));
    if (!stream) {
        lookup.cannot_read(file, std::strerror(errno));
        ::close(fd);
        return;
    }
    char *buffer = nullptr;
    size_t capacity = 0;
    size_t number = 0;
    ssize_t length;
    while ((length = getline(&buffer, &capacity, stream.get())) >= 0) {
        std::string_view line(buffer, static_cast<size_t>(length));
        if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
        lookup.read_line(line, file, ++number);
    }
    int read_error = std::ferror(stream.get()) ? errno : 0;
    std::free(buffer);
    if (read_error != 0) lookup.cannot_read(file, std::strerror(read_error));
}

// Writes all of `text` at the end of the file open as `fd`.
bool append_all(int fd, std::string_view text) {
    while (!text.empty()) {
        ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        text.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0) ::close(fd_);  // also releases a lock taken on it
    }
    FileDescriptor(const FileDescriptor &) = delete;
    FileDescriptor &operator=(const FileDescriptor &) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

}  // namespace

std::string KnownHostsVerdict::location() const { return line > 0 ? file + " line " + std::to_string(line) : file; }

std::string known_hosts_name(const std::string &address, int port) {
    if (port <= 0) port = 22;
    return port == 22 ? address : "[" + address + "]:" + std::to_string(port);
}

KnownHostsVerdict look_up_host_key(const std::vector<std::string> &files, const std::string &name,
                                   const PublicKeyText &key) {
    HostKeyLookup lookup(name, key);
    for (const auto &file : files) read_file_into(lookup, file);
    return lookup.verdict();
}

KnownHostsVerdict look_up_host_key_in(std::string_view text, const std::string &file, const std::string &name,
                                      const PublicKeyText &key) {
    HostKeyLookup lookup(name, key);
    size_t number = 0;
    while (!text.empty()) {
        size_t newline = text.find('\n');
        lookup.read_line(text.substr(0, newline), file, ++number);
        text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    }
    return lookup.verdict();
}

RecordOutcome record_host_key(const std::vector<std::string> &files, const std::string &name,
                              const PublicKeyText &key) {
    RecordOutcome outcome;
    const std::string &file = files.front();
    std::error_code ignored;
    std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ignored);
    FileDescriptor fd(::open(file.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
    if (fd.get() < 0) {
        outcome.detail = std::string("cannot open it: ") + std::strerror(errno);
        return outcome;
    }
    while (flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR) continue;
        if (errno == EWOULDBLOCK) {
            outcome.kind = RecordOutcome::Kind::Busy;
            return outcome;
        }
        outcome.detail = std::string("cannot lock it: ") + std::strerror(errno);
        return outcome;
    }
    // Another writer may have been first.
    KnownHostsVerdict now = look_up_host_key(files, name, key);
    if (now.kind == KnownHostsVerdict::Kind::Known) {
        outcome.kind = RecordOutcome::Kind::Recorded;
        return outcome;
    }
    if (now.kind != KnownHostsVerdict::Kind::Unknown) {
        outcome.kind = RecordOutcome::Kind::Refused;
        outcome.verdict = std::move(now);
        return outcome;
    }
    std::string entry = name + " " + key.type + " " + key.base64 + "\n";
    struct stat st {};
    char last = '\n';
    if (fstat(fd.get(), &st) == 0 && st.st_size > 0 && pread(fd.get(), &last, 1, st.st_size - 1) == 1 && last != '\n')
        entry.insert(entry.begin(), '\n');  // the file's last line had no end
    if (!append_all(fd.get(), entry)) {
        outcome.detail = std::string("cannot write it: ") + std::strerror(errno);
        return outcome;
    }
    outcome.kind = RecordOutcome::Kind::Recorded;
    return outcome;
}

}  // namespace otto
