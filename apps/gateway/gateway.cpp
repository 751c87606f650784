#include "gateway.hpp"

#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include <tern/core/gather.hpp>
#include <tern/core/time.hpp>
#include <tern/json/value.hpp>

namespace gateway {

namespace {

using Clock = std::chrono::steady_clock;
using tern::http::ClientResponse;

// What one upstream gave: its value for the document, or why there is none.
struct Part {
    std::optional<tern::json::Value> value;
    std::string missing;
};

bool is_json(std::string_view content_type) {
    return content_type.starts_with("application/json") || content_type.find("+json") != std::string_view::npos;
}

Part part_of(ClientResponse const& res) {
    if (!res.ok()) return {.value = std::nullopt, .missing = fmt::format("answered {}", res.status())};
    if (!is_json(res.header("Content-Type"))) return {.value = tern::json::Value(res.text()), .missing = {}};
    try {
        return {.value = res.json(), .missing = {}};
    } catch (std::exception const& e) {
        return {.value = std::nullopt, .missing = e.what()};
    }
}

// Never throws but for cancellation: a failure is a missing part, so that gather waits for
// every upstream instead of cancelling the others at the first failure.
tern::Task<Part> fetch(tern::http::Client& client, Upstream const& upstream, std::chrono::milliseconds budget) {
    try {
        tern::Task<ClientResponse> call = client.get(upstream.url);
        tern::Task<ClientResponse> bounded = tern::wait_for(std::move(call), budget);
        ClientResponse res = co_await std::move(bounded);
        co_return part_of(res);
    } catch (tern::TimeoutError const&) {
        co_return Part{.value = std::nullopt, .missing = fmt::format("no answer within {} ms", budget.count())};
    } catch (tern::CancelledError const&) {
        throw;
    } catch (std::exception const& e) {
        co_return Part{.value = std::nullopt, .missing = e.what()};
    }
}

tern::Task<tern::Response> aggregate(Config const& config, tern::http::Client& client) {
    auto const started = Clock::now();
    std::vector<tern::Task<Part>> calls;
    calls.reserve(config.upstreams.size());
    for (Upstream const& upstream : config.upstreams) calls.push_back(fetch(client, upstream, config.budget));
    std::vector<Part> parts = co_await tern::gather(std::move(calls));

    tern::json::Object document;
    tern::json::Object missing;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        std::string const& name = config.upstreams[i].name;
        if (parts[i].value) {
            document.emplace_back(name, std::move(*parts[i].value));
        } else {
            document.emplace_back(name, nullptr);
            missing.emplace_back(name, std::move(parts[i].missing));
        }
    }
    auto const elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    int const status = missing.empty() ? 200 : missing.size() < parts.size() ? 206 : 502;
    document.emplace_back("missing", std::move(missing));
    document.emplace_back("elapsed_ms", static_cast<std::int64_t>(elapsed.count()));
    co_return tern::Response::json(tern::json::Value(std::move(document))).status(status);
}

tern::json::Value describe(Config const& config) {
    tern::json::Array upstreams;
    for (Upstream const& upstream : config.upstreams)
        upstreams.push_back(tern::json::object({{"name", upstream.name}, {"url", upstream.url}}));
    return tern::json::object({{"upstreams", std::move(upstreams)}, {"budget_ms", static_cast<std::int64_t>(config.budget.count())}});
}

}  // namespace

void add_routes(tern::App& app, Config const& config, tern::http::Client& client) {
    app.get("/aggregate", [&config, &client](tern::Request&) { return aggregate(config, client); });
    app.get("/upstreams", [&config](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::Response::json(describe(config));
    });
}

Upstream parse_upstream(std::string_view flag_value) {
    auto const eq = flag_value.find('=');
    if (eq == std::string_view::npos || eq == 0)
        throw std::invalid_argument(fmt::format("--upstream '{}': expected name=http://host:port/path", flag_value));
    std::string_view const url = flag_value.substr(eq + 1);
    if (!url.starts_with("http://"))
        throw std::invalid_argument(fmt::format("--upstream '{}': the URL must start with http://", flag_value));
    return {.name = std::string(flag_value.substr(0, eq)), .url = std::string(url)};
}

}  // namespace gateway
