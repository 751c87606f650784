#include <tern/http/request.hpp>

#include <tern/forms/read_form.hpp>

#include "http_chars.hpp"
#include "url.hpp"

namespace tern {

namespace {
std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}
}  // namespace

std::string_view Request::param(std::string_view name) const noexcept {
    for (auto const& p : data_.params)
        if (p.name == name) return p.value;
    return {};
}

std::string_view Request::header(std::string_view name) const noexcept {
    for (auto const& h : data_.headers)
        if (detail::iequals(h.name, name)) return h.value;
    return {};
}

std::string_view Request::cookie(std::string_view name) const noexcept {
    for (auto const& h : data_.headers) {
        if (!detail::iequals(h.name, "cookie")) continue;
        std::string_view rest = h.value;
        while (!rest.empty()) {
            auto const semi = rest.find(';');
            std::string_view pair = trim(rest.substr(0, semi));
            rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
            auto const eq = pair.find('=');
            if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != name) continue;
            std::string_view value = trim(pair.substr(eq + 1));
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
            return value;
        }
    }
    return {};
}

// Decoded lazily: most handlers never look at the query, and a request without one makes nothing.
Request::QueryPairs const& Request::parsed_query() const {
    static QueryPairs const none;
    if (data_.query_string.empty()) return none;
    Extras& e = extras();
    if (!std::exchange(e.query_parsed, true)) detail::parse_query(data_.query_string, e.query);
    return e.query;
}

std::string_view Request::query(std::string_view name) const {
    for (auto const& [k, v] : parsed_query())
        if (k == name) return v;
    return {};
}

std::vector<std::string_view> Request::query_all(std::string_view name) const {
    std::vector<std::string_view> values;
    for (auto const& [k, v] : parsed_query())
        if (k == name) values.emplace_back(v);
    return values;
}

bool Request::has_query(std::string_view name) const {
    for (auto const& kv : parsed_query())
        if (kv.first == name) return true;
    return false;
}

}  // namespace tern

namespace tern {

namespace {
Generator<std::string_view> one_piece(std::string_view body) {
    if (!body.empty()) co_yield body;
}
}  // namespace

// Not a coroutine, so the default limits are built outside any co_await expression.
Task<forms::Form> Request::form() { return form(forms::FormLimits{}); }

Task<forms::Form> Request::form(forms::FormLimits limits) {
    co_return co_await forms::read_form(std::string(header("Content-Type")), body_stream(), std::move(limits));
}

Generator<std::string_view>& Request::body_stream() {
    if (data_.body_stream) return *data_.body_stream;
    Extras& e = extras();
    if (!e.buffered_body) e.buffered_body.emplace(one_piece(data_.body));
    return *e.buffered_body;
}

}  // namespace tern
