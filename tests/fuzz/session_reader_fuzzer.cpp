// libFuzzer entry point for the session's output reader (SESSION-PROTOCOL
// §5, §6, §7): any bytes a shell sends after a frame, forged markers, CSI
// sequences and CR-only streams included, must give a result that holds
// together, whatever the reads the bytes arrive in.
//
// Input: 8 option bytes, then the shell's bytes.
//   [0] bits 0-1: the expects armed (none, split-proof, greedy, both)
//       bits 2-4: the retention limit (kRetainLimits)
//       bit 5:    the command times out after a share of the bytes ([3]);
//                 the reader then drains until the RECOVER reply
//   [1], [2] long output: the bytes before a point [2] 256ths of the way
//       are sent 1 + [1] % 64 times over, then the rest once
//   [3] where the timeout falls, in 256ths of the bytes
//   [4..7] the sizes of the reads (otto_fuzz::Reads)
// The bytes are read whole, byte by byte (up to kByteByByteLimit) and in
// pieces; each reading must hold the invariants, and all must agree.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_input.hpp"
#include "otto.h"
#include "session/command_reader.hpp"
#include "session/line_buffer.hpp"
#include "session/markers.hpp"
#include "session/pattern.hpp"

namespace {

using otto_fuzz::require;

// The token, nonces and RECOVER kind the seeds were written with: a capture
// from a real shell has its own replaced by these (tests/fuzz_corpus).
const otto::Token &token() {
    static const otto::Token t("0123456789ab");
    return t;
}
const otto::FrameMarkers &markers() {
    static const otto::FrameMarkers m(token(), "b0b0b0b0b0b0", "e0e0e0e0e0e0");
    return m;
}
constexpr std::string_view kRecoverKind = "RECOVER_c0c0c0c0c0c0__";

constexpr uint64_t kRetainLimits[8] = {otto::CommandReader::kDefaultRetainLimit, 0, 1, 5, 16, 100, 1000, 65536};
constexpr size_t kHeader = 8;
constexpr size_t kByteByByteLimit = 8 * 1024;

std::vector<otto::Expect> make_expects(std::initializer_list<const char *> patterns, uint32_t flags = 0) {
    std::vector<otto::Expect> expects;
    for (const char *p : patterns) expects.push_back({otto::Pattern::compile(p, flags), p, flags});
    return expects;
}

// Patterns whose matches do not depend on where reads end: fixed length,
// no `$` (which matches at the end of whatever has arrived).
const std::vector<otto::Expect> &split_proof_expects() {
    static const auto expects = make_expects({"Password:", "\\[y/n\\]", "(?<=x)yz", "_O", "\\x1b\\[", "\\r"});
    return expects;
}
// Patterns as people write them: greedy, anchored, caseless.
const std::vector<otto::Expect> &greedy_expects() {
    static const auto expects = [] {
        auto e = make_expects({":\\s*$", "a+b*", "^#+ ?", "\\d{2,}", "(a|ab)(c|bcd)(d*)", "(x+x+)+y"});
        auto caseless = make_expects({"login"}, OTTO_EXPECT_CASELESS);
        e.insert(e.end(), caseless.begin(), caseless.end());
        return e;
    }();
    return expects;
}
const std::vector<otto::Expect> &all_expects() {
    static const auto expects = [] {
        auto e = split_proof_expects();
        e.insert(e.end(), greedy_expects().begin(), greedy_expects().end());
        return e;
    }();
    return expects;
}

struct Collector final : otto::CommandReader::Sink {
    std::vector<std::string> lines;
    std::vector<std::string> responses;
    void on_output_line(std::string_view line) override { lines.emplace_back(line); }
    void on_expect_matched(const otto::Expect &e) override { responses.push_back(e.response); }
};

struct Outcome {
    bool done = false;
    std::optional<int> recovered;
    bool rejected = false;
    int code = -1;
    std::string output;
    std::vector<std::string> lines;
    std::vector<std::string> responses;
    std::string left;  // what stays for whoever reads next

    bool operator==(const Outcome &) const = default;
};

struct Options {
    const std::vector<otto::Expect> *expects = nullptr;
    uint64_t retain_limit = 0;
    std::optional<size_t> timeout_at;  // bytes read before the command times out
};

Outcome read(std::string_view stream, const Options &options, otto_fuzz::Reads reads) {
    otto::CommandReader reader(token(), markers(), options.expects, options.retain_limit);
    otto::LineBuffer buffer;
    Collector sink;
    Outcome out;
    size_t before_timeout = options.timeout_at.value_or(stream.size());
    size_t fed = 0;
    reads.feed(stream.substr(0, before_timeout), [&](std::string_view piece) {
        if (out.done) return;
        buffer.append(piece.data(), piece.size());
        fed += piece.size();
        out.done = reader.feed(buffer, sink);
    });
    if (!out.done && options.timeout_at) {
        reads.feed(stream.substr(before_timeout), [&](std::string_view piece) {
            if (out.recovered) return;
            buffer.append(piece.data(), piece.size());
            fed += piece.size();
            out.recovered = reader.feed_until_recovered(buffer, kRecoverKind);
        });
    }
    out.rejected = reader.rejected();
    out.code = reader.exit_code();
    out.output = reader.output();
    require(reader.take_output() == out.output);
    out.lines = std::move(sink.lines);
    out.responses = std::move(sink.responses);
    out.left = std::string(buffer.view()) + std::string(stream.substr(fed));
    return out;
}

std::string join(const std::vector<std::string> &lines) {
    std::string joined;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (i > 0) joined.push_back('\n');
        joined += lines[i];
    }
    return joined;
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// A truncated output (§5.10): the head that was kept and how many bytes
// the notice after it says were dropped.
struct Truncated {
    std::string head;
    uint64_t dropped = 0;
};

std::optional<uint64_t> number_at(std::string_view text, size_t &pos) {
    size_t start = pos;
    uint64_t value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 19)
        value = value * 10 + static_cast<uint64_t>(text[pos++] - '0');
    if (pos == start) return std::nullopt;
    return value;
}

std::optional<Truncated> truncated(std::string_view output) {
    constexpr std::string_view kNotice = "[otto: output truncated: kept ";
    size_t at = output.rfind(kNotice);
    if (at == std::string_view::npos || (at > 0 && output[at - 1] != '\n')) return std::nullopt;
    size_t pos = at + kNotice.size();
    auto kept = number_at(output, pos);
    if (!kept || *kept != (at == 0 ? 0 : at - 1) || output.substr(pos, 8) != " bytes, ") return std::nullopt;
    pos += 8;
    auto dropped = number_at(output, pos);
    if (!dropped || output.substr(pos) != " more were streamed but not kept]") return std::nullopt;
    return Truncated{std::string(output.substr(0, *kept)), *dropped};
}

// §5.4, §5.5, §5.7, §5.10, §5.11 on one reading.
void check(const Outcome &o, const Options &options) {
    const std::string &t = token().text();
    require(o.output.find(t) == std::string::npos);
    require(o.output.find('\r') == std::string::npos);
    for (const std::string &line : o.lines) {
        require(line.find(t) == std::string::npos);
        require(line.find_first_of("\r\n") == std::string::npos);
    }
    require(!o.done || o.code >= 0);
    require(!o.recovered || *o.recovered >= 0);
    require(o.responses.empty() || options.expects != nullptr);

    if (o.rejected) {
        // The shell's message: only what came before BEGIN, which is never
        // streamed, and bounded however much of it there was.
        require(o.done && o.lines.empty());
        require(o.output.size() <= otto::CommandReader::kRejectedMessageKeep);
        return;
    }
    const uint64_t limit = options.retain_limit;
    std::string joined = join(o.lines);
    auto cut = truncated(o.output);
    if (options.timeout_at && !o.done) {
        // A drain after a timeout keeps what the command still prints
        // without streaming it: the streamed lines and the kept output start
        // alike, and the kept part stays within the limit.
        std::string kept = cut ? cut->head : o.output;
        require(kept.size() <= limit);
        require(starts_with(kept, joined) || starts_with(joined, kept));
        return;
    }
    // Streamed lines joined are the output (§5.7), up to the limit (§5.10).
    if (joined.size() <= limit) {
        require(o.output == joined);
        return;
    }
    // Past it, whole lines are kept while they fit, and the notice counts
    // the bytes streamed but not kept.
    require(cut.has_value());
    require(cut->head.size() <= limit);
    require(starts_with(joined, cut->head));
    require(cut->head.empty() || joined[cut->head.size()] == '\n');
    size_t next_end = joined.find('\n', cut->head.empty() ? 0 : cut->head.size() + 1);
    require((next_end == std::string::npos ? joined.size() : next_end) > limit);
    require(cut->dropped == joined.size() - cut->head.size());
}

// What the shell's idle housekeeping and READY handshake make of the same
// bytes (§3.2, §5.8): they must take any line without harm.
void check_marker_scans(std::string_view stream) {
    const otto::Token &t = token();
    for (size_t start = 0; start < stream.size();) {
        size_t nl = stream.find('\n', start);
        std::string_view line =
            stream.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
        bool only_marker = otto::is_marker_only_line(line, t);
        require(otto::is_marker_only_line(std::string(line) + "\r", t) == only_marker);
        if (nl == std::string_view::npos) break;
        start = nl + 1;
    }
    for (size_t at = stream.find(t.ready()); at != std::string_view::npos; at = stream.find(t.ready(), at + 1)) {
        bool line_start = otto::at_line_start(stream, at);
        require(!line_start || at == 0 || otto::skip_csi(stream, at) == at);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    otto_fuzz::FuzzInput input(data, size, kHeader);
    uint8_t flags = input.option(0);
    Options options;
    switch (flags & 3) {
        case 0: break;
        case 1: options.expects = &split_proof_expects(); break;
        case 2: options.expects = &greedy_expects(); break;
        default: options.expects = &all_expects(); break;
    }
    options.retain_limit = kRetainLimits[(flags >> 2) & 7];

    std::string_view sent = input.stream();
    std::string_view repeated = sent.substr(0, sent.size() * input.option(2) / 256);
    std::string stream;
    for (size_t i = 0, times = 1 + input.option(1) % 64; i < times; ++i) stream += repeated;
    stream += sent.substr(repeated.size());
    if (flags & 0x20) options.timeout_at = stream.size() * input.option(3) / 256;

    uint32_t pattern = otto_fuzz::read_pattern(input, 4);
    Outcome whole = read(stream, options, otto_fuzz::Reads(otto_fuzz::Reads::Mode::Whole, pattern));
    check(whole, options);
    Outcome pieces = read(stream, options, otto_fuzz::Reads(otto_fuzz::Reads::Mode::Pieces, pattern));
    check(pieces, options);
    // Greedy patterns may match less of a line that arrives in pieces (a
    // prompt is whatever has arrived); everything else must not depend on
    // where the reads end.
    bool split_proof = options.expects != &greedy_expects() && options.expects != &all_expects();
    if (!split_proof) {
        whole.responses.clear();
        pieces.responses.clear();
    }
    require(pieces == whole);
    if (stream.size() <= kByteByByteLimit) {
        Outcome bytes = read(stream, options, otto_fuzz::Reads(otto_fuzz::Reads::Mode::Bytes, pattern));
        check(bytes, options);
        if (!split_proof) bytes.responses.clear();
        require(bytes == whole);
    }
    check_marker_scans(stream);
    return 0;
}
