#include "actors/loop.hpp"

#include <algorithm>

#include "actors/actor.hpp"

namespace p2p::actors {

void Loop::on(zmq::socket_ref socket, Handler handler) {
    watches_.push_back(Watch{next_watch_++, socket, -1, std::move(handler)});
}

void Loop::on_fd(int fd, Handler handler) {
    watches_.push_back(Watch{next_watch_++, zmq::socket_ref(), fd, std::move(handler)});
}

bool Loop::watching(uint64_t id) const {
    return std::any_of(watches_.begin(), watches_.end(), [id](const Watch& w) { return w.id == id; });
}

void Loop::remove(zmq::socket_ref socket) {
    std::erase_if(watches_, [&](const Watch& w) { return w.fd < 0 && w.socket == socket; });
}

void Loop::remove_fd(int fd) {
    std::erase_if(watches_, [&](const Watch& w) { return w.fd == fd; });
}

void Loop::on_pipe(zmq::socket_ref pipe, std::function<void(zmq::multipart_t&)> handler) {
    on(pipe, [this, pipe, handler = std::move(handler)]() mutable {
        zmq::multipart_t msg;
        while (msg.recv(pipe, static_cast<int>(zmq::recv_flags::dontwait))) {
            if (msg.size() == 1 && msg.front().to_string_view() == kTerm) {
                stop();
                return;
            }
            handler(msg);
            msg.clear();
            if (!running_) return;
        }
    });
}

Loop::TimerId Loop::after(Millis delay, Handler handler) {
    const TimerId id = next_timer_++;
    timers_.emplace(id, Timer{Clock::now() + delay, Millis{0}, std::move(handler)});
    return id;
}

Loop::TimerId Loop::every(Millis interval, Handler handler) {
    const TimerId id = next_timer_++;
    timers_.emplace(id, Timer{Clock::now() + interval, interval, std::move(handler)});
    return id;
}

void Loop::cancel(TimerId id) { timers_.erase(id); }

long Loop::poll_timeout_ms() const {
    if (timers_.empty()) return -1;
    auto next = Clock::time_point::max();
    for (const auto& [id, t] : timers_) next = std::min(next, t.due);
    const auto wait = std::chrono::duration_cast<Millis>(next - Clock::now()).count();
    return std::max<long>(0, wait + 1);
}

void Loop::fire_due_timers() {
    const auto now = Clock::now();
    // In the order they fell due: a busy loop may find several overdue.
    std::vector<std::pair<Clock::time_point, TimerId>> due;
    for (const auto& [id, t] : timers_) {
        if (t.due <= now) due.emplace_back(t.due, id);
    }
    std::sort(due.begin(), due.end());
    for (const auto& [when, id] : due) {
        auto it = timers_.find(id);
        if (it == timers_.end()) continue;  // cancelled by an earlier handler
        Handler handler = it->second.handler;
        if (it->second.interval.count() > 0) {
            it->second.due = now + it->second.interval;
        } else {
            timers_.erase(it);
        }
        handler();
        if (!running_) return;
    }
}

void Loop::run() {
    running_ = true;
    std::vector<zmq::pollitem_t> items;
    while (running_) {
        items.clear();
        for (auto& w : watches_) {
            items.push_back(zmq::pollitem_t{w.fd < 0 ? w.socket.handle() : nullptr, w.fd, ZMQ_POLLIN, 0});
        }
        try {
            zmq::poll(items.data(), items.size(), std::chrono::milliseconds(poll_timeout_ms()));
        } catch (const zmq::error_t& e) {
            if (e.num() == EINTR) continue;
            throw;
        }
        // Handlers may add or remove watches: note the ready ones first, and
        // skip any that an earlier handler removed (its socket may be closed).
        std::vector<std::pair<uint64_t, Handler>> ready;
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (items[i].revents & (ZMQ_POLLIN | ZMQ_POLLERR)) ready.emplace_back(watches_[i].id, watches_[i].handler);
        }
        for (auto& [id, handler] : ready) {
            if (!watching(id)) continue;
            handler();
            if (!running_) return;
        }
        fire_due_timers();
    }
}

}  // namespace p2p::actors
