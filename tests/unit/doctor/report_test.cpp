#include "hearth/doctor/report.hpp"

#include <gtest/gtest.h>

namespace hearth::doctor {
namespace {

TEST(Report, FormatsOneLinePerFindingWithTheHintBelow) {
    EXPECT_EQ(format_finding({Verdict::ok, "port 8300 is free", ""}), "  OK    port 8300 is free\n");
    EXPECT_EQ(format_finding({Verdict::fail, "port 80 is taken", "use --port"}),
              "  FAIL  port 80 is taken\n        use --port\n");
}

TEST(Report, SummarySaysHowManyProblems) {
    EXPECT_EQ(summary({}), "All is well.");
    EXPECT_EQ(summary({{Verdict::ok, "a", ""}, {Verdict::info, "b", ""}}), "All is well.");
    EXPECT_EQ(summary({{Verdict::warn, "a", ""}}), "No problems; 1 warning.");
    EXPECT_EQ(summary({{Verdict::fail, "a", ""}, {Verdict::fail, "b", ""}}), "2 problems found.");
    EXPECT_EQ(summary({{Verdict::fail, "a", ""}, {Verdict::warn, "b", ""}, {Verdict::warn, "c", ""}}),
              "1 problem found (2 warnings).");
}

TEST(Report, ExitStatusIsOneOnlyWhenSomethingFailed) {
    EXPECT_EQ(exit_status({{Verdict::warn, "a", ""}, {Verdict::info, "b", ""}}), 0);
    EXPECT_EQ(exit_status({{Verdict::ok, "a", ""}, {Verdict::fail, "b", ""}}), 1);
}

TEST(Report, WholeReportHasTitleFindingsAndSummary) {
    EXPECT_EQ(format_report({{Verdict::ok, "interface lo: 127.0.0.1/8", ""}}),
              "Hearth doctor\n  OK    interface lo: 127.0.0.1/8\n\nAll is well.\n");
}

} // namespace
} // namespace hearth::doctor
