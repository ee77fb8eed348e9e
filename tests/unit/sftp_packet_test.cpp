// The SFTP v3 wire format: requests byte for byte, the server's stream split
// whatever its chunking, replies decoded, and broken input refused.
#include "transfer/sftp_packet.hpp"

#include <gtest/gtest.h>

#include <random>

namespace otto::sftp {
namespace {

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) out.push_back(static_cast<char>(v));
    return out;
}

std::string u32(uint32_t v) {
    return bytes({static_cast<int>(v >> 24), static_cast<int>((v >> 16) & 0xff), static_cast<int>((v >> 8) & 0xff),
                  static_cast<int>(v & 0xff)});
}

std::string str(std::string_view s) { return u32(static_cast<uint32_t>(s.size())) + std::string(s); }

// A server packet: length, type, body.
std::string packet(Type type, const std::string &body) {
    return u32(static_cast<uint32_t>(body.size() + 1)) + static_cast<char>(type) + body;
}

Packet parsed(Type type, const std::string &body) { return Packet{type, body}; }

TEST(SftpPacket, RequestsAreEncodedByteForByte) {
    EXPECT_EQ(encode_init(), bytes({0, 0, 0, 5, 1, 0, 0, 0, 3}));
    Attrs mode;
    mode.permissions = 0640;
    EXPECT_EQ(encode_open(7, "/tmp/f", kOpenWrite | kOpenCreate | kOpenTruncate, mode),
              u32(1 + 4 + 10 + 4 + 4 + 4) + bytes({3}) + u32(7) + str("/tmp/f") + u32(0x1a) + u32(0x04) + u32(0640));
    EXPECT_EQ(encode_read(9, "h1", 0x100000002ull, 32768),
              u32(1 + 4 + 6 + 8 + 4) + bytes({5}) + u32(9) + str("h1") + u32(1) + u32(2) + u32(32768));
    EXPECT_EQ(encode_write(10, "h1", 5, std::string("a\0b", 3)), u32(1 + 4 + 6 + 8 + 7) + bytes({6}) + u32(10) +
                                                                     str("h1") + u32(0) + u32(5) +
                                                                     str(std::string("a\0b", 3)));
    EXPECT_EQ(encode_path(Type::Realpath, 3, "."), u32(1 + 4 + 5) + bytes({16}) + u32(3) + str("."));
    EXPECT_EQ(encode_rename(4, "a", "b"), u32(1 + 4 + 5 + 5) + bytes({18}) + u32(4) + str("a") + str("b"));
    EXPECT_EQ(encode_extended(5, "posix-rename@openssh.com", {"a", "b"}),
              u32(1 + 4 + 28 + 5 + 5) + bytes({200}) + u32(5) + str("posix-rename@openssh.com") + str("a") + str("b"));
    Attrs all;
    all.size = 1;
    all.uid_gid = {2, 3};
    all.permissions = 4;
    all.atime_mtime = {5, 6};
    all.extended = {{"k", "v"}};
    EXPECT_EQ(encode_setstat(6, "p", all), u32(1 + 4 + 5 + 4 + 8 + 8 + 4 + 8 + 4 + 10) + bytes({9}) + u32(6) +
                                               str("p") + u32(0x8000000f) + u32(0) + u32(1) + u32(2) + u32(3) + u32(4) +
                                               u32(5) + u32(6) + u32(1) + str("k") + str("v"));
}

TEST(SftpPacket, TheStreamIsSplitWhateverItsChunking) {
    std::string stream = packet(Type::Version, u32(3)) + packet(Type::Status, u32(1) + u32(0) + str("") + str(""));
    // Byte by byte ...
    PacketReader slow;
    std::vector<Packet> seen;
    for (char c : stream) {
        slow.feed(std::string_view(&c, 1));
        while (auto p = slow.next()) seen.push_back(*p);
    }
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].type, Type::Version);
    EXPECT_EQ(seen[1].type, Type::Status);
    EXPECT_EQ(slow.buffered(), 0u);
    // ... and all at once.
    PacketReader fast;
    fast.feed(stream);
    EXPECT_TRUE(fast.next());
    EXPECT_TRUE(fast.next());
    EXPECT_FALSE(fast.next());
}

TEST(SftpPacket, EmptyAndOversizedPacketsAreRefused) {
    PacketReader empty;
    empty.feed(u32(0));
    EXPECT_THROW(empty.next(), ProtocolError);
    PacketReader huge;
    huge.feed(u32(kMaxPacket + 1) + "x");
    EXPECT_THROW(huge.next(), ProtocolError);
}

TEST(SftpPacket, TheVersionAndItsExtensions) {
    auto v = decode_version(parsed(Type::Version, u32(3) + str("posix-rename@openssh.com") + str("1")));
    EXPECT_EQ(v.version, 3u);
    ASSERT_EQ(v.extensions.size(), 1u);
    EXPECT_EQ(v.extensions[0].first, "posix-rename@openssh.com");
    EXPECT_THROW(decode_version(parsed(Type::Status, u32(3))), ProtocolError);
}

TEST(SftpPacket, RepliesAreDecoded) {
    auto [id, status] = decode_reply(parsed(Type::Status, u32(9) + u32(kNoSuchFile) + str("No such file") + str("")));
    EXPECT_EQ(id, 9u);
    EXPECT_EQ(std::get<StatusReply>(status).code, kNoSuchFile);
    EXPECT_EQ(std::get<StatusReply>(status).message, "No such file");
    // A status of an old server: the code alone.
    EXPECT_EQ(std::get<StatusReply>(decode_reply(parsed(Type::Status, u32(1) + u32(kEof))).second).code, kEof);

    EXPECT_EQ(std::get<HandleReply>(decode_reply(parsed(Type::Handle, u32(2) + str("H"))).second).handle, "H");
    std::string binary("\0\xff\n", 3);
    EXPECT_EQ(std::get<DataReply>(decode_reply(parsed(Type::Data, u32(3) + str(binary))).second).data, binary);

    std::string attrs = u32(0x0d) + u32(0) + u32(1234) + u32(0100644) + u32(10) + u32(20);
    auto [aid, a] = decode_reply(parsed(Type::Attrs, u32(4) + attrs));
    EXPECT_EQ(aid, 4u);
    const Attrs &got = std::get<AttrsReply>(a).attrs;
    EXPECT_EQ(got.size, 1234u);
    EXPECT_FALSE(got.uid_gid);
    EXPECT_EQ(got.permissions, 0100644u);
    EXPECT_EQ(got.atime_mtime, (std::pair<uint32_t, uint32_t>{10, 20}));

    auto [nid, n] = decode_reply(
        parsed(Type::Name, u32(5) + u32(2) + str("a") + str("-rw a") + attrs + str("b") + str("drwx b") + u32(0)));
    EXPECT_EQ(nid, 5u);
    const auto &entries = std::get<NameReply>(n).entries;
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].filename, "a");
    EXPECT_EQ(entries[0].attrs.size, 1234u);
    EXPECT_EQ(entries[1].longname, "drwx b");
    EXPECT_EQ(entries[1].attrs, Attrs{});

    EXPECT_EQ(std::get<ExtendedReply>(decode_reply(parsed(Type::ExtendedReply, u32(6) + "raw")).second).data, "raw");
}

TEST(SftpPacket, BrokenRepliesAreProtocolErrors) {
    EXPECT_THROW(decode_reply(parsed(Type::Handle, u32(1) + u32(10) + "short")), ProtocolError);
    EXPECT_THROW(decode_reply(parsed(Type::Handle, u32(1) + str("h") + "tail")), ProtocolError);
    EXPECT_THROW(decode_reply(parsed(Type::Status, bytes({0, 0}))), ProtocolError);
    EXPECT_THROW(decode_reply(parsed(Type::Name, u32(1) + u32(0xffffffff))), ProtocolError);
    EXPECT_THROW(decode_reply(parsed(Type::Open, u32(1) + str("x"))), ProtocolError);  // a request, not a reply
    EXPECT_THROW(decode_reply(parsed(Type::Attrs, u32(1) + u32(0x80000000) + u32(3))), ProtocolError);
}

TEST(SftpPacket, RandomBytesNeverCrashTheDecoder) {
    std::mt19937 random(4711);
    for (int round = 0; round < 20000; ++round) {
        std::string body(random() % 64, '\0');
        for (auto &c : body) c = static_cast<char>(random() % 4 == 0 ? 0xff : random() % 8);
        Type type = static_cast<Type>(random() % 2 == 0 ? 101 + random() % 5 : random() % 256);
        try {
            decode_reply(parsed(type, body));
        } catch (const ProtocolError &) {
        }
        PacketReader reader;
        reader.feed(u32(static_cast<uint32_t>(body.size())) + body);
        try {
            while (reader.next()) {
            }
        } catch (const ProtocolError &) {
        }
    }
}

}  // namespace
}  // namespace otto::sftp
