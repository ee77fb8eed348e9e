#include "session/command_reader.hpp"

#include <algorithm>
#include <utility>

#include "util/line_pieces.hpp"
#include "util/output_guess.hpp"
#include "util/without_cr.hpp"

namespace otto {

namespace {
bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}
}  // namespace

CommandReader::CommandReader(const Token &token, FrameMarkers markers, const std::vector<Expect> *expects,
                             uint64_t retain_limit)
    : token_(token), markers_(std::move(markers)), expects_(expects), retain_limit_(retain_limit),
      piece_size_(line_piece_size(retain_limit)) {}

bool CommandReader::feed(LineBuffer &buffer, Sink &sink) {
    while (phase_ != Phase::Done) {
        std::string_view view = buffer.view();
        size_t nl = view.find('\n', newline_scan_);
        if (nl == std::string_view::npos) {
            newline_scan_ = view.size();
            if (phase_ == Phase::Output && expects_ != nullptr && !expects_->empty()) {
                // Expects see the partial line up to any marker in it, or
                // up to what may be a marker's first bytes.
                const std::string &t = token_.text();
                size_t from = expect_scanned_ >= t.size() ? expect_scanned_ - t.size() : 0;
                size_t marker = view.find(t, from);
                if (marker == std::string_view::npos) marker = view.size() - token_start_at_end(view, token_);
                run_expects(view, marker, sink);
            }
            bound_partial_line(buffer, &sink);
            return false;
        }
        process_line(view.substr(0, nl), buffer, nl + 1, &sink);
    }
    return true;
}

std::optional<int> CommandReader::feed_until_recovered(LineBuffer &buffer, std::string_view recover_kind) {
    draining_ = true;
    recover_kind_ = recover_kind;
    while (!recovered_code_) {
        std::string_view view = buffer.view();
        size_t nl = view.find('\n', newline_scan_);
        if (nl == std::string_view::npos) {
            newline_scan_ = view.size();
            bound_partial_line(buffer, nullptr);
            return std::nullopt;
        }
        process_line(view.substr(0, nl), buffer, nl + 1, nullptr);
    }
    return recovered_code_;
}

void CommandReader::process_line(std::string_view raw, LineBuffer &buffer, size_t line_length, Sink *sink) {
    auto next_line = [&](size_t consumed) {
        buffer.consume(consumed);
        newline_scan_ = 0;
        expect_resume_ = 0;
        expect_scanned_ = 0;
        line_continues_ = false;
    };

    if (draining_) {
        if (auto recovered = find_numbered_marker(raw, token_, recover_kind_)) {
            // What precedes the reply on its line is the shell's prompt.
            recovered_code_ = recovered->code;
            next_line(recovered->end);
            return;
        }
    }

    auto end = find_numbered_marker(raw, token_, markers_.end_kind());

    if (phase_ == Phase::BeforeBegin) {
        if (end && !draining_) {
            // This frame's END without its BEGIN: the shell rejected the frame.
            rejected_ = true;
            exit_code_ = end->code;
            phase_ = Phase::Done;
            next_line(end->end);
            return;
        }
        std::string_view clean = without_cr(raw, scratch_);
        if (ends_with(clean, markers_.begin())) {
            phase_ = Phase::Output;
        } else if (!draining_) {
            keep_pre_begin(clean);
        }
        next_line(line_length);
        return;
    }

    // Output phase: the line's content ends at END (output without a final
    // newline puts END at the end of the last line, §5.3).
    size_t content_end = end ? end->begin : raw.size();
    if (!draining_ && sink != nullptr && expects_ != nullptr && !expects_->empty()) {
        size_t marker = raw.find(token_.text());
        run_expects(raw, std::min(content_end, marker == std::string_view::npos ? raw.size() : marker), *sink);
    }
    std::string_view clean = without_cr(raw.substr(0, content_end), scratch_);
    if (clean.find(token_.text()) == std::string_view::npos) emit(clean, draining_ ? nullptr : sink);

    if (end && !draining_) {
        exit_code_ = end->code;
        phase_ = Phase::Done;
        next_line(end->end);
        return;
    }
    next_line(line_length);
}

// A line still without its '\n' is held only up to the piece size: past it
// the head goes on as output (streamed as a piece, kept joined to the rest
// of its line) and leaves the buffer, and a tail stays where END or RECOVER
// can still be found (they follow the output on the same line, §5.3) and
// expects keep their regex window.
void CommandReader::bound_partial_line(LineBuffer &buffer, Sink *sink) {
    std::string_view view = buffer.view();
    if (view.size() <= piece_size_ + kLineTail) return;
    size_t cut = view.size() - kLineTail;
    // A token across the cut goes with the head, whole: never half of one
    // on either side, and the head, holding it, is no output (§5.4).
    const std::string &t = token_.text();
    size_t straddling = view.find(t, cut >= t.size() ? cut - t.size() + 1 : 0);
    if (straddling < cut) cut = straddling + t.size();
    std::string_view head = view.substr(0, cut);
    if (phase_ == Phase::Output && head.find(t) == std::string_view::npos) {
        std::string_view clean = without_cr(head, scratch_);
        if (!clean.empty()) {
            emit(clean, draining_ ? nullptr : sink);
            line_continues_ = true;
        }
    }
    // Before BEGIN such a line is no one's output: it goes.
    buffer.consume(cut);
    newline_scan_ -= std::min(newline_scan_, cut);
    expect_resume_ -= std::min(expect_resume_, cut);
    expect_scanned_ -= std::min(expect_scanned_, cut);
}

void CommandReader::run_expects(std::string_view line, size_t limit, Sink &sink) {
    while (limit > expect_resume_) {
        std::string_view subject = line.substr(expect_resume_, limit - expect_resume_);
        size_t scan_from = 0;
        if (expect_scanned_ > expect_resume_ + kRegexWindow)
            scan_from = expect_scanned_ - kRegexWindow - expect_resume_;
        const Expect *best = nullptr;
        Pattern::Match best_match{};
        for (const Expect &e : *expects_) {
            auto m = e.pattern.search(subject, scan_from);
            if (m && (best == nullptr || m->begin < best_match.begin)) {
                best = &e;
                best_match = *m;
            }
        }
        if (best == nullptr) break;
        expect_resume_ += best_match.end;
        sink.on_expect_matched(*best);
    }
    expect_scanned_ = std::max(expect_scanned_, limit);
}

void CommandReader::emit(std::string_view clean_line, Sink *sink) {
    // The rest of a line that went on in pieces: only its bytes, if any.
    if (line_continues_) {
        if (clean_line.empty()) return;
        if (sink != nullptr) sink->on_output_line(clean_line);
        retain(clean_line, true);
        return;
    }
    // Empty lines wait for a following non-empty line (§5.7): leading and
    // trailing empty lines are never shown, in the stream or the output.
    if (clean_line.empty()) {
        if (emitted_any_) ++held_empty_lines_;
        return;
    }
    for (; held_empty_lines_ > 0; --held_empty_lines_) {
        if (sink != nullptr) sink->on_output_line({});
        retain({}, false);
    }
    if (sink != nullptr) sink->on_output_line(clean_line);
    retain(clean_line, false);
    emitted_any_ = true;
}

void CommandReader::retain(std::string_view clean_line, bool continues_line) {
    bool first = !emitted_any_ && output_.empty() && dropped_bytes_ == 0;
    uint64_t need = clean_line.size() + (first || continues_line ? 0 : 1);
    if (dropped_bytes_ == 0 && output_.size() + need <= retain_limit_) {
        if (first) reserve_output_guess(output_, output_size_hint_, retain_limit_, need);
        if (!first && !continues_line) output_.push_back('\n');
        output_.append(clean_line);
    } else {
        dropped_bytes_ += need;
    }
}

void CommandReader::keep_pre_begin(std::string_view clean_line) {
    if (clean_line.find(token_.text()) != std::string_view::npos) {
        // An earlier frame's marker (its END, maybe forged, or its echo):
        // what came before it is that frame's, not this one's message.
        pre_begin_lines_.clear();
        pre_begin_bytes_ = 0;
        return;
    }
    // Each line counts with its line end: a flood of empty lines holds no
    // text, yet every one is kept (and joined) as a line.
    if (pre_begin_bytes_ + clean_line.size() + 1 > kRejectedMessageKeep) return;
    pre_begin_bytes_ += clean_line.size() + 1;
    pre_begin_lines_.emplace_back(clean_line);
}

std::string CommandReader::take_output() {
    if (rejected_ || dropped_bytes_ != 0) return output();
    release_unused_guess(output_);
    return std::move(output_);
}

std::string CommandReader::output() const {
    if (rejected_) {
        size_t first = 0, last = pre_begin_lines_.size();
        while (first < last && pre_begin_lines_[first].empty()) ++first;
        while (last > first && pre_begin_lines_[last - 1].empty()) --last;
        std::string out;
        for (size_t i = first; i < last; ++i) {
            if (i > first) out.push_back('\n');
            out += pre_begin_lines_[i];
        }
        return out;
    }
    if (dropped_bytes_ == 0) return output_;
    std::string out = output_;
    if (!out.empty()) out.push_back('\n');
    out += "[otto: output truncated: kept " + std::to_string(output_.size()) + " bytes, " +
           std::to_string(dropped_bytes_) + " more were streamed but not kept]";
    return out;
}

}  // namespace otto
