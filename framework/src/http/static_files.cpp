// App::static_files: a directory served under a URL prefix (aiohttp's add_static, nginx's root).
#include <tern/http/app.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <system_error>

#include <tern/compress/accept_encoding.hpp>
#include <tern/core/fs.hpp>
#include <tern/core/thread.hpp>
#include <tern/files/content_type.hpp>
#include <tern/files/safe_path.hpp>

#include "error_response.hpp"
#include "file_response.hpp"

namespace tern {

namespace {

struct StaticRoot {
    std::string prefix;   // "/assets", without a trailing '/'
    std::string root;     // canonical
    StaticOptions options;
};

std::string html_escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string percent_encode_segment(std::string_view name) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : name) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out += static_cast<char>(c);
        else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

using Entries = std::vector<std::pair<std::string, bool>>;   // name, is a directory

Entries read_directory(std::string const& directory) {
    Entries entries;
    for (auto const& entry : std::filesystem::directory_iterator(directory))
        entries.emplace_back(entry.path().filename().string(), entry.is_directory());
    std::sort(entries.begin(), entries.end());
    return entries;
}

// Plain functions, not coroutines: g++ 12 miscompiles some temporaries in coroutine bodies.
std::string listing_html(Entries const& entries, std::string_view url_path) {
    std::string const title = "Index of " + html_escape(url_path);
    std::string html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title +
                       "</title></head>\n<body><h1>" + title + "</h1>\n<ul>\n";
    for (auto const& entry : entries) {
        std::string const suffix = entry.second ? "/" : "";
        html += "<li><a href=\"" + html_escape(percent_encode_segment(entry.first) + suffix) + "\">" +
                html_escape(entry.first) + suffix + "</a></li>\n";
    }
    html += "</ul></body></html>\n";
    return html;
}

// A directory's listing, read on a worker thread (std::filesystem blocks).
Task<Response> listing(std::string directory, std::string url_path) {
    Entries const entries = co_await to_thread(read_directory, directory);
    co_return Response::html(listing_html(entries, url_path));
}

bool has_hidden_segment(std::string_view relative) noexcept {
    for (std::size_t at = 0; at < relative.size();) {
        if (relative[at] == '.') return true;
        auto const slash = relative.find('/', at);
        if (slash == std::string_view::npos) break;
        at = slash + 1;
    }
    return false;
}

Task<std::optional<fs::Stat>> stat_if_exists(std::string path) {
    try {
        co_return co_await fs::stat(std::move(path));
    } catch (fs::Error const&) {
        co_return std::nullopt;
    }
}

// The file at `real` (canonical, under the root), or its precompressed twin `real.gz`.
Task<Response> file_answer(StaticRoot const& config, Request& req, std::string real) {
    std::string_view const type = files::content_type_for(real);
    bool vary = false;
    if (config.options.precompressed) {
        std::string gz = real + ".gz";
        auto twin = co_await files::resolve_under_root(config.root, gz.substr(config.root.size() + 1));
        if (twin) {
            vary = true;
            if (compress::accepts(req.header("Accept-Encoding"), compress::Coding::gzip)) {
                auto st = co_await stat_if_exists(*twin);
                if (st && st->regular) real = std::move(*twin);
                else vary = false;
            }
        }
    }
    bool const gzipped = real.ends_with(".gz") && files::content_type_for(real) != type;
    Response res = Response::file(real);
    res.content_type(type);
    if (gzipped) res.header("Content-Encoding", "gzip");
    if (vary) res.header("Vary", "Accept-Encoding");
    if (!config.options.cache_control.empty()) res.header("Cache-Control", config.options.cache_control);
    // Settled here, inside the middleware, so that logs, metrics and CORS see 304, 206 or 404.
    co_await detail::prepare_file_response(req, res);
    co_return res;
}

Task<Response> serve_static(StaticRoot const& config, Request& req) {
    std::string_view raw = req.raw_path();
    raw.remove_prefix(std::min(raw.size(), config.prefix.size()));
    if (raw.empty()) {   // "/assets": the directory, whose relative links need the slash
        co_return Response::redirect(std::string(req.raw_path()) + "/", 301);
    }
    auto relative = files::relative_static_path(raw);
    if (!relative || (!config.options.hidden && has_hidden_segment(*relative)))
        co_return detail::detail_response(404, "Not Found");
    bool const wants_directory = relative->empty() || relative->ends_with('/');
    if (wants_directory && !relative->empty()) relative->pop_back();
    auto real = co_await files::resolve_under_root(config.root, *relative);
    if (!real) co_return detail::detail_response(404, "Not Found");
    auto st = co_await stat_if_exists(*real);
    if (!st) co_return detail::detail_response(404, "Not Found");
    if (st->directory) {
        if (!wants_directory) co_return Response::redirect(std::string(req.raw_path()) + "/", 301);
        if (!config.options.index.empty()) {
            // Named first: g++ 12 mishandles a conditional's temporaries inside a co_await.
            std::string index_path = relative->empty() ? config.options.index : *relative + "/" + config.options.index;
            auto index = co_await files::resolve_under_root(config.root, std::move(index_path));
            if (index) {
                auto index_st = co_await stat_if_exists(*index);
                if (index_st && index_st->regular) co_return co_await file_answer(config, req, std::move(*index));
            }
        }
        if (config.options.listing) co_return co_await listing(*real, std::string(req.path()));
        co_return detail::detail_response(403, "directory listing is off");
    }
    if (wants_directory) co_return detail::detail_response(404, "Not Found");   // "file.txt/"
    co_return co_await file_answer(config, req, std::move(*real));
}

}  // namespace

App& App::static_files(std::string_view prefix, std::string root, StaticOptions options) {
    std::error_code ec;
    auto const canonical = std::filesystem::canonical(root, ec);
    if (ec || !std::filesystem::is_directory(canonical))
        throw std::invalid_argument("static_files: '" + root + "' is not a directory");
    std::string clean{prefix};
    while (!clean.empty() && clean.back() == '/') clean.pop_back();
    auto config = std::make_shared<StaticRoot const>(StaticRoot{clean, canonical.string(), std::move(options)});
    Handler handler = [config](Request& req) { return serve_static(*config, req); };
    if (!clean.empty()) get(clean, handler).hidden();   // files, not API operations
    get(clean + "/{path:path}", std::move(handler)).hidden();
    return *this;
}

}  // namespace tern
