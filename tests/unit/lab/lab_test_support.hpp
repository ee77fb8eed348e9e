// Lab files in a temporary directory, and loads whose messages name files
// relative to it (so that they read like the examples of LAB-FORMAT §13.2).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "lab/lab_loader.hpp"

namespace otto::lab::testing {

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "otto-lab-XXXXXX").string();
        if (!mkdtemp(pattern.data())) std::abort();
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;

    const std::string &path() const { return path_; }
    std::string operator/(const std::string &name) const { return path_ + "/" + name; }

    // Writes `text` to `name` (directories created) and returns its path.
    std::string write(const std::string &name, const std::string &text) const {
        std::filesystem::path file = std::filesystem::path(path_) / name;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << text;
        return file.string();
    }

    // `result` with this directory's prefix removed from every message.
    LabLoadResult relative(LabLoadResult result) const {
        auto strip = [&](std::vector<std::string> &messages) {
            std::string prefix = path_ + "/";
            for (auto &m : messages) {
                for (size_t at; (at = m.find(prefix)) != std::string::npos;) m.erase(at, prefix.size());
            }
        };
        strip(result.errors);
        strip(result.warnings);
        return result;
    }

    LabLoadResult load(const std::string &selection, const std::vector<std::string> &names) const {
        std::vector<std::string> paths;
        for (const auto &n : names) paths.push_back(*this / n);
        return relative(load_lab(selection, paths));
    }

private:
    std::string path_;
};

// Text with the given lines at the given line numbers (1-based, ascending),
// empty lines in between: messages can then be checked at exact positions.
inline std::string at_lines(const std::vector<std::pair<int, std::string>> &lines) {
    std::string text;
    int line = 1;
    for (const auto &[number, content] : lines) {
        while (line < number) {
            text += '\n';
            ++line;
        }
        text += content + '\n';
        ++line;
    }
    return text;
}

// A valid host entry for lab `lab`, with extra members appended.
inline std::string host_json(const std::string &element, const std::string &lab, const std::string &more = "") {
    std::string text = "{\"ip\": \"192.0.2.1\", \"element\": \"" + element +
                       "\", \"creds\": [{\"login\": \"root\", \"password\": \"pw\"}], \"labs\": [\"" + lab + "\"]";
    if (!more.empty()) text += ", " + more;
    return text + "}";
}

// A lab.json with these host entries.
inline std::string lab_json(const std::vector<std::string> &hosts, const std::string &more = "") {
    std::string text = "{\"hosts\": [";
    for (size_t i = 0; i < hosts.size(); ++i) text += (i ? ",\n" : "\n") + hosts[i];
    text += "\n]";
    if (!more.empty()) text += ", " + more;
    return text + "}\n";
}

}  // namespace otto::lab::testing
