// Reading whole values: into a json::Value, or past them with every byte still checked. Also the
// ReaderState's error reporting, which both need.
#include "reader_state.hpp"

#include <tern/json/value.hpp>

#include <charconv>

#include <fmt/format.h>

namespace tern::json::detail {

std::size_t ReaderState::offset() noexcept {
    char const* location = nullptr;
    if (document.current_location().get(location) != simdjson::SUCCESS) return text.size();
    return static_cast<std::size_t>(location - text.data());
}

namespace {

/// simdjson checks that a root array or object closes at the end of the text before reading
/// it, and reports a mismatch at byte 0. Find where the root really closes: content after that
/// is trailing; no close at all means the text ended early.
[[noreturn]] void fail_unbalanced_root(std::string_view text) {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char const c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            ++depth;
        } else if ((c == ']' || c == '}') && depth > 0 && --depth == 0) {
            std::size_t const rest = text.find_first_not_of(" \t\n\r", i + 1);
            if (rest != std::string_view::npos) throw ParseError(rest, "unexpected content after the document");
            break;
        }
    }
    throw ParseError(text.size(), "document ended in the middle of an object or array");
}

}  // namespace

void ReaderState::fail(simdjson::error_code error) {
    if (error == simdjson::INCOMPLETE_ARRAY_OR_OBJECT) fail_unbalanced_root(text);
    throw ParseError(offset(), simdjson::error_message(error));
}

void ReaderState::fail_at(std::string_view token, std::string reason) {
    throw ParseError(static_cast<std::size_t>(token.data() - text.data()), std::move(reason));
}

void ReaderState::fail(std::string reason) {
    throw ParseError(offset(), std::move(reason));
}

void ReaderState::add_problem(ProblemKind kind, std::string expected, std::string found, std::string_view last) {
    Problem problem{{}, kind, std::move(expected), std::move(found)};
    problem.loc.reserve(path.size() + 1);
    for (auto const& step : path) {
        if (step.is_index) problem.loc.emplace_back(step.index);
        else problem.loc.emplace_back(std::string(step.key));
    }
    if (!last.empty()) problem.loc.emplace_back(std::string(last));
    problems.push_back(std::move(problem));
    if (problems.size() >= options.max_problems) throw ValidationError(std::move(problems));
}

std::string_view type_name(ondemand::json_type type) noexcept {
    switch (type) {
    case ondemand::json_type::array: return "array";
    case ondemand::json_type::object: return "object";
    case ondemand::json_type::number: return "number";
    case ondemand::json_type::string: return "string";
    case ondemand::json_type::boolean: return "boolean";
    case ondemand::json_type::null: return "null";
    }
    return "value";
}

std::string excerpt(std::string_view text) {
    constexpr std::size_t limit = 64;
    if (text.size() <= limit) return std::string(text);
    // Cut before a code point, not inside one: the excerpt ends up in JSON error bodies, and
    // the writer refuses broken UTF-8.
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return std::string(text.substr(0, cut)) + "...";
}

NumberShape number_shape(std::string_view token) noexcept {
    std::size_t i = 0;
    auto const digits = [&] {
        std::size_t const start = i;
        while (i < token.size() && token[i] >= '0' && token[i] <= '9') ++i;
        return i > start;
    };
    if (i < token.size() && token[i] == '-') ++i;
    if (i < token.size() && token[i] == '0') ++i;
    else if (!digits()) return NumberShape::invalid;
    auto shape = NumberShape::integer;
    if (i < token.size() && token[i] == '.') {
        ++i;
        if (!digits()) return NumberShape::invalid;
        shape = NumberShape::decimal;
    }
    if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
        ++i;
        if (i < token.size() && (token[i] == '+' || token[i] == '-')) ++i;
        if (!digits()) return NumberShape::invalid;
        shape = NumberShape::decimal;
    }
    while (i < token.size() && (token[i] == ' ' || token[i] == '\t' || token[i] == '\n' || token[i] == '\r')) ++i;
    return i == token.size() ? shape : NumberShape::invalid;
}

template <typename Node>
ondemand::json_type peek_type(ReaderState& state, Node& node) {
    ondemand::json_type type{};
    if (auto const error = node.type().get(type)) state.fail(error);
    return type;
}

template <typename Node>
std::string_view raw_token(ReaderState& state, Node& node) {
    std::string_view token;
    auto result = node.raw_json_token();  // a plain view for values, a result for documents
    if constexpr (std::is_same_v<decltype(result), std::string_view>) {
        token = result;
    } else if (auto const error = std::move(result).get(token)) {
        state.fail(error);
    }
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' || token.back() == '\r')) {
        token.remove_suffix(1);
    }
    return token;
}

namespace {

template <typename Node>
void check_number(ReaderState& state, Node& node) {
    double ignored = 0;
    if (auto const error = node.get_double().get(ignored)) {
        // A well-formed number too large for a double is hostile, not malformed: say so.
        std::string_view const token = raw_token(state, node);
        if (number_shape(token) == NumberShape::invalid) fail_scalar(state, node, error);
        state.fail_at(token, "number out of range: " + excerpt(token));
    }
}

template <typename Node>
void check_scalar(ReaderState& state, Node& node, ondemand::json_type type) {
    simdjson::error_code error = simdjson::SUCCESS;
    switch (type) {
    case ondemand::json_type::string: error = node.get_string().error(); break;
    case ondemand::json_type::boolean: error = node.get_bool().error(); break;
    case ondemand::json_type::null: {
        bool is_null = false;
        error = node.is_null().get(is_null);
        if (!error && !is_null) error = simdjson::N_ATOM_ERROR;
        break;
    }
    default: check_number(state, node); break;
    }
    if (error) fail_scalar(state, node, error);
}

void skip_object(ReaderState& state, ondemand::object object) {
    for (auto result : object) {
        ondemand::field field;
        if (auto const error = std::move(result).get(field)) state.fail(error);
        field_key(state, field);
        skip_validated(state, field.value());
    }
}

void skip_array(ReaderState& state, ondemand::array array) {
    for (auto result : array) {
        ondemand::value element;
        if (auto const error = std::move(result).get(element)) state.fail(error);
        skip_validated(state, element);
    }
}

}  // namespace

template <typename Node>
void skip_validated(ReaderState& state, Node& node) {
    auto const type = peek_type(state, node);
    if (type == ondemand::json_type::object || type == ondemand::json_type::array) {
        DepthGuard const depth(state);
        if (type == ondemand::json_type::object) {
            ondemand::object object;
            if (auto const error = node.get_object().get(object)) state.fail(error);
            skip_object(state, object);
        } else {
            ondemand::array array;
            if (auto const error = node.get_array().get(array)) state.fail(error);
            skip_array(state, array);
        }
        return;
    }
    check_scalar(state, node, type);
}

namespace {

// Not get_number(): simdjson 3.0.1's returns 0 with success for a fraction with a mantissa of
// more than 19 digits (18446744077709549568.0), which is what dump() writes for such doubles.
template <typename Node>
Value read_number(ReaderState& state, Node& node) {
    std::int64_t i = 0;
    if (node.get_int64().get(i) == simdjson::SUCCESS) return i;
    std::uint64_t u = 0;
    if (node.get_uint64().get(u) == simdjson::SUCCESS) return u;
    std::string_view const token = raw_token(state, node);
    double d = 0;
    switch (number_shape(token)) {
    case NumberShape::decimal:
        if (node.get_double().get(d) == simdjson::SUCCESS) return d;
        break;
    case NumberShape::integer: {
        // Integers beyond 64 bits become doubles, as in JavaScript.
        auto const [end, error] = std::from_chars(token.data(), token.data() + token.size(), d);
        if (error == std::errc{} && end == token.data() + token.size()) return d;
        break;
    }
    case NumberShape::invalid: break;
    }
    check_number(state, node);
    fail_scalar(state, node, simdjson::NUMBER_ERROR);
}

template <typename Node>
Value read_scalar(ReaderState& state, Node& node, ondemand::json_type type) {
    switch (type) {
    case ondemand::json_type::string: {
        std::string_view text;
        if (auto const error = node.get_string().get(text)) fail_scalar(state, node, error);
        return Value(text);
    }
    case ondemand::json_type::boolean: {
        bool b = false;
        if (auto const error = node.get_bool().get(b)) fail_scalar(state, node, error);
        return Value(b);
    }
    case ondemand::json_type::number: return read_number(state, node);
    default: check_scalar(state, node, type); return Value();
    }
}

Value read_object(ReaderState& state, ondemand::object object) {
    Object members;
    for (auto result : object) {
        ondemand::field field;
        if (auto const error = std::move(result).get(field)) state.fail(error);
        std::string_view const key = field_key(state, field);
        auto& member = members.emplace_back(std::string(key), Value());
        read_any(state, field.value(), member.second);
    }
    return Value(std::move(members));
}

Value read_array(ReaderState& state, ondemand::array array) {
    Array elements;
    for (auto result : array) {
        ondemand::value element;
        if (auto const error = std::move(result).get(element)) state.fail(error);
        read_any(state, element, elements.emplace_back());
    }
    return Value(std::move(elements));
}

}  // namespace

template <typename Node>
void read_any(ReaderState& state, Node& node, Value& out) {
    auto const type = peek_type(state, node);
    if (type == ondemand::json_type::object) {
        DepthGuard const depth(state);
        ondemand::object object;
        if (auto const error = node.get_object().get(object)) state.fail(error);
        out = read_object(state, object);
    } else if (type == ondemand::json_type::array) {
        DepthGuard const depth(state);
        ondemand::array array;
        if (auto const error = node.get_array().get(array)) state.fail(error);
        out = read_array(state, array);
    } else {
        out = read_scalar(state, node, type);
    }
}

template ondemand::json_type peek_type(ReaderState&, ondemand::value&);
template ondemand::json_type peek_type(ReaderState&, ondemand::document&);
template std::string_view raw_token(ReaderState&, ondemand::value&);
template std::string_view raw_token(ReaderState&, ondemand::document&);
template void skip_validated(ReaderState&, ondemand::value&);
template void skip_validated(ReaderState&, ondemand::document&);
template void read_any(ReaderState&, ondemand::value&, Value&);
template void read_any(ReaderState&, ondemand::document&, Value&);

}  // namespace tern::json::detail
