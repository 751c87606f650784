#pragma once
// Everything a tern program uses, in one include. The layers users program against also have
// an umbrella, for a program that wants less: <tern/core.hpp> (async only), <tern/net.hpp>,
// <tern/json.hpp>, <tern/observe.hpp>, <tern/http.hpp>. The layers http is built on (files,
// forms, compress) are reached through their own headers, as below.
#include <tern/compress/accept_encoding.hpp>
#include <tern/compress/compressible.hpp>
#include <tern/compress/decoder.hpp>
#include <tern/compress/encoder.hpp>
#include <tern/compress/error.hpp>
#include <tern/compress/format.hpp>
#include <tern/core.hpp>
#include <tern/files/content_type.hpp>
#include <tern/files/ranges.hpp>
#include <tern/files/safe_path.hpp>
#include <tern/files/validators.hpp>
#include <tern/forms/error.hpp>
#include <tern/forms/form.hpp>
#include <tern/forms/limits.hpp>
#include <tern/forms/multipart.hpp>
#include <tern/forms/read_form.hpp>
#include <tern/forms/upload_file.hpp>
#include <tern/forms/urlencoded.hpp>
#include <tern/http.hpp>
#include <tern/json.hpp>
#include <tern/net.hpp>
#include <tern/observe.hpp>
#include <tern/testing.hpp>
#include <tern/websocket.hpp>

#include <fmt/format.h>   // handlers format responses with fmt::format (API.md's examples)
