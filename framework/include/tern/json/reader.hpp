#pragma once
// tern::json::Reader: the cursor typed parsing walks a document with. simdjson stays in src/.

#include <tern/json/error.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace tern::json {

class Value;

/// What to do with an object key that a TERN_JSON model does not declare.
enum class UnknownFields : std::uint8_t { ignore, reject };

/// Limits that keep hostile input from costing more than a clear error.
struct ParseOptions {
    /// Arrays and objects nested deeper than this fail with ParseError.
    std::size_t max_depth = 128;
    /// Longer documents fail with ParseError before a byte is parsed. Parsing needs about five
    /// times the document's size in scratch memory, so this bounds memory as well.
    std::size_t max_bytes = 16 * 1024 * 1024;
    UnknownFields unknown_fields = UnknownFields::ignore;
    /// Parsing stops at this many problems and throws the ValidationError it has.
    std::size_t max_problems = 100;
};

/// The spare bytes parse(text, padded) needs readable after text's end (SIMDJSON_PADDING).
inline constexpr std::size_t padding = 64;

/// Selects the parse overloads for text followed by `padding` readable bytes, which simdjson
/// reads in place instead of copying.
struct Padded {
    explicit Padded() = default;
};
inline constexpr Padded padded{};

class Reader;

/// How a model's member is found and read; TERN_JSON makes a table of these per model.
struct FieldInfo {
    std::string_view name;
    bool required;
    void (*read)(Reader& reader, void* model);
};

namespace detail {
struct ReaderState;  // the simdjson document and the error list, defined in src/json
}

/// The position of one value in a document being parsed. parse<T>() makes readers; the code
/// TERN_JSON generates reads through them. Every read_* consumes the value. When it has another
/// type or does not fit, the read records a Problem at the reader's path and returns false, and
/// parsing goes on to find the other problems. Malformed text throws ParseError.
class Reader {
public:
    /// Only src/json makes readers: `node` is a simdjson value, or the document when
    /// `is_document`. Both must outlive the reader.
    Reader(detail::ReaderState& state, void* node, bool is_document) noexcept
        : state_(&state), node_(node), is_document_(is_document) {}
    Reader(Reader const&) = delete;
    Reader& operator=(Reader const&) = delete;

    bool read_bool(bool& out);
    bool read_int(std::int64_t& out, std::int64_t min, std::int64_t max);
    bool read_uint(std::uint64_t& out, std::uint64_t max);
    bool read_double(double& out);
    bool read_float(float& out);
    bool read_string(std::string& out);
    /// Reads a string that must be one of `names`; `index` receives its position there.
    bool read_enum(std::span<std::string_view const> names, std::size_t& index);
    void read_value(Value& out);
    /// Consumes the value and returns true if it is null; otherwise leaves it for another read.
    bool read_null();

    /// Calls `element(Reader&)` for each element of an array.
    template <typename F>
    void read_array(F&& element) {
        read_array_erased(&element, [](void* f, Reader& r) { (*static_cast<std::remove_reference_t<F>*>(f))(r); });
    }
    /// Calls `member(Reader&, std::string_view key)` for each member of an object. The key
    /// view is valid during the call only.
    template <typename F>
    void read_object(F&& member) {
        read_object_erased(&member, [](void* f, Reader& r, std::string_view key) {
            (*static_cast<std::remove_reference_t<F>*>(f))(r, key);
        });
    }
    /// Reads an object into `model` through its field table: each known key is read by its
    /// FieldInfo, required fields that never appear are reported missing.
    void read_model(void* model, std::span<FieldInfo const> fields);

    /// Records a problem at this reader's path, for checks beyond the JSON types (the rules of
    /// TERN_JSON_RULES). Throws the ValidationError once ParseOptions::max_problems are found.
    void report(ProblemKind kind, std::string expected, std::string found);
    /// How many problems the whole parse has found so far: a read added none when this is
    /// unchanged across it.
    std::size_t problem_count() const noexcept;

private:
    void read_array_erased(void* context, void (*element)(void*, Reader&));
    void read_object_erased(void* context, void (*member)(void*, Reader&, std::string_view));

    detail::ReaderState* state_;
    void* node_;
    bool is_document_;
};

}  // namespace tern::json
