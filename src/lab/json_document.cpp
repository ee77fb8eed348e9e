#include "lab/json_document.hpp"

#include <algorithm>
#include <charconv>
#include <map>

namespace otto::lab {

namespace {

struct CjsonFree {
    void operator()(char *text) const { cJSON_free(text); }
};

// Long strings are cut in messages: enough to recognise, short enough to keep
// one message on a line or two.
constexpr size_t kDescribedStringMax = 60;

}  // namespace

std::string_view JsonRef::key() const { return json_->string ? std::string_view(json_->string) : std::string_view(); }

std::string_view JsonRef::string() const { return json_->valuestring; }

bool JsonRef::boolean() const { return cJSON_IsTrue(json_) != 0; }

double JsonRef::number() const { return json_->valuedouble; }

std::optional<int64_t> JsonRef::integer() const {
    if (!is(JsonKind::number)) return std::nullopt;
    const std::string &t = node_->number_text;
    if (t.find_first_of(".eE") != std::string::npos) return std::nullopt;
    int64_t v = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || end != t.data() + t.size()) return std::nullopt;
    return v;
}

std::vector<JsonRef> JsonRef::children(KeyStyle style) const {
    std::vector<JsonRef> out;
    if (!is(JsonKind::object) && !is(JsonKind::array)) return out;
    out.reserve(node_->children.size());
    const cJSON *child = json_->child;
    bool object = is(JsonKind::object);
    for (size_t i = 0; i < node_->children.size() && child; ++i, child = child->next) {
        JsonPath p;
        if (!object) p = path_.index(i);
        else if (style == KeyStyle::data) p = path_.data_key(child->string);
        else p = path_.member(child->string);
        out.push_back(JsonRef(doc_, child, &node_->children[i], std::move(p), object));
    }
    return out;
}

std::optional<JsonRef> JsonRef::find(std::string_view key) const {
    if (!is(JsonKind::object)) return std::nullopt;
    const cJSON *child = json_->child;
    for (size_t i = 0; i < node_->children.size() && child; ++i, child = child->next) {
        if (key == child->string) return JsonRef(doc_, child, &node_->children[i], path_.member(key), true);
    }
    return std::nullopt;
}

std::string JsonRef::compact() const {
    std::unique_ptr<char, CjsonFree> text(cJSON_PrintUnformatted(json_));
    return text ? std::string(text.get()) : std::string();
}

std::string JsonRef::describe(Secrecy secrecy) const {
    switch (kind()) {
        case JsonKind::null: return "null";
        case JsonKind::boolean: return boolean() ? "true" : "false";
        case JsonKind::number: return node_->number_text;
        case JsonKind::array: return node_->children.empty() ? "[]" : "an array";
        case JsonKind::object: return node_->children.empty() ? "{}" : "an object";
        case JsonKind::string: break;
    }
    if (secrecy == Secrecy::secret) return "a string";
    std::string_view s = string();
    if (s.size() <= kDescribedStringMax) return json_quote(s);
    // Cut on a character boundary, never inside a UTF-8 sequence.
    size_t cut = kDescribedStringMax;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;
    return json_quote(s.substr(0, cut)) + "...";
}

std::string JsonRef::message(std::string_view text) const { return doc_->message(offset(), path_, text); }

std::string JsonRef::message_at_key(std::string_view text) const { return doc_->message(key_offset(), path_, text); }

void JsonRef::report(Diagnostics &sink, std::string_view text) const {
    sink.add(doc_->file_order(), offset(), message(text));
}

void JsonRef::report_at_key(Diagnostics &sink, std::string_view text) const {
    sink.add(doc_->file_order(), key_offset(), message_at_key(text));
}

std::unique_ptr<JsonDocument> JsonDocument::parse(std::string text, std::string display_name, size_t file_order,
                                                  Diagnostics &errors) {
    std::unique_ptr<JsonDocument> doc(new JsonDocument());
    doc->text_ = std::move(text);
    doc->name_ = std::move(display_name);
    doc->order_ = file_order;
    const std::string &t = doc->text_;
    doc->line_starts_.push_back(0);
    for (size_t i = 0; i < t.size(); ++i) {
        if (t[i] == '\n') doc->line_starts_.push_back(i + 1);
    }

    if (t.compare(0, 3, "\xef\xbb\xbf") == 0) {
        errors.add(file_order, 0,
                   doc->message(0, {},
                                "the file starts with a byte-order mark (BOM); remove it (JSON is plain UTF-8)"));
        return nullptr;
    }
    LocatedText located = locate(t);
    if (located.error) {
        const SyntaxError &e = *located.error;
        std::string where = doc->name_ + ":";
        auto lc = doc->line_column(e.offset);
        where += std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": ";
        if (!e.path.empty()) where += e.path + ": ";
        errors.add(file_order, e.offset, where + "invalid JSON: " + e.message);
        return nullptr;
    }
    doc->positions_ = std::move(located.root);

    const char *end = nullptr;
    doc->json_.reset(cJSON_ParseWithLengthOpts(t.data(), t.size(), &end, 0));
    if (!doc->json_) {
        // The locator accepted what cJSON refused: name the place cJSON stopped.
        size_t offset = end ? static_cast<size_t>(end - t.data()) : 0;
        errors.add(file_order, offset,
                   doc->message(offset, {}, "invalid JSON: the JSON parser rejected the text here"));
        return nullptr;
    }
    doc->report_repeated_keys(doc->root(), errors);
    return doc;
}

void JsonDocument::report_repeated_keys(const JsonRef &value, Diagnostics &errors) const {
    if (value.is(JsonKind::array)) {
        for (const auto &child : value.children()) report_repeated_keys(child, errors);
        return;
    }
    if (!value.is(JsonKind::object)) return;
    std::map<std::string_view, size_t> first_seen;  // key -> offset of its first occurrence
    for (const auto &member : value.children()) {
        auto [it, inserted] = first_seen.emplace(member.key(), member.key_offset());
        if (!inserted) {
            auto lc = line_column(it->second);
            member.report_at_key(errors, "duplicate key " + json_quote(member.key()) + "; it first appears at line " +
                                             std::to_string(lc.line) + ", column " + std::to_string(lc.column));
        }
        report_repeated_keys(member, errors);
    }
}

JsonRef JsonDocument::root() const { return JsonRef(this, json_.get(), &positions_, JsonPath(), false); }

JsonDocument::LineColumn JsonDocument::line_column(size_t offset) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    size_t line = static_cast<size_t>(it - line_starts_.begin());
    size_t start = line_starts_[line - 1];
    size_t column = 1;
    for (size_t i = start; i < offset && i < text_.size(); ++i) {
        if ((static_cast<unsigned char>(text_[i]) & 0xc0) != 0x80) ++column;
    }
    return {line, column};
}

std::string JsonDocument::message(size_t offset, const JsonPath &path, std::string_view text) const {
    auto lc = line_column(offset);
    std::string out = name_ + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": ";
    if (!path.empty()) out += path.str() + ": ";
    out += text;
    return out;
}

}  // namespace otto::lab
