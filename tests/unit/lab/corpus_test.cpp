// Loads every file of tests/lab_corpus/ and compares the outcome with the
// NAME.expect file beside it:
//   select: LAB[+LAB...]   (default "corpus")
//   outcome: ok | parse_error | lab_not_found
//   hosts: id id ...       (ok only; in lab order, local included)
//   warning: message       (every warning, in order)
//   error: message         (every error, in order)
// Messages name the file relative to the corpus directory. With
// OTTO_LAB_CORPUS_PRINT=1 in the environment the test prints what each file
// gives in that form instead (to write a new .expect file, after reading it).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "lab/lab_loader.hpp"

namespace otto::lab {
namespace {

namespace fs = std::filesystem;

const char *outcome_name(const LabLoadResult &r) {
    if (r.ok()) return "ok";
    switch (r.code) {
        case LabErrorCode::parse_error: return "parse_error";
        case LabErrorCode::lab_not_found: return "lab_not_found";
        case LabErrorCode::bad_selection: return "bad_selection";
    }
    return "?";
}

std::string render(const std::string &selection, const LabLoadResult &r) {
    std::string out;
    if (selection != "corpus") out += "select: " + selection + "\n";
    out += std::string("outcome: ") + outcome_name(r) + "\n";
    if (r.ok()) {
        out += "hosts:";
        for (const auto &h : r.lab->hosts) out += " " + h.id;
        out += "\n";
    }
    for (const auto &w : r.warnings) out += "warning: " + w + "\n";
    for (const auto &e : r.errors) out += "error: " + e + "\n";
    return out;
}

std::string relative_messages(std::string text, const std::string &dir) {
    std::string prefix = dir + "/";
    for (size_t at; (at = text.find(prefix)) != std::string::npos;) text.erase(at, prefix.size());
    return text;
}

TEST(LabCorpus, EveryFileLoadsAsExpected) {
    const std::string dir = OTTO_LAB_CORPUS_DIR;
    std::vector<fs::path> files;
    for (const auto &entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() == ".json") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    ASSERT_GE(files.size(), 20u);
    bool print = std::getenv("OTTO_LAB_CORPUS_PRINT") != nullptr;

    for (const auto &file : files) {
        SCOPED_TRACE(file.filename().string());
        fs::path expect_file = file;
        expect_file.replace_extension(".expect");
        std::string expected;
        std::string selection = "corpus";
        if (std::ifstream in(expect_file); in) {
            std::stringstream buffer;
            buffer << in.rdbuf();
            expected = buffer.str();
            if (expected.rfind("select: ", 0) == 0) selection = expected.substr(8, expected.find('\n') - 8);
        } else if (!print) {
            ADD_FAILURE() << "no " << expect_file.filename() << " beside the corpus file";
            continue;
        }
        std::string actual = relative_messages(render(selection, load_lab(selection, {file.string()})), dir);
        if (print) {
            std::cout << "==> " << expect_file.filename().string() << "\n" << actual;
            continue;
        }
        EXPECT_EQ(actual, expected);
    }
}

}  // namespace
}  // namespace otto::lab
