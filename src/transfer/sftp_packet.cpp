#include "transfer/sftp_packet.hpp"

namespace otto::sftp {

namespace {

// Attribute flags (SSH_FILEXFER_ATTR_*).
constexpr uint32_t kAttrSize = 0x01;
constexpr uint32_t kAttrUidGid = 0x02;
constexpr uint32_t kAttrPermissions = 0x04;
constexpr uint32_t kAttrAcModTime = 0x08;
constexpr uint32_t kAttrExtended = 0x80000000u;

// Builds one packet: the length is filled in at the end.
class Writer {
public:
    explicit Writer(Type type) {
        out_.append(4, '\0');
        u8(static_cast<uint8_t>(type));
    }
    Writer &u8(uint8_t v) {
        out_.push_back(static_cast<char>(v));
        return *this;
    }
    Writer &u32(uint32_t v) {
        for (int shift = 24; shift >= 0; shift -= 8) out_.push_back(static_cast<char>((v >> shift) & 0xff));
        return *this;
    }
    Writer &u64(uint64_t v) {
        u32(static_cast<uint32_t>(v >> 32));
        return u32(static_cast<uint32_t>(v & 0xffffffffu));
    }
    Writer &str(std::string_view s) {
        u32(static_cast<uint32_t>(s.size()));
        out_.append(s.data(), s.size());
        return *this;
    }
    Writer &attrs(const Attrs &a) {
        uint32_t flags = (a.size ? kAttrSize : 0u) | (a.uid_gid ? kAttrUidGid : 0u) |
                         (a.permissions ? kAttrPermissions : 0u) | (a.atime_mtime ? kAttrAcModTime : 0u) |
                         (a.extended.empty() ? 0u : kAttrExtended);
        u32(flags);
        if (a.size) u64(*a.size);
        if (a.uid_gid) u32(a.uid_gid->first).u32(a.uid_gid->second);
        if (a.permissions) u32(*a.permissions);
        if (a.atime_mtime) u32(a.atime_mtime->first).u32(a.atime_mtime->second);
        if (!a.extended.empty()) {
            u32(static_cast<uint32_t>(a.extended.size()));
            for (const auto &[type, data] : a.extended) str(type).str(data);
        }
        return *this;
    }
    std::string finish() {
        auto length = static_cast<uint32_t>(out_.size() - 4);
        for (int i = 0; i < 4; ++i) out_[static_cast<size_t>(i)] = static_cast<char>((length >> (24 - 8 * i)) & 0xff);
        return std::move(out_);
    }

private:
    std::string out_;
};

// Reads one packet's body; every read is checked against its end.
class Reader {
public:
    explicit Reader(std::string_view body) : body_(body) {}
    uint8_t u8() { return static_cast<uint8_t>(take(1)[0]); }
    uint32_t u32() {
        std::string_view b = take(4);
        uint32_t v = 0;
        for (char c : b) v = (v << 8) | static_cast<unsigned char>(c);
        return v;
    }
    uint64_t u64() {
        uint64_t high = u32();
        return (high << 32) | u32();
    }
    std::string str() {
        uint32_t length = u32();
        return std::string(take(length));
    }
    Attrs attrs() {
        Attrs a;
        uint32_t flags = u32();
        if (flags & kAttrSize) a.size = u64();
        if (flags & kAttrUidGid) {
            uint32_t uid = u32();
            a.uid_gid = std::make_pair(uid, u32());
        }
        if (flags & kAttrPermissions) a.permissions = u32();
        if (flags & kAttrAcModTime) {
            uint32_t atime = u32();
            a.atime_mtime = std::make_pair(atime, u32());
        }
        if (flags & kAttrExtended) {
            uint32_t count = u32();
            for (uint32_t i = 0; i < count; ++i) {
                std::string type = str();
                a.extended.emplace_back(std::move(type), str());
            }
        }
        return a;
    }
    bool at_end() const { return position_ == body_.size(); }
    void expect_end(const char *what) const {
        if (!at_end())
            throw ProtocolError(std::string(what) + " reply has " + std::to_string(body_.size() - position_) +
                                " bytes too many");
    }

private:
    std::string_view take(size_t n) {
        if (n > body_.size() - position_)
            throw ProtocolError("a reply ends " + std::to_string(n - (body_.size() - position_)) +
                                " bytes short of a field");
        std::string_view out = body_.substr(position_, n);
        position_ += n;
        return out;
    }

    std::string_view body_;
    size_t position_ = 0;
};

}  // namespace

std::string encode_init() { return Writer(Type::Init).u32(kVersion).finish(); }

std::string encode_open(uint32_t id, std::string_view path, uint32_t flags, const Attrs &attrs) {
    return Writer(Type::Open).u32(id).str(path).u32(flags).attrs(attrs).finish();
}

std::string encode_close(uint32_t id, std::string_view handle) { return encode_handle(Type::Close, id, handle); }

std::string encode_read(uint32_t id, std::string_view handle, uint64_t offset, uint32_t length) {
    return Writer(Type::Read).u32(id).str(handle).u64(offset).u32(length).finish();
}

std::string encode_write(uint32_t id, std::string_view handle, uint64_t offset, std::string_view data) {
    return Writer(Type::Write).u32(id).str(handle).u64(offset).str(data).finish();
}

std::string encode_path(Type type, uint32_t id, std::string_view path) {
    return Writer(type).u32(id).str(path).finish();
}

std::string encode_handle(Type type, uint32_t id, std::string_view handle) {
    return Writer(type).u32(id).str(handle).finish();
}

std::string encode_mkdir(uint32_t id, std::string_view path, const Attrs &attrs) {
    return Writer(Type::Mkdir).u32(id).str(path).attrs(attrs).finish();
}

std::string encode_setstat(uint32_t id, std::string_view path, const Attrs &attrs) {
    return Writer(Type::Setstat).u32(id).str(path).attrs(attrs).finish();
}

std::string encode_fsetstat(uint32_t id, std::string_view handle, const Attrs &attrs) {
    return Writer(Type::Fsetstat).u32(id).str(handle).attrs(attrs).finish();
}

std::string encode_rename(uint32_t id, std::string_view from, std::string_view to) {
    return Writer(Type::Rename).u32(id).str(from).str(to).finish();
}

std::string encode_extended(uint32_t id, std::string_view name, const std::vector<std::string_view> &strings) {
    Writer w(Type::Extended);
    w.u32(id).str(name);
    for (auto s : strings) w.str(s);
    return w.finish();
}

std::optional<Packet> PacketReader::next() {
    std::string_view rest(buffer_.data() + consumed_, buffer_.size() - consumed_);
    if (rest.size() < 4) return std::nullopt;
    uint32_t length = 0;
    for (size_t i = 0; i < 4; ++i) length = (length << 8) | static_cast<unsigned char>(rest[i]);
    if (length == 0) throw ProtocolError("the server sent an empty packet");
    if (length > kMaxPacket)
        throw ProtocolError("the server announced a packet of " + std::to_string(length) + " bytes (at most " +
                            std::to_string(kMaxPacket) + " expected)");
    if (rest.size() < 4 + static_cast<size_t>(length)) return std::nullopt;
    Packet packet;
    packet.type = static_cast<Type>(static_cast<unsigned char>(rest[4]));
    packet.body.assign(rest.data() + 5, length - 1);
    consumed_ += 4 + length;
    // Drop consumed bytes once they outweigh what is left, so that the
    // buffer does not grow with the stream.
    if (consumed_ > buffer_.size() / 2) {
        buffer_.erase(0, consumed_);
        consumed_ = 0;
    }
    return packet;
}

VersionReply decode_version(const Packet &packet) {
    if (packet.type != Type::Version)
        throw ProtocolError("expected the server's VERSION, got packet type " +
                            std::to_string(static_cast<int>(packet.type)));
    Reader r(packet.body);
    VersionReply v;
    v.version = r.u32();
    while (!r.at_end()) {
        std::string name = r.str();
        v.extensions.emplace_back(std::move(name), r.str());
    }
    return v;
}

std::pair<uint32_t, Reply> decode_reply(const Packet &packet) {
    Reader r(packet.body);
    uint32_t id = r.u32();
    Reply reply;
    switch (packet.type) {
        case Type::Status: {
            StatusReply s;
            s.code = r.u32();
            // Version 3 servers send a message and a language tag; some old
            // ones end after the code.
            if (!r.at_end()) {
                s.message = r.str();
                if (!r.at_end()) r.str();
            }
            reply = std::move(s);
            break;
        }
        case Type::Handle: reply = HandleReply{r.str()}; break;
        case Type::Data: reply = DataReply{r.str()}; break;
        case Type::Name: {
            NameReply n;
            uint32_t count = r.u32();
            // Each entry takes at least 12 bytes: no count can promise more
            // entries than the packet holds.
            if (count > packet.body.size() / 12)
                throw ProtocolError("a NAME reply announces " + std::to_string(count) + " entries in " +
                                    std::to_string(packet.body.size()) + " bytes");
            for (uint32_t i = 0; i < count; ++i) {
                NameEntry e;
                e.filename = r.str();
                e.longname = r.str();
                e.attrs = r.attrs();
                n.entries.push_back(std::move(e));
            }
            reply = std::move(n);
            break;
        }
        case Type::Attrs: reply = AttrsReply{r.attrs()}; break;
        case Type::ExtendedReply: {
            ExtendedReply e;
            e.data.assign(packet.body, 4, std::string::npos);
            return {id, std::move(e)};
        }
        default:
            throw ProtocolError("packet type " + std::to_string(static_cast<int>(packet.type)) + " is not a reply");
    }
    r.expect_end("a");
    return {id, std::move(reply)};
}

const char *status_text(uint32_t code) {
    switch (code) {
        case kOk: return "ok";
        case kEof: return "end of file";
        case kNoSuchFile: return "no such file";
        case kPermissionDenied: return "permission denied";
        case kFailure: return "failure";
        case kBadMessage: return "bad message";
        case kNoConnection: return "no connection";
        case kConnectionLost: return "connection lost";
        case kOpUnsupported: return "operation unsupported";
        default: return "unknown status";
    }
}

}  // namespace otto::sftp
