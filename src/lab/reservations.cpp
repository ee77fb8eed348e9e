#include "lab/reservations.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "lab/diagnostics.hpp"
#include "lab/json_document.hpp"
#include "lab/key_check.hpp"
#include "lab/lab_files.hpp"
#include "lab/value_rules.hpp"

namespace otto::lab {

namespace {

const KeyRules kFileKeys{{"version", "reservations"}};
const KeyRules kEntryKeys{{"user", "resources", "expires"}};

std::optional<Reservation> read_entry(const JsonRef &at, Diagnostics &errors) {
    if (!expect_object(at, errors)) return std::nullopt;
    size_t before = errors.size();
    check_keys(at, kEntryKeys, errors);
    Reservation r;
    if (auto user = at.find("user")) r.user = read_non_empty_string(*user, errors).value_or("");
    else at.report(errors, "missing required key \"user\"");
    if (auto resources = at.find("resources")) r.resources = read_strings(*resources, errors).value_or(r.resources);
    else at.report(errors, "missing required key \"resources\"");
    if (auto expires = at.find("expires")) {
        if (expires->is(JsonKind::string)) r.expires = parse_iso_time(expires->string());
        if (!r.expires) report_expected(*expires, errors, "an ISO-8601 date-time such as \"2026-05-01T00:00:00Z\"");
    }
    if (errors.size() != before) return std::nullopt;
    return r;
}

std::string joined(const std::vector<std::string> &items, const char *separator = ", ") {
    std::string out;
    for (const auto &i : items) out += (out.empty() ? "" : separator) + i;
    return out;
}

}  // namespace

ReservationsRead parse_reservations(std::string text, std::string display_name) {
    ReservationsRead read;
    Diagnostics errors;
    auto doc = JsonDocument::parse(std::move(text), std::move(display_name), 0, errors);
    if (doc) {
        JsonRef root = doc->root();
        if (expect_object(root, errors)) {
            check_keys(root, kFileKeys, errors);
            if (auto version = root.find("version")) {
                // Another version is another schema: refuse it rather than guess.
                if (version->integer() != 1) report_expected(*version, errors, "1 (the only version otto reads)");
            } else {
                root.report(errors, "missing required key \"version\"");
            }
            if (auto entries = root.find("reservations")) {
                if (entries->is(JsonKind::array)) {
                    for (const auto &entry : entries->children()) {
                        if (auto r = read_entry(entry, errors)) read.entries.push_back(std::move(*r));
                    }
                } else {
                    report_expected(*entries, errors, "an array of reservations");
                }
            }
        }
    }
    read.errors = errors.report();
    if (!read.ok()) read.entries.clear();
    return read;
}

ReservationCheck check_reservations(const std::vector<std::string> &needed, std::string_view lab_name,
                                    std::string_view user, const std::vector<Reservation> &entries, UtcTime now) {
    ReservationCheck result;
    std::set<std::string> held;
    for (const auto &e : entries) {
        if (e.user == user && e.active(now)) held.insert(e.resources.begin(), e.resources.end());
    }
    std::set<std::string> missing;  // sorted
    for (const auto &r : needed) {
        if (!held.count(r)) missing.insert(r);
    }
    if (missing.empty()) {
        result.status = ReservationStatus::held;
        return result;
    }
    std::vector<std::string> parts;
    for (const auto &resource : missing) {
        std::vector<std::string> holders;  // active holders, file order, no repeats
        for (const auto &e : entries) {
            if (!e.active(now) || std::find(e.resources.begin(), e.resources.end(), resource) == e.resources.end())
                continue;
            if (std::find(holders.begin(), holders.end(), e.user) == holders.end()) holders.push_back(e.user);
        }
        parts.push_back(resource + (holders.empty() ? " (unreserved)" : " (held by " + joined(holders) + ")"));
    }
    result.status = ReservationStatus::missing;
    result.message = "user " + json_quote(user) + " does not hold all resources of lab " + json_quote(lab_name) +
                     "; missing: " + joined(parts);
    return result;
}

ReservationCheck check_reservations(const std::string &file, const Lab &lab, std::optional<std::string> user,
                                    UtcTime now) {
    if (lab.resources.empty()) return {ReservationStatus::held, {}};
    ReservationCheck result;
    std::string text;
    std::string error;
    if (!read_whole_file(file, text, error)) {
        result.message = error;
        return result;
    }
    ReservationsRead read = parse_reservations(std::move(text), file);
    if (!read.ok()) {
        result.message = joined(read.errors, "\n");
        return result;
    }
    std::string who = user ? *user : os_account_name();
    return check_reservations(lab.resources, lab.name, who, read.entries, now);
}

ReservationCheck check_reservations(const std::string &file, const Lab &lab, std::optional<std::string> user) {
    auto now = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
    return check_reservations(file, lab, std::move(user), now);
}

std::string os_account_name() {
    long size = sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(size > 0 ? static_cast<size_t>(size) : 16384);
    passwd entry{};
    passwd *found = nullptr;
    if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found && found->pw_name)
        return found->pw_name;
    return "uid " + std::to_string(getuid());
}

}  // namespace otto::lab
