#include "lab/lab_links.hpp"

#include "lab/key_check.hpp"
#include "lab/value_rules.hpp"

namespace otto::lab {

namespace {

const KeyRules kLinkKeys{{"endpoints", "protocol", "name", "impair", "management"}};
const KeyRules kEndpointKeys{{"host", "interface"}};

}  // namespace

std::vector<std::string> link_host_ids(const JsonRef &link) {
    std::vector<std::string> ids;
    auto endpoints = link.find("endpoints");
    if (!endpoints || !endpoints->is(JsonKind::array)) return ids;
    for (const auto &endpoint : endpoints->children()) {
        if (!endpoint.is(JsonKind::object)) continue;
        auto host = endpoint.find("host");
        if (host && host->is(JsonKind::string)) ids.emplace_back(host->string());
    }
    return ids;
}

std::optional<LabLink> read_link(const JsonRef &at, Diagnostics &errors) {
    size_t before = errors.size();
    check_keys(at, kLinkKeys, errors);
    LabLink link;
    auto endpoints = at.find("endpoints");
    if (!endpoints) {
        at.report(errors, "missing required key \"endpoints\"");
    } else if (!endpoints->is(JsonKind::array)) {
        report_expected(*endpoints, errors, "an array of two endpoints");
    } else if (size_t n = endpoints->children().size(); n != 2) {
        endpoints->report(errors, "expected two endpoints, got " + std::to_string(n));
    } else {
        for (const auto &e : endpoints->children()) {
            if (!e.is(JsonKind::object)) {
                report_expected(e, errors, "an endpoint object {\"host\": ..., \"interface\": ...}");
                continue;
            }
            check_keys(e, kEndpointKeys, errors);
            LabLink::Endpoint endpoint;
            if (auto host = e.find("host")) endpoint.host = read_non_empty_string(*host, errors).value_or("");
            else e.report(errors, "missing required key \"host\"");
            if (auto iface = e.find("interface")) endpoint.interface = read_string(*iface, errors);
            link.endpoints.push_back(std::move(endpoint));
        }
    }
    if (auto protocol = at.find("protocol")) link.protocol = read_non_empty_string(*protocol, errors).value_or("tcp");
    if (auto name = at.find("name")) link.name = read_string(*name, errors);
    if (auto impair = at.find("impair")) {
        if (expect_object(*impair, errors)) link.impair_json = impair->compact();
    }
    if (auto management = at.find("management")) link.management = read_bool(*management, errors);
    if (errors.size() != before) return std::nullopt;
    return link;
}

}  // namespace otto::lab
