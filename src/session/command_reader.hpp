// Reads one framed command's result out of the session's byte stream
// (SESSION-PROTOCOL §5 and §6): finds this frame's BEGIN and END, turns the
// lines between them into output and streamed lines, and fires expects on
// the current line. Whatever comes before this frame's BEGIN (an earlier
// command's late output, its END lines, forged or not) is passed over.
// Pure logic over a LineBuffer: no I/O, no timers, so it is tested with
// arbitrary splits of the input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "session/line_buffer.hpp"
#include "session/markers.hpp"
#include "session/pattern.hpp"

namespace otto {

struct Expect {
    Pattern pattern;
    std::string response;
    uint32_t flags = 0;
};

class CommandReader {
public:
    // Receives what the reader produces, in stream order.
    class Sink {
    public:
        virtual void on_output_line(std::string_view line) = 0;
        virtual void on_expect_matched(const Expect &expect) = 0;

    protected:
        ~Sink() = default;
    };

    static constexpr uint64_t kDefaultRetainLimit = 64ull << 20;
    // Regexes see new bytes plus this much already-scanned tail (§5.9).
    static constexpr size_t kRegexWindow = 8 * 1024;
    // A rejected frame's message (§5.5) keeps at most this much of what
    // came before END, line ends included.
    static constexpr size_t kRejectedMessageKeep = 64 * 1024;
    // What a line too long to hold keeps of its tail when its head goes on
    // as a piece: room for any marker and the regex window.
    static constexpr size_t kLineTail = kRegexWindow;

    // `markers` are those of the frame written for this command.
    CommandReader(const Token &token, FrameMarkers markers, const std::vector<Expect> *expects, uint64_t retain_limit);

    // Consumes complete lines (and fires expects on the partial last line)
    // from `buffer`. Returns true once END has been read; the bytes after END
    // stay in the buffer.
    bool feed(LineBuffer &buffer, Sink &sink);

    // After a timeout: keeps collecting output lines (no expects, END does not
    // end the command) until the reply to the RECOVER probe of `recover_kind`
    // (draw_recover_kind()), whose code it returns.
    std::optional<int> feed_until_recovered(LineBuffer &buffer, std::string_view recover_kind);

    bool begin_seen() const { return phase_ != Phase::BeforeBegin; }
    // END arrived without BEGIN: the shell rejected the frame (§5.5).
    bool rejected() const { return rejected_; }
    int exit_code() const { return exit_code_; }

    // The output (§5.4), or for a rejected frame the shell's message (§5.5).
    // For a command cut short: the lines after BEGIN received so far.
    std::string output() const;
    // The same, moved out: once, when the reader is done.
    std::string take_output();

    // Room for about `bytes` of output, taken with the first output line
    // (util/output_guess.hpp; the shell passes its last command's size).
    void expect_output_size(size_t bytes) { output_size_hint_ = bytes; }
    // Lines up to `bytes` long stay whole (default: the retain limit, at
    // least util/line_pieces.hpp's minimum); longer ones go on in pieces.
    void hold_lines_up_to(size_t bytes) { piece_size_ = bytes; }

private:
    enum class Phase { BeforeBegin, Output, Done };

    void process_line(std::string_view raw, LineBuffer &buffer, size_t line_length, Sink *sink);
    void bound_partial_line(LineBuffer &buffer, Sink *sink);
    void run_expects(std::string_view line, size_t limit, Sink &sink);
    void emit(std::string_view clean_line, Sink *sink);
    void retain(std::string_view clean_line, bool continues_line);
    void keep_pre_begin(std::string_view clean_line);

    const Token &token_;
    const FrameMarkers markers_;
    const std::vector<Expect> *expects_;
    const uint64_t retain_limit_;
    // A line longer than this goes on in pieces (util/line_pieces.hpp).
    size_t piece_size_;

    // A line's bytes without its CRs, when it has any (reused per line).
    std::string scratch_;
    size_t output_size_hint_ = 0;

    Phase phase_ = Phase::BeforeBegin;
    bool rejected_ = false;
    bool draining_ = false;     // after a timeout
    std::string recover_kind_;  // while draining
    std::optional<int> recovered_code_;
    int exit_code_ = -1;

    // Position within the current (partial) line.
    size_t newline_scan_ = 0;    // bytes known to hold no '\n'
    size_t expect_resume_ = 0;   // end of the last expect match on this line
    size_t expect_scanned_ = 0;  // bytes of this line already searched

    // Output assembly (§5.4 and §5.7 share it, so streamed == output).
    size_t held_empty_lines_ = 0;
    bool emitted_any_ = false;
    bool line_continues_ = false;  // the current line went on in part already
    std::string output_;
    uint64_t dropped_bytes_ = 0;

    std::vector<std::string> pre_begin_lines_;
    size_t pre_begin_bytes_ = 0;
};

}  // namespace otto
