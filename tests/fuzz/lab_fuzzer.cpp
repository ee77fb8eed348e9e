// libFuzzer entry point for lab and reservations files: any bytes must give
// either a lab or errors, never a crash, and what comes back must hold
// together (LAB-FORMAT §12, §13).
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "fuzz_input.hpp"
#include "lab/diagnostics.hpp"
#include "lab/lab_loader.hpp"
#include "lab/reservations.hpp"

namespace {

using otto_fuzz::require;

void check_lab(const otto::lab::LabLoadResult &r) {
    if (!r.ok()) {
        require(!r.errors.empty());
        require(r.errors.size() <= otto::lab::Diagnostics::kReportedErrors + 1);
        return;
    }
    require(r.errors.empty());
    std::set<std::string> ids;
    bool local = false;
    for (const auto &h : r.lab->hosts) {
        require(!h.id.empty());
        require(ids.insert(h.id).second);
        local = local || h.id == "local";
        if (!h.builtin_local) require(h.login_cred() != nullptr);
    }
    require(local);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string text(reinterpret_cast<const char *>(data), size);
    // The corpus names its labs "corpus" (and "extra" for merging).
    check_lab(otto::lab::load_lab_text("corpus", text));
    check_lab(otto::lab::load_lab_text("corpus+extra", text));
    auto reservations = otto::lab::parse_reservations(text, "<fuzz>");
    require(reservations.ok() || reservations.entries.empty());
    return 0;
}
