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

std::string Problem::message() const {
    switch (kind) {
    case ProblemKind::missing: return "field required";
    case ProblemKind::unknown_field: return "unknown field";
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
