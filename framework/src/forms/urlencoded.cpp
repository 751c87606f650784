#include <tern/forms/urlencoded.hpp>

#include <algorithm>

#include <tern/forms/error.hpp>

#include "percent.hpp"

namespace tern::forms {

namespace {

// Decodes a name or value found at `offset` in the body (the offset makes the message exact).
std::string decode(std::string_view raw, std::size_t offset) {
    std::string out;
    std::size_t const bad = detail::percent_decode(raw, out, true);
    if (bad != std::string_view::npos)
        throw FormError(400, "urlencoded body has a malformed %-escape at byte " + std::to_string(offset + bad));
    return out;
}

[[noreturn]] void too_large(std::string const& what, std::size_t limit) {
    throw FormError(413, what + " is larger than " + std::to_string(limit) + " bytes");
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_urlencoded(std::string_view body, FormLimits const& limits) {
    if (body.size() > limits.max_in_memory_bytes) too_large("urlencoded body", limits.max_in_memory_bytes);
    std::vector<std::pair<std::string, std::string>> pairs;
    for (std::size_t offset = 0; offset <= body.size();) {
        std::size_t const end = std::min(body.find('&', offset), body.size());
        std::string_view const pair = body.substr(offset, end - offset);
        if (!pair.empty()) {
            if (pairs.size() == limits.max_parts)
                throw FormError(413, "urlencoded body has more than " + std::to_string(limits.max_parts) + " fields");
            std::size_t const eq = std::min(pair.find('='), pair.size());
            std::string name = decode(pair.substr(0, eq), offset);
            if (name.size() > limits.max_field_size) too_large("a field name", limits.max_field_size);
            std::string value = eq < pair.size() ? decode(pair.substr(eq + 1), offset + eq + 1) : std::string{};
            if (value.size() > limits.max_field_size) too_large("field '" + name + "'", limits.max_field_size);
            pairs.emplace_back(std::move(name), std::move(value));
        }
        offset = end + 1;
    }
    return pairs;
}

}  // namespace tern::forms
