#include "transport/shell_transport.hpp"

namespace otto {

const char *loss_text(LossReason reason) {
    switch (reason) {
        case LossReason::Eof: return "eof";
        case LossReason::ConnectionLost: return "connection lost";
        case LossReason::BrokenPipe: return "broken pipe";
        case LossReason::AuthFailed: return "login refused";
    }
    return "eof";
}

}  // namespace otto
