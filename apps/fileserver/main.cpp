// apps/fileserver: bodies in and out, the way a team's file service uses them.
//   GET  /                  a page with an upload form and links to the rest
//   GET  /files/...         the files under --root (index.html, listing, ranges, 304, name.gz)
//   POST /upload            multipart/form-data, streamed: files saved under --uploads as they
//                           arrive (up to --max-upload bytes); answers what was saved, as JSON
//   GET  /stream?chunks=N&size=S&delay_ms=D   N chunks of S bytes, one every D ms (chunked)
//   GET  /events?interval_ms=D&count=N        Server-Sent Events: a clock tick every D ms
//   GET  /json/{kib:int}    a JSON document of about that many KiB (compressed for gzip clients)
// Flags: those of apps/hello, and --root DIR (default .), --uploads DIR (default a temporary
// directory), --max-upload BYTES (default 8 GiB).
#include <tern/tern.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

using namespace std::chrono_literals;

struct SavedFile {
    std::string field;
    std::string filename;
    std::uint64_t size;
    std::string saved_as;
};
TERN_JSON(SavedFile, field, filename, size, saved_as)

struct UploadAnswer {
    std::vector<SavedFile> files;
    std::map<std::string, std::string> fields;
};
TERN_JSON(UploadAnswer, files, fields)

namespace {

struct Config {
    std::string root = ".";
    std::string uploads;
    std::size_t max_upload = std::size_t{8} << 30;
};

constexpr std::string_view index_page = R"html(<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>tern fileserver</title></head>
<body><h1>tern fileserver</h1>
<form action="/upload" method="post" enctype="multipart/form-data">
  <input type="text" name="note"> <input type="file" name="file" multiple> <button>Upload</button>
</form>
<p><a href="/files/">files</a> · <a href="/stream?chunks=5&amp;size=10&amp;delay_ms=200">stream</a> ·
<a href="/events?count=5">events</a> · <a href="/json/100">json</a></p>
<pre id="events"></pre>
<script>
const out = document.getElementById('events');
const source = new EventSource('/events?count=3&interval_ms=500');
source.addEventListener('tick', e => { out.textContent += e.data + '\n'; });
</script>
</body></html>
)html";

std::size_t query_number(tern::Request& req, std::string_view name, std::size_t fallback, std::size_t max) {
    if (!req.has_query(name)) return fallback;
    auto const value = req.query<std::size_t>(name);
    if (value > max) throw tern::HttpError(422, fmt::format("query parameter '{}' is at most {}", name, max));
    return value;
}

tern::Generator<std::string> chunks(std::size_t count, std::size_t size, std::chrono::milliseconds delay) {
    std::string const chunk(size, 'x');
    for (std::size_t i = 0; i < count; ++i) {
        if (delay.count() > 0) co_await tern::sleep(delay);
        co_yield chunk;
    }
}

tern::Generator<tern::sse::Event> clock(std::size_t count, std::chrono::milliseconds interval) {
    for (std::size_t i = 0; count == 0 || i < count; ++i) {
        co_await tern::sleep(interval);
        tern::sse::Event event{.data = fmt::format("tick {}", i), .event = "tick", .id = std::to_string(i)};
        co_yield event;
    }
}

std::string safe_name(std::string_view filename) {
    std::string name = std::filesystem::path(std::string(filename)).filename().string();
    if (name.empty() || name == "." || name == "..") name = "upload";
    return name;
}

tern::Task<tern::Response> upload(Config const& config, tern::Request& req) {
    auto form = co_await req.form();
    UploadAnswer answer;
    for (auto const& [name, value] : form.fields()) answer.fields[name] = value;
    for (auto& file : form.files()) {
        std::string const target = (std::filesystem::path(config.uploads) / safe_name(file.filename())).string();
        co_await file.save_as(target);
        answer.files.push_back({file.field_name(), file.filename(), file.size(), target});
    }
    co_return tern::Response::json(answer).status(201);
}

std::string json_of_kib(std::size_t kib) {
    std::string doc = "[";
    for (std::size_t i = 0; doc.size() < kib * 1024; ++i)
        doc += fmt::format("{}{{\"id\":{},\"name\":\"item {}\",\"price\":{}.5,\"tags\":[\"a\",\"b\"]}}", i ? "," : "", i, i, i % 100);
    return doc + "]";
}

// Takes this app's own flags out of argv, leaving the rest for App::run.
Config parse_own_flags(int& argc, char** argv) {
    Config config;
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        std::string_view const flag = argv[i];
        bool const has_value = i + 1 < argc;
        if (flag == "--root" && has_value) config.root = argv[++i];
        else if (flag == "--uploads" && has_value) config.uploads = argv[++i];
        else if (flag == "--max-upload" && has_value) config.max_upload = std::strtoull(argv[++i], nullptr, 10);
        else argv[kept++] = argv[i];
    }
    argc = kept;
    if (config.uploads.empty()) {
        config.uploads = (std::filesystem::temp_directory_path() / fmt::format("tern-uploads-{}", ::getpid())).string();
    }
    std::filesystem::create_directories(config.uploads);
    return config;
}

}  // namespace

int main(int argc, char** argv) {
    static Config const config = parse_own_flags(argc, argv);
    tern::App app;
    app.use(tern::compression());
    app.get("/", [](tern::Request&) -> tern::Task<tern::Response> { co_return tern::Response::html(std::string(index_page)); });
    app.static_files("/files", config.root, {.listing = true});
    app.post("/upload", [](tern::Request& req) { return upload(config, req); },
             {.max_body = config.max_upload, .stream_body = true});
    app.get("/stream", [](tern::Request& req) -> tern::Task<tern::Response> {
        auto const count = query_number(req, "chunks", 10, 10'000'000);
        auto const size = query_number(req, "size", 1024, 16 << 20);
        auto const delay = std::chrono::milliseconds(query_number(req, "delay_ms", 0, 60'000));
        co_return tern::Response::stream(chunks(count, size, delay), "application/octet-stream");
    });
    app.get("/events", [](tern::Request& req) -> tern::Task<tern::Response> {
        auto const count = query_number(req, "count", 0, 1'000'000);
        auto const interval = std::chrono::milliseconds(query_number(req, "interval_ms", 1000, 3'600'000));
        co_return tern::sse::response(clock(count, std::max(interval, std::chrono::milliseconds(1))));
    });
    app.get("/json/{kib:int}", [](tern::Request& req) -> tern::Task<tern::Response> {
        auto const kib = req.param<std::size_t>("kib");
        if (kib > 64 * 1024) throw tern::HttpError(422, "at most 65536 KiB");
        co_return tern::Response::raw_json(json_of_kib(kib));
    });
    return app.run(argc, argv);
}
