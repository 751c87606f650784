#include "file_response.hpp"

#include <tern/core/fs.hpp>
#include <tern/files/content_type.hpp>
#include <tern/files/ranges.hpp>
#include <tern/files/validators.hpp>

#include "error_response.hpp"

namespace tern::detail {

namespace {

// The validators and type every answer about the file carries, 304 included (RFC 9110 15.4.5).
void add_file_headers(Response& res, FileBody const& body, fs::Stat const& st) {
    if (res.header("ETag").empty()) res.header("ETag", files::strong_etag(st));
    if (res.header("Last-Modified").empty()) res.header("Last-Modified", files::http_date(st.mtime_sec));
    res.header("Accept-Ranges", "bytes");
    if (res.content_type().empty()) res.content_type(files::content_type_for(body.path));
}

// Conditionals and ranges apply to a 200 the handler did not otherwise decide.
void choose_answer(Request& req, Response& res, FileBody& body, fs::Stat const& st) {
    body.offset = 0;
    body.length = st.size;
    bool const get = req.method() == "GET";
    if (res.status() != 200 || (!get && req.method() != "HEAD")) return;
    // A view: the headers do not change until the last use below (Content-Range comes after).
    std::string_view const etag = res.header("ETag");
    if (files::not_modified(req.header("If-None-Match"), req.header("If-Modified-Since"), etag, st.mtime_sec)) {
        res.status(304);
        body.length = 0;
        return;
    }
    if (!get) return;
    auto const answer = files::choose_range(req.header("Range"), st.size, req.header("If-Range"), etag, st.mtime_sec);
    if (answer.kind == files::RangeAnswer::partial) {
        res.status(206);
        res.header("Content-Range", files::content_range(answer.range, st.size));
        body.offset = answer.range.first;
        body.length = answer.range.length;
    } else if (answer.kind == files::RangeAnswer::unsatisfiable) {
        res.status(416);
        res.header("Content-Range", files::unsatisfied_range(st.size));
        body.length = 0;
    }
}

}  // namespace

Task<void> prepare_file_response(Request& req, Response& res) {
    FileBody& body = *res.special()->file;
    std::optional<fs::Stat> st;
    try {
        body.file = co_await fs::File::open(body.path);
        st = co_await body.file.stat();
    } catch (fs::Error const&) {
        // Missing, unreadable, a directory that cannot be opened: all "not found" to a client.
    }
    if (!st || !st->regular) {
        auto callbacks = std::move(res.special()->on_sent);   // an access log still hears of it
        res = detail_response(404, "Not Found");
        for (auto& done : callbacks) res.on_sent(std::move(done));
        co_return;
    }
    settle_opened_file(req, res, *st);
}

void settle_opened_file(Request& req, Response& res, fs::Stat const& st) {
    FileBody& body = *res.special()->file;
    body.prepared = true;
    add_file_headers(res, body, st);
    choose_answer(req, res, body, st);
}

}  // namespace tern::detail
