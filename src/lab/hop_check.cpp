#include "lab/hop_check.hpp"

#include <algorithm>
#include <map>

#include "lab/json_path.hpp"

namespace otto::lab {

namespace {

std::string chain_text(const std::vector<size_t> &chain, const std::vector<LabHost> &hosts,
                       const std::string *last_unknown = nullptr) {
    std::string out;
    for (size_t i : chain) {
        if (!out.empty()) out += " \xe2\x86\x92 ";  // →
        out += json_quote(hosts[i].id);
    }
    if (last_unknown) out += " \xe2\x86\x92 " + json_quote(*last_unknown);
    return out;
}

std::string terms_text(const LabHost &host) {
    std::string out = "[";
    for (size_t i = 0; i < host.valid_terms.size(); ++i) {
        if (i > 0) out += ", ";
        out += json_quote(to_string(host.valid_terms[i]));
    }
    return out + "]";
}

}  // namespace

void check_hops(const std::vector<LabHost> &hosts, const std::vector<std::optional<JsonRef>> &hop_values,
                const std::string &lab_name, Diagnostics &errors) {
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < hosts.size(); ++i) index.emplace(hosts[i].id, i);

    for (size_t start = 0; start < hosts.size(); ++start) {
        if (!hosts[start].hop || !hop_values[start]) continue;
        const JsonRef &at = *hop_values[start];
        std::vector<size_t> chain{start};
        bool broken = false;
        for (size_t current = start; hosts[current].hop;) {
            const std::string &next_id = *hosts[current].hop;
            auto found = index.find(next_id);
            if (found == index.end()) {
                // Reported by the host that names it.
                if (current == start)
                    at.report(errors, chain_text(chain, hosts, &next_id) + ": no host " + json_quote(next_id) +
                                          " in lab " + json_quote(lab_name));
                broken = true;
                break;
            }
            size_t next = found->second;
            const LabHost &hop = hosts[next];
            bool ssh = std::find(hop.valid_terms.begin(), hop.valid_terms.end(), Term::ssh) != hop.valid_terms.end();
            if (!ssh) {
                chain.push_back(next);
                if (current == start)
                    at.report(errors, chain_text(chain, hosts) + ": host " + json_quote(hop.id) +
                                          " cannot be a hop: its valid_terms " + terms_text(hop) + " lack \"ssh\"");
                broken = true;
                break;
            }
            auto loop_start = std::find(chain.begin(), chain.end(), next) - chain.begin();
            bool loops = loop_start != static_cast<std::ptrdiff_t>(chain.size());
            chain.push_back(next);
            if (loops) {
                // Report a cycle once, at its first member in lab order.
                size_t first_member = *std::min_element(chain.begin() + loop_start, chain.end() - 1);
                if (first_member == start) at.report(errors, chain_text(chain, hosts) + " is a cycle");
                broken = true;
                break;
            }
            current = next;
        }
        size_t depth = chain.size() - 1;
        if (!broken && depth > kMaxHopDepth)
            at.report(errors, chain_text(chain, hosts) + " is " + std::to_string(depth) + " hops deep; at most " +
                                  std::to_string(kMaxHopDepth) + " are allowed");
    }
}

}  // namespace otto::lab
