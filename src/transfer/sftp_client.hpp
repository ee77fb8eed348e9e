// An SFTP v3 client over one SSH channel (libssh 0.10 has no asynchronous
// SFTP, so otto speaks the protocol itself): INIT and VERSION, then any
// number of requests in flight, each reply dispatched to its request by id.
// Loop thread only; callbacks run from the channel's deliveries, never from
// inside the call that sent the request.
//
// Errors: a status reply becomes OTTO_ENOTFOUND (no such file), OTTO_EPERM
// (permission denied) or OTTO_EFILE (anything else), the message naming the
// host, the operation and the path and quoting the server. A broken stream,
// the channel's end or the connection's loss fails every pending request
// with OTTO_EIO; a server that answers nothing for the idle timeout, with
// OTTO_ETIMEDOUT. After shutdown() nothing is called back.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "loop/deferred.hpp"
#include "loop/timer.hpp"
#include "transfer/sftp_packet.hpp"
#include "transport/ssh/ssh_channel.hpp"
#include "util/error.hpp"

namespace otto {

class SftpClient final : public SshChannel::Listener, public std::enable_shared_from_this<SftpClient> {
public:
    template <class T>
    using Done = std::function<void(Error, T)>;
    using Finished = std::function<void(Error)>;
    using ReplyDone = std::function<void(Error, sftp::Reply)>;

    // `where` names the host in messages ("ssh user@host:22").
    // `idle_timeout`: while requests wait, the longest the server may send
    // nothing before every request fails with OTTO_ETIMEDOUT and the
    // channel is given up (a cut link, a frozen server); infinite: no bound.
    SftpClient(uv_loop_t *loop, std::shared_ptr<SshChannel> channel, std::string where, double idle_timeout);
    ~SftpClient();
    SftpClient(const SftpClient &) = delete;
    SftpClient &operator=(const SftpClient &) = delete;

    // Sends INIT; `ready` runs once VERSION came back (or with the error).
    void start(Finished ready);
    // Once ready: whether the server advertised an extension.
    bool has_extension(const std::string &name) const;
    // The channel ended or the stream broke: every request fails.
    bool broken() const { return broken_.has_value(); }
    const std::string &where() const { return where_; }
    // The most requests that have waited for their replies at once.
    size_t most_pending() const { return most_pending_; }

    // --- requests ----------------------------------------------------------
    // `path` is only for messages (the operation's host-side path).
    void stat(const std::string &path, bool follow, Done<sftp::Attrs> done);
    void fstat(const std::string &handle, const std::string &path, Done<sftp::Attrs> done);
    void open(const std::string &path, uint32_t flags, const sftp::Attrs &attrs, Done<std::string> done);
    void close(const std::string &handle, const std::string &path, Finished done);
    // Data at `offset`, possibly shorter than asked; nullopt at the end.
    void read(const std::string &handle, const std::string &path, uint64_t offset, uint32_t length,
              Done<std::optional<std::string>> done);
    void write(const std::string &handle, const std::string &path, uint64_t offset, std::string_view data,
               Finished done);
    void fsetstat(const std::string &handle, const std::string &path, const sftp::Attrs &attrs, Finished done);
    void opendir(const std::string &path, Done<std::string> done);
    // The next entries; nullopt once the directory is exhausted.
    void readdir(const std::string &handle, const std::string &path,
                 Done<std::optional<std::vector<sftp::NameEntry>>> done);
    void mkdir(const std::string &path, uint32_t mode, Finished done);
    void remove(const std::string &path, Finished done);
    void rmdir(const std::string &path, Finished done);
    // `posix`: posix-rename@openssh.com (replaces an existing destination);
    // else plain RENAME (fails if the destination exists).
    void rename(const std::string &from, const std::string &to, bool posix, Finished done);
    void realpath(const std::string &path, Done<std::string> done);

    // Forgets every pending request (none is called back), lets what was
    // already sent go out, and closes the channel.
    void shutdown();

private:
    void send(std::string packet, uint32_t id, ReplyDone done);
    void write(std::string packet);
    uint32_t next_id() { return next_id_++; }
    // A request whose reply is just a status: OK or an Error.
    void expect_status(std::string packet, uint32_t id, std::string what, std::string path, Finished done);
    void fail_all(Error error);
    // Runs the idle deadline while anything waits for the server.
    void watch_idle();
    void on_idle();
    void take_packets();
    Error status_error(const sftp::StatusReply &status, const std::string &what, const std::string &path) const;
    Error unexpected(const sftp::Reply &reply, const std::string &what, const std::string &path) const;

    void on_channel_data(const char *data, size_t size, bool is_stderr) override;
    void on_channel_ended(LossReason reason) override;

    Deferred deferred_;
    std::shared_ptr<SshChannel> channel_;
    std::string where_;
    double idle_timeout_;
    Timer idle_;
    sftp::PacketReader reader_;
    Finished ready_;
    bool versioned_ = false;
    bool shut_down_ = false;
    std::optional<Error> broken_;
    std::vector<std::pair<std::string, std::string>> extensions_;
    uint32_t next_id_ = 1;
    std::unordered_map<uint32_t, ReplyDone> pending_;
    size_t most_pending_ = 0;
};

}  // namespace otto
