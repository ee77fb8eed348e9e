#include "cli_context.hpp"

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "cli_error.hpp"

namespace otto_cli {

void check(int rc, const char *what) {
    if (rc == OTTO_OK) return;
    std::string message =
        *what != '\0' ? std::string(what) + ": " + otto_last_error_message() : otto_last_error_message();
    switch (rc) {
        case OTTO_EPARSE: throw CliError(kExitBadLab, message);
        case OTTO_ELABNOTFOUND: throw CliError(kExitLabNotFound, message);
        case OTTO_EINVAL:
        case OTTO_ENOTFOUND: throw CliError(kExitUsage, message);
        default: throw CliError(kExitSoftware, message);
    }
}

namespace {

struct LogSettings {
    bool dry_run = false;
    bool verbose = false;
};
LogSettings log_settings;

// Warnings always; what a dry run would do; everything else with -v.
void print_log(const otto_log_entry *entry, void *) {
    int32_t kind = otto_log_entry_kind(entry);
    bool show = kind == OTTO_LOG_KIND_WARNING || log_settings.verbose ||
                (log_settings.dry_run && kind == OTTO_LOG_KIND_COMMAND);
    if (!show) return;
    size_t len = 0;
    const char *text = otto_log_entry_text(entry, &len);
    const char *host = otto_log_entry_host(entry);
    const char *label = kind == OTTO_LOG_KIND_WARNING ? "warning: " : "";
    std::fprintf(stderr, "otto: %s%s%s%.*s\n", host, *host ? ": " : "", label, static_cast<int>(len), text);
}

}  // namespace

std::vector<std::string> lab_search_paths(const LabArgs &args) {
    std::vector<std::string> paths{"."};
    for (const auto &p : args.lab_paths) paths.push_back(p);
    if (const char *env = std::getenv("OTTO_LAB_PATH")) {
        std::string_view rest(env);
        while (!rest.empty()) {
            size_t colon = rest.find(':');
            std::string_view part = rest.substr(0, colon);
            if (!part.empty()) paths.emplace_back(part);
            if (colon == std::string_view::npos) break;
            rest.remove_prefix(colon + 1);
        }
    }
    return paths;
}

ContextPtr open_context(const LabArgs &args) {
    otto_context_opts *raw_opts = nullptr;
    check(otto_context_opts_new(&raw_opts), "context options");
    ContextOptsPtr opts(raw_opts);
    log_settings = {args.dry_run, args.verbose};
    check(otto_context_opts_set_dry_run(opts.get(), args.dry_run ? 1 : 0), "--dry-run");
    check(otto_context_opts_set_log_cb(opts.get(), print_log, nullptr), "log");
    if (args.verbose) check(otto_context_opts_set_log_level(opts.get(), OTTO_LOG_DEBUG), "log level");
    std::string lab = args.lab;
    if (lab.empty()) {
        if (const char *env = std::getenv("OTTO_LAB")) lab = env;
    }
    if (!lab.empty()) {
        check(otto_context_opts_set_lab(opts.get(), lab.c_str()), "--lab");
        for (const auto &path : lab_search_paths(args))
            check(otto_context_opts_add_lab_path(opts.get(), path.c_str()), "--lab-path");
    }
    otto_context *ctx = nullptr;
    check(otto_context_new(&ctx, opts.get()), "");  // lab messages name the lab and the files
    return ContextPtr(ctx);
}

}  // namespace otto_cli
