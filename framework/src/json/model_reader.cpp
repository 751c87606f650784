// Reader::read_model: an object's members matched against a TERN_JSON field table.
#include <tern/json/reader.hpp>

#include "reader_state.hpp"

#include <algorithm>
#include <vector>

namespace tern::json {

namespace {

namespace ondemand = simdjson::ondemand;

/// Which fields a document has set so far. Models rarely pass 64 fields, so the common case
/// needs no allocation.
class SeenFields {
public:
    explicit SeenFields(std::size_t count) {
        if (count > 64) large_.assign(count, false);
    }
    void mark(std::size_t i) {
        if (large_.empty()) small_ |= std::uint64_t{1} << i;
        else large_[i] = true;
    }
    bool test(std::size_t i) const { return large_.empty() ? (small_ >> i) & 1 : large_[i]; }

private:
    std::uint64_t small_ = 0;
    std::vector<bool> large_;
};

/// The index of the field named `key`, or fields.size(). Documents usually list members in
/// the model's order, so the field after the previous match is tried first.
std::size_t find_field(std::span<FieldInfo const> fields, std::string_view key, std::size_t expected) {
    if (expected < fields.size() && fields[expected].name == key) return expected;
    auto const it = std::find_if(fields.begin(), fields.end(), [&](FieldInfo const& f) { return f.name == key; });
    return static_cast<std::size_t>(it - fields.begin());
}

void report_missing(detail::ReaderState& state, std::span<FieldInfo const> fields, SeenFields const& seen) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (fields[i].required && !seen.test(i)) {
            state.add_problem(ProblemKind::missing, "value", "nothing", fields[i].name);
        }
    }
}

}  // namespace

void Reader::read_model(void* model, std::span<FieldInfo const> fields) {
    ondemand::object object;
    auto const error = detail::with_node(node_, is_document_, [&](auto& node) { return node.get_object().get(object); });
    if (error) {
        detail::with_node(node_, is_document_, [&](auto& node) { detail::mismatch(*state_, node, "object", ondemand::json_type::object, error); });
        return;
    }
    detail::DepthGuard const depth(*state_);
    SeenFields seen(fields.size());
    std::size_t expected = 0;
    for (auto result : object) {
        ondemand::field field;
        if (auto const e = std::move(result).get(field)) state_->fail(e);
        std::string_view const key = detail::field_key(*state_, field);
        std::size_t const i = find_field(fields, key, expected);
        if (i == fields.size()) {
            if (state_->options.unknown_fields == UnknownFields::reject) {
                state_->add_problem(ProblemKind::unknown_field, "no such field", "field", key);
            }
            detail::skip_validated(*state_, field.value());
            continue;
        }
        seen.mark(i);
        expected = i + 1;
        detail::PathGuard const path(*state_, key);
        Reader child(*state_, &field.value(), false);
        fields[i].read(child, model);
    }
    report_missing(*state_, fields, seen);
}

}  // namespace tern::json
