// One lab or reservations file: its text, its values (cJSON) and where each
// value is (the locator), with the helpers that turn a position into the
// "file:line:col: path:" prefix of every message (LAB-FORMAT §13.2).
#pragma once

#include <cjson/cJSON.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lab/diagnostics.hpp"
#include "lab/json_locator.hpp"
#include "lab/json_path.hpp"

namespace otto::lab {

class JsonDocument;

// Printed instead of a string's content where the content may be secret
// (passwords, §7.4): a wrong type is still shown, the text never.
enum class Secrecy { plain, secret };

// How the members of an object are named in paths: field names print bare
// when they are identifiers, data keys (legacy creds logins, env names...)
// always print as ["..."].
enum class KeyStyle { field, data };

// A value of a document with its path and position. Cheap to copy; valid
// while its document lives.
class JsonRef {
public:
    JsonKind kind() const { return node_->kind; }
    bool is(JsonKind k) const { return node_->kind == k; }
    bool is_null() const { return is(JsonKind::null); }
    const JsonPath &path() const { return path_; }
    const JsonDocument &document() const { return *doc_; }
    size_t offset() const { return node_->offset; }
    // Object members: the key's position; for other values the value's.
    size_t key_offset() const { return is_member_ ? node_->key_offset : node_->offset; }
    // Object members: the key, as cJSON decoded it.
    std::string_view key() const;

    // Scalars; each requires the matching kind.
    std::string_view string() const;
    bool boolean() const;
    double number() const;
    const std::string &number_text() const { return node_->number_text; }
    // A number written without fraction or exponent that fits in 64 bits.
    std::optional<int64_t> integer() const;

    // Arrays and objects: elements, or members in document order (repeats
    // included).
    std::vector<JsonRef> children(KeyStyle style = KeyStyle::field) const;
    // Objects: the first member with this key.
    std::optional<JsonRef> find(std::string_view key) const;

    // The value as compact JSON text (to keep opaque values).
    std::string compact() const;
    // The value for "got ...": null, true, 42, "text", an array, an object.
    std::string describe(Secrecy secrecy = Secrecy::plain) const;

    // "file:line:col: path: message", at the value, or at its key.
    std::string message(std::string_view text) const;
    std::string message_at_key(std::string_view text) const;
    // Adds message(text) / message_at_key(text) to `sink`.
    void report(Diagnostics &sink, std::string_view text) const;
    void report_at_key(Diagnostics &sink, std::string_view text) const;

private:
    friend class JsonDocument;
    JsonRef(const JsonDocument *doc, const cJSON *json, const PositionNode *node, JsonPath path, bool is_member)
        : doc_(doc), json_(json), node_(node), path_(std::move(path)), is_member_(is_member) {}

    const JsonDocument *doc_;
    const cJSON *json_;
    const PositionNode *node_;
    JsonPath path_;
    bool is_member_;
};

class JsonDocument {
public:
    // Parses `text` strictly (§3.1, §3.2). Errors go to `errors` with
    // `display_name` as the file. Returns null when the text is not JSON (a
    // byte-order mark or a syntax error stops the file); repeated keys are
    // reported but leave a document, so that the rest of it is checked too.
    static std::unique_ptr<JsonDocument> parse(std::string text, std::string display_name, size_t file_order,
                                               Diagnostics &errors);

    JsonRef root() const;
    const std::string &name() const { return name_; }
    size_t file_order() const { return order_; }

    struct LineColumn {
        size_t line;
        size_t column;  // 1-based, counted in characters (UTF-8 code points)
    };
    LineColumn line_column(size_t offset) const;
    // "file:line:col: path: text" (the path and its colon left out when empty).
    std::string message(size_t offset, const JsonPath &path, std::string_view text) const;

private:
    struct CjsonDelete {
        void operator()(cJSON *json) const { cJSON_Delete(json); }
    };

    JsonDocument() = default;
    void report_repeated_keys(const JsonRef &value, Diagnostics &errors) const;

    std::string text_;
    std::string name_;
    size_t order_ = 0;
    std::vector<size_t> line_starts_;
    PositionNode positions_;
    std::unique_ptr<cJSON, CjsonDelete> json_;
};

}  // namespace otto::lab
