#pragma once
// A cursor over a header field value, for the small grammars of this layer (HTTP-dates,
// entity tags, byte ranges): each read either consumes what it matched or leaves the cursor
// where it was and reports failure.
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace tern::files {

inline bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// `text` without the optional whitespace (SP, HTAB) around it; a view into `text`.
inline std::string_view trim_ows(std::string_view text) noexcept {
    while (!text.empty() && is_ows(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_ows(text.back())) text.remove_suffix(1);
    return text;
}

/// Reads a field value left to right. The value must outlive the cursor and every view it returns.
class Cursor {
public:
    explicit Cursor(std::string_view text) noexcept : rest_(text) {}

    bool empty() const noexcept { return rest_.empty(); }
    std::string_view rest() const noexcept { return rest_; }

    /// Consumes `expected` if the text starts with it (case-sensitive).
    bool literal(std::string_view expected) noexcept {
        if (!rest_.starts_with(expected)) return false;
        rest_.remove_prefix(expected.size());
        return true;
    }

    /// Consumes exactly `count` (at most 4) decimal digits and returns their value.
    std::optional<int> digits(std::size_t count) noexcept {
        if (rest_.size() < count) return std::nullopt;
        int value = 0;
        for (std::size_t i = 0; i < count; ++i) {
            if (!is_digit(rest_[i])) return std::nullopt;
            value = value * 10 + (rest_[i] - '0');
        }
        rest_.remove_prefix(count);
        return value;
    }

    /// Consumes one or more decimal digits and returns them, or "" (consuming nothing).
    std::string_view digit_run() noexcept {
        std::size_t n = 0;
        while (n < rest_.size() && is_digit(rest_[n])) ++n;
        std::string_view const run = rest_.substr(0, n);
        rest_.remove_prefix(n);
        return run;
    }

    /// Consumes the first of `names` the text starts with and returns its index, or -1.
    template <std::size_t N>
    int one_of(std::array<std::string_view, N> const& names) noexcept {
        for (std::size_t i = 0; i < N; ++i) {
            if (literal(names[i])) return static_cast<int>(i);
        }
        return -1;
    }

    void skip_ows() noexcept {
        while (!rest_.empty() && is_ows(rest_.front())) rest_.remove_prefix(1);
    }

    /// Skips whitespace and the empty elements of a list (`a, , b`: RFC 9110 5.6.1 asks
    /// recipients to accept them); false when nothing is left.
    bool skip_list_separators() noexcept {
        while (!rest_.empty() && (is_ows(rest_.front()) || rest_.front() == ',')) rest_.remove_prefix(1);
        return !rest_.empty();
    }

    /// Consumes an entity-tag (RFC 9110 8.8.3: `[W/] DQUOTE *etagc DQUOTE`) and returns it whole.
    std::optional<std::string_view> entity_tag() noexcept {
        std::size_t i = rest_.starts_with("W/") ? 2 : 0;
        if (i >= rest_.size() || rest_[i] != '"') return std::nullopt;
        for (++i; i < rest_.size() && is_etagc(rest_[i]); ++i) {
        }
        if (i >= rest_.size() || rest_[i] != '"') return std::nullopt;
        std::string_view const tag = rest_.substr(0, i + 1);
        rest_.remove_prefix(i + 1);
        return tag;
    }

private:
    // etagc = %x21 / %x23-7E / obs-text: visible characters but the quote, and bytes >= 0x80.
    static bool is_etagc(char ch) noexcept {
        auto const c = static_cast<unsigned char>(ch);
        return c == 0x21 || (c >= 0x23 && c != 0x7f);
    }

    std::string_view rest_;
};

}  // namespace tern::files
