#pragma once
// The exceptions tern::json throws, and the structured problems a ValidationError carries.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tern::json {

/// Thrown when text is not JSON, or is hostile (too large, too deep, a number no double can
/// hold). The server answers it with 400. what() reads "invalid JSON at byte 17: <reason>".
class ParseError : public std::runtime_error {
public:
    ParseError(std::size_t offset, std::string reason);
    /// The byte offset in the input where the problem was found.
    std::size_t offset() const noexcept { return offset_; }
    /// The reason without the offset prefix.
    std::string const& reason() const noexcept { return reason_; }

private:
    std::size_t offset_;
    std::string reason_;
};

/// Thrown by dump() when a value cannot be written as valid JSON: a string that is not UTF-8,
/// a NaN or an infinity, an enum value that has no name. Nothing invalid is ever emitted.
class DumpError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Thrown by json::Value's accessors when the value has another kind, a key is missing or an
/// index is out of range: a programmer reading a document they did not validate.
class AccessError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// One step of a path into a document: an object key or an array index.
using PathElement = std::variant<std::string, std::size_t>;

/// What went wrong. The kinds after unknown_field break a TERN_JSON_RULES rule; for those,
/// `expected` holds the rule's bound (a number, a length, a count or the pattern) and `found`
/// what the document has (the number, the length, the count or the quoted string).
enum class ProblemKind : std::uint8_t {
    missing,                  ///< a required field is absent
    wrong_type,               ///< a value has another JSON type than the model wants
    out_of_range,             ///< a number does not fit the member's type
    invalid_enum,             ///< a string is not one of an enum's names, or of a field's one_of
    unknown_field,            ///< a key the model does not declare, when ParseOptions rejects those
    greater_than_equal,       ///< a number below a field's minimum
    greater_than,             ///< a number at or below a field's exclusive_minimum
    less_than_equal,          ///< a number above a field's maximum
    less_than,                ///< a number at or above a field's exclusive_maximum
    string_too_short,         ///< fewer code points than a field's min_length
    string_too_long,          ///< more code points than a field's max_length
    string_pattern_mismatch,  ///< a string in which a field's pattern is not found
    too_short,                ///< fewer elements than a field's min_items
    too_long,                 ///< more elements than a field's max_items
};

/// What was wrong with one value of a document, and where it is.
struct Problem {
    std::vector<PathElement> loc;  ///< from the root; empty for the root itself
    ProblemKind kind = ProblemKind::wrong_type;
    std::string expected;          ///< e.g. "number", "integer in [0, 255]"
    std::string found;             ///< e.g. "string", "300"

    /// The location as people write it: `items[2].price`, or `(root)` for the document itself.
    std::string path() const;
    /// A sentence without the path: "expected number, got string", "field required",
    /// "should be greater than or equal to 1, got 0", "should be at least 1 character long, got 0".
    std::string message() const;
    /// A stable machine name, FastAPI's "type": "missing", "type_error", "out_of_range",
    /// "enum", "extra_forbidden", and pydantic v2's names for broken rules:
    /// "greater_than_equal", "greater_than", "less_than_equal", "less_than",
    /// "string_too_short", "string_too_long", "string_pattern_mismatch", "too_short", "too_long".
    std::string_view type() const noexcept;

    friend bool operator==(Problem const&, Problem const&) = default;
};

/// Thrown when a well-formed document does not have the shape of the requested type. The server
/// answers it with 422. what() lists every problem as "path: message", separated by "; ".
class ValidationError : public std::runtime_error {
public:
    explicit ValidationError(std::vector<Problem> problems);
    std::vector<Problem> const& problems() const noexcept { return problems_; }

private:
    std::vector<Problem> problems_;
};

/// Appends FastAPI's error body for `error` to `out`:
/// {"detail":[{"loc":["body","items",2,"price"],"msg":"expected number, got string","type":"type_error"}]}.
/// `loc_prefix` is the first element of every "loc" (FastAPI's "body"); an empty one is left out.
void render_detail_to(std::string& out, ValidationError const& error, std::string_view loc_prefix = "body");

/// The same body as a new string.
std::string render_detail(ValidationError const& error, std::string_view loc_prefix = "body");

}  // namespace tern::json
