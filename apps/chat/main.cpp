// apps/chat: a chat room. GET / is a page with a few lines of JavaScript; /ws is the room: every
// text message (up to 64 KiB) goes to every connected client, the sender included, each through
// its own bounded queue, so a client that falls 64 messages behind is dropped (close 1008)
// instead of stalling the others. /echo echoes, for tests and benchmarks.
// One loop: the room lives on it (tern::Queue is a one-loop queue). Flags: those of apps/hello.
#include <tern/tern.hpp>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace {

constexpr std::size_t max_behind = 64;

// One client's mailbox. nullopt is the room's "you are dropped" sentinel: the queue holds one
// slot more than max_behind so that it always fits.
struct Member {
    tern::Queue<std::optional<std::string>> outbox{max_behind + 1};
};

// Everyone in the room, on this loop.
class Room {
public:
    void join(Member& m) { members_.insert(&m); }
    void leave(Member& m) { members_.erase(&m); }
    std::size_t size() const noexcept { return members_.size(); }

    // Never waits: a member whose outbox is full is dropped, not waited for.
    void broadcast(std::string const& text) {
        std::vector<Member*> dropped;
        for (Member* m : members_) {
            if (m->outbox.size() >= max_behind) {
                dropped.push_back(m);
                continue;
            }
            std::optional<std::string> copy{text};
            m->outbox.try_put(copy);
        }
        for (Member* m : dropped) {
            members_.erase(m);
            std::optional<std::string> sentinel;
            m->outbox.try_put(sentinel);
        }
    }

private:
    std::set<Member*> members_;
};

Room& room() {
    thread_local Room instance;
    return instance;
}

constexpr std::string_view page = R"html(<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>tern chat</title></head>
<body><h1>tern chat</h1>
<ul id="messages"></ul>
<form id="form"><input id="text" autocomplete="off"> <button>Send</button></form>
<p id="status">connecting</p>
<script>
const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
const list = document.getElementById('messages');
ws.onopen = () => { document.getElementById('status').textContent = 'open'; };
ws.onclose = e => { document.getElementById('status').textContent = 'closed ' + e.code; };
ws.onmessage = e => { const li = document.createElement('li'); li.textContent = e.data; list.appendChild(li); };
document.getElementById('form').onsubmit = e => {
  e.preventDefault();
  const input = document.getElementById('text');
  if (input.value) ws.send(input.value);
  input.value = '';
};
</script>
</body></html>
)html";

tern::Task<int> relay_incoming(tern::WebSocket& ws) {
    for (;;) {
        std::optional<tern::websocket::Message> msg = co_await ws.receive();
        if (!msg) co_return 0;
        if (msg->binary) {
            co_await ws.close(1003, "text messages only");
            co_return 0;
        }
        room().broadcast(msg->data);
    }
}

tern::Task<int> deliver_outgoing(tern::WebSocket& ws, Member& me) {
    for (;;) {
        std::optional<std::string> text = co_await me.outbox.get();
        if (!text) {
            co_await ws.close(1008, "too slow: more than 64 messages behind");
            co_return 1;
        }
        co_await ws.send_text(*text);
    }
}

tern::Task<void> chat(tern::Request&, tern::WebSocket& ws) {
    Member me;
    room().join(me);
    try {
        // Either side ending ends the session: the other is cancelled.
        co_await tern::first(relay_incoming(ws), deliver_outgoing(ws, me));
    } catch (tern::websocket::ConnectionClosed const&) {
    }
    room().leave(me);
}

tern::Task<void> echo(tern::Request&, tern::WebSocket& ws) {
    for (;;) {
        std::optional<tern::websocket::Message> msg = co_await ws.receive();
        if (!msg) break;
        if (msg->binary) co_await ws.send_binary(msg->data);
        else co_await ws.send_text(msg->data);
    }
}

}  // namespace

int main(int argc, char** argv) {
    tern::App app;
    app.get("/", [](tern::Request&) -> tern::Task<tern::Response> { co_return tern::Response::html(std::string(page)); });
    app.websocket("/ws", chat, {.max_message_size = 64 * 1024});
    app.websocket("/echo", echo);
    // The room is per loop: run one, whatever --threads says (the last flag wins).
    std::vector<char*> args(argv, argv + argc);
    static char threads_flag[] = "--threads";
    static char one[] = "1";
    args.push_back(threads_flag);
    args.push_back(one);
    return app.run(static_cast<int>(args.size()), args.data());
}
