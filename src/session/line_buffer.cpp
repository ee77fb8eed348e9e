#include "session/line_buffer.hpp"

#include <algorithm>

namespace otto {

void LineBuffer::consume(size_t n) {
    start_ += std::min(n, size());
    if (start_ == data_.size()) {
        clear();
    } else if (start_ >= 64 * 1024 && start_ * 2 >= data_.size()) {
        // Move the live tail to the front; amortised over the consumed bytes.
        data_.erase(0, start_);
        start_ = 0;
    }
}

void LineBuffer::erase(size_t pos, size_t n) { data_.erase(start_ + pos, n); }

}  // namespace otto
