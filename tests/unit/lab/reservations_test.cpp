// The reservations file and the check (LAB-FORMAT §14).
#include "lab/reservations.hpp"

#include <gtest/gtest.h>

#include "lab/iso_time.hpp"
#include "lab_test_support.hpp"

namespace otto::lab {
namespace {

using namespace std::chrono;

UtcTime utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int us = 0) {
    return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s} + microseconds{us};
}

TEST(LabIsoTime, Forms) {
    EXPECT_EQ(parse_iso_time("2026-05-01T00:00:00Z"), utc(2026, 5, 1));
    EXPECT_EQ(parse_iso_time("2026-05-01"), utc(2026, 5, 1));
    EXPECT_EQ(parse_iso_time("2026-05-01T12:30"), utc(2026, 5, 1, 12, 30));
    EXPECT_EQ(parse_iso_time("2026-05-01T12:30Z"), utc(2026, 5, 1, 12, 30));
    EXPECT_EQ(parse_iso_time("2026-05-01T12:30:15.25"), utc(2026, 5, 1, 12, 30, 15, 250000));
    EXPECT_EQ(parse_iso_time("2026-05-01T12:30:15.1234567Z"), utc(2026, 5, 1, 12, 30, 15, 123456));
    EXPECT_EQ(parse_iso_time("2026-05-01T02:00:00+02:00"), utc(2026, 5, 1));
    EXPECT_EQ(parse_iso_time("2026-04-30T19:30-04:30"), utc(2026, 5, 1));
    EXPECT_EQ(parse_iso_time("2024-02-29"), utc(2024, 2, 29));
}

TEST(LabIsoTime, Rejects) {
    for (const char *bad :
         {"", "2026", "2026-5-1", "2026-05-01T", "2026-05-01 00:00", "2026-05-01T24:00", "2026-05-01T12:60",
          "2026-05-01T12:30:60", "2026-05-01T12:30:15.", "2026-05-01T12:30+0200", "2026-05-01T12:30+02",
          "2026-05-01T12:30Zx", "2026-13-01", "2025-02-29", "2026-05-01t12:30", "2026-05-01T12:30z", "May 1"}) {
        EXPECT_EQ(parse_iso_time(bad), std::nullopt) << bad;
    }
}

const char *kSpecFile = R"({ "version": 1,
  "reservations": [
    { "user": "alice", "resources": ["carrot"], "expires": "2026-05-01T00:00:00Z" },
    { "user": "bob", "resources": ["tomato"] } ] })";

TEST(LabReservations, SpecExample) {
    auto read = parse_reservations(kSpecFile, "reservations.json");
    ASSERT_TRUE(read.ok()) << read.errors.at(0);
    ASSERT_EQ(read.entries.size(), 2u);
    auto check = check_reservations({"carrot", "tomato"}, "lab1", "alice", read.entries, utc(2026, 4, 1));
    EXPECT_EQ(check.status, ReservationStatus::missing);
    EXPECT_EQ(check.message,
              "user \"alice\" does not hold all resources of lab \"lab1\"; missing: tomato (held by bob)");
}

TEST(LabReservations, ExpiredEntriesAreIgnoredEntirely) {
    auto read = parse_reservations(kSpecFile, "r.json");
    // At the expiry instant alice's entry is over (active while now < expires).
    auto check = check_reservations({"carrot"}, "lab1", "alice", read.entries, utc(2026, 5, 1));
    EXPECT_EQ(check.message,
              "user \"alice\" does not hold all resources of lab \"lab1\"; missing: carrot (unreserved)");
    EXPECT_TRUE(check_reservations({"carrot"}, "lab1", "alice", read.entries, utc(2026, 4, 30, 23, 59, 59)).ok());
}

TEST(LabReservations, HeldSortedHoldersAndSeveralEntries) {
    std::vector<Reservation> entries = {
        {"carol", {"b"}, {}},
        {"alice", {"x"}, {}},
        {"bob", {"b", "a"}, {}},
        {"carol", {"b"}, {}},
        {"dave", {"b"}, utc(2000, 1, 1)},  // expired
        {"alice", {"y"}, {}},
    };
    UtcTime now = utc(2026, 1, 1);
    EXPECT_TRUE(check_reservations({"x", "y"}, "l", "alice", entries, now).ok());
    EXPECT_TRUE(check_reservations({}, "l", "nobody", entries, now).ok());
    auto check = check_reservations({"z", "b", "a", "x"}, "l", "alice", entries, now);
    EXPECT_EQ(check.status, ReservationStatus::missing);
    EXPECT_EQ(check.message,
              "user \"alice\" does not hold all resources of lab \"l\"; missing: a (held by bob), b (held by carol, "
              "bob), z (unreserved)");
    EXPECT_EQ(check.message.find("skip"), std::string::npos);
}

TEST(LabReservations, SchemaErrors) {
    auto errors = [](const std::string &text) { return parse_reservations(text, "r.json").errors; };
    using Msgs = std::vector<std::string>;
    EXPECT_EQ(errors(R"({"version": 2})"),
              (Msgs{"r.json:1:13: version: expected 1 (the only version otto reads), got 2"}));
    EXPECT_EQ(errors(R"({"version": 1.0})"),
              (Msgs{"r.json:1:13: version: expected 1 (the only version otto reads), got 1.0"}));
    EXPECT_EQ(errors(R"({"reservations": []})"), (Msgs{"r.json:1:1: missing required key \"version\""}));
    EXPECT_EQ(errors(R"({"version": 1, "_c": "comment"})"), Msgs{});
    EXPECT_EQ(errors(R"({"version": 1, "reservation": []})"),
              (Msgs{"r.json:1:16: reservation: unknown key; did you mean \"reservations\"?"}));
    EXPECT_EQ(errors(R"({"version": 1, "reservations": [{"user": "", "resources": "a", "expires": "soon"}]})"),
              (Msgs{"r.json:1:42: reservations[0].user: expected a non-empty string, got \"\"",
                    "r.json:1:59: reservations[0].resources: expected an array of strings, got \"a\"",
                    "r.json:1:75: reservations[0].expires: expected an ISO-8601 date-time such as "
                    "\"2026-05-01T00:00:00Z\", got \"soon\""}));
    EXPECT_EQ(errors(R"({"version": 1, "reservations": [{"resources": []}]})"),
              (Msgs{"r.json:1:33: reservations[0]: missing required key \"user\""}));
    EXPECT_EQ(errors("[]"), (Msgs{"r.json:1:1: expected an object, got []"}));
    EXPECT_EQ(errors("{\"version\": 1,}").size(), 1u);
}

Lab lab_needing(std::vector<std::string> resources) {
    Lab lab;
    lab.name = "lab1";
    lab.resources = std::move(resources);
    return lab;
}

TEST(LabReservations, FileIsReadAtEveryCheckAndFailsClosed) {
    testing::TempDir dir;
    std::string file = dir / "reservations.json";
    Lab lab = lab_needing({"carrot"});
    UtcTime now = utc(2026, 1, 1);

    auto missing = check_reservations(file, lab, std::string("alice"), now);
    EXPECT_EQ(missing.status, ReservationStatus::backend_error);
    EXPECT_NE(missing.message.find("reservations.json: cannot read the file: No such file or directory"),
              std::string::npos)
        << missing.message;

    dir.write("reservations.json", kSpecFile);
    EXPECT_TRUE(check_reservations(file, lab, std::string("alice"), now).ok());
    EXPECT_EQ(check_reservations(file, lab, std::string("bob"), now).status, ReservationStatus::missing);

    dir.write("reservations.json", R"({"version": 2, "reservations": []})");
    auto wrong_schema = check_reservations(file, lab, std::string("alice"), now);
    EXPECT_EQ(wrong_schema.status, ReservationStatus::backend_error);
    EXPECT_NE(wrong_schema.message.find("version: expected 1"), std::string::npos);

    dir.write("reservations.json", "{not json");
    EXPECT_EQ(check_reservations(file, lab, std::string("alice"), now).status, ReservationStatus::backend_error);

    // A lab that needs nothing passes without the file.
    EXPECT_TRUE(check_reservations(dir / "absent.json", lab_needing({}), std::string("alice"), now).ok());
}

TEST(LabReservations, DefaultUserIsTheOsAccount) {
    testing::TempDir dir;
    std::string me = os_account_name();
    ASSERT_FALSE(me.empty());
    dir.write("r.json", R"({"version": 1, "reservations": [{"user": ")" + me + R"(", "resources": ["r"]}]})");
    const char *saved = std::getenv("USER");
    std::string saved_user = saved ? saved : "";
    setenv("USER", "someone-else", 1);  // never consulted
    EXPECT_TRUE(check_reservations(dir / "r.json", lab_needing({"r"})).ok());
    if (saved) setenv("USER", saved_user.c_str(), 1);
    else unsetenv("USER");
}

TEST(LabReservations, ResourcesOfALoadedLab) {
    auto r = load_lab_text("lab1", testing::lab_json({testing::host_json("a", "lab1", R"("resources": ["tomato"])"),
                                                      testing::host_json("b", "lab1", R"("resources": ["carrot"])")}));
    ASSERT_TRUE(r.ok()) << r.error_message();
    auto read = parse_reservations(kSpecFile, "r.json");
    auto check = check_reservations(r.lab->resources, r.lab->name, "alice", read.entries, utc(2026, 1, 1));
    EXPECT_EQ(check.message,
              "user \"alice\" does not hold all resources of lab \"lab1\"; missing: tomato (held by bob)");
}

}  // namespace
}  // namespace otto::lab
