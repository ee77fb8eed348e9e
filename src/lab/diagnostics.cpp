#include "lab/diagnostics.hpp"

#include <algorithm>

namespace otto::lab {

void Diagnostics::add(size_t file_order, size_t offset, std::string text) {
    entries_.push_back({file_order, offset, std::move(text)});
}

std::vector<std::string> Diagnostics::all() const {
    std::vector<const Entry *> order;
    order.reserve(entries_.size());
    for (const auto &e : entries_) order.push_back(&e);
    std::stable_sort(order.begin(), order.end(), [](const Entry *a, const Entry *b) {
        if (a->file_order != b->file_order) return a->file_order < b->file_order;
        return a->offset < b->offset;
    });
    std::vector<std::string> out;
    out.reserve(order.size());
    for (const Entry *e : order) out.push_back(e->text);
    return out;
}

std::vector<std::string> Diagnostics::report() const {
    std::vector<std::string> out = all();
    if (out.size() > kReportedErrors) {
        size_t rest = out.size() - kReportedErrors;
        out.resize(kReportedErrors);
        out.push_back("... and " + std::to_string(rest) + " more error" + (rest == 1 ? "" : "s"));
    }
    return out;
}

}  // namespace otto::lab
