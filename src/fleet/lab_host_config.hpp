// What a lab-file host entry means to a session: the HostConfig otto opens it
// with (LAB-FORMAT §6-§10, §12, §15).
#pragma once

#include "host/host_config.hpp"
#include "lab/lab_model.hpp"
#include "util/error.hpp"

namespace otto::fleet {

struct LabHostConfig {
    HostConfig config;
    // Set when otto cannot reach the host as the file describes it (a hop,
    // a login proxy): using the host fails with it, the rest of the lab works.
    Error unsupported;
};

LabHostConfig host_config_for(const lab::LabHost &host);

}  // namespace otto::fleet
