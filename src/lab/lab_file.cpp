#include "lab/lab_file.hpp"

#include "lab/key_check.hpp"
#include "lab/value_rules.hpp"

namespace otto::lab {

namespace {

const KeyRules kSections{{"hosts", "links"}, "section", true, true};

// A lab name with '+' can never be selected (§6.4, §11.1).
void warn_unselectable(const JsonRef &labs, Diagnostics &warnings) {
    for (const auto &name : labs.children()) {
        if (name.is(JsonKind::string) && name.string().find('+') != std::string_view::npos)
            name.report(warnings, "lab name " + json_quote(name.string()) +
                                      " contains '+' and can never be selected ('+' joins labs in a selection)");
    }
}

void collect_hosts(const JsonRef &array, LabFile &file, Diagnostics &errors, Diagnostics &warnings) {
    for (const auto &entry : array.children()) {
        if (!entry.is(JsonKind::object)) {
            report_expected(entry, errors, "a host object");
            continue;
        }
        HostEntry host{entry, {}};
        if (auto labs = entry.find("labs")) {
            auto names = read_strings(*labs, errors);
            if (!names) continue;
            host.labs = std::move(*names);
            warn_unselectable(*labs, warnings);
        }
        file.hosts.push_back(std::move(host));
    }
}

}  // namespace

std::optional<LabFile> read_lab_file(std::string text, std::string name, size_t file_order, std::string base_dir,
                                     Diagnostics &errors, Diagnostics &warnings) {
    LabFile file;
    file.document = JsonDocument::parse(std::move(text), std::move(name), file_order, errors);
    if (!file.document) return std::nullopt;
    file.base_dir = std::move(base_dir);
    JsonRef root = file.document->root();
    if (root.is(JsonKind::array)) {
        file.form = FileForm::legacy;
        collect_hosts(root, file, errors, warnings);
        return file;
    }
    if (!root.is(JsonKind::object)) {
        report_expected(root, errors, "an object (lab.json form) or an array of hosts (hosts.json form)");
        return std::nullopt;
    }
    file.form = FileForm::current;
    check_keys(root, kSections, errors);
    if (auto hosts = root.find("hosts")) {
        if (hosts->is(JsonKind::array)) collect_hosts(*hosts, file, errors, warnings);
        else report_expected(*hosts, errors, "an array of hosts");
    }
    if (auto links = root.find("links")) {
        if (links->is(JsonKind::array)) {
            for (const auto &link : links->children()) {
                if (link.is(JsonKind::object)) file.links.push_back(link);
                else report_expected(link, errors, "a link object");
            }
        } else {
            report_expected(*links, errors, "an array of links");
        }
    }
    return file;
}

}  // namespace otto::lab
