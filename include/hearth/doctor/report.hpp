#pragma once
// What `hearth doctor` found: one line per check with a verdict and a hint how to fix it. Pure.
#include <string>
#include <string_view>
#include <vector>

namespace hearth::doctor {

enum class Verdict { ok, info, warn, fail };

struct Finding {
    Verdict verdict = Verdict::ok;
    std::string text; ///< what was checked and what was found, in plain words
    std::string hint; ///< how to fix it; empty when there is nothing to do
};

/// "OK", "INFO", "WARN" or "FAIL".
std::string_view label(Verdict verdict);

/// One finding as report lines: "  WARN  text\n" and, when there is a hint, "        hint\n".
std::string format_finding(const Finding& finding);

/// The last line: "All is well.", "No problems; 1 warning." or "2 problems found (1 warning)."
std::string summary(const std::vector<Finding>& findings);

/// The whole report: a title, every finding, a blank line and the summary.
std::string format_report(const std::vector<Finding>& findings);

/// 0 when nothing failed, 1 otherwise.
int exit_status(const std::vector<Finding>& findings);

} // namespace hearth::doctor
