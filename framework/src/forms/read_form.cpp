#include <tern/forms/read_form.hpp>

#include <algorithm>
#include <utility>

#include <tern/forms/error.hpp>
#include <tern/forms/multipart.hpp>
#include <tern/forms/urlencoded.hpp>

#include "form_builder.hpp"
#include "header_value.hpp"

namespace tern::forms {

namespace {

// The parser is fed at most this much before the spilled bytes it produced are written, so
// that a body generator yielding huge chunks does not make the write queue huge.
constexpr std::size_t feed_size = 256 * 1024;

enum class FormKind { urlencoded, multipart };

FormKind form_kind(std::string_view content_type) {
    std::string_view const media_type = detail::trim(content_type.substr(0, content_type.find(';')));
    if (detail::iequals(media_type, "application/x-www-form-urlencoded")) return FormKind::urlencoded;
    if (detail::iequals(media_type, "multipart/form-data")) return FormKind::multipart;
    if (media_type.empty())
        throw FormError(415, "request has no Content-Type; a form is application/x-www-form-urlencoded or multipart/form-data");
    throw FormError(415, "Content-Type " + std::string(media_type) +
                             " is not a form (application/x-www-form-urlencoded or multipart/form-data)");
}

Task<Form> read_urlencoded(Generator<std::string_view>& body, FormLimits limits) {
    std::string all;
    while (auto chunk = co_await body.next()) {
        if (chunk->size() > limits.max_in_memory_bytes - all.size())
            throw FormError(413, "urlencoded body is larger than " + std::to_string(limits.max_in_memory_bytes) + " bytes");
        all.append(*chunk);
    }
    co_return Form(parse_urlencoded(all, limits));
}

Task<Form> read_multipart(std::string boundary, Generator<std::string_view>& body, FormLimits limits) {
    MultipartParser parser(std::move(boundary), limits);
    detail::FormBuilder builder(limits);
    while (auto chunk = co_await body.next()) {
        for (std::string_view rest = *chunk; !rest.empty();) {
            std::string_view const piece = rest.substr(0, std::min(rest.size(), feed_size));
            rest.remove_prefix(piece.size());
            parser.feed(piece, builder);
            co_await builder.flush();
        }
    }
    parser.finish();
    co_return builder.take();
}

Generator<std::string_view> yield_once(std::string_view body) { co_yield body; }

}  // namespace

Task<Form> read_form(std::string content_type, Generator<std::string_view>& body, FormLimits limits) {
    if (form_kind(content_type) == FormKind::urlencoded) co_return co_await read_urlencoded(body, limits);
    co_return co_await read_multipart(boundary_from_content_type(content_type), body, limits);
}

Task<Form> read_form(std::string content_type, std::string_view body, FormLimits limits) {
    if (form_kind(content_type) == FormKind::urlencoded) co_return Form(parse_urlencoded(body, limits));
    auto chunks = yield_once(body);
    co_return co_await read_multipart(boundary_from_content_type(content_type), chunks, limits);
}

}  // namespace tern::forms
