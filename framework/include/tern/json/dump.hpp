#pragma once
// tern::json::dump: models, Values and standard types to compact JSON, with no DOM in between.

#include <tern/json/error.hpp>
#include <tern/json/model.hpp>
#include <tern/json/traits.hpp>
#include <tern/json/value.hpp>
#include <tern/json/writer.hpp>

#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

namespace tern::json {

template <typename T>
void write(Writer& writer, T const& value);

namespace detail {

template <typename T, typename Member>
void write_member(Writer& writer, Field<T, Member> const& field, T const& model) {
    writer.quoted_key(field.quoted);
    write(writer, model.*field.member);
}

template <Model T>
void write_model(Writer& writer, T const& model) {
    writer.begin_object();
    std::apply([&](auto const&... field) { (write_member(writer, field, model), ...); }, fields_of<T>);
    writer.end_object();
}

template <StringEnum T>
void write_enum(Writer& writer, T value) {
    std::string_view const name = enum_name(value);
    if (name.empty()) {
        throw DumpError("enum value " + std::to_string(static_cast<long long>(value)) + " has no name in TERN_JSON_ENUM");
    }
    writer.value(name);
}

}  // namespace detail

/// Writes `value` through `writer`: bool, any integer, float and double, strings,
/// std::optional (nullopt as null), std::vector, std::map<std::string, T>, TERN_JSON models,
/// TERN_JSON_ENUM enums and Value.
template <typename T>
void write(Writer& writer, T const& value) {
    if constexpr (Model<T>) {
        detail::write_model(writer, value);
    } else if constexpr (StringEnum<T>) {
        detail::write_enum(writer, value);
    } else if constexpr (detail::is_optional<T>) {
        if (value) write(writer, *value);
        else writer.null();
    } else if constexpr (detail::is_vector<T>) {
        writer.begin_array();
        for (auto const& element : value) write(writer, element);
        writer.end_array();
    } else if constexpr (detail::is_string_map<T>) {
        writer.begin_object();
        for (auto const& [key, element] : value) {
            writer.key(key);
            write(writer, element);
        }
        writer.end_object();
    } else if constexpr (std::is_same_v<T, bool> || std::is_integral_v<T> || std::is_floating_point_v<T> ||
                         std::is_convertible_v<T const&, std::string_view> || std::is_same_v<T, Value> ||
                         std::is_same_v<T, std::nullptr_t>) {
        writer.value(value);
    } else {
        static_assert(detail::always_false<T>, "tern::json cannot write this type; map structs with TERN_JSON");
    }
}

/// Appends the JSON for `value` to `out`, reusing its capacity: the server's per-request path.
/// If writing throws DumpError, `out` is cut back to its size before the call.
template <typename T>
void dump_to(std::string& out, T const& value) {
    std::size_t const size_before = out.size();
    try {
        Writer writer(out);
        write(writer, value);
    } catch (...) {
        out.resize(size_before);
        throw;
    }
}

/// The JSON for a Value, a TERN_JSON model or any type write() accepts.
template <typename T>
std::string dump(T const& value) {
    std::string out;
    dump_to(out, value);
    return out;
}

}  // namespace tern::json
