#pragma once
// apps/gateway's service: GET /aggregate calls every configured upstream at once and answers
// one JSON document, marking the parts that were slow, down or wrong as missing instead of
// failing. Split from main.cpp so that its test serves it beside upstreams in one process.
#include <chrono>
#include <string>
#include <vector>

#include <tern/http/app.hpp>
#include <tern/http/client/client.hpp>

namespace gateway {

/// One upstream endpoint: its answer becomes the document's member `name`.
struct Upstream {
    std::string name;
    std::string url;
};

struct Config {
    std::vector<Upstream> upstreams;
    /// The longest /aggregate waits for any one upstream (tern::wait_for); a call still running
    /// then is cancelled (its connection closed) and its part marked missing.
    std::chrono::milliseconds budget{300};
};

/// Registers, on `app`:
///   GET /aggregate   200 {"<name>": <the upstream's JSON, or its text as a string>, ...,
///                         "missing": {}, "elapsed_ms": N}
///                    206 when some parts are missing: each is null, and "missing" says why
///                        ("no answer within 300 ms", "answered 503", "connection refused...")
///                    502 when every part is missing
///   GET /upstreams   the configuration, as JSON
/// `config` and `client` are referred to by the handlers: both must outlive the app's servers.
void add_routes(tern::App& app, Config const& config, tern::http::Client& client);

/// Parses "name=url" (a --upstream flag's value). Throws std::invalid_argument naming the value
/// when there is no '=', the name is empty or the URL is not http://.
Upstream parse_upstream(std::string_view flag_value);

}  // namespace gateway
