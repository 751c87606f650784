// The tern HTTP client's half of bench/client.sh: fetches URL COUNT times with at most INFLIGHT
// calls at once (INFLIGHT workers gathered, each taking the next index until COUNT), on one
// tern::http::Client allowed INFLIGHT connections to the host, as bench/client_aiohttp.py and
// bench/client_httpx.py do with their clients. Every answer must be a 200 with a body.
// Prints one line, the same as theirs:
//   client=tern count=10000 wall_s=0.812 errors=0 connections=64
// and exits 1 if any call failed (the first few failures are printed to stderr).
//   build/release/bench/client_fetch http://127.0.0.1:8080/ 10000 64
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include <tern/core/gather.hpp>
#include <tern/core/loop.hpp>
#include <tern/core/task.hpp>
#include <tern/http/client/client.hpp>

using tern::Task;
using tern::http::Client;
using tern::http::ClientResponse;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int failures_shown = 5;

// Shared by the workers of one run; fetch_all's frame owns it and outlives them.
struct Run {
    std::string url;
    long count = 0;
    long next = 0;
    long errors = 0;
};

void report_failure(Run& run, long index, std::string const& what) {
    if (run.errors++ < failures_shown) std::fprintf(stderr, "call %ld: %s\n", index, what.c_str());
}

// `client` and `run` outlive the worker: fetch_all awaits every worker before it returns.
Task<void> worker(Client& client, Run& run) {
    for (;;) {
        long const index = run.next++;
        if (index >= run.count) break;
        try {
            ClientResponse res = co_await client.get(run.url);
            if (res.status() != 200) {
                report_failure(run, index, "status " + std::to_string(res.status()));
            } else if (res.text().empty()) {
                report_failure(run, index, "an empty body");
            }
        } catch (std::exception const& e) {
            report_failure(run, index, e.what());
        }
    }
}

// Returns the wall seconds from the first call to the end of the last.
Task<double> fetch_all(Client& client, Run& run, long inflight) {
    std::vector<Task<void>> workers;
    workers.reserve(static_cast<std::size_t>(inflight));
    for (long i = 0; i < inflight; ++i) workers.push_back(worker(client, run));
    auto const start = Clock::now();
    co_await tern::gather(std::move(workers));
    co_return std::chrono::duration<double>(Clock::now() - start).count();
}

bool parse_positive(char const* text, long& value) {
    char* end = nullptr;
    value = std::strtol(text, &end, 10);
    return end != text && *end == '\0' && value > 0;
}

}  // namespace

int main(int argc, char** argv) {
    Run run;
    long inflight = 0;
    if (argc != 4 || !parse_positive(argv[2], run.count) || !parse_positive(argv[3], inflight)) {
        std::fprintf(stderr, "usage: client_fetch URL COUNT INFLIGHT\n");
        return 2;
    }
    run.url = argv[1];
    tern::http::ClientOptions options;
    options.max_connections_per_host = static_cast<std::size_t>(inflight);
    Client client{options};
    double const seconds = tern::run(fetch_all(client, run, inflight));
    std::printf("client=tern count=%ld wall_s=%.3f errors=%ld connections=%zu\n", run.count, seconds, run.errors,
                client.connections_opened());
    return run.errors == 0 ? 0 : 1;
}
