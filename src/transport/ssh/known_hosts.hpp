// known_hosts files read and written by otto itself, in OpenSSH's format
// (sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT"): plain and hashed host names,
// wildcards and negations, "[host]:port" entries, @revoked and
// @cert-authority markers. libssh 0.10's own reader reports a line it cannot
// parse, or a file it cannot read, as "host not found", which under
// accept-new would trust a server whose key another line contradicts: here
// every such line is an error naming the file and line, and a file that
// exists but cannot be read is an error, never "unknown host".
//
// Everything here blocks on the file system: call it off the loop thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace otto {

// A public key as known_hosts writes it: its type name and base64 blob.
struct PublicKeyText {
    std::string type;    // "ssh-ed25519"
    std::string base64;  // "AAAAC3Nza..."
};

// What the known_hosts files say about a server's key.
struct KnownHostsVerdict {
    enum class Kind {
        Known,       // a plain entry for the host lists this key
        Unknown,     // no entry for the host (or no file)
        Changed,     // entries for the host list only other keys
        Revoked,     // a @revoked entry for the host lists this key
        Unreadable,  // a file cannot be read, or an entry for the host cannot be parsed
    };
    Kind kind = Kind::Unknown;
    // The deciding entry's file and line (1-based); the file alone when it
    // could not be read; empty for Unknown.
    std::string file;
    size_t line = 0;
    std::string detail;  // what was wrong (Unreadable), or the listed key's type (Changed)

    // "FILE line N" or "FILE".
    std::string location() const;
};

// The name an entry for `address`:`port` carries: "host", or "[host]:port"
// off port 22.
std::string known_hosts_name(const std::string &address, int port);

// Looks `key` up for the host `name` (known_hosts_name) in `files`, in
// order. A missing file knows nothing; one that cannot be read is
// Unreadable. Any unparsable entry for the host makes the verdict
// Unreadable; a revoked key outranks a listed one.
KnownHostsVerdict look_up_host_key(const std::vector<std::string> &files, const std::string &name,
                                   const PublicKeyText &key);

// The same over the text of one file, named `file` in the verdict.
KnownHostsVerdict look_up_host_key_in(std::string_view text, const std::string &file, const std::string &name,
                                      const PublicKeyText &key);

// The outcome of recording a key.
struct RecordOutcome {
    enum class Kind {
        Recorded,  // appended (or found there already, written by someone else meanwhile)
        Busy,      // another process or thread holds the file's lock: try again later
        Refused,   // read again under the lock, the files no longer call the host unknown
        Failed,    // the file could not be created or written
    };
    Kind kind = Kind::Failed;
    KnownHostsVerdict verdict;  // Refused: the verdict found under the lock
    std::string detail;         // Failed: why
};

// Appends "name type base64" to `files.front()` (creating it and its
// directory) under an exclusive lock taken without waiting. Under the lock
// the files are read again: a key recorded meanwhile is not written twice,
// and a conflicting one wins.
RecordOutcome record_host_key(const std::vector<std::string> &files, const std::string &name, const PublicKeyText &key);

}  // namespace otto
