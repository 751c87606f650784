#pragma once
// tern::json::Writer: compact JSON appended straight into a caller's std::string.

#include <tern/json/error.hpp>

#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tern::json {

class Value;

namespace detail {
/// Appends `text` as a quoted JSON string. Escapes `"`, `\`, every control character, U+2028
/// and U+2029 (so the output can sit inside a <script>); throws DumpError on invalid UTF-8.
void write_string(std::string& out, std::string_view text);
/// Appends a finite double in shortest round-trip form, with ".0" when it would otherwise read
/// as an integer, so that 1.0 comes back as a double. Throws DumpError on NaN and infinities.
void write_double(std::string& out, double d);
void write_float(std::string& out, float f);
}  // namespace detail

/// Appends compact JSON to a string it does not own. The caller must keep `out` alive while
/// the writer is used. A writer only tracks whether a comma is due, so the caller pairs
/// begin_/end_ calls and gives every object value a key first; dump() does that for you.
class Writer {
public:
    explicit Writer(std::string& out) noexcept : out_(out) {}

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }

    /// An object key, escaped as any string.
    void key(std::string_view name) {
        comma();
        detail::write_string(out_, name);
        out_.push_back(':');
        comma_due_ = false;
    }
    /// A key already quoted and followed by ':' (`"name":`), as TERN_JSON prepares them: the
    /// caller guarantees it needs no escaping.
    void quoted_key(std::string_view quoted) {
        comma();
        out_.append(quoted);
        comma_due_ = false;
    }

    void null() { scalar("null"); }
    void value(std::nullptr_t) { null(); }
    void value(bool b) { scalar(b ? std::string_view("true") : std::string_view("false")); }
    template <std::integral Int>
        requires(!std::same_as<Int, bool>)
    void value(Int i) {
        char digits[24];
        auto const end = std::to_chars(digits, digits + sizeof digits, i).ptr;
        scalar(std::string_view(digits, static_cast<std::size_t>(end - digits)));
    }
    void value(double d) {
        comma();
        detail::write_double(out_, d);
        comma_due_ = true;
    }
    void value(float f) {
        comma();
        detail::write_float(out_, f);
        comma_due_ = true;
    }
    void value(std::string_view s) {
        comma();
        detail::write_string(out_, s);
        comma_due_ = true;
    }
    // Without this overload a string literal would pick value(bool).
    void value(char const* s) { value(std::string_view(s)); }
    void value(std::string const& s) { value(std::string_view(s)); }
    void value(Value const& v);

    /// The buffer being appended to.
    std::string& buffer() noexcept { return out_; }

private:
    void comma() {
        if (comma_due_) out_.push_back(',');
    }
    void open(char bracket) {
        comma();
        out_.push_back(bracket);
        comma_due_ = false;
    }
    void close(char bracket) {
        out_.push_back(bracket);
        comma_due_ = true;
    }
    void scalar(std::string_view text) {
        comma();
        out_.append(text);
        comma_due_ = true;
    }

    std::string& out_;
    bool comma_due_ = false;
};

}  // namespace tern::json
