// Every result renders as JSON; bytes that are not UTF-8 go as base64.
#include "session/result_json.hpp"

#include <cjson/cJSON.h>
#include <gtest/gtest.h>

#include <memory>

namespace otto {
namespace {

using Json = std::unique_ptr<cJSON, decltype(&cJSON_Delete)>;

Json parse(const std::string &text) {
    Json j(cJSON_Parse(text.c_str()), cJSON_Delete);
    EXPECT_NE(j, nullptr) << text;
    return j;
}

TEST(ResultJson, CommandFields) {
    CommandResult r;
    r.command = "echo \"hi\"";
    r.output = "hi\nthere";
    r.status = OTTO_STATUS_FAILED;
    r.retcode = 3;
    r.duration = 0.25;
    Json j = parse(to_json(r));
    EXPECT_STREQ(cJSON_GetObjectItem(j.get(), "command")->valuestring, "echo \"hi\"");
    EXPECT_STREQ(cJSON_GetObjectItem(j.get(), "output")->valuestring, "hi\nthere");
    EXPECT_STREQ(cJSON_GetObjectItem(j.get(), "status")->valuestring, "Failed");
    EXPECT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(j.get(), "is_ok")));
    EXPECT_EQ(cJSON_GetObjectItem(j.get(), "retcode")->valueint, 3);
    EXPECT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(j.get(), "timed_out")));
    EXPECT_DOUBLE_EQ(cJSON_GetObjectItem(j.get(), "duration")->valuedouble, 0.25);
}

TEST(ResultJson, NonUtf8OutputIsBase64) {
    CommandResult r;
    r.output = std::string("\xff\xfe\x00x", 4);
    r.status = OTTO_STATUS_SUCCESS;
    r.retcode = 0;
    Json j = parse(to_json(r));
    EXPECT_EQ(cJSON_GetObjectItem(j.get(), "output"), nullptr);
    EXPECT_STREQ(cJSON_GetObjectItem(j.get(), "output_base64")->valuestring, "//4AeA==");
}

TEST(ResultJson, Utf8TextStaysText) {
    CommandResult r;
    r.output = "caf\xc3\xa9 \xe2\x9c\x93";
    Json j = parse(to_json(r));
    EXPECT_STREQ(cJSON_GetObjectItem(j.get(), "output")->valuestring, r.output.c_str());
    r.output = "\xc0\xaf";  // overlong '/'
    j = parse(to_json(r));
    EXPECT_NE(cJSON_GetObjectItem(j.get(), "output_base64"), nullptr);
}

TEST(ResultJson, RunResultAggregates) {
    RunResult run;
    CommandResult ok;
    ok.command = "true";
    ok.status = OTTO_STATUS_SUCCESS;
    ok.retcode = 0;
    CommandResult bad = unsent_result("x", OTTO_STATUS_NOTRUN, "skipped", true);
    run.commands = {ok, bad};
    run.status = aggregate_status(run.commands);
    Json j = parse(to_json(run));
    EXPECT_STREQ(cJSON_GetObjectItem(j.get(), "status")->valuestring, "NotRun");
    EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j.get(), "commands")), 2);
}

}  // namespace
}  // namespace otto
