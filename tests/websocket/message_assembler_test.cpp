#include <tern/websocket/message_assembler.hpp>

#include <doctest/doctest.h>

#include "websocket/event_log.hpp"

#include <string>
#include <vector>

using namespace tern::websocket;
using namespace tern::websocket::testing;
using Events = std::vector<std::string>;

namespace {

AssemblerOptions server_options(std::size_t max = 1 << 20) { return {Role::server, max, std::nullopt}; }

std::string text(std::string_view payload, bool fin = true) { return client_frame(Opcode::text, payload, fin); }
std::string more(std::string_view payload, bool fin = true) { return client_frame(Opcode::continuation, payload, fin); }
std::string ping(std::string_view payload) { return client_frame(Opcode::ping, payload); }
std::string close_frame(std::string_view payload) { return client_frame(Opcode::close, payload); }

}  // namespace

TEST_CASE("a message in one frame comes out whole") {
    CHECK(run_both(server_options(), text("Hello")) == Events{"text:Hello"});
    CHECK(run_both(server_options(), client_frame(Opcode::binary, wire("\x00\xff"))) == Events{std::string("binary:\x00\xff", 9)});
}

TEST_CASE("fragments are joined, and pings between them come out first") {
    std::string const wire = text("Hel", false) + ping("1") + more("l", false) + ping("2") + more("o") + text("next");
    CHECK(run_both(server_options(), wire) == Events{"ping:1", "ping:2", "text:Hello", "text:next"});
}

TEST_CASE("empty fragments and an empty message are fine") {
    std::string const wire = text("", false) + more("", false) + more("") + client_frame(Opcode::pong, "");
    CHECK(run_both(server_options(), wire) == Events{"text:", "pong:"});
}

TEST_CASE("a continuation frame without a message started is a protocol error (1002)") {
    CHECK(run_both(server_options(), more("orphan")) == Events{"fail:1002"});
    CHECK(run_both(server_options(), text("done") + more("late")) == Events{"text:done", "fail:1002"});
}

TEST_CASE("a new message while a fragmented one is in progress is a protocol error (1002)") {
    CHECK(run_both(server_options(), text("one", false) + text("two")) == Events{"fail:1002"});
    CHECK(run_both(server_options(), text("one", false) + client_frame(Opcode::binary, "two")) == Events{"fail:1002"});
}

TEST_CASE("a message over the limit fails from the header that passes it, before its payload (1009)") {
    MessageAssembler assembler(server_options(10));
    std::string const first = text("0123456", false);
    std::string const second = more("789ab");
    std::string_view in = first;
    CHECK(std::holds_alternative<NeedMore>(assembler.next(in)));
    std::string_view head = std::string_view(second).substr(0, 6);  // header and mask only
    Event const event = assembler.next(head);
    REQUIRE(std::holds_alternative<Failure>(event));
    CHECK(std::get<Failure>(event).code == CloseCode::message_too_big);
    CHECK(run_both(server_options(10), text("0123456789a")) == Events{"fail:1009"});
}

TEST_CASE("a message exactly at the limit passes") {
    CHECK(run_both(server_options(10), text("01234", false) + more("56789")) == Events{"text:0123456789"});
}

TEST_CASE("a code point split between two fragments is valid text") {
    CHECK(run_both(server_options(), text("\xf0\x9f", false) + more("\x98\x80")) == Events{"text:\xf0\x9f\x98\x80"});
}

TEST_CASE("text that goes wrong fails at that fragment, before the message ends (1007)") {
    MessageAssembler assembler(server_options());
    std::string const wire = text("\xce\xba\xe1\xbd\xb9", false) + more("\xed\xa0\x80", false);
    std::string_view in = wire;
    Event const event = assembler.next(in);
    REQUIRE(std::holds_alternative<Failure>(event));
    CHECK(std::get<Failure>(event).code == CloseCode::invalid_payload);
    CHECK(run_both(server_options(), text("\xc0\x80")) == Events{"fail:1007"});
    CHECK(run_both(server_options(), text("\xf4\x90\x80\x80")) == Events{"fail:1007"});
}

TEST_CASE("text cut off inside a code point fails at the message's end (1007)") {
    CHECK(run_both(server_options(), text("\xe2\x82", false) + ping("") + more("")) == Events{"ping:", "fail:1007"});
}

TEST_CASE("binary messages are not checked as UTF-8") {
    CHECK(run_both(server_options(), client_frame(Opcode::binary, "\xff\xfe")) == Events{"binary:\xff\xfe"});
}

TEST_CASE("a close frame gives its code and reason, or no_status when empty") {
    CHECK(run_both(server_options(), close_frame("")) == Events{"close:1005:"});
    CHECK(run_both(server_options(), close_frame("\x03\xe8" "bye")) == Events{"close:1000:bye"});
    CHECK(run_both(server_options(), close_frame("\x0b\xb8")) == Events{"close:3000:"});
    CHECK(run_both(server_options(), close_frame("\x03\xf4")) == Events{"close:1012:"});
}

TEST_CASE("a one-byte close payload is a protocol error (1002)") {
    CHECK(run_both(server_options(), close_frame("\x03")) == Events{"fail:1002"});
}

TEST_CASE("a close code not valid on the wire is a protocol error (1002)") {
    for (std::string_view code : {std::string_view("\x03\xe7", 2), std::string_view("\x03\xed", 2),
                                  std::string_view("\x03\xee", 2), std::string_view("\x13\x88", 2),
                                  std::string_view("\x00\x00", 2)}) {
        CHECK(run_both(server_options(), close_frame(code)) == Events{"fail:1002"});
    }
}

TEST_CASE("a close reason that is not UTF-8 is invalid payload (1007)") {
    CHECK(run_both(server_options(), close_frame("\x03\xe8\xed\xa0\x80")) == Events{"fail:1007"});
}

TEST_CASE("after a failure the assembler only repeats it") {
    MessageAssembler assembler(server_options());
    std::string const wire = more("x") + text("fine");
    std::string_view in = wire;
    CHECK(std::holds_alternative<Failure>(assembler.next(in)));
    std::string const later = text("later");
    std::string_view again = later;
    CHECK(std::holds_alternative<Failure>(assembler.next(again)));
}

TEST_CASE("a client reader refuses masked frames and reads unmasked ones") {
    AssemblerOptions const client{Role::client, 1 << 20, std::nullopt};
    CHECK(run_both(client, text("masked")) == Events{"fail:1002"});
    CHECK(run_both(client, server_frame(Opcode::text, "plain")) == Events{"text:plain"});
}

TEST_CASE("in_message tells whether a fragmented message is under way") {
    MessageAssembler assembler(server_options());
    std::string const first = text("a", false);
    std::string_view in = first;
    assembler.next(in);
    CHECK(assembler.in_message());
    std::string const last = more("b");
    in = last;
    CHECK(std::holds_alternative<Message>(assembler.next(in)));
    CHECK_FALSE(assembler.in_message());
}

TEST_CASE("the assembler keeps nothing of its input, so consumed bytes may be dropped at once") {
    MessageAssembler assembler(server_options());
    std::string buffer = text("Hel", false);
    std::string_view in = buffer;
    CHECK(std::holds_alternative<NeedMore>(assembler.next(in)));
    buffer.assign(buffer.size(), '#');  // the connection reuses its buffer
    buffer = more("lo");
    in = buffer;
    CHECK(describe(assembler.next(in)) == "text:Hello");
}
