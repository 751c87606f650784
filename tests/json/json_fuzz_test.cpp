#include <tern/json/dump.hpp>

#include <tern/json/parse.hpp>

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace json = tern::json;

namespace fuzz {

enum class Mood { happy, sad };
TERN_JSON_ENUM(Mood, happy, sad)

struct Leaf {
    std::string label;
    std::uint8_t weight = 0;
    std::optional<double> ratio;
};
TERN_JSON(Leaf, label, weight, ratio)

struct Tree {
    std::int32_t id = 0;
    bool open = false;
    Mood mood = Mood::happy;
    std::vector<Leaf> leaves;
    std::map<std::string, std::int64_t> counts;
    json::Value extra;
};
TERN_JSON(Tree, id, open, mood, leaves, counts, extra)

}  // namespace fuzz

namespace {

std::vector<std::string> seed_documents() {
    fuzz::Tree tree{42, true, fuzz::Mood::sad, {{"a\n\"b\"", 7, 0.25}, {"\xC3\xA9t\xC3\xA9", 255, std::nullopt}},
                    {{"x", -1}, {"y", 9007199254740993}}, json::object({{"k", json::array({1, 2.5, "s", nullptr, true})}})};
    return {
        json::dump(tree),
        R"({"id":1,"open":false,"mood":"happy","leaves":[],"counts":{},"extra":null})",
        R"([1,-2,3.5e10,"\u00e9\ud83d\ude00",true,false,null,{"a":{"b":[[]]}}])",
        R"({"deep":[[[[[[{"x":"y"}]]]]]],"n":-0.0,"big":18446744073709551615})",
    };
}

/// Mutates `text` in one of the ways real damage looks: a flipped bit, a changed, inserted or
/// deleted byte, a truncation, or a chunk repeated.
void mutate(std::string& text, std::mt19937& rng) {
    static constexpr std::array<char, 16> interesting = {'{', '}', '[', ']', '"', '\\', ',', ':', '0', '-', 'e', '.', 'n', ' ', '\x80', '\0'};
    auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
    if (text.empty()) text = "x";
    std::size_t const at = pick(text.size());
    switch (pick(6)) {
    case 0: text[at] = static_cast<char>(text[at] ^ (1 << pick(8))); break;
    case 1: text[at] = interesting[pick(interesting.size())]; break;
    case 2: text.insert(at, 1, interesting[pick(interesting.size())]); break;
    case 3: text.erase(at, 1); break;
    case 4: text.resize(at); break;
    default: text.insert(at, text.substr(at, pick(16))); break;
    }
}

/// Parses `text` every way there is; only the two documented errors may come out.
void parse_every_way(std::string const& text) {
    try {
        json::Value const v = json::parse(text);
        std::string const again = json::dump(v);
        CHECK(json::parse(again) == v);
    } catch (json::ParseError const&) {
    } catch (json::DumpError const&) {
        FAIL("a parsed value could not be dumped: " << text);
    }
    try {
        (void)json::parse<fuzz::Tree>(text);
    } catch (json::ParseError const&) {
    } catch (json::ValidationError const& e) {
        CHECK_FALSE(e.problems().empty());
    }
}

}  // namespace

TEST_CASE("ten thousand mutated documents parse or fail with a clean error") {
    std::mt19937 rng(20240611);
    auto const seeds = seed_documents();
    for (auto const& seed : seeds) {
        CHECK_NOTHROW(json::parse(seed));
    }
    CHECK_NOTHROW(json::parse<fuzz::Tree>(seeds[0]));
    for (int i = 0; i < 10'000; ++i) {
        std::string text = seeds[static_cast<std::size_t>(i) % seeds.size()];
        int const rounds = 1 + static_cast<int>(rng() % 4);
        for (int r = 0; r < rounds; ++r) mutate(text, rng);
        CAPTURE(text);
        parse_every_way(text);
    }
}
