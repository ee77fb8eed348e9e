#define PCRE2_CODE_UNIT_WIDTH 8
#include "session/pattern.hpp"

#include <pcre2.h>

#include "otto.h"
#include "util/error.hpp"

namespace otto {

namespace {
// Bounds the work of one match attempt (SESSION-PROTOCOL §5.9).
constexpr uint32_t kMatchLimit = 1'000'000;
constexpr uint32_t kDepthLimit = 10'000;
}  // namespace

struct Pattern::Compiled {
    pcre2_code *code = nullptr;
    pcre2_match_context *context = nullptr;
    bool jit = false;
    ~Compiled() {
        pcre2_match_context_free(context);
        pcre2_code_free(code);
    }
};

struct Pattern::MatchData {
    pcre2_match_data *data = nullptr;
    ~MatchData() { pcre2_match_data_free(data); }
};

Pattern Pattern::compile_code(std::string_view source, uint32_t options, std::string_view what, bool jit) {
    int error_code = 0;
    PCRE2_SIZE error_offset = 0;
    pcre2_code *code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(source.data()), source.size(), options, &error_code,
                                     &error_offset, nullptr);
    if (code == nullptr) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(error_code, message, sizeof message);
        fail(OTTO_EINVAL, std::string(what) + " \"" + std::string(source) + "\" does not compile: " +
                              reinterpret_cast<const char *>(message) + " at offset " + std::to_string(error_offset));
    }
    auto compiled = std::make_shared<Compiled>();
    compiled->code = code;
    compiled->jit = jit && pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
    compiled->context = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(compiled->context, kMatchLimit);
    pcre2_set_depth_limit(compiled->context, kDepthLimit);

    Pattern p;
    p.source_ = std::string(source);
    p.compiled_ = std::move(compiled);
    return p;
}

Pattern Pattern::compile(std::string_view source, uint32_t expect_flags, Engine engine) {
    uint32_t options = 0;
    if (expect_flags & OTTO_EXPECT_CASELESS) options |= PCRE2_CASELESS;
    Pattern p = compile_code(source, options, "expect pattern", engine == Engine::Jit);
    uint32_t min_length = 0;
    pcre2_pattern_info(p.compiled_->code, PCRE2_INFO_MINLENGTH, &min_length);
    if (min_length == 0) {
        fail(OTTO_EINVAL, "expect pattern \"" + std::string(source) +
                              "\" can match the empty string; an expect must match at least one byte");
    }
    return p;
}

Pattern Pattern::compile_selector(std::string_view regex, std::string_view what) {
    return compile_code(regex, 0, what, false);  // a few short ids: the interpreter is enough
}

Pattern::Pattern(const Pattern &other) : source_(other.source_), compiled_(other.compiled_) {}

Pattern &Pattern::operator=(const Pattern &other) {
    if (this != &other) {
        source_ = other.source_;
        compiled_ = other.compiled_;
        match_data_.reset();
    }
    return *this;
}

Pattern::Pattern(Pattern &&) noexcept = default;
Pattern &Pattern::operator=(Pattern &&) noexcept = default;
Pattern::~Pattern() = default;

int Pattern::match(std::string_view subject, size_t start_offset) const {
    if (!match_data_) {
        match_data_ = std::make_unique<MatchData>();
        match_data_->data = pcre2_match_data_create_from_pattern(compiled_->code, nullptr);
    }
    return pcre2_match(compiled_->code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), start_offset, 0,
                       match_data_->data, compiled_->context);
}

std::optional<Pattern::Match> Pattern::search(std::string_view subject, size_t start_offset) const {
    if (!compiled_ || subject.empty() || start_offset >= subject.size()) return std::nullopt;
    if (match(subject, start_offset) < 0) return std::nullopt;  // no match, or a limit was hit
    PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(match_data_->data);
    if (ovector[1] <= ovector[0]) return std::nullopt;
    return Match{ovector[0], ovector[1]};
}

bool Pattern::found_in(std::string_view subject) const { return compiled_ && match(subject, 0) >= 0; }

}  // namespace otto
