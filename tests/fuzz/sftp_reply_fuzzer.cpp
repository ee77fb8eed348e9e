// libFuzzer entry point for the SFTP client's side of the wire
// (transfer/sftp_packet): any bytes from a server are split into packets and
// decoded into replies, or end the stream with a ProtocolError; never a
// crash, a read past a packet, or an allocation a length field asked for
// beyond what the packet holds.
//
// Input: 4 option bytes, the sizes of the reads (otto_fuzz::Reads), then the
// server's bytes. The stream is read whole, in pieces and byte by byte (up
// to kByteByByteLimit); all readings must see the same packets.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fuzz_input.hpp"
#include "transfer/sftp_packet.hpp"

namespace {

namespace sftp = otto::sftp;
using otto_fuzz::require;

constexpr size_t kHeader = 4;
constexpr size_t kByteByByteLimit = 8 * 1024;

// Bytes a decoded value holds in its strings.
size_t held(const sftp::Attrs &a) {
    size_t n = 0;
    for (const auto &[type, data] : a.extended) n += type.size() + data.size();
    return n;
}

// What a decoded reply holds, with the least each part took on the wire:
// a string its 4-byte length, an attribute extension 8 bytes, a name entry
// 12. No reply may hold more than its packet carried.
size_t least_wire_size(const sftp::Reply &reply) {
    struct Visit {
        size_t operator()(const sftp::StatusReply &s) const { return 4 + s.message.size(); }
        size_t operator()(const sftp::HandleReply &h) const { return 4 + h.handle.size(); }
        size_t operator()(const sftp::DataReply &d) const { return 4 + d.data.size(); }
        size_t operator()(const sftp::NameReply &n) const {
            size_t size = 4;
            for (const auto &e : n.entries)
                size += 12 + e.filename.size() + e.longname.size() + held(e.attrs) + 8 * e.attrs.extended.size();
            return size;
        }
        size_t operator()(const sftp::AttrsReply &a) const { return 4 + held(a.attrs) + 8 * a.attrs.extended.size(); }
        size_t operator()(const sftp::ExtendedReply &e) const { return e.data.size(); }
    };
    return std::visit(Visit{}, reply);
}

// One packet decoded both ways the client may: as the server's VERSION and
// as a reply to a request.
std::string decode(const sftp::Packet &packet) {
    std::string outcome;
    try {
        sftp::VersionReply version = sftp::decode_version(packet);
        size_t size = 4;
        for (const auto &[name, data] : version.extensions) size += 8 + name.size() + data.size();
        require(size == packet.body.size());  // VERSION is read to its end
        outcome += "version " + std::to_string(version.version);
    } catch (const sftp::ProtocolError &e) {
        require(*e.what() != '\0');
        outcome += "not a version";
    }
    try {
        auto [id, reply] = sftp::decode_reply(packet);
        require(least_wire_size(reply) <= packet.body.size());
        outcome += "; reply " + std::to_string(id) + " of kind " + std::to_string(reply.index());
    } catch (const sftp::ProtocolError &e) {
        require(*e.what() != '\0');
        outcome += "; not a reply";
    }
    return outcome;
}

struct Outcome {
    std::vector<std::string> packets;   // each packet's type, body and decoding
    std::optional<std::string> broken;  // the stream's ProtocolError
    size_t left = 0;                    // bytes waiting for the rest of a packet

    bool operator==(const Outcome &) const = default;
};

Outcome read(std::string_view stream, otto_fuzz::Reads reads) {
    sftp::PacketReader reader;
    Outcome out;
    reads.feed(stream, [&](std::string_view piece) {
        if (out.broken) return;  // the client gives a broken stream up
        reader.feed(piece);
        try {
            while (auto packet = reader.next()) {
                require(packet->body.size() < sftp::kMaxPacket);
                std::string seen(1, static_cast<char>(packet->type));
                seen += packet->body;
                seen += decode(*packet);
                out.packets.push_back(std::move(seen));
            }
        } catch (const sftp::ProtocolError &e) {
            out.broken = e.what();
            return;
        }
        // What waits is one incomplete packet at most, never more than the
        // largest packet accepted.
        require(reader.buffered() < 4 + sftp::kMaxPacket);
    });
    if (!out.broken) out.left = reader.buffered();
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    otto_fuzz::FuzzInput input(data, size, kHeader);
    std::string_view stream = input.stream();
    uint32_t pattern = otto_fuzz::read_pattern(input, 0);
    Outcome whole = read(stream, otto_fuzz::Reads(otto_fuzz::Reads::Mode::Whole, pattern));
    Outcome pieces = read(stream, otto_fuzz::Reads(otto_fuzz::Reads::Mode::Pieces, pattern));
    require(pieces == whole);
    if (stream.size() <= kByteByByteLimit) {
        Outcome bytes = read(stream, otto_fuzz::Reads(otto_fuzz::Reads::Mode::Bytes, pattern));
        require(bytes == whole);
    }
    return 0;
}
