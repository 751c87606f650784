#pragma once
// A MultipartSink that keeps everything it is told, for the multipart tests and the fuzz
// target, which compare what different ways of feeding the same body produce.
#include <cstddef>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include <tern/forms/error.hpp>
#include <tern/forms/limits.hpp>
#include <tern/forms/multipart.hpp>

namespace tern::forms::testing {

struct RecordedPart {
    PartHead head;
    std::string data;
    bool ended = false;

    friend bool operator==(RecordedPart const& a, RecordedPart const& b) {
        return a.head.name == b.head.name && a.head.filename == b.head.filename &&
               a.head.content_type == b.head.content_type && a.data == b.data && a.ended == b.ended;
    }
};

class PartRecorder final : public MultipartSink {
public:
    void part_begin(PartHead const& head) override {
        if (!parts.empty() && !parts.back().ended) events_out_of_order = true;
        parts.push_back({head, {}, false});
    }
    void part_data(std::string_view bytes) override {
        if (parts.empty() || parts.back().ended || bytes.empty()) events_out_of_order = true;
        else parts.back().data.append(bytes);
    }
    void part_end() override {
        if (parts.empty() || parts.back().ended) events_out_of_order = true;
        else parts.back().ended = true;
    }

    std::vector<RecordedPart> parts;
    bool events_out_of_order = false;
};

/// What parsing one body produced: its parts, or the FormError it ended with (status 0: none).
struct Outcome {
    std::vector<RecordedPart> parts;
    int status = 0;
    std::string error;
    bool events_out_of_order = false;
};

/// Parses `body` fed in pieces that end at each offset of `cuts` (ascending, each at most
/// body.size()), then the rest, then finish().
inline Outcome parse_in_pieces(std::string_view body, std::string const& boundary, FormLimits const& limits,
                               std::vector<std::size_t> const& cuts) {
    Outcome out;
    PartRecorder recorder;
    try {
        MultipartParser parser(boundary, limits);
        std::size_t from = 0;
        for (std::size_t cut : cuts) {
            parser.feed(body.substr(from, cut - from), recorder);
            from = cut;
        }
        parser.feed(body.substr(from), recorder);
        parser.finish();
    } catch (FormError const& e) {
        out.status = e.status();
        out.error = e.what();
    }
    out.parts = std::move(recorder.parts);
    out.events_out_of_order = recorder.events_out_of_order;
    return out;
}

inline Outcome parse_whole(std::string_view body, std::string const& boundary, FormLimits const& limits = {}) {
    return parse_in_pieces(body, boundary, limits, {});
}

/// Parses `body` fed `step` bytes at a time.
inline Outcome parse_in_steps(std::string_view body, std::string const& boundary, std::size_t step,
                              FormLimits const& limits = {}) {
    std::vector<std::size_t> cuts;
    for (std::size_t at = step; at < body.size(); at += step) cuts.push_back(at);
    return parse_in_pieces(body, boundary, limits, cuts);
}

}  // namespace tern::forms::testing
