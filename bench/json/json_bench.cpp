// Typed serialisation against a hand-written fmt::format of the same object, and typed parsing
// against hand-written simdjson On-Demand code filling the same structs, on a typical API list
// and on TechEmpower's hello message. Prints MB/s and ns per message.
#include <tern/json.hpp>

#include <simdjson.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bench {

struct Row {
    std::int64_t id = 0;
    std::string name;
    std::string email;
    double score = 0;
    bool active = false;
    std::int32_t age = 0;
    std::string city;
    std::vector<std::string> tags;
    std::uint64_t created = 0;
    std::optional<std::string> note;
};
TERN_JSON(Row, id, name, email, score, active, age, city, tags, created, note)

struct Message {
    std::string message;
};
TERN_JSON(Message, message)

}  // namespace bench

namespace {

using Clock = std::chrono::steady_clock;
namespace ondemand = simdjson::ondemand;

std::vector<bench::Row> make_rows() {
    std::vector<bench::Row> rows;
    for (int i = 0; i < 100; ++i) {
        rows.push_back({1000 + i, fmt::format("User Number {}", i), fmt::format("user{}@example.com", i), 3.25 + i * 0.5,
                        i % 3 != 0, 20 + i % 50, "Amsterdam", {"alpha", "beta", "gamma"}, 1700000000000ull + i * 977ull,
                        i % 4 == 0 ? std::optional<std::string>("needs review") : std::nullopt});
    }
    return rows;
}

// The same bytes json::dump writes, by hand: no escaping, since the bench's strings need none.
void fmt_rows(std::string& out, std::vector<bench::Row> const& rows) {
    auto it = std::back_inserter(out);
    out.push_back('[');
    bool first = true;
    for (auto const& r : rows) {
        if (!first) out.push_back(',');
        first = false;
        it = fmt::format_to(it, R"({{"id":{},"name":"{}","email":"{}","score":{},"active":{},"age":{},"city":"{}","tags":["{}"],"created":{},"note":)",
                            r.id, r.name, r.email, r.score, r.active, r.age, r.city, fmt::join(r.tags, "\",\""), r.created);
        if (r.note) it = fmt::format_to(it, "\"{}\"}}", *r.note);
        else out += "null}";
    }
    out.push_back(']');
}

template <typename T>
void check(ondemand::value& v, T& out) {
    if (auto const error = v.get(out)) throw std::runtime_error(simdjson::error_message(error));
}

// What a careful hand-written On-Demand reader of the same document does: match keys in
// order, read each member into the struct. No error paths, no unknown-field checks.
bench::Row raw_row(ondemand::object object) {
    bench::Row r;
    for (auto field : object) {
        std::string_view key = field.unescaped_key();
        ondemand::value v = field.value();
        std::string_view s;
        if (key == "id") check(v, r.id);
        else if (key == "name") { check(v, s); r.name = s; }
        else if (key == "email") { check(v, s); r.email = s; }
        else if (key == "score") check(v, r.score);
        else if (key == "active") check(v, r.active);
        else if (key == "age") { std::int64_t age; check(v, age); r.age = static_cast<std::int32_t>(age); }
        else if (key == "city") { check(v, s); r.city = s; }
        else if (key == "tags") { for (auto t : v.get_array()) r.tags.emplace_back(std::string_view(t)); }
        else if (key == "created") check(v, r.created);
        else if (key == "note") { if (!v.is_null()) { check(v, s); r.note = std::string(s); } }
    }
    return r;
}

std::vector<bench::Row> raw_rows(ondemand::parser& parser, simdjson::padded_string_view text) {
    std::vector<bench::Row> rows;
    ondemand::document doc = parser.iterate(text);
    for (auto element : doc.get_array()) rows.push_back(raw_row(element.get_object()));
    return rows;
}

bench::Message raw_message(ondemand::parser& parser, simdjson::padded_string_view text) {
    bench::Message m;
    ondemand::document doc = parser.iterate(text);
    for (auto field : doc.get_object()) {
        if (field.unescaped_key().value() == "message") m.message = std::string_view(field.value());
    }
    return m;
}

volatile std::size_t sink;

/// Runs `body` (one message each) for about 0.3 s, five times; reports the best round.
template <typename F>
double best_ns_per_call(F&& body) {
    double best = 1e300;
    for (int round = 0; round < 5; ++round) {
        std::size_t calls = 0;
        auto const start = Clock::now();
        auto now = start;
        while (now - start < std::chrono::milliseconds(300)) {
            for (int i = 0; i < 64; ++i) sink = sink + body();
            calls += 64;
            now = Clock::now();
        }
        best = std::min(best, std::chrono::duration<double, std::nano>(now - start).count() / static_cast<double>(calls));
    }
    return best;
}

void report(char const* name, std::size_t bytes, double ns) {
    std::printf("  %-44s %9.1f ns/message %9.1f MB/s\n", name, ns, static_cast<double>(bytes) / ns * 1e3);
}

void ratio(char const* what, double ours, double theirs) {
    std::printf("  -> %s: tern takes %.2fx the time\n\n", what, ours / theirs);
}

}  // namespace

int main() {
    auto const rows = make_rows();
    bench::Message const hello{"Hello, World!"};
    std::string const rows_text = tern::json::dump(rows);
    std::string const hello_text = tern::json::dump(hello);
    std::string fmt_check;
    fmt_rows(fmt_check, rows);
    if (fmt_check != rows_text) throw std::runtime_error("fmt and tern disagree:\n" + fmt_check + "\n" + rows_text);

    std::printf("payload: 100 objects of 10 fields, %zu bytes; hello: %zu bytes; simdjson kernel: %s\n\n", rows_text.size(),
                hello_text.size(), simdjson::builtin_implementation()->name().c_str());

    std::string buffer;
    buffer.reserve(64 * 1024);
    std::puts("serialise (appending into a reused buffer)");
    double const dump_rows = best_ns_per_call([&] { buffer.clear(); tern::json::dump_to(buffer, rows); return buffer.size(); });
    double const fmt_rows_ns = best_ns_per_call([&] { buffer.clear(); fmt_rows(buffer, rows); return buffer.size(); });
    report("list of 100: tern::json::dump_to", rows_text.size(), dump_rows);
    report("list of 100: fmt::format_to by hand", rows_text.size(), fmt_rows_ns);
    ratio("list", dump_rows, fmt_rows_ns);
    double const dump_hello = best_ns_per_call([&] { buffer.clear(); tern::json::dump_to(buffer, hello); return buffer.size(); });
    double const fmt_hello = best_ns_per_call([&] {
        buffer.clear();
        fmt::format_to(std::back_inserter(buffer), R"({{"message":"{}"}})", hello.message);
        return buffer.size();
    });
    double const dump_hello_new = best_ns_per_call([&] { return tern::json::dump(hello).size(); });
    double const fmt_hello_new = best_ns_per_call([&] { return fmt::format(R"({{"message":"{}"}})", hello.message).size(); });
    report("hello: tern::json::dump_to", hello_text.size(), dump_hello);
    report("hello: fmt::format_to by hand", hello_text.size(), fmt_hello);
    report("hello: tern::json::dump (new string)", hello_text.size(), dump_hello_new);
    report("hello: fmt::format (new string)", hello_text.size(), fmt_hello_new);
    ratio("hello", dump_hello, fmt_hello);

    std::puts("parse (padded input, read in place)");
    simdjson::padded_string const rows_padded(rows_text);
    simdjson::padded_string const hello_padded(hello_text);
    std::string_view const rows_view(rows_padded.data(), rows_padded.size());
    std::string_view const hello_view(hello_padded.data(), hello_padded.size());
    ondemand::parser parser;
    if (tern::json::parse<std::vector<bench::Row>>(rows_view, tern::json::padded).size() != 100 ||
        raw_rows(parser, rows_padded).size() != 100) {
        throw std::runtime_error("parsers disagree");
    }
    double const typed_rows = best_ns_per_call([&] { return tern::json::parse<std::vector<bench::Row>>(rows_view, tern::json::padded).size(); });
    double const raw_rows_ns = best_ns_per_call([&] { return raw_rows(parser, rows_padded).size(); });
    double const value_rows = best_ns_per_call([&] { return tern::json::parse(rows_view, tern::json::padded).size(); });
    double const copy_rows = best_ns_per_call([&] { return tern::json::parse<std::vector<bench::Row>>(rows_text).size(); });
    report("list of 100: tern::json::parse<T> (padded)", rows_text.size(), typed_rows);
    report("list of 100: raw simdjson On-Demand by hand", rows_text.size(), raw_rows_ns);
    report("list of 100: tern::json::parse -> Value", rows_text.size(), value_rows);
    report("list of 100: tern::json::parse<T> (copies)", rows_text.size(), copy_rows);
    ratio("list", typed_rows, raw_rows_ns);
    double const typed_hello = best_ns_per_call([&] { return tern::json::parse<bench::Message>(hello_view, tern::json::padded).message.size(); });
    double const raw_hello = best_ns_per_call([&] { return raw_message(parser, hello_padded).message.size(); });
    report("hello: tern::json::parse<T> (padded)", hello_text.size(), typed_hello);
    report("hello: raw simdjson On-Demand by hand", hello_text.size(), raw_hello);
    ratio("hello", typed_hello, raw_hello);
}
