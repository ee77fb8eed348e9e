#include "lab/compat_fields.hpp"

#include <limits>
#include <map>
#include <string>

#include "lab/address.hpp"
#include "lab/key_check.hpp"
#include "lab/value_rules.hpp"

namespace otto::lab {

namespace {

// The value rules of the members of the checked option objects. §6.2 names
// their keys but not their types: these are otto's reading of the names,
// strict where the meaning is plain (ports, flags, timeouts) and allowing
// null where a value reads as "unset".
enum class Rule {
    boolean,
    string,
    string_or_null,
    count,  // integer >= 1
    count_or_null,
    port,
    port_or_null,
    seconds_or_null,  // number > 0 or null
    limit_or_null,    // number >= 0 or null
    strings,
    string_map,  // object of strings, keys are data
    object,
};

struct Member {
    std::string_view key;
    Rule rule;
    bool required = false;
};

using MemberTable = std::vector<Member>;

const std::map<std::string_view, MemberTable> &option_tables() {
    static const std::map<std::string_view, MemberTable> tables = {
        {"snmp",
         {{"address", Rule::string},
          {"port", Rule::port, true},
          {"community", Rule::string, true},
          {"oids", Rule::strings, true},
          {"version", Rule::string, true}}},
        {"sftp_options", {{"env", Rule::string_map}, {"send_env", Rule::strings}, {"extra", Rule::object}}},
        {"scp_options",
         {{"preserve", Rule::boolean},
          {"recurse", Rule::boolean},
          {"block_size", Rule::count},
          {"extra", Rule::object}}},
        {"ftp_options",
         {{"port", Rule::port},
          {"encoding", Rule::string},
          {"socket_timeout", Rule::seconds_or_null},
          {"connection_timeout", Rule::seconds_or_null},
          {"path_timeout", Rule::seconds_or_null},
          {"read_speed_limit", Rule::limit_or_null},
          {"write_speed_limit", Rule::limit_or_null},
          {"ssl", Rule::boolean},
          {"passive_commands", Rule::strings},
          {"extra", Rule::object}}},
        {"nc_options",
         {{"exec_name", Rule::string},
          {"port", Rule::port_or_null},
          {"port_strategy", Rule::string_or_null},
          {"port_cmd", Rule::string_or_null},
          {"listener_check", Rule::string_or_null},
          {"listener_cmd", Rule::string_or_null},
          {"listener_timeout", Rule::seconds_or_null},
          {"max_concurrent_transfers", Rule::count_or_null}}},
    };
    return tables;
}

constexpr int64_t kNoMax = std::numeric_limits<int64_t>::max();

void check_rule(const JsonRef &v, Rule rule, Diagnostics &errors) {
    switch (rule) {
        case Rule::boolean: read_bool(v, errors); break;
        case Rule::string: read_string(v, errors); break;
        case Rule::string_or_null: read_string(v, errors, Null::allowed); break;
        case Rule::count: read_integer(v, errors, 1); break;
        case Rule::count_or_null: read_integer(v, errors, 1, kNoMax, Null::allowed); break;
        case Rule::port: read_integer(v, errors, 1, 65535); break;
        case Rule::port_or_null: read_integer(v, errors, 1, 65535, Null::allowed); break;
        case Rule::seconds_or_null: read_number(v, errors, Bound::above, 0, Null::allowed); break;
        case Rule::limit_or_null: read_number(v, errors, Bound::at_least, 0, Null::allowed); break;
        case Rule::strings: read_strings(v, errors); break;
        case Rule::string_map:
            if (!expect_object(v, errors)) break;
            for (const auto &entry : v.children(KeyStyle::data)) read_string(entry, errors);
            break;
        case Rule::object: expect_object(v, errors); break;
    }
}

void check_option_object(const JsonRef &v, const MemberTable &table, Diagnostics &errors) {
    if (!expect_object(v, errors)) return;
    KeyRules rules;
    for (const auto &m : table) rules.known.push_back(m.key);
    check_keys(v, rules, errors);
    for (const auto &m : table) {
        auto member = v.find(m.key);
        if (member) check_rule(*member, m.rule, errors);
        else if (m.required) v.report(errors, "missing required key " + json_quote(m.key));
    }
    if (auto version = v.find("version"); version && version->is(JsonKind::string)) {
        // Only snmp has a version: SNMP v1 or v2c.
        std::string_view s = version->string();
        if (s != "1" && s != "2c") report_expected(*version, errors, "\"1\" or \"2c\"");
    }
}

// `interfaces`: name -> IP string or {ip, subnet?}, the subnet in CIDR form
// containing the ip.
void read_interfaces(const JsonRef &v, CompatFields &out, Diagnostics &errors) {
    if (!expect_object(v, errors)) return;
    static const KeyRules kInterfaceKeys{{"ip", "subnet"}};
    for (const auto &entry : v.children(KeyStyle::data)) {
        Interface iface;
        iface.name = std::string(entry.key());
        std::optional<JsonRef> ip_at;
        if (entry.is(JsonKind::string)) {
            ip_at = entry;
        } else if (entry.is(JsonKind::object)) {
            check_keys(entry, kInterfaceKeys, errors);
            ip_at = entry.find("ip");
            if (!ip_at) entry.report(errors, "missing required key \"ip\"");
            if (auto subnet = entry.find("subnet")) iface.subnet = read_string(*subnet, errors);
        } else {
            report_expected(entry, errors, "an IP address string or {\"ip\": ..., \"subnet\": ...}");
            continue;
        }
        if (!ip_at) continue;
        if (auto ip = read_string(*ip_at, errors)) {
            if (is_ip_literal(*ip)) iface.ip = *ip;
            else report_expected(*ip_at, errors, "an IP address", Secrecy::plain);
        }
        if (iface.subnet && !iface.ip.empty()) {
            if (auto problem = subnet_problem(*iface.subnet, iface.ip)) entry.find("subnet")->report(errors, *problem);
        }
        out.interfaces.push_back(std::move(iface));
    }
}

}  // namespace

const std::vector<std::string_view> &compat_keys() {
    static const std::vector<std::string_view> keys = {
        "is_virtual",    "has_bash",     "docker_capable",   "log_stdout",       "hw_version",      "sw_version",
        "os_name",       "os_version",   "default_dest_dir", "max_filename_len", "debug_log_globs", "interfaces",
        "snmp",          "sftp_options", "scp_options",      "ftp_options",      "nc_options",      "userland_options",
        "power_control", "toolchain",    "impairer",         "valid_impairers"};
    return keys;
}

void read_compat_field(const JsonRef &m, CompatFields &out, Diagnostics &errors) {
    std::string_view key = m.key();
    if (key == "is_virtual") out.is_virtual = read_bool(m, errors);
    else if (key == "has_bash") out.has_bash = read_bool(m, errors);
    else if (key == "docker_capable") out.docker_capable = read_bool(m, errors);
    else if (key == "log_stdout") out.log_stdout = read_bool(m, errors);
    else if (key == "hw_version") out.hw_version = read_string(m, errors, Null::allowed);
    else if (key == "sw_version") out.sw_version = read_string(m, errors, Null::allowed);
    else if (key == "os_name") out.os_name = read_string(m, errors, Null::allowed);
    else if (key == "os_version") out.os_version = read_string(m, errors, Null::allowed);
    else if (key == "default_dest_dir") out.default_dest_dir = read_string(m, errors);
    else if (key == "max_filename_len") out.max_filename_len = read_integer(m, errors, 1);
    else if (key == "debug_log_globs") out.debug_log_globs = read_strings(m, errors);
    else if (key == "interfaces") read_interfaces(m, out, errors);
    else if (auto table = option_tables().find(key); table != option_tables().end()) {
        size_t before = errors.size();
        check_option_object(m, table->second, errors);
        if (errors.size() == before) out.kept_json.emplace_back(key, m.compact());
    } else {
        // Opaque: checked by the component that uses it, when there is one.
        bool ok = true;
        if (key == "power_control") ok = m.is(JsonKind::object) || m.is(JsonKind::string) || m.is_null();
        else if (key == "userland_options" || key == "toolchain") ok = m.is(JsonKind::object) || m.is_null();
        if (!ok) {
            report_expected(m, errors, key == "power_control" ? "an object, a string or null" : "an object or null");
            return;
        }
        if (!m.is_null()) out.kept_json.emplace_back(key, m.compact());
    }
}

}  // namespace otto::lab
