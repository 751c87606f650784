// Value's accessors. Each names what it wanted and what it found when it throws.
#include <tern/json/value.hpp>

#include <fmt/format.h>

namespace tern::json {

std::string_view kind_name(Kind kind) noexcept {
    switch (kind) {
    case Kind::null: return "null";
    case Kind::boolean: return "boolean";
    case Kind::int64:
    case Kind::uint64: return "integer";
    case Kind::number: return "number";
    case Kind::string: return "string";
    case Kind::array: return "array";
    case Kind::object: return "object";
    }
    return "value";
}

namespace {

[[noreturn]] void wrong_kind(std::string_view wanted, Kind kind) {
    throw AccessError(fmt::format("expected {}, got {}", wanted, kind_name(kind)));
}

}  // namespace

bool Value::as_bool() const {
    if (auto const* b = std::get_if<bool>(&data_)) return *b;
    wrong_kind("boolean", kind());
}

std::int64_t Value::as_int() const {
    if (auto const* i = std::get_if<std::int64_t>(&data_)) return *i;
    if (auto const* u = std::get_if<std::uint64_t>(&data_)) {
        throw AccessError(fmt::format("integer {} does not fit int64", *u));
    }
    wrong_kind("integer", kind());
}

std::uint64_t Value::as_uint() const {
    if (auto const* u = std::get_if<std::uint64_t>(&data_)) return *u;
    if (auto const* i = std::get_if<std::int64_t>(&data_)) {
        if (*i < 0) throw AccessError(fmt::format("integer {} does not fit uint64", *i));
        return static_cast<std::uint64_t>(*i);
    }
    wrong_kind("integer", kind());
}

double Value::as_double() const {
    if (auto const* d = std::get_if<double>(&data_)) return *d;
    if (auto const* i = std::get_if<std::int64_t>(&data_)) return static_cast<double>(*i);
    if (auto const* u = std::get_if<std::uint64_t>(&data_)) return static_cast<double>(*u);
    wrong_kind("number", kind());
}

std::string const& Value::as_string() const {
    if (auto const* s = std::get_if<std::string>(&data_)) return *s;
    wrong_kind("string", kind());
}

Array const& Value::as_array() const {
    if (auto const* a = std::get_if<Array>(&data_)) return *a;
    wrong_kind("array", kind());
}

Array& Value::as_array() {
    if (auto* a = std::get_if<Array>(&data_)) return *a;
    wrong_kind("array", kind());
}

Object const& Value::as_object() const {
    if (auto const* o = std::get_if<Object>(&data_)) return *o;
    wrong_kind("object", kind());
}

Object& Value::as_object() {
    if (auto* o = std::get_if<Object>(&data_)) return *o;
    wrong_kind("object", kind());
}

Value const* Value::find(std::string_view key) const noexcept {
    auto const* members = std::get_if<Object>(&data_);
    if (!members) return nullptr;
    // Backwards, so that the last of duplicated keys wins.
    for (auto it = members->rbegin(); it != members->rend(); ++it) {
        if (it->first == key) return &it->second;
    }
    return nullptr;
}

Value* Value::find(std::string_view key) noexcept {
    return const_cast<Value*>(std::as_const(*this).find(key));
}

Value const& Value::operator[](std::string_view key) const {
    if (auto const* member = find(key)) return *member;
    if (!is_object()) wrong_kind("object", kind());
    throw AccessError(fmt::format("no member \"{}\"", key));
}

Value& Value::operator[](std::string_view key) {
    if (is_null()) data_ = Object{};
    if (auto* member = find(key)) return *member;
    return as_object().emplace_back(std::string(key), Value{}).second;
}

Value const& Value::operator[](std::size_t index) const {
    auto const& elements = as_array();
    if (index >= elements.size()) {
        throw AccessError(fmt::format("index {} is out of range for an array of {}", index, elements.size()));
    }
    return elements[index];
}

Value& Value::operator[](std::size_t index) {
    return const_cast<Value&>(std::as_const(*this)[index]);
}

std::size_t Value::size() const {
    if (auto const* a = std::get_if<Array>(&data_)) return a->size();
    if (auto const* o = std::get_if<Object>(&data_)) return o->size();
    wrong_kind("array or object", kind());
}

void Value::push_back(Value element) {
    if (is_null()) data_ = Array{};
    as_array().push_back(std::move(element));
}

Value object(std::initializer_list<Member> members) {
    return Value(Object(members));
}

Value array(std::initializer_list<Value> elements) {
    return Value(Array(elements));
}

}  // namespace tern::json
