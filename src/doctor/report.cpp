#include "hearth/doctor/report.hpp"

#include <algorithm>

namespace hearth::doctor {
namespace {

constexpr std::string_view kIndent = "  ";
constexpr std::size_t kLabelWidth = 6;

std::size_t count(const std::vector<Finding>& findings, Verdict verdict) {
    return static_cast<std::size_t>(std::count_if(findings.begin(), findings.end(),
                                                  [&](const Finding& f) { return f.verdict == verdict; }));
}

std::string plural(std::size_t n, std::string_view word) {
    return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

} // namespace

std::string_view label(Verdict verdict) {
    switch (verdict) {
    case Verdict::ok:
        return "OK";
    case Verdict::info:
        return "INFO";
    case Verdict::warn:
        return "WARN";
    case Verdict::fail:
        return "FAIL";
    }
    return "?";
}

std::string format_finding(const Finding& finding) {
    std::string out(kIndent);
    auto name = label(finding.verdict);
    out.append(name).append(kLabelWidth - name.size(), ' ').append(finding.text).append("\n");
    if (!finding.hint.empty()) out.append(kIndent).append(kLabelWidth, ' ').append(finding.hint).append("\n");
    return out;
}

std::string summary(const std::vector<Finding>& findings) {
    auto fails = count(findings, Verdict::fail);
    auto warnings = count(findings, Verdict::warn);
    if (fails == 0 && warnings == 0) return "All is well.";
    if (fails == 0) return "No problems; " + plural(warnings, "warning") + ".";
    std::string out = plural(fails, "problem") + " found";
    if (warnings > 0) out += " (" + plural(warnings, "warning") + ")";
    return out + ".";
}

std::string format_report(const std::vector<Finding>& findings) {
    std::string out = "Hearth doctor\n";
    for (const auto& f : findings)
        out += format_finding(f);
    return out + "\n" + summary(findings) + "\n";
}

int exit_status(const std::vector<Finding>& findings) {
    return count(findings, Verdict::fail) == 0 ? 0 : 1;
}

} // namespace hearth::doctor
