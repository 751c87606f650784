#pragma once
// What every Reader of one parse shares: the simdjson document, the path to the current value,
// the problems found so far, and the nesting depth. Private to src/json.

#include <tern/json/error.hpp>
#include <tern/json/reader.hpp>

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tern::json::detail {

namespace ondemand = simdjson::ondemand;

/// One step of the current path. Keys are views into simdjson's string buffer or into a
/// FieldInfo, both of which outlive the parse; they are copied only when a problem is recorded.
struct PathStep {
    std::string_view key;
    std::size_t index = 0;
    bool is_index = false;
};

struct ReaderState {
    ReaderState(ondemand::document& document, std::string_view text, ParseOptions const& options) noexcept
        : document(document), text(text), options(options) {}

    /// Throws ParseError at the document's current position.
    [[noreturn]] void fail(simdjson::error_code error);
    /// Throws ParseError at `token`, a view into the text: simdjson has moved past a scalar it
    /// failed to read, so the scalar's own token says best where the problem is.
    [[noreturn]] void fail_at(std::string_view token, std::string reason);
    [[noreturn]] void fail(std::string reason);
    /// Records a problem at the current path, plus `last` when it is not empty (a missing or
    /// unknown key). Throws the ValidationError once max_problems have been found.
    void add_problem(ProblemKind kind, std::string expected, std::string found, std::string_view last = {});
    std::size_t offset() noexcept;

    ondemand::document& document;
    std::string_view text;
    ParseOptions const& options;
    std::vector<PathStep> path;
    std::vector<Problem> problems;
    std::size_t depth = 0;
};

/// Counts one level of nesting for as long as it lives; past max_depth it throws ParseError
/// before anything recurses further, so a depth bomb cannot exhaust the stack.
class DepthGuard {
public:
    explicit DepthGuard(ReaderState& state) : state_(state) {
        if (++state_.depth > state_.options.max_depth) {
            --state_.depth;
            state_.fail("nesting deeper than " + std::to_string(state_.options.max_depth) + " levels");
        }
    }
    ~DepthGuard() { --state_.depth; }
    DepthGuard(DepthGuard const&) = delete;
    DepthGuard& operator=(DepthGuard const&) = delete;

private:
    ReaderState& state_;
};

/// Extends the current path by one key or index for as long as it lives.
class PathGuard {
public:
    PathGuard(ReaderState& state, std::string_view key) : state_(state) { state_.path.push_back({key, 0, false}); }
    PathGuard(ReaderState& state, std::size_t index) : state_(state) { state_.path.push_back({{}, index, true}); }
    ~PathGuard() { state_.path.pop_back(); }
    PathGuard(PathGuard const&) = delete;
    PathGuard& operator=(PathGuard const&) = delete;

private:
    ReaderState& state_;
};

/// What a problem says it found: the JSON type's name.
std::string_view type_name(ondemand::json_type type) noexcept;
/// At most 64 bytes of `text`, with "..." when cut, so a hostile value cannot bloat an error.
/// The cut falls between code points, so UTF-8 text stays UTF-8.
std::string excerpt(std::string_view text);

enum class NumberShape { invalid, integer, decimal };
/// Checks `token` (whitespace after it allowed) against JSON's number grammar.
NumberShape number_shape(std::string_view token) noexcept;

// Defined for ondemand::document (a scalar root) and ondemand::value.
template <typename Node>
ondemand::json_type peek_type(ReaderState& state, Node& node);
template <typename Node>
std::string_view raw_token(ReaderState& state, Node& node);
/// Throws ParseError at the start of `node`, for a scalar that simdjson could not read.
template <typename Node>
[[noreturn]] void fail_scalar(ReaderState& state, Node& node, simdjson::error_code error) {
    state.fail_at(raw_token(state, node), simdjson::error_message(error));
}
/// The unescaped key of `field`; throws ParseError at the key's opening quote when its escapes
/// are bad. The raw key is taken first because unescaping gives it away.
inline std::string_view field_key(ReaderState& state, ondemand::field& field) {
    char const* const raw = reinterpret_cast<char const*>(field.key().raw());
    std::string_view key;
    if (auto const error = field.unescaped_key().get(key)) {
        state.fail_at(std::string_view(raw - 1, 1), simdjson::error_message(error));
    }
    return key;
}
/// Consumes a value the model does not want, still checking every byte of it, so that the
/// parts of a document a model ignores cannot hide malformed text.
template <typename Node>
void skip_validated(ReaderState& state, Node& node);
template <typename Node>
void read_any(ReaderState& state, Node& node, Value& out);

// A reader's node is the document at the root, a value below it.
template <typename F>
decltype(auto) with_node(void* node, bool is_document, F&& f) {
    if (is_document) return f(*static_cast<ondemand::document*>(node));
    return f(*static_cast<ondemand::value*>(node));
}

/// After a failed get_*: a value of the wanted type that failed is malformed text; a value of
/// another type is a problem, skipped with its bytes still checked.
template <typename Node>
bool mismatch(ReaderState& state, Node& node, std::string_view expected, ondemand::json_type wanted,
              simdjson::error_code error) {
    auto const type = peek_type(state, node);
    if (type == wanted) fail_scalar(state, node, error);
    state.add_problem(ProblemKind::wrong_type, std::string(expected), std::string(type_name(type)));
    skip_validated(state, node);
    return false;
}

}  // namespace tern::json::detail
