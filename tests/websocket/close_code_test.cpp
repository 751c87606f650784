#include <tern/websocket/close_code.hpp>

#include <doctest/doctest.h>

#include <initializer_list>

using tern::websocket::valid_close_code_on_wire;

TEST_CASE("the defined codes and the application range may be sent") {
    for (int code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}) {
        CAPTURE(code);
        CHECK(valid_close_code_on_wire(code));
    }
}

TEST_CASE("the codes IANA registered after the RFC (1012 to 1014) may be sent") {
    CHECK(valid_close_code_on_wire(1012));
    CHECK(valid_close_code_on_wire(1013));
    CHECK(valid_close_code_on_wire(1014));
}

TEST_CASE("reserved, reporting-only, unassigned and out-of-range codes may not be sent") {
    for (int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
        CAPTURE(code);
        CHECK_FALSE(valid_close_code_on_wire(code));
    }
}
