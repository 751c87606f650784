#pragma once
// tern::json::parse: text to Value, or straight into TERN_JSON models with every problem reported.

#include <tern/json/detail/check.hpp>
#include <tern/json/detail/rules_of.hpp>
#include <tern/json/error.hpp>
#include <tern/json/model.hpp>
#include <tern/json/reader.hpp>
#include <tern/json/traits.hpp>
#include <tern/json/value.hpp>

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace tern::json {

namespace detail {

template <typename T, typename... Enclosing>
constexpr bool parsable() noexcept;

template <Model T, typename... Enclosing>
constexpr bool parsable_model() noexcept {
    return std::apply(
        [](auto const&... field) {
            return (parsable<typename std::remove_cvref_t<decltype(field)>::type, T, Enclosing...>() && ...);
        },
        fields_of<T>);
}

/// Whether parse<T> can fill a T. Views (std::string_view, char const*) are refused: a parsed
/// model owns its data and outlives the text it came from. `Enclosing` lists the models being
/// checked, so that a model holding a vector of itself is checked once.
template <typename T, typename... Enclosing>
constexpr bool parsable() noexcept {
    if constexpr ((std::is_same_v<T, Enclosing> || ...)) return true;
    else if constexpr (Model<T>) return std::is_default_constructible_v<T> && parsable_model<T, Enclosing...>();
    else if constexpr (is_string_map<T>) return parsable<typename T::mapped_type, Enclosing...>();
    else if constexpr (is_optional<T> || is_vector<T>) return parsable<typename T::value_type, Enclosing...>();
    else return StringEnum<T> || std::is_arithmetic_v<T> || std::is_same_v<T, std::string> || std::is_same_v<T, Value>;
}

}  // namespace detail

/// The types parse<T> accepts: those write() accepts, minus views.
template <typename T>
concept Parsable = detail::parsable<T>();

template <typename T>
void read(Reader& reader, T& out);

namespace detail {

/// Reads T's field I. A field without rules to check is read exactly as it was before rules
/// existed; one with rules is checked once it was read without a problem, so one ValidationError
/// lists the document's type problems and broken rules together.
template <Model T, std::size_t I>
void read_field(Reader& reader, void* model) {
    auto& member = static_cast<T*>(model)->*std::get<I>(fields_of<T>).member;
    if constexpr (!field_has_checks<T, I>()) {
        read(reader, member);
    } else {
        std::size_t const problems = reader.problem_count();
        read(reader, member);
        if (reader.problem_count() == problems) check_field<T, I>(reader, member);
    }
}

template <Model T>
inline constexpr auto field_table = []<std::size_t... I>(std::index_sequence<I...>) {
    return std::array<FieldInfo, sizeof...(I)>{FieldInfo{std::get<I>(fields_of<T>).name, field_required<T, I>(), &read_field<T, I>}...};
}(std::make_index_sequence<field_count<T>>{});

template <std::integral Int>
void read_integer(Reader& reader, Int& out) {
    using limits = std::numeric_limits<Int>;
    if constexpr (std::is_signed_v<Int>) {
        std::int64_t v = 0;
        if (reader.read_int(v, limits::min(), limits::max())) out = static_cast<Int>(v);
    } else {
        std::uint64_t v = 0;
        if (reader.read_uint(v, limits::max())) out = static_cast<Int>(v);
    }
}

}  // namespace detail

/// Reads the reader's value into `out`; see write() for the types. Containers are cleared
/// first, so a duplicated key overwrites instead of appending.
template <typename T>
void read(Reader& reader, T& out) {
    static_assert(Parsable<T>, "tern::json cannot parse into this type: views such as std::string_view "
                               "would dangle once the text is gone; use std::string");
    if constexpr (Model<T>) {
        reader.read_model(&out, detail::field_table<T>);
    } else if constexpr (StringEnum<T>) {
        std::size_t index = 0;
        if (reader.read_enum(detail::enum_name_list<T>, index)) out = detail::enum_names_of<T>[index].value;
    } else if constexpr (detail::is_optional<T>) {
        if (reader.read_null()) out.reset();
        else read(reader, out.emplace());
    } else if constexpr (detail::is_vector<T>) {
        out.clear();
        reader.read_array([&](Reader& element) { read(element, out.emplace_back()); });
    } else if constexpr (detail::is_string_map<T>) {
        out.clear();
        reader.read_object([&](Reader& member, std::string_view key) { read(member, out[std::string(key)]); });
    } else if constexpr (std::is_same_v<T, bool>) {
        reader.read_bool(out);
    } else if constexpr (std::is_integral_v<T>) {
        detail::read_integer(reader, out);
    } else if constexpr (std::is_same_v<T, float>) {
        reader.read_float(out);
    } else if constexpr (std::is_floating_point_v<T>) {
        double d = 0;
        if (reader.read_double(d)) out = static_cast<T>(d);
    } else if constexpr (std::is_same_v<T, std::string>) {
        reader.read_string(out);
    } else {
        reader.read_value(out);
    }
}

namespace detail {

using ReadRoot = void (*)(Reader& reader, void* target);

/// Parses `text` and calls `read_root` on its root value. `is_padded` promises `padding`
/// readable bytes after the text. Throws ParseError, or ValidationError with every problem.
void parse_document(std::string_view text, bool is_padded, ParseOptions const& options, void* target, ReadRoot read_root);

template <typename T>
void read_root(Reader& reader, void* target) {
    read(reader, *static_cast<T*>(target));
}

}  // namespace detail

/// Parses a document into a Value. Throws ParseError.
Value parse(std::string_view text, ParseOptions const& options = {});
/// As above, reading `text` in place: text.data() + text.size() must be followed by `padding`
/// readable bytes, which are never written.
Value parse(std::string_view text, Padded, ParseOptions const& options = {});

/// Parses a document into a T. Throws ParseError for malformed text and ValidationError
/// listing every place where the document does not fit T.
template <typename T>
T parse(std::string_view text, ParseOptions const& options = {}) {
    T result{};
    detail::parse_document(text, false, options, &result, &detail::read_root<T>);
    return result;
}

/// As above, reading `text` in place: text.data() + text.size() must be followed by `padding`
/// readable bytes, which are never written. The server parses request bodies this way.
template <typename T>
T parse(std::string_view text, Padded, ParseOptions const& options = {}) {
    T result{};
    detail::parse_document(text, true, options, &result, &detail::read_root<T>);
    return result;
}

}  // namespace tern::json
