#pragma once
// The testing layer: the in-process test client and the test server.
#include <tern/testing/client.hpp>
#include <tern/testing/cookie_jar.hpp>
#include <tern/testing/response.hpp>
#include <tern/testing/server.hpp>
#include <tern/testing/websocket.hpp>
