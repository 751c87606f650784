// ParseError, ValidationError and the FastAPI-style rendering of a ValidationError's problems.
#include <tern/json/error.hpp>

#include <tern/json/writer.hpp>

#include <fmt/format.h>

namespace tern::json {

ParseError::ParseError(std::size_t offset, std::string reason)
    : std::runtime_error(fmt::format("invalid JSON at byte {}: {}", offset, reason)), offset_(offset), reason_(std::move(reason)) {}

std::string Problem::path() const {
    if (loc.empty()) return "(root)";
    std::string out;
    for (auto const& step : loc) {
        if (auto const* key = std::get_if<std::string>(&step)) {
            if (!out.empty()) out.push_back('.');
            out += *key;
        } else {
            out += '[';
            out += std::to_string(std::get<std::size_t>(step));
            out += ']';
        }
    }
    return out;
}

namespace {

/// "1 character", "2 characters": `count` is the text of a number.
std::string counted(std::string_view count, std::string_view noun) {
    return fmt::format("{} {}{}", count, noun, count == "1" ? "" : "s");
}

}  // namespace

std::string Problem::message() const {
    switch (kind) {
    case ProblemKind::missing: return "field required";
    case ProblemKind::unknown_field: return "unknown field";
    case ProblemKind::greater_than_equal: return fmt::format("should be greater than or equal to {}, got {}", expected, found);
    case ProblemKind::greater_than: return fmt::format("should be greater than {}, got {}", expected, found);
    case ProblemKind::less_than_equal: return fmt::format("should be less than or equal to {}, got {}", expected, found);
    case ProblemKind::less_than: return fmt::format("should be less than {}, got {}", expected, found);
    case ProblemKind::string_too_short: return fmt::format("should be at least {} long, got {}", counted(expected, "character"), found);
    case ProblemKind::string_too_long: return fmt::format("should be at most {} long, got {}", counted(expected, "character"), found);
    case ProblemKind::string_pattern_mismatch: return fmt::format("should match pattern \"{}\", got {}", expected, found);
    case ProblemKind::too_short: return fmt::format("should have at least {}, got {}", counted(expected, "item"), found);
    case ProblemKind::too_long: return fmt::format("should have at most {}, got {}", counted(expected, "item"), found);
    default: return fmt::format("expected {}, got {}", expected, found);
    }
}

std::string_view Problem::type() const noexcept {
    switch (kind) {
    case ProblemKind::missing: return "missing";
    case ProblemKind::wrong_type: return "type_error";
    case ProblemKind::out_of_range: return "out_of_range";
    case ProblemKind::invalid_enum: return "enum";
    case ProblemKind::unknown_field: return "extra_forbidden";
    case ProblemKind::greater_than_equal: return "greater_than_equal";
    case ProblemKind::greater_than: return "greater_than";
    case ProblemKind::less_than_equal: return "less_than_equal";
    case ProblemKind::less_than: return "less_than";
    case ProblemKind::string_too_short: return "string_too_short";
    case ProblemKind::string_too_long: return "string_too_long";
    case ProblemKind::string_pattern_mismatch: return "string_pattern_mismatch";
    case ProblemKind::too_short: return "too_short";
    case ProblemKind::too_long: return "too_long";
    }
    return "type_error";
}

namespace {

std::string summarize(std::vector<Problem> const& problems) {
    std::string out;
    for (auto const& problem : problems) {
        if (!out.empty()) out += "; ";
        out += problem.path();
        out += ": ";
        out += problem.message();
    }
    return out;
}

void write_loc(Writer& writer, Problem const& problem, std::string_view loc_prefix) {
    writer.begin_array();
    if (!loc_prefix.empty()) writer.value(loc_prefix);
    for (auto const& step : problem.loc) {
        if (auto const* key = std::get_if<std::string>(&step)) writer.value(*key);
        else writer.value(std::get<std::size_t>(step));
    }
    writer.end_array();
}

}  // namespace

ValidationError::ValidationError(std::vector<Problem> problems)
    : std::runtime_error(summarize(problems)), problems_(std::move(problems)) {}

void render_detail_to(std::string& out, ValidationError const& error, std::string_view loc_prefix) {
    Writer writer(out);
    writer.begin_object();
    writer.quoted_key(R"("detail":)");
    writer.begin_array();
    for (auto const& problem : error.problems()) {
        writer.begin_object();
        writer.quoted_key(R"("loc":)");
        write_loc(writer, problem, loc_prefix);
        writer.quoted_key(R"("msg":)");
        writer.value(problem.message());
        writer.quoted_key(R"("type":)");
        writer.value(problem.type());
        writer.end_object();
    }
    writer.end_array();
    writer.end_object();
}

std::string render_detail(ValidationError const& error, std::string_view loc_prefix) {
    std::string out;
    render_detail_to(out, error, loc_prefix);
    return out;
}

}  // namespace tern::json
