// otto-lab: starts and stops the loopback test lab for the demo and the
// benchmarks (the tests use the same code as a library).
//
//   otto-lab up --dir DIR [--ssh N] [--max-sessions N] [--agent]
//               [--telnet-login N] [--telnet-shell N] [--telnet-ash N]
//       starts the servers, writes DIR/lab.json (what `down` reads) and
//       DIR/otto/lab.json (the servers as otto lab "demo", LAB-FORMAT.md),
//       leaves them running
//   otto-lab down --dir DIR
//       stops what DIR/lab.json lists, by pid
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "lab.hpp"

namespace {

int usage() {
    std::fprintf(stderr,
                 "usage: otto-lab up --dir DIR [--ssh N] [--max-sessions N] [--agent]\n"
                 "                   [--telnet-login N] [--telnet-shell N] [--telnet-ash N]\n"
                 "       otto-lab down --dir DIR\n");
    return 2;
}

}  // namespace

int main(int argc, char **argv) {
    if (argc < 2) return usage();
    std::string command = argv[1];
    otto_lab::Options options;
    for (int i = 2; i < argc; ++i) {
        std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "otto-lab: %s needs a value\n", arg.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--dir") options.dir = value();
        else if (arg == "--ssh") options.ssh_servers = std::atoi(value().c_str());
        else if (arg == "--max-sessions") options.max_sessions = std::atoi(value().c_str());
        else if (arg == "--telnet-login") options.telnet_login_servers = std::atoi(value().c_str());
        else if (arg == "--telnet-shell") options.telnet_shell_servers = std::atoi(value().c_str());
        else if (arg == "--telnet-ash") options.telnet_ash_servers = std::atoi(value().c_str());
        else if (arg == "--agent") options.agent = true;
        else return usage();
    }
    if (options.dir.empty()) return usage();
    try {
        if (command == "up") {
            auto lab = otto_lab::Lab::start(options);
            std::string json = lab->dir() + "/lab.json";
            lab->write_json(json);
            std::string otto_dir = lab->dir() + "/otto";
            if (mkdir(otto_dir.c_str(), 0755) != 0 && errno != EEXIST)
                throw std::runtime_error("cannot create " + otto_dir + ": " + std::strerror(errno));
            lab->write_otto_lab(otto_dir + "/lab.json", "demo");
            std::printf("%s\n", json.c_str());
            lab->detach();  // leave the servers running for `down`
            return 0;
        }
        if (command == "down") {
            otto_lab::Lab::load(options.dir + "/lab.json")->stop();
            return 0;
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "otto-lab: %s\n", e.what());
        return 1;
    }
    return usage();
}
