// The reservations file and the check of a lab against it (LAB-FORMAT §14).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lab/iso_time.hpp"
#include "lab/lab_model.hpp"

namespace otto::lab {

struct Reservation {
    std::string user;
    std::vector<std::string> resources;
    std::optional<UtcTime> expires;  // none: never expires

    bool active(UtcTime now) const { return !expires || now < *expires; }
};

// The entries of a reservations file, or the messages that make it unusable
// (formatted as lab messages are, §13.2).
struct ReservationsRead {
    std::vector<Reservation> entries;
    std::vector<std::string> errors;
    bool ok() const { return errors.empty(); }
};

ReservationsRead parse_reservations(std::string text, std::string display_name);

enum class ReservationStatus {
    held,           // the user holds every resource the lab needs
    missing,        // some resource is not held (OTTO_ERESERVATION)
    backend_error,  // the file could not be used: the check fails closed (OTTO_ERESBACKEND)
};

struct ReservationCheck {
    ReservationStatus status = ReservationStatus::backend_error;
    std::string message;  // empty when held
    bool ok() const { return status == ReservationStatus::held; }
};

// §14.3 over entries already read: needed = `needed` (the lab's resources),
// held = the union over the user's active entries.
ReservationCheck check_reservations(const std::vector<std::string> &needed, std::string_view lab_name,
                                    std::string_view user, const std::vector<Reservation> &entries, UtcTime now);

// Reads `file` (again at every call, §14.4) and checks `lab` for `user`, or
// for the process's OS account when `user` is not given (§14.5).
ReservationCheck check_reservations(const std::string &file, const Lab &lab, std::optional<std::string> user = {});
ReservationCheck check_reservations(const std::string &file, const Lab &lab, std::optional<std::string> user,
                                    UtcTime now);

// The OS account name of the process (never an environment variable).
std::string os_account_name();

}  // namespace otto::lab
