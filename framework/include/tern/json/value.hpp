#pragma once
// tern::json::Value: a JSON document held in memory, for the free-form parts of an API.

#include <tern/json/error.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace tern::json {

class Value;

/// An array's elements.
using Array = std::vector<Value>;
/// One member of an object: its key and its value.
using Member = std::pair<std::string, Value>;
/// An object's members in insertion order, which dump() keeps. Lookups scan it, which beats a
/// map for the dozen keys an API object has; a parsed object keeps duplicate keys, and lookups
/// find the last one, as Python's json does.
using Object = std::vector<Member>;

/// The order matches Value's storage, so kind() is the variant's index.
enum class Kind : std::uint8_t { null, boolean, int64, uint64, number, string, array, object };

/// The JSON name of a kind ("null", "boolean", "integer", "number", "string", "array", "object").
std::string_view kind_name(Kind kind) noexcept;

/// A JSON value: null, a boolean, an integer (int64, or uint64 above INT64_MAX), a double, a
/// string, an array or an object. Build one inline:
///     auto v = json::object({{"id", 7}, {"tags", json::array({"a", "b"})}});
///     v["tags"][0].as_string();   // "a"
/// Integers that fit int64 are always stored as int64, so a value built from 7u equals one
/// parsed from "7".
class Value {
public:
    Value() noexcept = default;
    Value(std::nullptr_t) noexcept {}
    // A template so that pointers (a const char* especially) never convert to bool.
    template <std::same_as<bool> Bool>
    Value(Bool b) noexcept : data_(b) {}
    template <std::signed_integral Int>
        requires(!std::same_as<Int, char>)
    Value(Int i) noexcept : data_(static_cast<std::int64_t>(i)) {}
    template <std::unsigned_integral UInt>
        requires(!std::same_as<UInt, bool> && !std::same_as<UInt, char>)
    Value(UInt u) noexcept : data_(from_unsigned(u)) {}
    Value(double d) noexcept : data_(d) {}
    Value(float f) noexcept : data_(static_cast<double>(f)) {}
    Value(char const* s) : data_(std::string(s)) {}
    Value(std::string_view s) : data_(std::string(s)) {}
    Value(std::string s) noexcept : data_(std::move(s)) {}
    Value(Array a) noexcept : data_(std::move(a)) {}
    Value(Object o) noexcept : data_(std::move(o)) {}

    Kind kind() const noexcept { return static_cast<Kind>(data_.index()); }
    bool is_null() const noexcept { return kind() == Kind::null; }
    bool is_bool() const noexcept { return kind() == Kind::boolean; }
    /// True for integers of either storage; as_int() may still refuse a uint64 above INT64_MAX.
    bool is_integer() const noexcept { return kind() == Kind::int64 || kind() == Kind::uint64; }
    /// True for every number, integer or not.
    bool is_number() const noexcept { return is_integer() || kind() == Kind::number; }
    bool is_string() const noexcept { return kind() == Kind::string; }
    bool is_array() const noexcept { return kind() == Kind::array; }
    bool is_object() const noexcept { return kind() == Kind::object; }

    // Each accessor throws AccessError when the value has another kind or does not fit.
    bool as_bool() const;
    std::int64_t as_int() const;
    std::uint64_t as_uint() const;
    /// Any number, integers converted (a uint64 may round).
    double as_double() const;
    /// The reference lives as long as this value and is not reassigned.
    std::string const& as_string() const;
    Array const& as_array() const;
    Array& as_array();
    Object const& as_object() const;
    Object& as_object();

    /// The member named `key`; throws AccessError if this is not an object or has no such key.
    Value const& operator[](std::string_view key) const;
    /// The member named `key`, appended as null when absent. A null value becomes an object
    /// first, so `v["a"]["b"] = 1` builds as it goes.
    Value& operator[](std::string_view key);
    /// The element at `index`; throws AccessError if this is not an array or is too short.
    Value const& operator[](std::size_t index) const;
    Value& operator[](std::size_t index);

    /// The member named `key`, or nullptr when absent or when this is not an object. The
    /// pointer stays valid until this object is modified.
    Value const* find(std::string_view key) const noexcept;
    Value* find(std::string_view key) noexcept;
    bool contains(std::string_view key) const noexcept { return find(key) != nullptr; }

    /// Elements of an array or members of an object; throws AccessError for other kinds.
    std::size_t size() const;
    /// Appends to an array; a null value becomes an empty array first.
    void push_back(Value element);

    friend bool operator==(Value const&, Value const&) = default;

private:
    template <typename UInt>
    static std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double, std::string, Array, Object>
    from_unsigned(UInt u) noexcept {
        if (static_cast<std::uint64_t>(u) <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return static_cast<std::int64_t>(u);
        }
        return static_cast<std::uint64_t>(u);
    }

    std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double, std::string, Array, Object> data_;
};

/// An object value from its members, in order: `json::object({{"id", 7}, {"name", "pen"}})`.
Value object(std::initializer_list<Member> members = {});
/// An array value from its elements: `json::array({1, "two", nullptr})`.
Value array(std::initializer_list<Value> elements = {});

}  // namespace tern::json
