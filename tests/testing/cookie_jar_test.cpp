#include <tern/testing/cookie_jar.hpp>

#include <doctest/doctest.h>

#include <tern/testing/client.hpp>

TEST_CASE("the jar keeps name=value and sends it back on matching paths") {
    tern::testing::CookieJar jar;
    jar.store("sid=abc; Path=/; HttpOnly; SameSite=Lax", "/login");
    jar.store("pref=dark; Path=/settings", "/settings");
    CHECK(jar.size() == 2);
    CHECK(jar.get("sid") == "abc");
    CHECK(jar.header_for("/") == "sid=abc");
    CHECK(jar.header_for("/settings/colour?x=1") == "pref=dark; sid=abc");
    CHECK(jar.header_for("/settingsx") == "sid=abc");
}

TEST_CASE("a cookie set again replaces the old one, and Max-Age=0 or a past Expires deletes it") {
    tern::testing::CookieJar jar;
    jar.store("sid=1; Path=/", "/");
    jar.store("sid=2; Path=/", "/");
    CHECK(jar.header_for("/") == "sid=2");
    jar.store("sid=; Path=/; Max-Age=0", "/");
    CHECK(jar.size() == 0);
    jar.store("a=1", "/");
    jar.store("a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT", "/");
    CHECK(jar.size() == 0);
    jar.store("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60", "/");
    CHECK(jar.get("a") == "1");
}

TEST_CASE("a cookie without Path belongs to the request path's directory") {
    tern::testing::CookieJar jar;
    jar.store("k=v", "/account/login");
    CHECK(jar.header_for("/account/page") == "k=v");
    CHECK(jar.header_for("/other").empty());
    jar.store("novalue", "/");
    CHECK(jar.size() == 1);
}

TEST_CASE("the client keeps the cookies responses set and sends them on later calls") {
    tern::App app;
    app.post("/login", [](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::Response::text("in").set_cookie("sid", "s3cret");
    });
    app.post("/logout", [](tern::Request&) -> tern::Task<tern::Response> {
        tern::CookieOptions gone;
        gone.max_age = std::chrono::seconds(0);
        co_return tern::Response::text("out").set_cookie("sid", "", gone);
    });
    app.get("/me", [](tern::Request& req) -> tern::Task<tern::Response> {
        auto sid = req.cookie("sid");
        if (sid.empty()) throw tern::HttpError(401, "log in first");
        co_return tern::Response::text(std::string(sid));
    });
    tern::testing::Client tc{app};
    CHECK(tc.get("/me").status() == 401);
    CHECK(tc.post("/login", "").status() == 200);
    CHECK(tc.cookie("sid") == "s3cret");
    CHECK(tc.get("/me").text() == "s3cret");
    tc.post("/logout", "");
    CHECK(tc.cookie("sid").empty());
    CHECK(tc.get("/me").status() == 401);
    tc.cookies().set("sid", "by-hand");
    CHECK(tc.get("/me").text() == "by-hand");
}
