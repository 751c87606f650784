// Reader: typed reads of one value, each recording a Problem when the value does not fit.
#include <tern/json/reader.hpp>

#include "reader_state.hpp"

#include <tern/json/value.hpp>

#include <cfloat>
#include <cmath>

#include <fmt/format.h>

namespace tern::json {

namespace {

using detail::ReaderState;
using detail::mismatch;
using detail::with_node;
namespace ondemand = simdjson::ondemand;

/// After a failed numeric get_*: sorts out wrong types, malformed numbers, fractions where an
/// integer is wanted and numbers outside the target's range.
template <typename Node>
bool number_mismatch(ReaderState& state, Node& node, simdjson::error_code error, bool want_integer, std::string range) {
    if (detail::peek_type(state, node) != ondemand::json_type::number) {
        return mismatch(state, node, want_integer ? "integer" : "number", ondemand::json_type::number, error);
    }
    std::string_view const token = detail::raw_token(state, node);
    auto const shape = detail::number_shape(token);
    if (shape == detail::NumberShape::invalid) detail::fail_scalar(state, node, error);
    if (want_integer && shape == detail::NumberShape::decimal) {
        state.add_problem(ProblemKind::wrong_type, "integer", "number " + detail::excerpt(token));
    } else {
        state.add_problem(ProblemKind::out_of_range, std::move(range), detail::excerpt(token));
    }
    return false;
}

std::string integer_range(std::int64_t min, std::uint64_t max) {
    return fmt::format("integer in [{}, {}]", min, max);
}

}  // namespace

bool Reader::read_bool(bool& out) {
    return with_node(node_, is_document_, [&](auto& node) {
        auto const error = node.get_bool().get(out);
        return !error || mismatch(*state_, node, "boolean", ondemand::json_type::boolean, error);
    });
}

bool Reader::read_int(std::int64_t& out, std::int64_t min, std::int64_t max) {
    return with_node(node_, is_document_, [&](auto& node) {
        std::int64_t value = 0;
        auto const range = [&] { return integer_range(min, static_cast<std::uint64_t>(max)); };
        if (auto const error = node.get_int64().get(value)) return number_mismatch(*state_, node, error, true, range());
        if (value < min || value > max) {
            state_->add_problem(ProblemKind::out_of_range, range(), std::to_string(value));
            return false;
        }
        out = value;
        return true;
    });
}

bool Reader::read_uint(std::uint64_t& out, std::uint64_t max) {
    return with_node(node_, is_document_, [&](auto& node) {
        std::uint64_t value = 0;
        if (auto const error = node.get_uint64().get(value)) return number_mismatch(*state_, node, error, true, integer_range(0, max));
        if (value > max) {
            state_->add_problem(ProblemKind::out_of_range, integer_range(0, max), std::to_string(value));
            return false;
        }
        out = value;
        return true;
    });
}

bool Reader::read_double(double& out) {
    return with_node(node_, is_document_, [&](auto& node) {
        auto const error = node.get_double().get(out);
        return !error || number_mismatch(*state_, node, error, false, "number in double range");
    });
}

bool Reader::read_float(float& out) {
    double value = 0;
    if (!read_double(value)) return false;
    if (std::fabs(value) > static_cast<double>(FLT_MAX)) {
        state_->add_problem(ProblemKind::out_of_range, "number in float range", fmt::format("{}", value));
        return false;
    }
    out = static_cast<float>(value);
    return true;
}

bool Reader::read_string(std::string& out) {
    return with_node(node_, is_document_, [&](auto& node) {
        std::string_view text;
        if (auto const error = node.get_string().get(text)) {
            return mismatch(*state_, node, "string", ondemand::json_type::string, error);
        }
        out.assign(text);
        return true;
    });
}

bool Reader::read_enum(std::span<std::string_view const> names, std::size_t& index) {
    return with_node(node_, is_document_, [&](auto& node) {
        std::string_view text;
        if (auto const error = node.get_string().get(text)) {
            return mismatch(*state_, node, "string", ondemand::json_type::string, error);
        }
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (names[i] == text) {
                index = i;
                return true;
            }
        }
        state_->add_problem(ProblemKind::invalid_enum, fmt::format("one of \"{}\"", fmt::join(names, "\", \"")),
                            fmt::format("\"{}\"", detail::excerpt(text)));
        return false;
    });
}

void Reader::read_value(Value& out) {
    with_node(node_, is_document_, [&](auto& node) { detail::read_any(*state_, node, out); });
}

bool Reader::read_null() {
    return with_node(node_, is_document_, [&](auto& node) {
        bool is_null = false;
        if (auto const error = node.is_null().get(is_null)) detail::fail_scalar(*state_, node, error);
        return is_null;
    });
}

void Reader::report(ProblemKind kind, std::string expected, std::string found) {
    state_->add_problem(kind, std::move(expected), std::move(found));
}

std::size_t Reader::problem_count() const noexcept {
    return state_->problems.size();
}

void Reader::read_array_erased(void* context, void (*element)(void*, Reader&)) {
    ondemand::array array;
    auto const error = with_node(node_, is_document_, [&](auto& node) { return node.get_array().get(array); });
    if (error) {
        with_node(node_, is_document_, [&](auto& node) { mismatch(*state_, node, "array", ondemand::json_type::array, error); });
        return;
    }
    detail::DepthGuard const depth(*state_);
    std::size_t index = 0;
    for (auto result : array) {
        ondemand::value value;
        if (auto const e = std::move(result).get(value)) state_->fail(e);
        detail::PathGuard const path(*state_, index++);
        Reader child(*state_, &value, false);
        element(context, child);
    }
}

void Reader::read_object_erased(void* context, void (*member)(void*, Reader&, std::string_view)) {
    ondemand::object object;
    auto const error = with_node(node_, is_document_, [&](auto& node) { return node.get_object().get(object); });
    if (error) {
        with_node(node_, is_document_, [&](auto& node) { mismatch(*state_, node, "object", ondemand::json_type::object, error); });
        return;
    }
    detail::DepthGuard const depth(*state_);
    for (auto result : object) {
        ondemand::field field;
        if (auto const e = std::move(result).get(field)) state_->fail(e);
        std::string_view const key = detail::field_key(*state_, field);
        detail::PathGuard const path(*state_, key);
        Reader child(*state_, &field.value(), false);
        member(context, child, key);
    }
}

}  // namespace tern::json
