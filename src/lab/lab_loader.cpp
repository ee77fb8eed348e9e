#include "lab/lab_loader.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <utility>

#include "lab/diagnostics.hpp"
#include "lab/file_paths.hpp"
#include "lab/hop_check.hpp"
#include "lab/host_entry.hpp"
#include "lab/lab_file.hpp"
#include "lab/lab_files.hpp"
#include "lab/lab_links.hpp"
#include "lab/lab_selection.hpp"

namespace otto::lab {

namespace {

std::string absolute_directory(const std::string &file) {
    std::error_code ec;
    auto dir = std::filesystem::absolute(std::filesystem::path(file), ec).parent_path();
    return ec ? directory_of(file) : dir.lexically_normal().string();
}

std::string current_directory() {
    std::error_code ec;
    auto dir = std::filesystem::current_path(ec);
    return ec ? std::string() : dir.string();
}

// A selected host entry, read fully.
struct Candidate {
    LabHost host;
    const HostEntry *entry = nullptr;
    size_t file = 0;
    bool valid = false;  // read without error
};

// What an entry defines, minus `labs` and comments: two entries of merged
// labs that agree on it are the same definition (§11.3).
std::string definition_of(const JsonRef &entry) {
    std::string text;
    for (const auto &m : entry.children()) {
        std::string_view key = m.key();
        if (key == "labs" || (!key.empty() && key[0] == '_')) continue;
        text += json_quote(key) + ":" + m.compact() + ",";
    }
    return text;
}

class Assembler {
public:
    Assembler(std::vector<LabFile> &files, std::string files_read, Diagnostics &errors, Diagnostics &warnings)
        : files_(files), files_read_(std::move(files_read)), errors_(errors), warnings_(warnings) {}

    // The lab, or nothing with the reasons in errors_ / not_found.
    std::optional<Lab> assemble(const std::vector<std::string> &parts, std::string name,
                                std::vector<std::string> &not_found) {
        std::vector<std::vector<Candidate *>> selected(parts.size());
        for (size_t p = 0; p < parts.size(); ++p) {
            for (size_t f = 0; f < files_.size(); ++f) {
                for (const auto &entry : files_[f].hosts) {
                    if (std::find(entry.labs.begin(), entry.labs.end(), parts[p]) == entry.labs.end()) continue;
                    selected[p].push_back(&candidate(f, entry));
                }
            }
            if (selected[p].empty()) not_found.push_back(not_found_message(parts[p]));
        }

        std::vector<Candidate *> merged = merge(selected);
        Lab lab;
        lab.name = std::move(name);
        std::vector<std::optional<JsonRef>> hop_values;
        bool local_defined = false;
        for (Candidate *c : merged) {
            if (c->host.id == "local") {
                local_defined = true;
                c->entry->entry.report(warnings_, "host \"local\" replaces the built-in local host");
            }
            lab.hosts.push_back(c->host);
            hop_values.push_back(c->entry->entry.find("hop"));
        }
        name_hosts(lab.hosts);
        if (!local_defined) {
            lab.hosts.push_back(builtin_local_host());
            hop_values.emplace_back();
        }
        check_hops(lab.hosts, hop_values, lab.name, errors_);
        lab.links = links_of(lab.hosts);
        for (const auto &h : lab.hosts) {
            for (const auto &r : h.resources) {
                if (std::find(lab.resources.begin(), lab.resources.end(), r) == lab.resources.end())
                    lab.resources.push_back(r);
            }
        }
        return lab;
    }

private:
    std::vector<LabFile> &files_;
    std::string files_read_;  // every file read, usable or not, for messages
    Diagnostics &errors_;
    Diagnostics &warnings_;
    // Entries read once, even when several selected labs list them.
    std::map<const HostEntry *, Candidate> candidates_;

    Candidate &candidate(size_t file, const HostEntry &entry) {
        auto [it, inserted] = candidates_.try_emplace(&entry);
        Candidate &c = it->second;
        if (!inserted) return c;
        c.entry = &entry;
        c.file = file;
        size_t before = errors_.size();
        EntryContext context{files_[file].form, files_[file].base_dir};
        c.host = read_host_entry(entry.entry, context, errors_, warnings_);
        c.valid = errors_.size() == before && !c.host.id.empty();
        return c;
    }

    std::string not_found_message(const std::string &part) const {
        return "lab " + json_quote(part) + " not found: no host lists it in \"labs\" (files read: " + files_read_ + ")";
    }

    void report_pair(const Candidate &first, const Candidate &second, const std::string &text) {
        std::string where = first.host.source.str() + " and ";
        where += first.file == second.file ? second.host.source.path : second.host.source.str();
        errors_.add(files_[second.file].document->file_order(), second.entry->entry.offset(), where + ": " + text);
    }

    // Parts in the order given; within a part, file then array order. An id
    // seen twice in one part is an error (§8.4); across parts the same ip
    // means the same host, which keeps its place and takes the later
    // definition (§11.3).
    std::vector<Candidate *> merge(const std::vector<std::vector<Candidate *>> &selected) {
        std::vector<Candidate *> merged;
        std::map<std::string, size_t> position;  // id -> index in merged
        for (const auto &part : selected) {
            std::map<std::string, Candidate *> in_part;
            for (Candidate *c : part) {
                if (!c->valid) continue;
                const std::string &id = c->host.id;
                if (auto seen = in_part.find(id); seen != in_part.end()) {
                    report_pair(*seen->second, *c,
                                "duplicate host id " + json_quote(id) + "; set element_id, board or slot");
                    continue;
                }
                in_part.emplace(id, c);
                auto at = position.find(id);
                if (at == position.end()) {
                    position.emplace(id, merged.size());
                    merged.push_back(c);
                    continue;
                }
                Candidate *earlier = merged[at->second];
                if (earlier == c) continue;  // one entry listed by several parts
                if (earlier->host.ip != c->host.ip) {
                    report_pair(*earlier, *c,
                                "host id " + json_quote(id) + " has ip " + json_quote(earlier->host.ip) + " and " +
                                    json_quote(c->host.ip) + "; merged labs share a host only when its ip is the same");
                    continue;
                }
                if (definition_of(earlier->entry->entry) != definition_of(c->entry->entry))
                    c->entry->entry.report(warnings_, "redefines host " + json_quote(id) + " of " +
                                                          earlier->host.source.str() +
                                                          " (same ip); this later definition is used");
                merged[at->second] = c;
            }
        }
        return merged;
    }

    // Generated names (§8.5), among the hosts from files (the built-in local
    // host has its own name and is added after).
    static void name_hosts(std::vector<LabHost> &hosts) {
        std::vector<NamingInput> inputs;
        for (const auto &h : hosts) inputs.push_back({h.id_parts, h.id});
        auto names = generated_names(inputs);
        for (size_t i = 0; i < hosts.size(); ++i) {
            if (hosts[i].name_generated) hosts[i].name = names[i];
        }
    }

    // Links with an endpoint among the lab's hosts, checked (§4.2).
    std::vector<LabLink> links_of(const std::vector<LabHost> &hosts) {
        std::set<std::string> ids;
        for (const auto &h : hosts) ids.insert(h.id);
        std::vector<LabLink> links;
        for (const auto &file : files_) {
            for (const auto &link : file.links) {
                auto named = link_host_ids(link);
                if (std::none_of(named.begin(), named.end(), [&](const std::string &id) { return ids.count(id); }))
                    continue;
                if (auto checked = read_link(link, errors_)) links.push_back(std::move(*checked));
            }
        }
        return links;
    }
};

struct Source {
    std::string name;
    std::string text;
    std::string base_dir;
    bool read_ok = true;
    std::string read_error;
};

LabLoadResult load(std::string_view selection, std::vector<Source> sources, std::vector<std::string> early_warnings) {
    LabLoadResult result;
    result.warnings = std::move(early_warnings);
    auto parts = parse_selection(selection);
    if (!parts) {
        result.code = LabErrorCode::bad_selection;
        result.errors.push_back(bad_selection_message(selection));
        return result;
    }

    Diagnostics errors;
    Diagnostics warnings;
    std::vector<LabFile> files;
    std::string files_read;
    for (size_t i = 0; i < sources.size(); ++i) {
        Source &s = sources[i];
        files_read += (i ? ", " : "") + s.name;
        if (!s.read_ok) {
            errors.add(i, 0, s.read_error);
            continue;
        }
        auto file = read_lab_file(std::move(s.text), s.name, i, s.base_dir, errors, warnings);
        if (file) files.push_back(std::move(*file));
    }

    std::string name;
    for (const auto &p : *parts) name += (name.empty() ? "" : "+") + p;
    std::vector<std::string> not_found;
    Assembler assembler(files, std::move(files_read), errors, warnings);
    auto lab = assembler.assemble(*parts, name, not_found);

    for (auto &w : warnings.all()) result.warnings.push_back(std::move(w));
    if (!errors.empty()) {
        result.code = LabErrorCode::parse_error;
        // A lab missing from the files that could be read may well be in the
        // one that could not: saying it is not found would mislead. Otherwise
        // it goes last, after the messages about files.
        if (files.size() == sources.size()) {
            for (auto &m : not_found) errors.add(sources.size(), 0, std::move(m));
        }
        result.errors = errors.report();
        return result;
    }
    if (!not_found.empty()) {
        result.code = LabErrorCode::lab_not_found;
        result.errors = std::move(not_found);
        return result;
    }
    result.lab = std::move(lab);
    return result;
}

}  // namespace

std::string LabLoadResult::error_message() const {
    std::string out;
    for (const auto &e : errors) {
        if (!out.empty()) out += '\n';
        out += e;
    }
    return out;
}

LabLoadResult load_lab(std::string_view selection, const std::vector<std::string> &search_paths) {
    LabFileSearch search = find_lab_files(search_paths);
    if (search.files.empty()) {
        LabLoadResult result;
        result.code = LabErrorCode::lab_not_found;
        std::string tried;
        for (const auto &t : search.tried) tried += (tried.empty() ? "" : "; ") + t;
        result.errors.push_back(search_paths.empty() ? "no lab file found: no search paths given"
                                                     : "no lab file found in the search paths: " + tried);
        return result;
    }
    std::vector<Source> sources;
    for (const auto &file : search.files) {
        Source s;
        s.name = file;
        s.base_dir = absolute_directory(file);
        s.read_ok = read_whole_file(file, s.text, s.read_error);
        sources.push_back(std::move(s));
    }
    return load(selection, std::move(sources), std::move(search.warnings));
}

LabLoadResult load_lab_text(std::string_view selection, std::string json_text) {
    std::vector<Source> sources(1);
    sources[0].name = "<text>";
    sources[0].text = std::move(json_text);
    sources[0].base_dir = current_directory();
    return load(selection, std::move(sources), {});
}

}  // namespace otto::lab
