// The controller-side rules of files: glob matching over a listing, and the
// checks a put or get passes before any byte moves.
#include <gtest/gtest.h>

#include "otto.h"
#include "transfer/glob.hpp"
#include "transfer/transfer_job.hpp"
#include "util/error.hpp"

namespace otto {
namespace {

std::vector<FileInfo> named(std::vector<std::string> names) {
    std::vector<FileInfo> out;
    for (auto &n : names) out.push_back(FileInfo{n});
    return out;
}

std::vector<std::string> names_of(const std::vector<FileInfo> &entries) {
    std::vector<std::string> out;
    for (auto &e : entries) out.push_back(e.name);
    return out;
}

TEST(Glob, MatchesNamesSortedAndPrefixedWithTheDirectory) {
    auto entries = named({"b.log", "a.log", "x.txt", ".h.log", "[odd].log"});
    EXPECT_EQ(names_of(glob_entries(entries, "/var/log", "*.log")),
              (std::vector<std::string>{"/var/log/[odd].log", "/var/log/a.log", "/var/log/b.log"}));
    EXPECT_EQ(names_of(glob_entries(entries, "/var/log/", ".*")), std::vector<std::string>{"/var/log/.h.log"});
    EXPECT_EQ(names_of(glob_entries(entries, "d", "?.log")), (std::vector<std::string>{"d/a.log", "d/b.log"}));
    EXPECT_EQ(names_of(glob_entries(entries, "d", "\\[odd].log")), std::vector<std::string>{"d/[odd].log"});
    EXPECT_TRUE(glob_entries(entries, "d", "*.none").empty());
}

TransferRequest put_of(std::vector<std::string> sources, std::string dir = "/tmp") {
    TransferRequest r;
    r.sources = std::move(sources);
    r.destination_dir = std::move(dir);
    return r;
}

int refusal(const TransferRequest &r, std::string *message = nullptr) {
    try {
        validate(r);
    } catch (const ApiError &e) {
        if (message) *message = e.what();
        return e.code();
    }
    return 0;
}

TEST(TransferRules, DestinationsAreTheBaseNamesInTheDirectory) {
    EXPECT_EQ(destinations(put_of({"/a/b/fw.bin", "rel/x", "y/"}, "/opt/")),
              (std::vector<std::string>{"/opt/fw.bin", "/opt/x", "/opt/y"}));
    EXPECT_EQ(refusal(put_of({"/a/b/fw.bin", "y/"})), 0);
}

TEST(TransferRules, BadRequestsAreRefusedWithTheReason) {
    std::string why;
    EXPECT_EQ(refusal(put_of({}), &why), OTTO_EINVAL);
    EXPECT_NE(why.find("no files"), std::string::npos) << why;
    EXPECT_EQ(refusal(put_of({"/a"}, ""), &why), OTTO_EINVAL);
    EXPECT_EQ(refusal(put_of({"/"}), &why), OTTO_EINVAL);
    EXPECT_EQ(refusal(put_of({"/a/.."}), &why), OTTO_EINVAL);
    EXPECT_EQ(refusal(put_of({"/one/same", "/two/same"}), &why), OTTO_EINVAL);
    EXPECT_NE(why.find("\"same\""), std::string::npos) << why;
    EXPECT_EQ(refusal(put_of({"/d/" + std::string(236, 'n')})), 0);
    EXPECT_EQ(refusal(put_of({"/d/" + std::string(237, 'n')}), &why), OTTO_EINVAL);
    EXPECT_NE(why.find("NAME_MAX"), std::string::npos) << why;
    std::string deep(4080, 'd');
    EXPECT_EQ(refusal(put_of({"/f"}, "/" + deep), &why), OTTO_EINVAL);
    EXPECT_NE(why.find("PATH_MAX"), std::string::npos) << why;
}

}  // namespace
}  // namespace otto
