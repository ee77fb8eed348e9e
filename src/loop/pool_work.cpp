#include "loop/pool_work.hpp"

#include <memory>
#include <utility>

namespace otto {

namespace {

struct PoolWork {
    uv_work_t request{};
    std::function<void()> work;
    std::function<void()> after;
};

}  // namespace

void queue_pool_work(uv_loop_t *loop, std::function<void()> work, std::function<void()> after) {
    auto job = std::make_unique<PoolWork>();
    job->work = std::move(work);
    job->after = std::move(after);
    job->request.data = job.get();
    int rc = uv_queue_work(
        loop, &job->request, [](uv_work_t *req) { static_cast<PoolWork *>(req->data)->work(); },
        [](uv_work_t *req, int) {
            std::unique_ptr<PoolWork> owned(static_cast<PoolWork *>(req->data));
            owned->after();
        });
    // uv_queue_work only fails for a NULL work callback; ownership passed.
    if (rc == 0) job.release();
}

}  // namespace otto
