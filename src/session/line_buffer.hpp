// The session's unconsumed bytes (SESSION-PROTOCOL §1.2): appended at the
// back as the transport delivers, consumed from the front as lines are
// processed. Consumption is O(1); the storage is compacted lazily so the
// total cost stays linear in the bytes received.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace otto {

class LineBuffer {
public:
    void append(const char *data, size_t size) { data_.append(data, size); }
    std::string_view view() const { return std::string_view(data_).substr(start_); }
    size_t size() const { return data_.size() - start_; }
    bool empty() const { return size() == 0; }

    void consume(size_t n);
    // Removes `n` bytes at offset `pos` of view() (rare: a stray marker line).
    void erase(size_t pos, size_t n);
    void clear() {
        data_.clear();
        start_ = 0;
    }

private:
    std::string data_;
    size_t start_ = 0;
};

}  // namespace otto
