// A compiled PCRE2 pattern over bytes, for expects and for selecting host
// ids. The compiled code is shared and read-only; match data is per Pattern
// copy, so copies may be used on different threads.
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
    // A regex that selects the texts it is found in (host ids): any match
    // counts, the empty one too, so ".*" selects everything. Throws
    // ApiError(OTTO_EINVAL) calling it `what` ("hosts regex") and quoting it
    // with the compile error. Ask it with found_in().
    static Pattern compile_selector(std::string_view regex, std::string_view what);

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
    // Whether the pattern matches anywhere in `subject`, an empty match
    // included.
    bool found_in(std::string_view subject) const;

private:
    struct Compiled;
    struct MatchData;
    Pattern() = default;
    // Compiles or throws, naming the pattern as `what`.
    static Pattern compile_code(std::string_view source, uint32_t options, std::string_view what, bool jit);
    // pcre2_match's result over the whole subject from `start_offset`.
    int match(std::string_view subject, size_t start_offset) const;

    std::string source_;
    std::shared_ptr<const Compiled> compiled_;
    mutable std::unique_ptr<MatchData> match_data_;
};

}  // namespace otto
