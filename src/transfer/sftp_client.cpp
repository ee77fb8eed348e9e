#include "transfer/sftp_client.hpp"

#include <algorithm>

#include "otto.h"
#include "util/clock.hpp"

namespace otto {

namespace {

template <class T>
const T *as(const sftp::Reply &reply) {
    return std::get_if<T>(&reply);
}

}  // namespace

SftpClient::SftpClient(uv_loop_t *loop, std::shared_ptr<SshChannel> channel, std::string where, double idle_timeout)
    : deferred_(loop), channel_(std::move(channel)), where_(std::move(where)), idle_timeout_(idle_timeout),
      idle_(loop) {}

SftpClient::~SftpClient() { shutdown(); }

void SftpClient::start(Finished ready) {
    ready_ = std::move(ready);
    channel_->set_listener(this);
    write(sftp::encode_init());
    watch_idle();
}

bool SftpClient::has_extension(const std::string &name) const {
    return std::any_of(extensions_.begin(), extensions_.end(), [&](const auto &e) { return e.first == name; });
}

// --- the stream ----------------------------------------------------------

void SftpClient::send(std::string packet, uint32_t id, ReplyDone done) {
    if (shut_down_) return;
    if (broken_) {
        deferred_.call([done = std::move(done), error = *broken_] { done(error, {}); });
        return;
    }
    pending_.emplace(id, std::move(done));
    most_pending_ = std::max(most_pending_, pending_.size());
    write(std::move(packet));
    if (!idle_.pending()) watch_idle();
}

// Progress, not size, is bounded: every byte from the server restarts the
// wait, so a long transfer that keeps moving never times out.
void SftpClient::watch_idle() {
    if (broken_ || shut_down_ || (pending_.empty() && !ready_)) {
        idle_.stop();
        return;
    }
    idle_.start(idle_timeout_, [this] { on_idle(); });
}

void SftpClient::on_idle() {
    size_t waiting = pending_.size() + (ready_ ? 1 : 0);
    fail_all(Error(OTTO_ETIMEDOUT, where_ + ": the SFTP server sent nothing for " + format_seconds(idle_timeout_) +
                                       " s while " + std::to_string(waiting) +
                                       (waiting == 1 ? " request waited" : " requests waited") +
                                       " (a cut link or a stopped server)"));
    channel_->set_listener(nullptr);
    channel_->close();
}

void SftpClient::write(std::string packet) {
    // A failed write ends the channel without any other word to its
    // listener: it fails the stream here.
    std::weak_ptr<SftpClient> weak = weak_from_this();
    channel_->write(std::move(packet), [weak](int status) {
        auto self = weak.lock();
        if (status == 0 || !self || self->broken_ || self->shut_down_) return;
        self->fail_all(Error(OTTO_EIO, self->where_ + ": cannot send on the SFTP channel: the connection is gone"));
    });
}

void SftpClient::on_channel_data(const char *data, size_t size, bool is_stderr) {
    if (is_stderr || broken_ || shut_down_) return;  // the subsystem's stderr is not protocol
    auto self = shared_from_this();                  // a reply's callback may drop the last owner
    reader_.feed(std::string_view(data, size));
    take_packets();
    watch_idle();
}

void SftpClient::take_packets() {
    // A callback may shut this client down or drop its owner's reference.
    auto self = shared_from_this();
    try {
        while (!shut_down_ && !broken_) {
            std::optional<sftp::Packet> packet = reader_.next();
            if (!packet) return;
            if (!versioned_) {
                sftp::VersionReply version = sftp::decode_version(*packet);
                versioned_ = true;
                extensions_ = std::move(version.extensions);
                if (auto ready = std::exchange(ready_, nullptr)) ready(Error());
                continue;
            }
            auto [id, reply] = sftp::decode_reply(*packet);
            auto it = pending_.find(id);
            if (it == pending_.end())
                throw sftp::ProtocolError("a reply to request " + std::to_string(id) + ", which is not pending");
            ReplyDone done = std::move(it->second);
            pending_.erase(it);
            done(Error(), std::move(reply));
        }
    } catch (const sftp::ProtocolError &e) {
        fail_all(Error(OTTO_EIO, where_ + ": broken SFTP stream: " + e.what()));
        channel_->set_listener(nullptr);
        channel_->close();
    }
}

void SftpClient::on_channel_ended(LossReason reason) {
    if (broken_ || shut_down_) return;
    fail_all(Error(OTTO_EIO, where_ + ": the SFTP channel ended (" + loss_text(reason) + ")"));
}

void SftpClient::fail_all(Error error) {
    broken_ = error;
    idle_.stop();
    // On a later turn: the channel's end may be reported from deep inside
    // the connection's own closing, where a callback that opens a new
    // channel must not run. `self` keeps this client until then, even if
    // its owner lets it go meanwhile.
    deferred_.call([self = shared_from_this(), error] {
        if (self->shut_down_) return;
        if (auto ready = std::exchange(self->ready_, nullptr)) ready(error);
        // In id order, which is the order the requests were made in.
        std::vector<std::pair<uint32_t, ReplyDone>> failed(self->pending_.begin(), self->pending_.end());
        self->pending_.clear();
        std::sort(failed.begin(), failed.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
        for (auto &[id, done] : failed) {
            if (self->shut_down_) return;
            done(error, {});
        }
    });
}

void SftpClient::shutdown() {
    if (shut_down_) return;
    shut_down_ = true;
    idle_.stop();
    ready_ = nullptr;
    pending_.clear();
    channel_->set_listener(nullptr);
    // Requests already written (a transfer's cleanup) still go out: the
    // channel closes once its queue has been handed to libssh.
    auto channel = channel_;
    channel_->write({}, [channel](int) { channel->close(); });
}

// --- errors --------------------------------------------------------------

Error SftpClient::status_error(const sftp::StatusReply &status, const std::string &what,
                               const std::string &path) const {
    int code = status.code == sftp::kNoSuchFile         ? OTTO_ENOTFOUND
               : status.code == sftp::kPermissionDenied ? OTTO_EPERM
                                                        : OTTO_EFILE;
    std::string said = status.message.empty() ? sftp::status_text(status.code) : status.message;
    return Error(code, where_ + ": cannot " + what + " " + path + ": " + said);
}

Error SftpClient::unexpected(const sftp::Reply &reply, const std::string &what, const std::string &path) const {
    if (const auto *status = as<sftp::StatusReply>(reply)) return status_error(*status, what, path);
    return Error(OTTO_EIO, where_ + ": cannot " + what + " " + path + ": the server sent a reply of the wrong type");
}

// --- requests ------------------------------------------------------------

void SftpClient::expect_status(std::string packet, uint32_t id, std::string what, std::string path, Finished done) {
    send(std::move(packet), id,
         [this, what = std::move(what), path = std::move(path), done = std::move(done)](Error error,
                                                                                        sftp::Reply reply) {
             if (error) return done(std::move(error));
             const auto *status = as<sftp::StatusReply>(reply);
             if (status != nullptr && status->code == sftp::kOk) return done(Error());
             done(unexpected(reply, what, path));
         });
}

void SftpClient::stat(const std::string &path, bool follow, Done<sftp::Attrs> done) {
    uint32_t id = next_id();
    const char *what = follow ? "stat" : "lstat";
    send(sftp::encode_path(follow ? sftp::Type::Stat : sftp::Type::Lstat, id, path), id,
         [this, what, path, done = std::move(done)](Error error, sftp::Reply reply) {
             if (error) return done(std::move(error), {});
             if (const auto *attrs = as<sftp::AttrsReply>(reply)) return done(Error(), attrs->attrs);
             done(unexpected(reply, what, path), {});
         });
}

void SftpClient::fstat(const std::string &handle, const std::string &path, Done<sftp::Attrs> done) {
    uint32_t id = next_id();
    send(sftp::encode_handle(sftp::Type::Fstat, id, handle), id,
         [this, path, done = std::move(done)](Error error, sftp::Reply reply) {
             if (error) return done(std::move(error), {});
             if (const auto *attrs = as<sftp::AttrsReply>(reply)) return done(Error(), attrs->attrs);
             done(unexpected(reply, "stat", path), {});
         });
}

void SftpClient::open(const std::string &path, uint32_t flags, const sftp::Attrs &attrs, Done<std::string> done) {
    uint32_t id = next_id();
    const char *what = (flags & sftp::kOpenWrite) != 0 ? "create" : "open";
    send(sftp::encode_open(id, path, flags, attrs), id,
         [this, what, path, done = std::move(done)](Error error, sftp::Reply reply) {
             if (error) return done(std::move(error), {});
             if (const auto *handle = as<sftp::HandleReply>(reply)) return done(Error(), handle->handle);
             done(unexpected(reply, what, path), {});
         });
}

void SftpClient::opendir(const std::string &path, Done<std::string> done) {
    uint32_t id = next_id();
    send(sftp::encode_path(sftp::Type::Opendir, id, path), id,
         [this, path, done = std::move(done)](Error error, sftp::Reply reply) {
             if (error) return done(std::move(error), {});
             if (const auto *handle = as<sftp::HandleReply>(reply)) return done(Error(), handle->handle);
             done(unexpected(reply, "list", path), {});
         });
}

void SftpClient::close(const std::string &handle, const std::string &path, Finished done) {
    uint32_t id = next_id();
    expect_status(sftp::encode_close(id, handle), id, "close", path, std::move(done));
}

void SftpClient::read(const std::string &handle, const std::string &path, uint64_t offset, uint32_t length,
                      Done<std::optional<std::string>> done) {
    uint32_t id = next_id();
    send(sftp::encode_read(id, handle, offset, length), id,
         [this, path, done = std::move(done)](Error error, sftp::Reply reply) {
             if (error) return done(std::move(error), std::nullopt);
             if (auto *data = std::get_if<sftp::DataReply>(&reply)) return done(Error(), std::move(data->data));
             const auto *status = as<sftp::StatusReply>(reply);
             if (status != nullptr && status->code == sftp::kEof) return done(Error(), std::nullopt);
             done(unexpected(reply, "read", path), std::nullopt);
         });
}

void SftpClient::write(const std::string &handle, const std::string &path, uint64_t offset, std::string_view data,
                       Finished done) {
    uint32_t id = next_id();
    expect_status(sftp::encode_write(id, handle, offset, data), id, "write", path, std::move(done));
}

void SftpClient::fsetstat(const std::string &handle, const std::string &path, const sftp::Attrs &attrs, Finished done) {
    uint32_t id = next_id();
    expect_status(sftp::encode_fsetstat(id, handle, attrs), id, "set the mode of", path, std::move(done));
}

void SftpClient::readdir(const std::string &handle, const std::string &path,
                         Done<std::optional<std::vector<sftp::NameEntry>>> done) {
    uint32_t id = next_id();
    send(sftp::encode_handle(sftp::Type::Readdir, id, handle), id,
         [this, path, done = std::move(done)](Error error, sftp::Reply reply) {
             if (error) return done(std::move(error), std::nullopt);
             if (auto *names = std::get_if<sftp::NameReply>(&reply)) return done(Error(), std::move(names->entries));
             const auto *status = as<sftp::StatusReply>(reply);
             if (status != nullptr && status->code == sftp::kEof) return done(Error(), std::nullopt);
             done(unexpected(reply, "list", path), std::nullopt);
         });
}

void SftpClient::mkdir(const std::string &path, uint32_t mode, Finished done) {
    uint32_t id = next_id();
    sftp::Attrs attrs;
    attrs.permissions = mode & 07777;
    expect_status(sftp::encode_mkdir(id, path, attrs), id, "create directory", path, std::move(done));
}

void SftpClient::remove(const std::string &path, Finished done) {
    uint32_t id = next_id();
    expect_status(sftp::encode_path(sftp::Type::Remove, id, path), id, "remove", path, std::move(done));
}

void SftpClient::rmdir(const std::string &path, Finished done) {
    uint32_t id = next_id();
    expect_status(sftp::encode_path(sftp::Type::Rmdir, id, path), id, "remove directory", path, std::move(done));
}

void SftpClient::rename(const std::string &from, const std::string &to, bool posix, Finished done) {
    uint32_t id = next_id();
    std::string packet =
        posix ? sftp::encode_extended(id, "posix-rename@openssh.com", {from, to}) : sftp::encode_rename(id, from, to);
    expect_status(std::move(packet), id, "rename " + from + " to", to, std::move(done));
}

void SftpClient::realpath(const std::string &path, Done<std::string> done) {
    uint32_t id = next_id();
    send(sftp::encode_path(sftp::Type::Realpath, id, path), id,
         [this, path, done = std::move(done)](Error error, sftp::Reply reply) {
             if (error) return done(std::move(error), {});
             auto *names = std::get_if<sftp::NameReply>(&reply);
             if (names != nullptr && names->entries.size() == 1)
                 return done(Error(), std::move(names->entries[0].filename));
             done(unexpected(reply, "resolve", path), {});
         });
}

}  // namespace otto
