// What every fuzz target shares: how a broken invariant is reported, and how
// an input is cut into a few option bytes and the bytes a server sends, fed
// in pieces whose sizes the input also chooses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace otto_fuzz {

// A broken invariant is a finding: stop where the fuzzer can see it (also
// in builds without libFuzzer, where the replay then dies on that input).
inline void require(bool condition) {
    if (!condition) __builtin_trap();
}

// An input: `header_size` option bytes (missing ones read as 0), then the
// server's bytes.
class FuzzInput {
public:
    FuzzInput(const uint8_t *data, size_t size, size_t header_size)
        : bytes_(reinterpret_cast<const char *>(data), size), header_size_(header_size) {}

    uint8_t option(size_t index) const {
        return index < header_size_ && index < bytes_.size() ? static_cast<uint8_t>(bytes_[index]) : 0;
    }
    std::string_view stream() const { return bytes_.size() > header_size_ ? bytes_.substr(header_size_) : ""; }

private:
    std::string_view bytes_;
    size_t header_size_;
};

// How a stream is cut into reads: whole, byte by byte, or in pieces of 1 to
// 64 bytes whose sizes cycle through `pattern`'s bytes, so that reads end
// inside markers, CSI sequences and CR LF pairs.
class Reads {
public:
    enum class Mode { Whole, Bytes, Pieces };

    Reads(Mode mode, uint32_t pattern) : mode_(mode), pattern_(pattern) {}

    // The size of the next read, with `left` bytes still to send.
    size_t next(size_t left) {
        switch (mode_) {
            case Mode::Whole: return left;
            case Mode::Bytes: return left == 0 ? 0 : 1;
            case Mode::Pieces: break;
        }
        size_t size = 1 + ((pattern_ >> (8 * (turn_++ % 4))) & 0x3f);
        return size < left ? size : left;
    }

    // Calls `deliver(piece)` for each read of `stream`.
    template <class Deliver>
    void feed(std::string_view stream, Deliver deliver) {
        while (!stream.empty()) {
            size_t size = next(stream.size());
            deliver(stream.substr(0, size));
            stream.remove_prefix(size);
        }
    }

private:
    Mode mode_;
    uint32_t pattern_;
    size_t turn_ = 0;
};

// Four option bytes as one pattern for Reads.
inline uint32_t read_pattern(const FuzzInput &input, size_t first) {
    uint32_t pattern = 0;
    for (size_t i = 0; i < 4; ++i) pattern |= static_cast<uint32_t>(input.option(first + i)) << (8 * i);
    return pattern;
}

}  // namespace otto_fuzz
