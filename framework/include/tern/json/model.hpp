#pragma once
// TERN_JSON and TERN_JSON_ENUM: one line after a struct or an enum maps it to JSON.

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <utility>

namespace tern::json::detail {

/// One mapped member: its JSON name, the name quoted with a colon for the writer, and the
/// pointer to member.
template <typename Model, typename Member>
struct Field {
    using type = Member;
    std::string_view name;
    std::string_view quoted;
    Member Model::*member;
};

template <typename Model, typename Member>
constexpr Field<Model, Member> field(std::string_view name, std::string_view quoted, Member Model::*member) noexcept {
    return {name, quoted, member};
}

template <typename Enum>
struct EnumName {
    Enum value;
    std::string_view name;
};

/// The name TERN_JSON gives `Type`: what follows its last `::`, so that `TERN_JSON(ns::Item, ...)`
/// names the model "Item".
constexpr std::string_view unqualified_name(std::string_view spelled) noexcept {
    if (auto const colon = spelled.rfind(':'); colon != std::string_view::npos) spelled.remove_prefix(colon + 1);
    while (!spelled.empty() && spelled.front() == ' ') spelled.remove_prefix(1);
    return spelled;
}

}  // namespace tern::json::detail

namespace tern::json {

/// A struct mapped by TERN_JSON.
template <typename T>
concept Model = requires { tern_json_fields(static_cast<T const*>(nullptr)); };

/// An enum mapped by TERN_JSON_ENUM: written and read as the names of its enumerators.
template <typename T>
concept StringEnum = requires { tern_json_enum(static_cast<T const*>(nullptr)); };

namespace detail {

// Found by argument-dependent lookup in the namespace where the macro was written.
template <Model T>
inline constexpr auto fields_of = tern_json_fields(static_cast<T const*>(nullptr));

template <StringEnum T>
inline constexpr auto enum_names_of = tern_json_enum(static_cast<T const*>(nullptr));

/// The enumerators' names in declaration order, for Reader::read_enum.
template <StringEnum T>
inline constexpr auto enum_name_list = []<std::size_t... I>(std::index_sequence<I...>) {
    return std::array<std::string_view, sizeof...(I)>{enum_names_of<T>[I].name...};
}(std::make_index_sequence<enum_names_of<T>.size()>{});

/// The name of `value`, or an empty view when the enum has no mapped enumerator with it.
template <StringEnum T>
constexpr std::string_view enum_name(T value) noexcept {
    for (auto const& entry : enum_names_of<T>) {
        if (entry.value == value) return entry.name;
    }
    return {};
}

}  // namespace detail

/// The name of a TERN_JSON model or a TERN_JSON_ENUM enum, as the macro spelled the type without
/// its namespaces: "Item" for `TERN_JSON(Item, ...)`. Schemas name their components with it. The
/// view points at a string literal, so it stays valid for the whole program.
template <typename T>
    requires Model<T> || StringEnum<T>
constexpr std::string_view model_name() noexcept {
    return tern_json_name(static_cast<T const*>(nullptr));
}

}  // namespace tern::json

// A FOR_EACH over __VA_ARGS__: each rescan of TERN_JSON_DETAIL_EXPAND unrolls one more step, and
// 4^4 = 256 rescans allow that many members.
#define TERN_JSON_DETAIL_PARENS ()
#define TERN_JSON_DETAIL_EXPAND(...) TERN_JSON_DETAIL_EXPAND3(TERN_JSON_DETAIL_EXPAND3(TERN_JSON_DETAIL_EXPAND3(TERN_JSON_DETAIL_EXPAND3(__VA_ARGS__))))
#define TERN_JSON_DETAIL_EXPAND3(...) TERN_JSON_DETAIL_EXPAND2(TERN_JSON_DETAIL_EXPAND2(TERN_JSON_DETAIL_EXPAND2(TERN_JSON_DETAIL_EXPAND2(__VA_ARGS__))))
#define TERN_JSON_DETAIL_EXPAND2(...) TERN_JSON_DETAIL_EXPAND1(TERN_JSON_DETAIL_EXPAND1(TERN_JSON_DETAIL_EXPAND1(TERN_JSON_DETAIL_EXPAND1(__VA_ARGS__))))
#define TERN_JSON_DETAIL_EXPAND1(...) __VA_ARGS__
#define TERN_JSON_DETAIL_FOR_EACH(macro, Type, ...) \
    __VA_OPT__(TERN_JSON_DETAIL_EXPAND(TERN_JSON_DETAIL_FOR_EACH_STEP(macro, Type, __VA_ARGS__)))
#define TERN_JSON_DETAIL_FOR_EACH_STEP(macro, Type, first, ...) \
    macro(Type, first) __VA_OPT__(, TERN_JSON_DETAIL_FOR_EACH_AGAIN TERN_JSON_DETAIL_PARENS(macro, Type, __VA_ARGS__))
#define TERN_JSON_DETAIL_FOR_EACH_AGAIN() TERN_JSON_DETAIL_FOR_EACH_STEP

#define TERN_JSON_DETAIL_FIELD(Type, name) ::tern::json::detail::field(#name, "\"" #name "\":", &Type::name)
#define TERN_JSON_DETAIL_ENUMERATOR(Type, name) ::tern::json::detail::EnumName<Type>{Type::name, #name}
#define TERN_JSON_DETAIL_NAME(Type)                                              \
    [[maybe_unused]] constexpr ::std::string_view tern_json_name(Type const*) noexcept { \
        return ::tern::json::detail::unqualified_name(#Type);                    \
    }

/// Maps `Type`'s listed members to a JSON object with keys named like the members, in this
/// order. Write it once at namespace scope, in Type's namespace, after the struct:
///     struct Item { std::string name; double price; std::optional<std::string> note; };
///     TERN_JSON(Item, name, price, note)
/// std::optional members may be absent or null; every other member is required unless
/// TERN_JSON_RULES (tern/json/rules.hpp) marks it defaulted(). The model is named "Item"
/// (model_name<Item>()), without the namespaces `Type` was spelled with.
#define TERN_JSON(Type, ...)                                                                    \
    [[maybe_unused]] constexpr auto tern_json_fields(Type const*) noexcept {                    \
        return ::std::make_tuple(TERN_JSON_DETAIL_FOR_EACH(TERN_JSON_DETAIL_FIELD, Type, __VA_ARGS__)); \
    }                                                                                           \
    TERN_JSON_DETAIL_NAME(Type)

/// Maps an enum to the strings of its enumerators' names, which must all be listed:
///     enum class Color { red, green };
///     TERN_JSON_ENUM(Color, red, green)
#define TERN_JSON_ENUM(Type, ...)                                                                       \
    [[maybe_unused]] constexpr auto tern_json_enum(Type const*) noexcept {                              \
        return ::std::array{TERN_JSON_DETAIL_FOR_EACH(TERN_JSON_DETAIL_ENUMERATOR, Type, __VA_ARGS__)}; \
    }                                                                                                   \
    TERN_JSON_DETAIL_NAME(Type)
