// The command lines and output parsing behind files over shell commands,
// checked with in-memory input (the files tests run them on real shells).
#include "transfer/shell_file_commands.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "transfer/md5.hpp"
#include "util/base64.hpp"

namespace otto {
namespace {

std::string every_byte() {
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
    return bytes;
}

std::string decode(std::string_view text) {
    Base64Decoder decoder;
    std::string out;
    EXPECT_TRUE(decoder.feed(text, out));
    EXPECT_TRUE(decoder.complete());
    return out;
}

TEST(Base64, RoundTripsEveryLengthAndByte) {
    std::string bytes = every_byte() + every_byte();
    for (size_t n = 0; n <= 70; ++n) EXPECT_EQ(decode(base64_lines(bytes.substr(0, n))), bytes.substr(0, n)) << n;
    EXPECT_EQ(decode(base64_lines(bytes)), bytes);
}

TEST(Base64, EncodesAsTheBase64ToolDoes) {
    EXPECT_EQ(base64_lines(""), "");
    EXPECT_EQ(base64_lines("f"), "Zg==\n");
    EXPECT_EQ(base64_lines("fo"), "Zm8=\n");
    EXPECT_EQ(base64_lines("foo"), "Zm9v\n");
    std::string lines = base64_lines(std::string(100, 'a'));
    EXPECT_EQ(lines.find('\n'), 76u);
    EXPECT_EQ(lines.back(), '\n');
}

TEST(Base64, DecodesInPiecesSplitAnywhere) {
    std::string text = base64_lines(every_byte(), 76);
    Base64Decoder decoder;
    std::string out;
    for (char c : text) ASSERT_TRUE(decoder.feed(std::string_view(&c, 1), out));
    EXPECT_TRUE(decoder.complete());
    EXPECT_EQ(out, every_byte());
}

TEST(Base64, RejectsDamage) {
    std::string out;
    EXPECT_FALSE(Base64Decoder().feed("ab*d", out));
    EXPECT_FALSE(Base64Decoder().feed("a===", out));
    EXPECT_FALSE(Base64Decoder().feed("Zg==Zm8=", out));
    EXPECT_FALSE(Base64Decoder().feed("Zg===", out));
    Base64Decoder cut;
    EXPECT_TRUE(cut.feed("Zm9vY", out));
    EXPECT_FALSE(cut.complete());
}

TEST(Md5, MatchesMd5sum) {
    Md5 empty;
    EXPECT_EQ(empty.hex_digest(), "d41d8cd98f00b204e9800998ecf8427e");
    Md5 md5;
    md5.update("hello ");
    md5.update("world\n");
    EXPECT_EQ(md5.hex_digest(), "6f5902ac237024bdd0c176cb93063dc4");
}

TEST(ShellFileCommands, QuotePathsAndKeepThemFromLookingLikeOptions) {
    EXPECT_NE(stat_command("/tmp/it's here", true).find("'/tmp/it'\\''s here'"), std::string::npos);
    EXPECT_NE(stat_command("-n", false).find("'./-n'"), std::string::npos);
    EXPECT_NE(stat_command("/x", true).find("stat -L -c"), std::string::npos);
    EXPECT_EQ(stat_command("/x", false).find("-L"), std::string::npos);
    EXPECT_NE(mkdir_command("/d", 0750).find("mkdir -p -m 750 '/d'"), std::string::npos);
    EXPECT_NE(rename_command("/a", "/b").find("mv -f -T '/a' '/b'"), std::string::npos);
}

TEST(ShellFileCommands, UploadChunksAreHereDocumentsOfShortLines) {
    std::string data(10000, 'z');
    std::string first = upload_chunk_command("/d/.f.tmp", data, true);
    std::string next = upload_chunk_command("/d/.f.tmp", data, false);
    EXPECT_NE(first.find("set -C; base64 -d >'/d/.f.tmp' <<'_OTTO_'\n"), std::string::npos) << first.substr(0, 200);
    EXPECT_NE(next.find("base64 -d >>'/d/.f.tmp' <<'_OTTO_'\n"), std::string::npos);
    EXPECT_EQ(first.substr(first.size() - 7), "_OTTO_\n");
    size_t longest = 0, start = 0;
    for (size_t nl; (nl = next.find('\n', start)) != std::string::npos; start = nl + 1)
        longest = std::max(longest, nl - start);
    EXPECT_LT(longest, 100u);
    std::string body = next.substr(next.find('\n') + 1);
    body = body.substr(0, body.size() - 7);
    EXPECT_EQ(decode(body), data);
    EXPECT_NE(upload_chunk_command("/t", "", true).find("<<'_OTTO_'\n_OTTO_\n"), std::string::npos);
}

TEST(ShellFileCommands, ParseStatLinesStrictly) {
    auto info = parse_stat_line("1234 81a4 1000 100 1700000000\n", "/x");
    ASSERT_TRUE(info);
    EXPECT_EQ(info->name, "/x");
    EXPECT_EQ(info->size, 1234u);
    EXPECT_EQ(info->mode, 0100644u);
    EXPECT_TRUE(S_ISREG(info->mode));
    EXPECT_EQ(info->uid, 1000u);
    EXPECT_EQ(info->gid, 100u);
    EXPECT_EQ(info->mtime, 1700000000);
    EXPECT_TRUE(parse_stat_line("0 41ed 0 0 -5", "/x"));
    for (const char *bad : {"", "1 2 3 4", "1 81a4 0 0 5 extra", "x 81a4 0 0 5", "1 81a4 -1 0 5", "1 81a4  0 0 5",
                            "1 zz 0 0 5", "1 123456789 0 0 5", "-1 81a4 0 0 5", "1 81a4 0 0 5 "})
        EXPECT_FALSE(parse_stat_line(bad, "/x")) << bad;
}

TEST(ShellFileCommands, ParseListingsWithOddNames) {
    std::string output =
        "5 81a4 0 0 10 /d/a b\n"
        "7 a1ff 0 0 11 /d/link\n"
        "0 81a4 0 0 12 /d/it's\n"
        "0 81a4 0 0 13 /d/two\n"
        "lines\n"
        "4096 41ed 0 0 14 /d/.hidden dir\n";
    auto entries = parse_list_output(output, "/d");
    ASSERT_TRUE(entries);
    ASSERT_EQ(entries->size(), 5u);
    EXPECT_EQ((*entries)[0].name, "a b");
    EXPECT_EQ((*entries)[0].size, 5u);
    EXPECT_TRUE(S_ISLNK((*entries)[1].mode));
    EXPECT_EQ((*entries)[2].name, "it's");
    EXPECT_EQ((*entries)[3].name, "two\nlines");
    EXPECT_EQ((*entries)[4].name, ".hidden dir");
    EXPECT_TRUE(S_ISDIR((*entries)[4].mode));
    EXPECT_TRUE(parse_list_output("", "/d")->empty());
    EXPECT_EQ(parse_list_output("1 81a4 0 0 1 ./-d/x\n", "-d")->at(0).name, "x");
    EXPECT_EQ(parse_list_output("1 81a4 0 0 1 //bin\n", "/")->at(0).name, "bin");
    EXPECT_FALSE(parse_list_output("garbage\n", "/d"));
    EXPECT_FALSE(parse_list_output("1 81a4 0 0 1 /other/x\n", "/d"));
}

TEST(ShellFileCommands, ParseRealpath) {
    EXPECT_EQ(parse_realpath_output("/a/b c\n"), "/a/b c");
    EXPECT_FALSE(parse_realpath_output(""));
    EXPECT_FALSE(parse_realpath_output("relative\n"));
}

CommandResult failed(std::string err, int retcode = 1) {
    CommandResult r;
    r.status = OTTO_STATUS_FAILED;
    r.retcode = retcode;
    r.stderr_output = std::move(err);
    return r;
}

TEST(ShellFileCommands, ErrorsAreClassifiedByWhatTheCommandSaid) {
    CommandResult ok;
    ok.status = OTTO_STATUS_SUCCESS;
    EXPECT_FALSE(oneshot_error(ok, "stat", "/x", "telnet h:23"));

    auto missing = oneshot_error(failed("stat: can't stat '/x': No such file or directory\n"), "stat", "/x", "h");
    EXPECT_EQ(missing.code, OTTO_ENOTFOUND);
    EXPECT_EQ(missing.message, "h: cannot stat /x: \"stat: can't stat '/x': No such file or directory\"");
    EXPECT_EQ(oneshot_error(failed("sh: 1: cannot create /n/x: Directory nonexistent"), "upload to", "/n/x", "h").code,
              OTTO_ENOTFOUND);
    EXPECT_EQ(oneshot_error(failed("sh: can't create /n/x: nonexistent directory"), "upload to", "/n/x", "h").code,
              OTTO_ENOTFOUND);
    EXPECT_EQ(oneshot_error(failed("rm: cannot remove '/x': Permission denied"), "remove", "/x", "h").code, OTTO_EPERM);
    auto other =
        oneshot_error(failed("mkdir: cannot create directory '/f': File exists"), "create directory", "/f", "h");
    EXPECT_EQ(other.code, OTTO_EFILE);
    EXPECT_NE(other.message.find("File exists"), std::string::npos);
    EXPECT_NE(other.message.find("/f"), std::string::npos);
    EXPECT_NE(oneshot_error(failed("", 3), "remove", "/x", "h").message.find("exit status 3"), std::string::npos);
}

TEST(ShellFileCommands, AOneshotThatDidNotRunKeepsItsOwnError) {
    CommandResult r;
    r.status = OTTO_STATUS_ERROR;
    r.retcode = -1;
    r.timed_out = true;
    r.output = "timed out after 30 s\npartial";
    auto timed_out = oneshot_error(r, "stat", "/x", "h");
    EXPECT_EQ(timed_out.code, OTTO_ETIMEDOUT);
    EXPECT_EQ(timed_out.message, "h: cannot stat /x: timed out after 30 s");
    r.timed_out = false;
    r.output = "connection lost before the command finished (reset)";
    EXPECT_EQ(oneshot_error(r, "stat", "/x", "h").code, OTTO_EIO);
    r.output = "cannot connect to 127.0.0.1:1: connection refused";
    EXPECT_EQ(oneshot_error(r, "stat", "/x", "h").code, OTTO_ECONNECT);
    r.output = "refused: line 1 of the one-shot is 2000 characters long";
    EXPECT_EQ(oneshot_error(r, "stat", "/x", "h").code, OTTO_ENOTSUP);
}

TEST(DownloadReader, DecodesLinesAndChecksTheMd5) {
    std::string data = every_byte();
    Md5 md5;
    md5.update(data);
    std::string got;
    DownloadReader reader([&](std::string_view bytes) {
        got.append(bytes);
        return Error();
    });
    EXPECT_FALSE(reader.feed(md5.hex_digest() + "  -"));
    std::string text = base64_lines(data);
    for (size_t start = 0, nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
        EXPECT_FALSE(reader.feed(std::string_view(text).substr(start, nl - start)));
    EXPECT_FALSE(reader.finish());
    EXPECT_EQ(got, data);
    EXPECT_EQ(reader.bytes(), 256u);
}

TEST(DownloadReader, ReportsMismatchDamageAndWriteErrors) {
    auto sink = [](std::string_view) { return Error(); };
    DownloadReader mismatch(sink);
    mismatch.feed("d41d8cd98f00b204e9800998ecf8427e  -");
    mismatch.feed("Zm9v");
    auto e = mismatch.finish();
    EXPECT_EQ(e.code, OTTO_EFILE);
    EXPECT_NE(e.message.find("checksum mismatch"), std::string::npos);

    DownloadReader empty(sink);
    empty.feed("d41d8cd98f00b204e9800998ecf8427e  -");
    EXPECT_FALSE(empty.finish());

    DownloadReader damaged(sink);
    damaged.feed("d41d8cd98f00b204e9800998ecf8427e  -");
    EXPECT_TRUE(damaged.feed("Zm9v!"));
    EXPECT_TRUE(damaged.finish());

    DownloadReader no_md5(sink);
    EXPECT_TRUE(no_md5.feed("md5sum: not found"));

    DownloadReader full([](std::string_view) { return Error(OTTO_EFILE, "cannot write local file /l: full"); });
    full.feed("d41d8cd98f00b204e9800998ecf8427e  -");
    EXPECT_EQ(full.feed("Zm9v").message, "cannot write local file /l: full");
}

}  // namespace
}  // namespace otto
