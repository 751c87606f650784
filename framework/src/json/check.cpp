// What a broken TERN_JSON_RULES rule reports, and the compiled patterns (std::regex stays here).
#include <tern/json/detail/check.hpp>

#include "reader_state.hpp"

#include <regex>
#include <stdexcept>

#include <fmt/format.h>

namespace tern::json::detail {

namespace {

std::string number_text(Number n) {
    switch (n.kind) {
    case Number::Kind::integer: return std::to_string(n.i);
    case Number::Kind::unsigned_integer: return std::to_string(n.u);
    case Number::Kind::floating: break;
    }
    return fmt::format("{}", n.d);
}

/// Code points, as Python's len() counts a str: simdjson has checked the UTF-8 already, so
/// every byte that is not a continuation byte starts one.
std::size_t code_points(std::string_view text) noexcept {
    std::size_t n = 0;
    for (char const c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

bool allowed(RuleSet const& rules, std::string_view value) noexcept {
    for (std::size_t i = 0; i < rules.one_of_count; ++i) {
        if (rules.one_of[i] == value) return true;
    }
    return false;
}

std::string quoted_excerpt(std::string_view text) {
    return fmt::format("\"{}\"", excerpt(text));
}

}  // namespace

struct CompiledPattern::Impl {
    std::regex regex;
};

CompiledPattern::CompiledPattern(std::string_view pattern, std::string_view field) {
    try {
        impl_ = std::make_unique<Impl>(Impl{std::regex(pattern.begin(), pattern.end(), std::regex::ECMAScript)});
    } catch (std::regex_error const& e) {
        throw std::logic_error(fmt::format("TERN_JSON_RULES: the pattern of field '{}' is not an ECMAScript regex ({}): {}",
                                           field, e.what(), pattern));
    }
}

CompiledPattern::~CompiledPattern() = default;

bool CompiledPattern::search(std::string_view text) const {
    return std::regex_search(text.begin(), text.end(), impl_->regex);
}

void report_bound(Reader& reader, ProblemKind kind, Number bound, Number value) {
    reader.report(kind, number_text(bound), number_text(value));
}

void check_string(Reader& reader, RuleSet const& rules, std::string const& value, CompiledPattern const* pattern) {
    std::size_t const length = code_points(value);
    std::optional<std::size_t> const max_length = rules.effective_max_length();
    if (rules.min_length && length < *rules.min_length) {
        reader.report(ProblemKind::string_too_short, std::to_string(*rules.min_length), std::to_string(length));
    } else if (max_length && length > *max_length) {
        reader.report(ProblemKind::string_too_long, std::to_string(*max_length), std::to_string(length));
    } else if (rules.one_of_count > 0 && !allowed(rules, value)) {
        std::span<std::string_view const> const names(rules.one_of.data(), rules.one_of_count);
        reader.report(ProblemKind::invalid_enum, fmt::format("one of \"{}\"", fmt::join(names, "\", \"")), quoted_excerpt(value));
    } else if (pattern && !pattern->search(value)) {
        reader.report(ProblemKind::string_pattern_mismatch, std::string(*rules.pattern), quoted_excerpt(value));
    }
}

void check_items(Reader& reader, RuleSet const& rules, std::size_t count) {
    if (rules.min_items && count < *rules.min_items) {
        reader.report(ProblemKind::too_short, std::to_string(*rules.min_items), std::to_string(count));
    } else if (rules.max_items && count > *rules.max_items) {
        reader.report(ProblemKind::too_long, std::to_string(*rules.max_items), std::to_string(count));
    }
}

}  // namespace tern::json::detail
