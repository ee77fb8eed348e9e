// A compiled PCRE2 pattern over bytes, for expects. The compiled code is
// shared and read-only; match data is per Pattern copy, so copies may be
// used on different threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace otto {

class Pattern {
public:
    struct Match {
        size_t begin;
        size_t end;
    };

    // How searches run. The JIT pays for itself on streamed output; small
    // texts searched a few times (login prompts) use the interpreter, which
    // also never reads past the subject's end as the JIT's wide loads do
    // (memory checkers flag those).
    enum class Engine { Jit, Interpreter };

    // Throws ApiError(OTTO_EINVAL) naming the pattern and the compile error.
    // Patterns that can match the empty string are refused: an expect must
    // consume at least one byte or it would fire forever.
    static Pattern compile(std::string_view pattern, uint32_t expect_flags, Engine engine = Engine::Jit);

    Pattern(const Pattern &other);
    Pattern &operator=(const Pattern &other);
    Pattern(Pattern &&) noexcept;
    Pattern &operator=(Pattern &&) noexcept;
    ~Pattern();

    const std::string &source() const { return source_; }

    // Searches `subject` from `start_offset`. The subject's first byte is
    // where `^` may match; bytes before `start_offset` stay visible to
    // lookbehind. A backtracking blow-up counts as no match.
    std::optional<Match> search(std::string_view subject, size_t start_offset) const;

private:
    struct Compiled;
    struct MatchData;
    Pattern() = default;

    std::string source_;
    std::shared_ptr<const Compiled> compiled_;
    mutable std::unique_ptr<MatchData> match_data_;
};

}  // namespace otto
