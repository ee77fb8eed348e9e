#include "lab/creds.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "lab/key_check.hpp"
#include "lab/value_rules.hpp"

namespace otto::lab {

namespace {

// Login proxies otto implements (§7.3).
const std::vector<std::string_view> kProxies = {"su"};

const KeyRules kCredKeys{{"login", "password", "proxy", "via", "params"}};

// One cred with the values that locate its fields in messages.
struct ReadCred {
    Cred cred;
    JsonRef at;  // the cred's object
};

std::vector<Cred> read_legacy_map(const JsonRef &map, Diagnostics &errors) {
    std::vector<Cred> creds;
    for (const auto &entry : map.children(KeyStyle::data)) {
        Cred cred;
        cred.login = std::string(entry.key());
        if (cred.login.empty()) entry.report_at_key(errors, "expected a non-empty login");
        if (entry.is(JsonKind::string)) cred.password = std::string(entry.string());
        else if (!entry.is_null()) report_expected(entry, errors, "a string or null");
        creds.push_back(std::move(cred));
    }
    return creds;
}

std::optional<ReadCred> read_cred(const JsonRef &at, Diagnostics &errors) {
    if (!at.is(JsonKind::object)) {
        // A string here is likely "login:password": never echo it.
        report_expected(at, errors, "a cred object {\"login\": ..., \"password\": ...}", Secrecy::secret);
        return std::nullopt;
    }
    check_keys(at, kCredKeys, errors);
    ReadCred read{Cred{}, at};
    Cred &cred = read.cred;
    if (auto login = at.find("login")) cred.login = read_non_empty_string(*login, errors).value_or("");
    else at.report(errors, "missing required key \"login\"");
    if (auto password = at.find("password"))
        cred.password = read_string(*password, errors, Null::allowed, Secrecy::secret);
    if (auto proxy = at.find("proxy")) {
        cred.proxy = read_string(*proxy, errors, Null::allowed);
        if (cred.proxy && std::find(kProxies.begin(), kProxies.end(), *cred.proxy) == kProxies.end())
            proxy->report(errors,
                          "unknown login proxy " + json_quote(*cred.proxy) + "; known proxies: " + one_of(kProxies));
    }
    if (auto via = at.find("via")) cred.via = read_string(*via, errors, Null::allowed);
    if (auto params = at.find("params")) {
        if (params->is(JsonKind::object)) cred.params_json = params->compact();
        else report_expected(*params, errors, "an object", Secrecy::secret);
    }
    return read;
}

std::string chain_text(const std::vector<std::string> &logins) {
    std::string out;
    for (const auto &l : logins) {
        if (!out.empty()) out += " \xe2\x86\x92 ";  // →
        out += json_quote(l);
    }
    return out;
}

// Logins unique (§7.2); via and params only with proxy; every proxy chain
// ends at a cred without proxy, with no cycle (§7.3).
void check_chains(const std::vector<ReadCred> &creds, Diagnostics &errors) {
    std::map<std::string, size_t> by_login;
    for (size_t i = 0; i < creds.size(); ++i) {
        const Cred &c = creds[i].cred;
        if (c.login.empty()) continue;
        auto [it, inserted] = by_login.emplace(c.login, i);
        if (!inserted) {
            creds[i].at.find("login")->report(errors, "login " + json_quote(c.login) + " repeats " +
                                                          creds[it->second].at.path().str() +
                                                          "; logins are unique within a host");
        }
    }
    std::optional<size_t> first_direct;
    for (size_t i = 0; i < creds.size(); ++i) {
        if (!creds[i].cred.proxy) {
            first_direct = i;
            break;
        }
    }
    for (size_t i = 0; i < creds.size(); ++i) {
        const Cred &c = creds[i].cred;
        const JsonRef &at = creds[i].at;
        if (!c.proxy) {
            if (c.via) at.find("via")->report(errors, "via needs proxy: it names the cred a proxy steps from");
            if (auto params = at.find("params")) params->report(errors, "params needs proxy: they are the proxy's");
            continue;
        }
        // Follow the chain from this cred down to a cred without proxy.
        std::vector<std::string> chain{c.login};
        std::vector<bool> seen(creds.size(), false);
        seen[i] = true;
        size_t current = i;
        for (;;) {
            const Cred &step = creds[current].cred;
            if (!step.proxy) break;
            std::optional<size_t> next;
            if (step.via) {
                auto it = by_login.find(*step.via);
                if (it == by_login.end()) {
                    if (current == i)
                        at.find("via")->report(errors, json_quote(*step.via) + " is not a login of this host's creds");
                    break;
                }
                next = it->second;
            } else {
                next = first_direct;
                if (!next) {
                    if (current == i) at.report(errors, "proxy needs a cred without proxy to step from; there is none");
                    break;
                }
            }
            chain.push_back(creds[*next].cred.login);
            if (seen[*next]) {
                auto where = at.find("via") ? *at.find("via") : at;
                where.report(errors, chain_text(chain) + " is a cycle; a proxy chain must end at a cred without proxy");
                break;
            }
            seen[*next] = true;
            current = *next;
        }
    }
}

}  // namespace

std::vector<Cred> read_creds(const JsonRef &value, FileForm form, Diagnostics &errors) {
    if (value.is(JsonKind::object)) {
        if (form == FileForm::legacy) {
            auto creds = read_legacy_map(value, errors);
            if (creds.empty()) report_expected(value, errors, "at least one cred");
            return creds;
        }
        // §5.5: show the list form, with the first login but no password.
        auto members = value.children(KeyStyle::data);
        std::string login = members.empty() ? "root" : std::string(members.front().key());
        value.report(errors,
                     "expected an array of creds, got an object (the legacy hosts.json form); write [{\"login\": " +
                         json_quote(login) + ", \"password\": \"...\"}]");
        return {};
    }
    if (!value.is(JsonKind::array)) {
        report_expected(value, errors, "an array of creds", Secrecy::secret);
        return {};
    }
    auto elements = value.children();
    if (elements.empty()) {
        report_expected(value, errors, "at least one cred");
        return {};
    }
    std::vector<ReadCred> read;
    for (const auto &element : elements) {
        if (auto cred = read_cred(element, errors)) read.push_back(std::move(*cred));
    }
    check_chains(read, errors);
    std::vector<Cred> creds;
    creds.reserve(read.size());
    for (auto &r : read) creds.push_back(std::move(r.cred));
    return creds;
}

}  // namespace otto::lab
