// A loaded lab: its hosts with every setting of their lab-file entry, typed
// and with defaults applied (LAB-FORMAT §6-§10, §12).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lab/host_id.hpp"

namespace otto::lab {

enum class Term { ssh, telnet };
enum class Transfer { scp, sftp, ftp, nc, shell };
enum class OsType { unix_userland, busybox };
enum class CommandFrame { bash, ash };
enum class LogMode { normal, quiet, never };
enum class HostKeyPolicy { strict, accept_new, off };

const char *to_string(Term term);
const char *to_string(Transfer transfer);

// Where a host entry was declared: "lab.json", hosts[3].
struct EntrySource {
    std::string file;  // as messages name it; "<text>" for JSON given as text
    std::string path;  // "hosts[3]" or "[3]"
    std::string str() const { return file + ": " + path; }
};

struct Cred {
    std::string login;
    std::optional<std::string> password;  // null: keys and ssh-agent only (§7.4)
    std::optional<std::string> proxy;     // a login proxy such as "su" (§7.3)
    std::optional<std::string> via;       // the cred to step from
    std::string params_json = "{}";       // proxy parameters, kept as JSON
};

struct SshOptions {
    int port = 22;
    std::optional<std::vector<std::string>> known_hosts;  // null: ~/.ssh/known_hosts
    HostKeyPolicy host_key_policy = HostKeyPolicy::accept_new;
    std::optional<double> connect_timeout;     // null: 10 s (15.5)
    std::optional<double> keepalive_interval;  // null: off
    std::optional<int64_t> keepalive_count_max;
    std::optional<std::vector<std::string>> client_keys;  // resolved paths (15.2); null: defaults and agent
    bool agent_forwarding = false;
    std::optional<std::vector<std::string>> preferred_auth;
    std::optional<std::vector<std::string>> encryption_algs;
    std::optional<std::vector<std::string>> server_host_key_algs;
    std::optional<std::vector<std::string>> compression_algs;
    // Accepted for the components that will implement them, kept as JSON.
    std::vector<std::pair<std::string, std::string>> pass_through;
    std::vector<std::string> extra_keys;  // applied by nothing (§9)

    double effective_connect_timeout() const { return connect_timeout.value_or(10.0); }
};

struct TelnetOptions {
    int port = 23;
    bool login = true;
    std::string login_prompt = ":";
    double login_timeout = 10.0;
    std::optional<double> connect_timeout;  // null: 10 s
    double echo_negotiation_timeout = 3.0;
    int64_t cols = 400;
    int64_t rows = 24;
    std::optional<std::string> encoding;  // false in the file: bytes
    int64_t write_chunk_size = 0;
    double write_chunk_delay = 0.0;
    bool single_client_console = false;
    bool auto_window_resize = false;
    std::vector<std::string> extra_keys;  // applied by nothing (§10)

    double effective_connect_timeout() const { return connect_timeout.value_or(10.0); }
};

struct Interface {
    std::string name;
    std::string ip;
    std::optional<std::string> subnet;
};

// The keys of §6.2: checked and kept, used by no session.
struct CompatFields {
    std::optional<bool> is_virtual;
    std::optional<bool> has_bash;
    std::optional<bool> docker_capable;
    std::optional<bool> log_stdout;
    std::optional<std::string> hw_version;
    std::optional<std::string> sw_version;
    std::optional<std::string> os_name;
    std::optional<std::string> os_version;
    std::optional<std::string> default_dest_dir;
    std::optional<int64_t> max_filename_len;
    std::optional<std::vector<std::string>> debug_log_globs;
    std::vector<Interface> interfaces;
    // Checked objects (snmp, sftp/scp/ftp/nc options) and opaque values
    // (userland_options, power_control, toolchain, impairers), as JSON, in
    // file order.
    std::vector<std::pair<std::string, std::string>> kept_json;
};

struct LabHost {
    std::string id;
    std::string name;
    bool name_generated = false;  // no name in the file (§8.5)
    std::string ip;
    IdParts id_parts;
    std::vector<std::string> labs;
    std::vector<Cred> creds;
    std::optional<std::string> user;
    std::optional<Term> term;
    std::vector<Term> valid_terms{Term::ssh, Term::telnet};
    std::optional<Transfer> transfer;
    std::vector<Transfer> valid_transfers{Transfer::scp, Transfer::sftp, Transfer::ftp, Transfer::nc};
    std::optional<std::string> hop;
    std::vector<std::string> resources;
    OsType os_type = OsType::unix_userland;
    CommandFrame command_frame = CommandFrame::bash;  // null in the file resolved (§6.3)
    bool shell_history = false;
    LogMode log = LogMode::normal;
    SshOptions ssh;
    TelnetOptions telnet;
    CompatFields compat;

    EntrySource source;
    bool builtin_local = false;  // the machine otto runs on (§12)

    // The login cred: `user`'s, else the first (§7.2); null only for local.
    const Cred *login_cred() const;
    // The per-call override if given, else `term`, else the first valid term
    // (§6.1); transfers likewise.
    Term active_term(std::optional<Term> override_term = std::nullopt) const;
    Transfer active_transfer(std::optional<Transfer> override_transfer = std::nullopt) const;
    // has_bash as set, else false for BusyBox and true otherwise (§6.3).
    bool has_bash() const;
};

struct LabLink {
    struct Endpoint {
        std::string host;
        std::optional<std::string> interface;
    };
    std::vector<Endpoint> endpoints;
    std::string protocol = "tcp";
    std::optional<std::string> name;
    std::optional<std::string> impair_json;
    std::optional<bool> management;
};

struct Lab {
    std::string name;                    // the selection, parts joined with '+'
    std::vector<LabHost> hosts;          // file order, then array order; `local` included
    std::vector<std::string> resources;  // union over the hosts, first-seen order
    std::vector<LabLink> links;          // links with an endpoint among the hosts

    const LabHost *find(std::string_view id) const;
};

// The built-in local host (§12): id "local", name "localhost", no ip, creds,
// terms or resources; sessions reach it through a local shell, so its term and
// transfer accessors mean nothing.
LabHost builtin_local_host();

}  // namespace otto::lab
