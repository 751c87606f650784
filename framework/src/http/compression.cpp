// The compression middleware (tern/http/compression.hpp), on the compress layer's zlib streams.
#include <tern/http/compression.hpp>

#include <memory>
#include <string>

#include <tern/compress/compressible.hpp>
#include <tern/compress/encoder.hpp>

#include "http_chars.hpp"

namespace tern {

namespace {

using compress::Coding;

compress::Format format_of(Coding coding) noexcept {
    return coding == Coding::gzip ? compress::Format::gzip : compress::Format::deflate;
}

// Vary: "*" already varies on everything.
bool varies_on(std::string_view vary, std::string_view field) noexcept {
    return detail::list_has_token(vary, field) || detail::list_has_token(vary, "*");
}

void add_vary(Response& res) {
    std::string_view const vary = res.header("Vary");
    if (vary.empty()) res.header("Vary", "Accept-Encoding");
    else if (!varies_on(vary, "accept-encoding")) {
        std::string const joined = std::string(vary) + ", Accept-Encoding";
        res.remove_header("Vary");
        res.header("Vary", joined);
    }
}

// A compressed body is another representation: a strong validator must not claim byte equality.
void weaken_etag(Response& res) {
    std::string_view const etag = res.header("ETag");
    if (etag.empty() || etag.starts_with("W/")) return;
    std::string const weak = "W/" + std::string(etag);
    res.remove_header("ETag");
    res.header("ETag", weak);
}

bool compressible_response(Request const& req, Response const& res) {
    int const status = res.status();
    if (status < 200 || status == 204 || status == 304) return false;
    if (req.method() == "HEAD" && !res.is_stream() && res.body().empty()) return false;
    if (res.is_file()) return false;
    return compress::is_compressible(res.content_type());
}

// One encoder for the whole stream; every chunk is flushed so it can be decoded on arrival.
Generator<std::string> compressed_stream(Generator<std::string> chunks, compress::Format format, int level) {
    compress::Encoder encoder{format, level};
    std::string out;
    while (auto chunk = co_await chunks.next()) {
        out.clear();
        encoder.write(*chunk, out);
        encoder.flush(out);
        co_yield std::move(out);
    }
    out.clear();
    encoder.finish(out);
    co_yield std::move(out);
}

}  // namespace

Middleware compression(CompressionOptions options) {
    auto shared = std::make_shared<CompressionOptions const>(std::move(options));
    return [shared](Request& req, Next next) -> Task<Response> {
        Response res = co_await next(req);
        CompressionOptions const& o = *shared;
        if (!compressible_response(req, res)) co_return res;
        add_vary(res);
        if (!res.header("Content-Encoding").empty()) co_return res;   // never twice
        if (detail::list_has_token(res.header("Cache-Control"), "no-transform")) co_return res;
        if (!res.is_stream() && res.body().size() < o.min_size) co_return res;
        auto const coding = compress::negotiate(req.header("Accept-Encoding"), o.codings);
        if (!coding || *coding == Coding::identity) co_return res;   // identity refused: sent anyway
        if (res.is_stream()) {
            res.stream_body(compressed_stream(res.take_stream(), format_of(*coding), o.level));
        } else {
            res.body() = compress::compress(res.body(), format_of(*coding), o.level);
        }
        res.header("Content-Encoding", compress::name(*coding));
        weaken_etag(res);
        co_return res;
    };
}

}  // namespace tern
