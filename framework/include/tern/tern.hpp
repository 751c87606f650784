#pragma once
// Everything a tern program uses, in one include. Each layer also has its own umbrella, for a
// program that wants less: <tern/core.hpp> (async only), <tern/net.hpp>, <tern/json.hpp>,
// <tern/observe.hpp>, <tern/files.hpp>, <tern/forms.hpp>, <tern/compress.hpp>, <tern/http.hpp>.
#include <tern/compress.hpp>
#include <tern/core.hpp>
#include <tern/files.hpp>
#include <tern/forms.hpp>
#include <tern/http.hpp>
#include <tern/json.hpp>
#include <tern/net.hpp>
#include <tern/observe.hpp>
#include <tern/testing.hpp>
#include <tern/websocket.hpp>

#include <fmt/format.h>   // handlers format responses with fmt::format (API.md's examples)
