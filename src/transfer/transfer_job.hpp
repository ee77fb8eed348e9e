// A put or a get of many files on one host: checked before any byte moves,
// then up to a few files at once, a result and progress events per file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace otto {

class Host;
class Operation;

struct TransferRequest {
    bool put = true;                   // put: local -> host; get: host -> local
    std::vector<std::string> sources;  // local paths (put) or host paths (get)
    std::string destination_dir;       // on the host (put) or local (get)
    std::optional<uint32_t> mode;
};

// Throws ApiError (OTTO_EINVAL) naming the culprit: no sources, an empty
// directory, a source without a base name, a base name or destination path
// too long for the host (allowing for the temporary name), two sources with
// one base name.
void validate(const TransferRequest &request);

// What this machine can tell before any host is contacted, for a request
// that validate() accepted: a put's sources open as regular files, a get's
// directory is a directory or not there yet. The first problem, naming the
// path, as the transfer would report it.
Error check_local_side(const TransferRequest &request);

// Where each source goes: destination_dir/<base name>.
std::vector<std::string> destinations(const TransferRequest &request);

// Loop thread. The op completes with an otto_transfer_result; if canceled,
// with OTTO_ECANCELED and the result holding what finished.
void start_transfer(Host &host, std::shared_ptr<Operation> op, TransferRequest request);

}  // namespace otto
