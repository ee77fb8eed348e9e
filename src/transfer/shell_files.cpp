#include "transfer/shell_files.hpp"

#include <utility>
#include <vector>

#include "otto.h"
#include "transfer/shell_file_commands.hpp"
#include "transfer/shell_runner.hpp"
#include "transfer/shell_transfers.hpp"

namespace otto {

namespace {

class ShellFiles final : public RemoteFiles {
public:
    ShellFiles(uv_loop_t *loop, HostBackend &backend, std::string where)
        : runner_(std::make_shared<ShellRunner>(loop, backend, std::move(where))) {}
    ~ShellFiles() override { shutdown(); }

    const char *kind() const override { return "shell commands"; }

    void stat(const std::string &path, bool follow, Done<FileInfo> done) override {
        run(stat_command(path, follow), follow ? "stat" : "lstat", path,
            [path, done](Error error, const CommandResult &result, const std::string &subject) {
                if (error) return done(std::move(error), FileInfo{});
                auto info = parse_stat_line(result.output, path);
                if (!info) return done(unexpected(subject, result), FileInfo{});
                done(Error(), std::move(*info));
            });
    }

    void list(const std::string &dir, Done<std::vector<FileInfo>> done) override {
        run(list_command(dir), "list", dir,
            [dir, done](Error error, const CommandResult &result, const std::string &subject) {
                if (error) return done(std::move(error), {});
                auto entries = parse_list_output(result.output, dir);
                if (!entries) return done(unexpected(subject, result), {});
                done(Error(), std::move(*entries));
            });
    }

    void mkdir_p(const std::string &path, uint32_t mode, Finished done) override {
        run(mkdir_command(path, mode), "create directory", path,
            [done](Error error, const CommandResult &, const std::string &) { done(std::move(error)); });
    }

    void remove(const std::string &path, Finished done) override {
        run(remove_command(path), "remove", path,
            [done](Error error, const CommandResult &, const std::string &) { done(std::move(error)); });
    }

    void rename(const std::string &from, const std::string &to, Finished done) override {
        run(rename_command(from, to), "rename", from + " to " + to,
            [done](Error error, const CommandResult &, const std::string &) { done(std::move(error)); });
    }

    void realpath(const std::string &path, Done<std::string> done) override {
        run(realpath_command(path), "resolve", path,
            [done](Error error, const CommandResult &result, const std::string &subject) {
                if (error) return done(std::move(error), {});
                auto resolved = parse_realpath_output(result.output);
                if (!resolved) return done(unexpected(subject, result), {});
                done(Error(), std::move(*resolved));
            });
    }

    std::shared_ptr<FileTask> upload(const UploadSpec &spec, TransferProgress progress, Uploaded done) override {
        return track(start_shell_upload(runner_, spec, std::move(progress), std::move(done)));
    }

    std::shared_ptr<FileTask> download(const DownloadSpec &spec, TransferProgress progress, Downloaded done) override {
        return track(start_shell_download(runner_, spec, std::move(progress), std::move(done)));
    }

    void shutdown() override {
        runner_->shutdown();
        auto transfers = std::move(transfers_);
        transfers_.clear();
        for (auto &weak : transfers)
            if (auto t = weak.lock()) t->abandon();
    }

private:
    // The error of a command whose output could not be read.
    static Error unexpected(const std::string &subject, const CommandResult &result) {
        return Error(OTTO_EFILE, subject + "unexpected output \"" + result.output.substr(0, 200) + "\"");
    }

    // Runs `command`; `done` gets its error (see oneshot_error), the result
    // and the subject of any complaint about the output ("<where>: cannot
    // stat <path>: ").
    using Ran = std::function<void(Error, const CommandResult &, const std::string &subject)>;
    void run(std::string command, std::string action, std::string path, Ran done) {
        OneshotSpec spec;
        spec.command = std::move(command);
        spec.retain_limit = 4 << 20;  // a listing of a big directory
        std::weak_ptr<ShellRunner> weak = runner_;
        runner_->run(spec, nullptr, [weak, action, path, done](CommandResult result) {
            auto runner = weak.lock();
            if (!runner) return;
            std::string subject = runner->where() + ": cannot " + action + " " + path + ": ";
            done(oneshot_error(result, action, path, runner->where()), result, subject);
        });
    }

    std::shared_ptr<FileTask> track(std::shared_ptr<ShellTransfer> transfer) {
        std::erase_if(transfers_, [](const auto &w) { return w.expired(); });
        transfers_.push_back(transfer);
        return transfer;
    }

    std::shared_ptr<ShellRunner> runner_;
    std::vector<std::weak_ptr<ShellTransfer>> transfers_;
};

}  // namespace

std::unique_ptr<RemoteFiles> make_shell_files(uv_loop_t *loop, HostBackend &backend, std::string where) {
    return std::make_unique<ShellFiles>(loop, backend, std::move(where));
}

}  // namespace otto
