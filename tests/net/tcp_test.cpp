// tern's TCP layer on its own, without HTTP: a listener on 127.0.0.1 and port 0, the streams it
// accepts, and how reads, writes, timeouts, end of stream and cancellation are reported. The
// peer is a plain blocking POSIX client on a worker thread (tern::to_thread), so what is tested
// is only tern's side of the socket.
#include <doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <system_error>
#include <thread>

#include <tern/core.hpp>
#include <tern/net.hpp>

using namespace std::chrono_literals;

namespace {

/// A blocking client socket connected to 127.0.0.1:port; closed when it goes.
class PlainClient {
public:
    explicit PlainClient(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        timeval limit{.tv_sec = 5, .tv_usec = 0};   // a test that goes wrong fails, not hangs
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    }
    PlainClient(PlainClient const&) = delete;
    PlainClient& operator=(PlainClient const&) = delete;
    ~PlainClient() { close(); }

    void send(std::string const& bytes) const { REQUIRE(::send(fd_, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size())); }
    /// Reads until `n` bytes have come or the peer closed.
    std::string receive(std::size_t n) const {
        std::string got(n, '\0');
        std::size_t have = 0;
        while (have < n) {
            ssize_t const r = ::recv(fd_, got.data() + have, n - have, 0);
            if (r <= 0) break;
            have += static_cast<std::size_t>(r);
        }
        got.resize(have);
        return got;
    }
    void close() noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_;
};

/// Accepts one connection and returns it (failing the test on an accept error).
tern::Task<tern::TcpStream> accept_one(tern::TcpListener& listener) {
    auto [ec, stream] = co_await listener.accept();
    REQUIRE_FALSE(ec);
    co_return std::move(stream);
}

}  // namespace

TEST_CASE("a listener on port 0 accepts; the stream reads what the peer sent and writes back") {
    tern::run([]() -> tern::Task<void> {
        auto listener = tern::TcpListener::bind("127.0.0.1", 0, /*reuse_port=*/false);
        std::uint16_t const port = listener.port();
        CHECK(port != 0);

        auto peer = [port]() -> tern::Task<std::string> {
            co_return co_await tern::to_thread([port] {
                PlainClient client{port};
                client.send("ping");
                return client.receive(4);
            });
        };
        auto serve = [&listener]() -> tern::Task<void> {
            tern::TcpStream stream = co_await accept_one(listener);
            CHECK(stream.remote_address().starts_with("127.0.0.1:"));
            tern::InputBuffer input{64 * 1024};
            stream.start_reading(input);
            while (input.size() < 4) REQUIRE_FALSE(co_await stream.read(2s));
            CHECK(input.data() == "ping");
            input.consume(4);
            CHECK(input.size() == 0);
            CHECK_FALSE(co_await stream.write("pong", 2s));
        };
        auto [answer, served] = co_await tern::gather(peer(), serve());
        CHECK(answer == "pong");
    }());
}

TEST_CASE("a read reports the end of the stream once the peer closes, and a timeout when nothing comes") {
    tern::run([]() -> tern::Task<void> {
        auto listener = tern::TcpListener::bind("127.0.0.1", 0, false);
        std::uint16_t const port = listener.port();
        tern::Event may_close;

        auto peer = [port, &may_close]() -> tern::Task<void> {
            // The client lives on a worker thread only for its blocking calls; it stays
            // connected until the server has seen its read time out.
            auto client = co_await tern::to_thread([port] { return std::make_unique<PlainClient>(port); });
            co_await may_close.wait();
            client->close();
        };
        auto serve = [&]() -> tern::Task<void> {
            tern::TcpStream stream = co_await accept_one(listener);
            tern::InputBuffer input{1024};
            stream.start_reading(input);
            CHECK(co_await stream.read(50ms) == tern::uv_error(UV_ETIMEDOUT));
            may_close.set();
            CHECK(co_await stream.read(2s) == tern::uv_error(UV_EOF));
        };
        co_await tern::gather(peer(), serve());
    }());
}

TEST_CASE("a task blocked in accept: cancelling it ends the accept with UV_ECANCELED") {
    tern::run([]() -> tern::Task<void> {
        auto listener = tern::TcpListener::bind("127.0.0.1", 0, false);
        std::error_code seen;
        auto accept_into = [](tern::TcpListener& l, std::error_code& out) -> tern::Task<void> {
            auto [ec, stream] = co_await l.accept();
            out = ec;
        };
        auto waiting = tern::spawn(accept_into(listener, seen));
        co_await tern::sleep(10ms);
        CHECK_FALSE(waiting.done());
        waiting.cancel();
        co_await tern::sleep(10ms);
        CHECK(waiting.done());
        CHECK(seen == tern::uv_error(UV_ECANCELED));
    }());
}

TEST_CASE("a task blocked in accept: closing the listener ends the accept with UV_ECANCELED") {
    tern::run([]() -> tern::Task<void> {
        auto listener = tern::TcpListener::bind("127.0.0.1", 0, false);
        auto accept_once = [](tern::TcpListener& l) -> tern::Task<std::error_code> {
            auto [ec, stream] = co_await l.accept();
            co_return ec;
        };
        auto waiting = tern::spawn(accept_once(listener));
        co_await tern::sleep(10ms);
        CHECK_FALSE(waiting.done());
        listener.close();
        CHECK(co_await waiting == tern::uv_error(UV_ECANCELED));
    }());
}

TEST_CASE("binding a port that is taken throws std::system_error naming the address") {
    tern::run([]() -> tern::Task<void> {
        auto first = tern::TcpListener::bind("127.0.0.1", 0, false);
        std::string const address = "127.0.0.1:" + std::to_string(first.port());
        CHECK_THROWS_WITH_AS(tern::TcpListener::bind("127.0.0.1", first.port(), false),
                             doctest::Contains(address.c_str()), std::system_error);
        co_return;
    }());
}

TEST_CASE("one task may wait to read while another waits to write on the same stream") {
    // A WebSocket reads its peer's frames while its writers send: the two waits are separate.
    tern::run([]() -> tern::Task<void> {
        auto listener = tern::TcpListener::bind("127.0.0.1", 0, /*reuse_port=*/false);
        std::uint16_t const port = listener.port();
        auto peer = [port]() -> tern::Task<std::string> {
            co_return co_await tern::to_thread([port] {
                PlainClient client{port};
                std::this_thread::sleep_for(200ms);       // the server's writer waits meanwhile
                std::string got = client.receive(8 * 1024 * 1024);
                client.send("bye");
                return got;
            });
        };
        auto server = [&]() -> tern::Task<std::string> {
            tern::TcpStream stream = co_await accept_one(listener);
            tern::InputBuffer input{64 * 1024};
            stream.start_reading(input);
            std::string const big(8 * 1024 * 1024, 'w');   // more than the socket buffers hold
            auto reader = [&]() -> tern::Task<std::string> {
                auto ec = co_await stream.read(5s);
                CHECK_FALSE(ec);
                co_return std::string(input.data());
            };
            auto writer = [&]() -> tern::Task<bool> { co_return !co_await stream.write(big, 5s); };
            auto [got, wrote] = co_await tern::gather(reader(), writer());
            CHECK(wrote);
            co_return got;
        };
        auto [from_peer, from_server] = co_await tern::gather(server(), peer());
        CHECK(from_peer == "bye");
        CHECK(from_server.size() == 8u * 1024 * 1024);
    }());
}

TEST_CASE("closing a stream ends a read that another task is waiting in, with UV_ECANCELED") {
    tern::run([]() -> tern::Task<void> {
        auto listener = tern::TcpListener::bind("127.0.0.1", 0, /*reuse_port=*/false);
        std::uint16_t const port = listener.port();
        auto peer = [port]() -> tern::Task<void> {
            co_await tern::to_thread([port] {
                PlainClient client{port};
                client.receive(1);   // until the server closes
            });
        };
        auto server = [&]() -> tern::Task<void> {
            tern::TcpStream stream = co_await accept_one(listener);
            tern::InputBuffer input{64 * 1024};
            stream.start_reading(input);
            auto reader = [&]() -> tern::Task<std::error_code> { co_return co_await stream.read(5s); };
            auto closer = [&]() -> tern::Task<void> {
                co_await tern::sleep(50ms);
                stream.close();
            };
            auto [ec, done] = co_await tern::gather(reader(), closer());
            CHECK(ec == tern::uv_error(UV_ECANCELED));
        };
        co_await tern::gather(server(), peer());
    }());
}

TEST_CASE("net::connect resolves a name and connects; the accepted side sees the same bytes") {
    tern::run([]() -> tern::Task<void> {
        auto listener = tern::TcpListener::bind("127.0.0.1", 0, /*reuse_port=*/false);
        std::uint16_t const port = listener.port();
        auto server = [&]() -> tern::Task<std::string> {
            tern::TcpStream stream = co_await accept_one(listener);
            tern::InputBuffer input{1024};
            stream.start_reading(input);
            while (input.size() < 5) CHECK_FALSE(co_await stream.read(5s));
            co_return std::string(input.data());
        };
        auto client = [&]() -> tern::Task<void> {
            tern::TcpStream stream = co_await tern::net::connect("localhost", port, 2s);
            CHECK(stream.remote_address().ends_with(":" + std::to_string(port)));
            CHECK_FALSE(co_await stream.write("hello"));
        };
        auto [got, done] = co_await tern::gather(server(), client());
        CHECK(got == "hello");
    }());
}

TEST_CASE("net::connect to a closed port fails with an error naming the address and the reason") {
    std::uint16_t port = 0;
    {
        tern::run([&]() -> tern::Task<void> {
            auto listener = tern::TcpListener::bind("127.0.0.1", 0, false);
            port = listener.port();
            co_return;
        }());
    }
    try {
        tern::run(tern::net::connect("127.0.0.1", port, 2s));
        FAIL("connect to a closed port succeeded");
    } catch (std::system_error const& e) {
        CHECK(std::string(e.what()).find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
        CHECK(e.code() == tern::uv_error(UV_ECONNREFUSED));
    }
}

TEST_CASE("net::resolve of a name that does not exist names it") {
    try {
        tern::run(tern::net::resolve("no-such-host.invalid", 80));
        FAIL("resolved a .invalid name");
    } catch (std::system_error const& e) {
        CHECK(std::string(e.what()).find("no-such-host.invalid") != std::string::npos);
    }
}

TEST_CASE("an emptied input buffer gives its memory back, and the next read on this thread takes it again") {
    tern::InputBuffer first(1024 * 1024);
    std::span<char> const space = first.prepare(1, true);
    REQUIRE(space.size() >= 16 * 1024);
    char const* const memory = space.data();
    first.commit(5);
    CHECK(first.size() == 5);
    first.release_if_empty();   // five bytes are still buffered: kept
    CHECK(first.prepare(0, false).data() == memory + 5);
    first.consume(5);
    first.release_if_empty();
    CHECK(first.size() == 0);
    CHECK(first.prepare(0, false).empty());   // holds nothing now

    tern::InputBuffer second(1024 * 1024);   // another connection's buffer: the same memory, reused
    std::span<char> const again = second.prepare(1, true);
    CHECK(again.data() == memory);
    CHECK(again.size() == space.size());
    second.release_if_empty();
}

TEST_CASE("an input buffer with a limit below the standard size never gets more than its limit") {
    {
        tern::InputBuffer standard(1024 * 1024);   // puts one standard buffer among the spares
        (void)standard.prepare(1, true);
        standard.release_if_empty();
    }
    tern::InputBuffer small(100);
    std::span<char> const space = small.prepare(50, true);
    CHECK(space.size() >= 50);
    CHECK(space.size() <= 100);
}
