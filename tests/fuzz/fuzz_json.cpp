// libFuzzer target for tern::json: parses the input into a Value and into a typed model, and
// checks that what comes out dumps and parses back to itself. Only ParseError and
// ValidationError may escape a parse; any other exception, a crash or a failed check is a bug.
//
// Input: a control byte (the parse options, and whether to parse in place), then the document.
#include <tern/json/dump.hpp>
#include <tern/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace json = tern::json;

namespace fuzz {

enum class Color { red, green, blue };
TERN_JSON_ENUM(Color, red, green, blue)

struct Leaf {
    std::string name;
    std::uint8_t small = 0;
    std::int16_t signed_small = 0;
    std::uint64_t big = 0;
    float ratio = 0;
    std::optional<double> weight;
    bool operator==(Leaf const&) const = default;
};
TERN_JSON(Leaf, name, small, signed_small, big, ratio, weight)

struct Node {
    std::int64_t id = 0;
    bool open = false;
    Color color = Color::red;
    std::vector<Leaf> leaves;
    std::vector<Node> children;
    std::map<std::string, std::vector<std::optional<std::int32_t>>> counts;
    std::optional<std::vector<std::map<std::string, double>>> grid;
    std::optional<Leaf> best;
    json::Value extra;
    bool operator==(Node const&) const = default;
};
TERN_JSON(Node, id, open, color, leaves, children, counts, grid, best, extra)

}  // namespace fuzz

namespace {

void check(bool ok, char const* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant failed: %s\n", what);
        std::abort();
    }
}

// The text in a buffer of exactly its size plus json::padding, so ASan sees any read past that.
struct PaddedCopy {
    explicit PaddedCopy(std::string_view text) : bytes(new char[text.size() + json::padding]), size(text.size()) {
        std::memcpy(bytes.get(), text.data(), text.size());
        std::memset(bytes.get() + text.size(), ' ', json::padding);
    }
    std::string_view view() const noexcept { return {bytes.get(), size}; }
    std::unique_ptr<char[]> bytes;
    std::size_t size;
};

// A value parsed once dumps to text that parses to the same value, and dumps the same again.
// Returns whether the text parsed.
bool check_value(std::string_view text, json::ParseOptions const& options, bool in_place) {
    json::Value value;
    try {
        value = in_place ? json::parse(PaddedCopy(text).view(), json::padded, options) : json::parse(text, options);
    } catch (json::ParseError const& e) {
        check(e.offset() <= text.size(), "a ParseError's offset is within the text");
        return false;
    }
    std::string const dumped = json::dump(value);
    json::ParseOptions relaxed = options;
    relaxed.max_bytes = dumped.size();   // dumping may lengthen (escapes) the text
    json::Value const again = json::parse(dumped, relaxed);
    check(again == value, "a dumped Value parses back to itself");
    check(json::dump(again) == dumped, "dump is stable");
    return true;
}

// A model parsed once dumps to text that parses to the same model. `well_formed` says whether
// the text parsed as a Value: a model must not accept text that is not JSON.
void check_model(std::string_view text, json::ParseOptions const& options, bool in_place, bool well_formed) {
    fuzz::Node node;
    try {
        node = in_place ? json::parse<fuzz::Node>(PaddedCopy(text).view(), json::padded, options)
                        : json::parse<fuzz::Node>(text, options);
    } catch (json::ParseError const& e) {
        check(e.offset() <= text.size(), "a ParseError's offset is within the text");
        return;
    } catch (json::ValidationError const& e) {
        check(!e.problems().empty() && e.problems().size() <= options.max_problems,
              "a ValidationError has between one and max_problems problems");
        return;
    }
    check(well_formed, "text that is not JSON never parses into a model");
    std::string const dumped = json::dump(node);
    json::ParseOptions relaxed = options;
    relaxed.max_bytes = dumped.size();
    check(json::parse<fuzz::Node>(dumped, relaxed) == node, "a dumped model parses back to itself");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    if (size == 0) return 0;
    std::uint8_t const control = data[0];
    std::string_view const text{reinterpret_cast<char const*>(data) + 1, size - 1};
    json::ParseOptions options;
    if (control & 1) options.max_depth = control >> 4;
    if (control & 2) options.unknown_fields = json::UnknownFields::reject;
    if (control & 4) options.max_problems = 1 + (control >> 5);
    bool const in_place = (control & 8) != 0;
    bool const well_formed = check_value(text, options, in_place);
    check_model(text, options, in_place, well_formed);
    return 0;
}
