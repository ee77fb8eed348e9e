#include "lab/host_entry.hpp"

#include <algorithm>
#include <limits>

#include "lab/address.hpp"
#include "lab/compat_fields.hpp"
#include "lab/key_check.hpp"
#include "lab/transport_options.hpp"
#include "lab/value_rules.hpp"

namespace otto::lab {

namespace {

constexpr int64_t kNoMax = std::numeric_limits<int64_t>::max();

const std::vector<std::string_view> kTermNames = {"ssh", "telnet"};
const std::vector<std::string_view> kTransferNames = {"scp", "sftp", "ftp", "nc", "shell"};

std::string quoted_list(const std::vector<std::string> &items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ", ";
        out += json_quote(items[i]);
    }
    return out + "]";
}

// `valid_terms` / `valid_transfers`: a list (or one string) of known names,
// non-empty, without repeats. Returns the names, or nothing when invalid.
std::optional<std::vector<std::string>> read_valid_list(const JsonRef &v, const std::vector<std::string_view> &names,
                                                        std::string_view what, Diagnostics &errors) {
    auto list = read_strings(v, errors, OneString::accepted);
    if (!list) return std::nullopt;
    if (list->empty()) {
        report_expected(v, errors, "at least one " + std::string(what));
        return std::nullopt;
    }
    auto elements = v.children();
    bool ok = true;
    for (size_t i = 0; i < list->size(); ++i) {
        const JsonRef &at = v.is(JsonKind::array) ? elements[i] : v;
        const std::string &item = (*list)[i];
        if (std::find(names.begin(), names.end(), item) == names.end()) {
            report_expected(at, errors, one_of(names));
            ok = false;
        } else if (std::find(list->begin(), list->begin() + static_cast<std::ptrdiff_t>(i), item) !=
                   list->begin() + static_cast<std::ptrdiff_t>(i)) {
            at.report(errors, json_quote(item) + " is listed twice");
            ok = false;
        }
    }
    if (!ok) return std::nullopt;
    return list;
}

Term term_of(std::string_view name) { return name == "ssh" ? Term::ssh : Term::telnet; }

Transfer transfer_of(std::string_view name) {
    if (name == "sftp") return Transfer::sftp;
    if (name == "ftp") return Transfer::ftp;
    if (name == "nc") return Transfer::nc;
    if (name == "shell") return Transfer::shell;
    return Transfer::scp;
}

// `term` / `transfer`: null, or one of the host's valid list (§6 table).
std::optional<std::string> read_choice_in(const JsonRef &v, const std::optional<std::vector<std::string>> &valid,
                                          std::string_view list_key, Diagnostics &errors) {
    auto chosen = read_string(v, errors, Null::allowed);
    if (!chosen || !valid) return std::nullopt;
    if (std::find(valid->begin(), valid->end(), *chosen) == valid->end()) {
        v.report(errors, json_quote(*chosen) + " is not in " + std::string(list_key) + " " + quoted_list(*valid));
        return std::nullopt;
    }
    return chosen;
}

void read_log(const JsonRef &v, LabHost &host, Diagnostics &errors) {
    if (v.is(JsonKind::boolean)) {
        host.log = v.boolean() ? LogMode::normal : LogMode::quiet;  // legacy booleans (§5.3)
        return;
    }
    if (v.is(JsonKind::string)) {
        std::string_view s = v.string();
        if (s == "normal") return void(host.log = LogMode::normal);
        if (s == "quiet") return void(host.log = LogMode::quiet);
        if (s == "never") return void(host.log = LogMode::never);
    }
    report_expected(v, errors, "\"normal\", \"quiet\", \"never\" or a boolean");
}

void read_os_type(const JsonRef &v, LabHost &host, Diagnostics &errors) {
    if (!v.is(JsonKind::string)) {
        report_expected(v, errors, "\"unix\" or \"busybox\"");
        return;
    }
    std::string_view s = v.string();
    if (s == "unix") host.os_type = OsType::unix_userland;
    else if (s == "busybox") host.os_type = OsType::busybox;
    else v.report(errors, "os_type " + json_quote(s) + " is not supported by this otto");
}

// The id the original otto gave a legacy entry: plain lower-casing (§5.4).
std::string legacy_host_id(const IdParts &parts) {
    auto lower = [](std::string s) {
        for (char &c : s) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        return s;
    };
    std::string id = lower(parts.element);
    if (parts.element_id) id += std::to_string(*parts.element_id);
    if (parts.board) {
        id += "_" + lower(*parts.board);
        if (parts.slot) id += std::to_string(*parts.slot);
    }
    return id;
}

std::vector<std::string> without_repeats(std::vector<std::string> items) {
    std::vector<std::string> out;
    for (auto &item : items) {
        if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(std::move(item));
    }
    return out;
}

}  // namespace

const std::vector<std::string_view> &host_keys() {
    static const std::vector<std::string_view> keys = [] {
        std::vector<std::string_view> k = {"ip",
                                           "element",
                                           "element_id",
                                           "board",
                                           "slot",
                                           "name",
                                           "labs",
                                           "creds",
                                           "user",
                                           "term",
                                           "valid_terms",
                                           "transfer",
                                           "valid_transfers",
                                           "hop",
                                           "resources",
                                           "os_type",
                                           "command_frame",
                                           "shell_history",
                                           "log",
                                           "ssh_options",
                                           "telnet_options"};
        for (auto c : compat_keys()) k.push_back(c);
        return k;
    }();
    return keys;
}

LabHost read_host_entry(const JsonRef &entry, const EntryContext &context, Diagnostics &errors, Diagnostics &warnings) {
    LabHost host;
    host.source = {entry.document().name(), entry.path().str()};
    check_keys(entry, KeyRules{host_keys()}, errors);

    for (std::string_view required : {"ip", "element", "creds"}) {
        if (!entry.find(required)) entry.report(errors, "missing required key " + json_quote(required));
    }

    std::optional<std::vector<std::string>> valid_terms{{"ssh", "telnet"}};
    std::optional<std::vector<std::string>> valid_transfers{{"scp", "sftp", "ftp", "nc"}};
    if (auto v = entry.find("valid_terms")) valid_terms = read_valid_list(*v, kTermNames, "term", errors);
    if (auto v = entry.find("valid_transfers")) {
        valid_transfers = read_valid_list(*v, kTransferNames, "transfer", errors);
    }
    if (valid_terms) {
        host.valid_terms.clear();
        for (const auto &t : *valid_terms) host.valid_terms.push_back(term_of(t));
    }
    if (valid_transfers) {
        host.valid_transfers.clear();
        for (const auto &t : *valid_transfers) host.valid_transfers.push_back(transfer_of(t));
    }

    std::optional<JsonRef> element_at;
    std::optional<JsonRef> command_frame_at;
    for (const auto &m : entry.children()) {
        std::string_view key = m.key();
        if (key == "ip") {
            if (auto ip = read_string(m, errors)) {
                if (auto problem = address_problem(*ip)) m.report(errors, *problem);
                host.ip = *ip;
            }
        } else if (key == "element") {
            element_at = m;
            host.id_parts.element = read_string(m, errors).value_or("");
        } else if (key == "element_id") {
            host.id_parts.element_id = read_integer(m, errors, 0, kNoMax, Null::allowed);
        } else if (key == "board") {
            host.id_parts.board = read_string(m, errors, Null::allowed);
            if (host.id_parts.board && slug(*host.id_parts.board).empty())
                m.report(errors, empty_slug_message(*host.id_parts.board));
        } else if (key == "slot") {
            host.id_parts.slot = read_integer(m, errors, 0, kNoMax, Null::allowed);
        } else if (key == "name") {
            if (auto name = read_string(m, errors, Null::allowed)) host.name = *name;
        } else if (key == "labs") {
            host.labs = read_strings(m, errors).value_or(std::vector<std::string>{});
        } else if (key == "creds") {
            host.creds = read_creds(m, context.form, errors);
        } else if (key == "user") {
            host.user = read_string(m, errors, Null::allowed);
        } else if (key == "term") {
            if (auto t = read_choice_in(m, valid_terms, "valid_terms", errors)) host.term = term_of(*t);
        } else if (key == "transfer") {
            if (auto t = read_choice_in(m, valid_transfers, "valid_transfers", errors)) host.transfer = transfer_of(*t);
        } else if (key == "hop") {
            host.hop = read_string(m, errors, Null::allowed);
        } else if (key == "resources") {
            host.resources = without_repeats(read_strings(m, errors).value_or(std::vector<std::string>{}));
        } else if (key == "os_type") {
            read_os_type(m, host, errors);
        } else if (key == "command_frame") {
            command_frame_at = m;
        } else if (key == "shell_history") {
            host.shell_history = read_bool(m, errors).value_or(false);
        } else if (key == "log") {
            read_log(m, host, errors);
        } else if (key == "ssh_options") {
            host.ssh = read_ssh_options(m, context.base_dir, errors, warnings);
        } else if (key == "telnet_options") {
            host.telnet = read_telnet_options(m, errors, warnings);
        } else if (std::find(compat_keys().begin(), compat_keys().end(), key) != compat_keys().end()) {
            read_compat_field(m, host.compat, errors);
        }
    }

    // Needs os_type, wherever it stands in the entry (§6.3).
    host.command_frame = host.os_type == OsType::busybox ? CommandFrame::ash : CommandFrame::bash;
    if (command_frame_at) {
        auto frame = read_choice(*command_frame_at, errors, {"bash", "ash"}, Null::allowed);
        if (frame) host.command_frame = *frame == "ash" ? CommandFrame::ash : CommandFrame::bash;
    }

    if (element_at && element_at->is(JsonKind::string)) {
        if (slug(host.id_parts.element).empty()) element_at->report(errors, empty_slug_message(host.id_parts.element));
    }
    host.id = host_id(host.id_parts);
    if (context.form == FileForm::legacy && !host.id.empty()) {
        std::string old_id = legacy_host_id(host.id_parts);
        if (old_id != host.id)
            entry.report(warnings, "id " + json_quote(host.id) + " replaces the original otto's " + json_quote(old_id) +
                                       " (ids are slugged, LAB-FORMAT 5.4)");
    }
    host.name_generated = !entry.find("name") || entry.find("name")->is_null();

    // `user` names one of the logins (§7.2).
    if (host.user && !host.creds.empty()) {
        bool found =
            std::any_of(host.creds.begin(), host.creds.end(), [&](const Cred &c) { return c.login == *host.user; });
        if (!found) {
            std::vector<std::string> logins;
            for (const auto &c : host.creds) logins.push_back(c.login);
            entry.find("user")->report(errors,
                                       json_quote(*host.user) + " is not a login of creds " + quoted_list(logins));
        }
    }
    return host;
}

}  // namespace otto::lab
