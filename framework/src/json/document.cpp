// parse(): from text to a simdjson document and its root reader, with the limits applied first.
#include <tern/json/parse.hpp>

#include "reader_state.hpp"
#include "utf8.hpp"

#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace tern::json {

static_assert(padding == simdjson::SIMDJSON_PADDING, "json::padding must match simdjson's");

namespace detail {

namespace {

/// Documents up to this size reuse a per-thread parser and buffer; larger ones get their own,
/// freed afterwards, so one big request does not pin its scratch memory to the thread forever.
constexpr std::size_t reusable_bytes = 1024 * 1024;

/// Stage 1 (simdjson's structural scan) reports errors without a position; find it here.
std::size_t stage1_offset(simdjson::error_code error, std::string_view text) {
    if (error == simdjson::UTF8_ERROR) {
        std::size_t const at = first_invalid_utf8(text);
        return at == std::string_view::npos ? text.size() : at;
    }
    bool in_string = false;
    std::size_t string_start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        unsigned char const c = static_cast<unsigned char>(text[i]);
        if (in_string && c == '\\') {
            ++i;
        } else if (c == '"') {
            in_string = !in_string;
            string_start = i;
        } else if (in_string && c < 0x20 && error == simdjson::UNESCAPED_CHARS) {
            return i;
        }
    }
    return in_string ? string_start : text.size();
}

[[noreturn]] void fail_stage1(simdjson::error_code error, std::string_view text) {
    if (error == simdjson::EMPTY) throw ParseError(0, "empty document");
    throw ParseError(stage1_offset(error, text), simdjson::error_message(error));
}

/// Reads the root through the document itself: simdjson asserts when a scalar getter meets the
/// value it hands out for a root array or object, while the document's getters just fail.
void read_root_value(ReaderState& state, ondemand::document& document, void* target, ReadRoot read_root) {
    bool is_scalar = false;
    if (auto const error = document.is_scalar().get(is_scalar)) state.fail(error);
    if (is_scalar) {
        // A scalar's token runs to the next token; simdjson does not check that there is none.
        std::string_view token;
        if (auto const error = document.raw_json_token().get(token)) state.fail(error);
        if (token.data() + token.size() != state.text.data() + state.text.size()) {
            throw ParseError(static_cast<std::size_t>(token.data() + token.size() - state.text.data()),
                             "unexpected content after the document");
        }
    }
    Reader reader(state, &document, true);
    read_root(reader, target);
    // The document has no at_end(); it has a location only while tokens remain.
    char const* rest = nullptr;
    if (!is_scalar && document.current_location().get(rest) == simdjson::SUCCESS) {
        throw ParseError(static_cast<std::size_t>(rest - state.text.data()), "unexpected content after the document");
    }
}

void parse_with(ondemand::parser& parser, std::string_view text, std::size_t capacity, ParseOptions const& options,
                void* target, ReadRoot read_root) {
    ondemand::document document;
    if (auto const error = parser.iterate(text.data(), text.size(), capacity).get(document)) fail_stage1(error, text);
    ReaderState state(document, text, options);
    read_root_value(state, document, target, read_root);
    if (!state.problems.empty()) throw ValidationError(std::move(state.problems));
}

}  // namespace

void parse_document(std::string_view text, bool is_padded, ParseOptions const& options, void* target, ReadRoot read_root) {
    if (text.size() > options.max_bytes) {
        throw ParseError(options.max_bytes,
                         fmt::format("document of {} bytes exceeds the limit of {} bytes", text.size(), options.max_bytes));
    }
    thread_local ondemand::parser shared_parser;
    thread_local std::string shared_buffer;
    bool const reuse = text.size() <= reusable_bytes;
    std::unique_ptr<ondemand::parser> own_parser;
    if (!reuse) own_parser = std::make_unique<ondemand::parser>();
    ondemand::parser& parser = reuse ? shared_parser : *own_parser;
    if (is_padded) {
        parse_with(parser, text, text.size() + padding, options, target, read_root);
        return;
    }
    std::string own_buffer;
    std::string& buffer = reuse ? shared_buffer : own_buffer;
    buffer.resize(text.size() + padding);
    std::memcpy(buffer.data(), text.data(), text.size());
    parse_with(parser, std::string_view(buffer.data(), text.size()), buffer.size(), options, target, read_root);
}

}  // namespace detail

Value parse(std::string_view text, ParseOptions const& options) {
    Value result;
    detail::parse_document(text, false, options, &result, &detail::read_root<Value>);
    return result;
}

Value parse(std::string_view text, Padded, ParseOptions const& options) {
    Value result;
    detail::parse_document(text, true, options, &result, &detail::read_root<Value>);
    return result;
}

}  // namespace tern::json
