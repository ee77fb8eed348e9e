#include "lab/host_id.hpp"

#include <algorithm>
#include <map>

namespace otto::lab {

std::string slug(std::string_view text) {
    std::string out;
    bool pending_dash = false;
    for (char c : text) {
        // ASCII only (§8.3): bytes of multi-byte UTF-8 sequences are >= 0x80
        // and so always separators.
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!keep) {
            pending_dash = true;
            continue;
        }
        if (pending_dash && !out.empty()) out += '-';
        pending_dash = false;
        out += c;
    }
    return out;
}

std::string host_id(const IdParts &parts) {
    std::string id = slug(parts.element);
    if (id.empty()) return {};
    if (parts.element_id) id += std::to_string(*parts.element_id);
    if (parts.board) {
        std::string board = slug(*parts.board);
        if (board.empty()) return {};
        id += '_';
        id += board;
        if (parts.slot) id += std::to_string(*parts.slot);
    }
    return id;
}

std::string empty_slug_message(std::string_view text) {
    std::string quoted = "\"";
    quoted += text;
    quoted += '"';
    return quoted + " slugs to an empty id (needs a letter or digit)";
}

std::vector<std::string> generated_names(const std::vector<NamingInput> &hosts) {
    // Group host indices by the slug of their element.
    std::map<std::string, std::vector<size_t>> by_element;
    for (size_t i = 0; i < hosts.size(); ++i) by_element[slug(hosts[i].parts.element)].push_back(i);

    std::vector<size_t> rank(hosts.size(), 0);
    for (auto &[element, members] : by_element) {
        if (members.size() < 2) continue;
        std::stable_sort(members.begin(), members.end(), [&](size_t a, size_t b) {
            const auto &ea = hosts[a].parts.element_id;
            const auto &eb = hosts[b].parts.element_id;
            if (ea.has_value() != eb.has_value()) return ea.has_value();  // absent last
            if (ea && *ea != *eb) return *ea < *eb;
            return hosts[a].id < hosts[b].id;
        });
        for (size_t r = 0; r < members.size(); ++r) rank[members[r]] = r + 1;
    }

    std::vector<std::string> names;
    names.reserve(hosts.size());
    for (size_t i = 0; i < hosts.size(); ++i) {
        const IdParts &p = hosts[i].parts;
        std::string name = p.element;
        if (rank[i] != 0) name += " " + std::to_string(rank[i]);
        if (p.board) {
            name += " " + *p.board;
            if (p.slot) name += " " + std::to_string(*p.slot);
        }
        names.push_back(std::move(name));
    }
    return names;
}

}  // namespace otto::lab
