#include <tern/http/sse.hpp>

#include <exception>
#include <memory>
#include <stdexcept>

#include <tern/core/error.hpp>
#include <tern/core/queue.hpp>
#include <tern/core/spawn.hpp>
#include <tern/core/time.hpp>

namespace tern::sse {

namespace {

void append_field(std::string& out, std::string_view name, std::string_view value) {
    out += name;
    out += ": ";
    out += value;
    out += '\n';
}

// Each line of `data` (split at LF, CRLF or CR, as the client splits them) is one data field.
void append_data(std::string& out, std::string_view data) {
    for (;;) {
        auto const end = data.find_first_of("\r\n");
        append_field(out, "data", data.substr(0, end));
        if (end == std::string_view::npos) return;
        std::size_t next = end + 1;
        if (data[end] == '\r' && next < data.size() && data[next] == '\n') ++next;
        data.remove_prefix(next);
    }
}

constexpr std::string_view heartbeat_line = ": heartbeat\n\n";

// What the producer hands the writer: an event's text, the end, or the generator's exception.
struct Item {
    std::string text{};
    std::exception_ptr error{};
    bool end = false;
};
using ItemQueue = Queue<Item>;

// Runs the user's generator in a task of its own, so that the writer can wait for the next
// event with a timeout: a timeout on the generator itself would cancel it mid-await.
// It owns the generator; the queue is shared with the writer.
Task<void> produce(Generator<Event> events, std::shared_ptr<ItemQueue> queue) {
    Item last{.end = true};
    try {
        // Named, not a braced temporary inside co_await: g++ 12 miscompiles aggregate
        // temporaries with std::string members there (it copies them bitwise).
        while (auto event = co_await events.next()) {
            Item item{.text = format(*event)};
            co_await queue->put(std::move(item));
        }
    } catch (CancelledError const&) {
        throw;
    } catch (...) {
        last = Item{.error = std::current_exception()};
    }
    co_await queue->put(std::move(last));
}

Task<Item> next_item(std::shared_ptr<ItemQueue> queue) { co_return co_await queue->get(); }

// Cancels the producer when the writer ends, however it ends (the client left, an error).
class CancelOnExit {
public:
    explicit CancelOnExit(TaskHandle<void> task) noexcept : task_(std::move(task)) {}
    ~CancelOnExit() {
        if (!task_.done()) task_.cancel();
    }
    CancelOnExit(CancelOnExit const&) = delete;
    CancelOnExit& operator=(CancelOnExit const&) = delete;

private:
    TaskHandle<void> task_;
};

Generator<std::string> with_heartbeat(Generator<Event> events, std::chrono::milliseconds heartbeat) {
    auto queue = std::make_shared<ItemQueue>(1);
    CancelOnExit producer{spawn(produce(std::move(events), queue))};
    for (;;) {
        std::optional<Item> item;
        try {
            item.emplace(co_await wait_for(next_item(queue), heartbeat));
        } catch (TimeoutError const&) {
        }
        if (!item) {
            co_yield std::string(heartbeat_line);
            continue;
        }
        if (item->error) std::rethrow_exception(item->error);
        if (item->end) co_return;
        co_yield std::move(item->text);
    }
}

Generator<std::string> formatted(Generator<Event> events) {
    while (auto event = co_await events.next()) co_yield format(*event);
}

}  // namespace

std::string format(Event const& event) {
    if (event.event.find_first_of("\r\n") != std::string::npos)
        throw std::invalid_argument("sse::Event: the event name holds a line break");
    if (event.id.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
        throw std::invalid_argument("sse::Event: the id holds a line break or NUL");
    std::string out;
    out.reserve(event.data.size() + event.event.size() + event.id.size() + 32);
    if (!event.event.empty()) append_field(out, "event", event.event);
    if (!event.id.empty()) append_field(out, "id", event.id);
    if (event.retry) append_field(out, "retry", std::to_string(event.retry->count()));
    append_data(out, event.data);
    out += '\n';
    return out;
}

Response response(Generator<Event> events, Options options) {
    auto body = options.heartbeat.count() > 0 ? with_heartbeat(std::move(events), options.heartbeat)
                                              : formatted(std::move(events));
    return Response::stream(std::move(body), "text/event-stream")
        .header("Cache-Control", "no-cache")
        .header("X-Accel-Buffering", "no")
        .ends_on_drain();
}

}  // namespace tern::sse
