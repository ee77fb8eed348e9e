// The SFTP version 3 wire format (draft-ietf-secsh-filexfer-02, the version
// OpenSSH speaks): requests encoded for the channel, and the server's byte
// stream split into packets and decoded into replies. Pure code: no I/O.
// Hostile or broken input is a ProtocolError, never a crash or a read past
// the packet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace otto::sftp {

inline constexpr uint32_t kVersion = 3;
// The largest packet accepted from a server: OpenSSH sends at most 256 KiB
// of data per reply; anything far beyond that is a broken stream.
inline constexpr uint32_t kMaxPacket = 1u << 20;

enum class Type : uint8_t {
    Init = 1,
    Version = 2,
    Open = 3,
    Close = 4,
    Read = 5,
    Write = 6,
    Lstat = 7,
    Fstat = 8,
    Setstat = 9,
    Fsetstat = 10,
    Opendir = 11,
    Readdir = 12,
    Remove = 13,
    Mkdir = 14,
    Rmdir = 15,
    Realpath = 16,
    Stat = 17,
    Rename = 18,
    Readlink = 19,
    Symlink = 20,
    Status = 101,
    Handle = 102,
    Data = 103,
    Name = 104,
    Attrs = 105,
    Extended = 200,
    ExtendedReply = 201,
};

// Open flags (SSH_FXF_*).
enum OpenFlag : uint32_t {
    kOpenRead = 0x01,
    kOpenWrite = 0x02,
    kOpenAppend = 0x04,
    kOpenCreate = 0x08,
    kOpenTruncate = 0x10,
    kOpenExclusive = 0x20,
};

// Status codes (SSH_FX_*).
enum StatusCode : uint32_t {
    kOk = 0,
    kEof = 1,
    kNoSuchFile = 2,
    kPermissionDenied = 3,
    kFailure = 4,
    kBadMessage = 5,
    kNoConnection = 6,
    kConnectionLost = 7,
    kOpUnsupported = 8,
};

class ProtocolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// File attributes; each field present only when the packet carries it.
struct Attrs {
    std::optional<uint64_t> size;
    std::optional<std::pair<uint32_t, uint32_t>> uid_gid;
    std::optional<uint32_t> permissions;  // includes the file type bits (S_IFMT)
    std::optional<std::pair<uint32_t, uint32_t>> atime_mtime;
    std::vector<std::pair<std::string, std::string>> extended;

    bool operator==(const Attrs &) const = default;
};

// --- requests ------------------------------------------------------------

std::string encode_init();
std::string encode_open(uint32_t id, std::string_view path, uint32_t flags, const Attrs &attrs);
std::string encode_close(uint32_t id, std::string_view handle);
std::string encode_read(uint32_t id, std::string_view handle, uint64_t offset, uint32_t length);
std::string encode_write(uint32_t id, std::string_view handle, uint64_t offset, std::string_view data);
// Lstat, Stat, Opendir, Remove, Rmdir, Realpath, Readlink: one path.
std::string encode_path(Type type, uint32_t id, std::string_view path);
// Fstat, Readdir: one handle.
std::string encode_handle(Type type, uint32_t id, std::string_view handle);
std::string encode_mkdir(uint32_t id, std::string_view path, const Attrs &attrs);
std::string encode_setstat(uint32_t id, std::string_view path, const Attrs &attrs);
std::string encode_fsetstat(uint32_t id, std::string_view handle, const Attrs &attrs);
std::string encode_rename(uint32_t id, std::string_view from, std::string_view to);
// An extension request ("posix-rename@openssh.com" takes two paths).
std::string encode_extended(uint32_t id, std::string_view name, const std::vector<std::string_view> &strings);

// --- the server's stream -------------------------------------------------

struct Packet {
    Type type{};
    std::string body;  // after the type byte
};

// Splits the byte stream into packets, whatever the chunking of its reads.
class PacketReader {
public:
    void feed(std::string_view bytes) { buffer_.append(bytes.data(), bytes.size()); }
    // The next whole packet; nothing while one is incomplete. Throws
    // ProtocolError for an empty or oversized packet.
    std::optional<Packet> next();
    size_t buffered() const { return buffer_.size() - consumed_; }

private:
    std::string buffer_;
    size_t consumed_ = 0;
};

// --- replies -------------------------------------------------------------

struct VersionReply {
    uint32_t version = 0;
    std::vector<std::pair<std::string, std::string>> extensions;
};
struct StatusReply {
    uint32_t code = kOk;
    std::string message;
};
struct HandleReply {
    std::string handle;
};
struct DataReply {
    std::string data;
};
struct NameEntry {
    std::string filename;
    std::string longname;
    Attrs attrs;
};
struct NameReply {
    std::vector<NameEntry> entries;
};
struct AttrsReply {
    Attrs attrs;
};
struct ExtendedReply {
    std::string data;
};

using Reply = std::variant<StatusReply, HandleReply, DataReply, NameReply, AttrsReply, ExtendedReply>;

VersionReply decode_version(const Packet &packet);
// A reply to a request: its id and its content. Throws ProtocolError for a
// packet that is not a reply or does not parse to its end.
std::pair<uint32_t, Reply> decode_reply(const Packet &packet);

// "no such file", "permission denied", ...: for messages.
const char *status_text(uint32_t code);

}  // namespace otto::sftp
