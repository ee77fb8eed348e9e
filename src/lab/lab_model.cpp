#include "lab/lab_model.hpp"

namespace otto::lab {

const char *to_string(Term term) { return term == Term::ssh ? "ssh" : "telnet"; }

const char *to_string(Transfer transfer) {
    switch (transfer) {
        case Transfer::scp: return "scp";
        case Transfer::sftp: return "sftp";
        case Transfer::ftp: return "ftp";
        case Transfer::nc: return "nc";
        case Transfer::shell: return "shell";
    }
    return "?";
}

const Cred *LabHost::login_cred() const {
    if (creds.empty()) return nullptr;
    if (user) {
        for (const auto &c : creds) {
            if (c.login == *user) return &c;
        }
    }
    return &creds.front();
}

Term LabHost::active_term(std::optional<Term> override_term) const {
    if (override_term) return *override_term;
    if (term) return *term;
    return valid_terms.empty() ? Term::ssh : valid_terms.front();
}

Transfer LabHost::active_transfer(std::optional<Transfer> override_transfer) const {
    if (override_transfer) return *override_transfer;
    if (transfer) return *transfer;
    return valid_transfers.empty() ? Transfer::scp : valid_transfers.front();
}

bool LabHost::has_bash() const { return compat.has_bash.value_or(os_type != OsType::busybox); }

const LabHost *Lab::find(std::string_view id) const {
    for (const auto &h : hosts) {
        if (h.id == id) return &h;
    }
    return nullptr;
}

LabHost builtin_local_host() {
    LabHost local;
    local.id = "local";
    local.name = "localhost";
    local.id_parts.element = "local";
    // Reached through a local shell: no term, no creds, no resources.
    local.valid_terms.clear();
    local.valid_transfers = {Transfer::shell};
    local.builtin_local = true;
    local.source = {"<built-in>", "local"};
    return local;
}

}  // namespace otto::lab
