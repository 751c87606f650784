// apps/gateway: a service that calls others, the way a team's backend-for-frontend does.
//   GET /aggregate   every upstream called at once (gather), each bounded by --budget
//                    (wait_for); one JSON document back: 200 when every part came, 206 with
//                    the missing parts named when some were slow or down, 502 when none came
//   GET /upstreams   the configured upstreams
// Flags: those of apps/hello, and
//   --upstream name=URL   repeatable; default: apps/hello's /json and /hello/gateway on
//                         127.0.0.1:8080 (start it with `make run`)
//   --budget MS           the longest wait for one upstream (default 300)
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>

#include <tern/tern.hpp>

#include "gateway.hpp"

namespace {

// Takes this app's own flags out of argv, leaving the rest for App::run.
gateway::Config parse_own_flags(int& argc, char** argv) {
    gateway::Config config;
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        std::string_view const flag = argv[i];
        bool const has_value = i + 1 < argc;
        if (flag == "--upstream" && has_value) config.upstreams.push_back(gateway::parse_upstream(argv[++i]));
        else if (flag == "--budget" && has_value) config.budget = std::chrono::milliseconds(std::strtoll(argv[++i], nullptr, 10));
        else argv[kept++] = argv[i];
    }
    argc = kept;
    if (config.budget <= std::chrono::milliseconds::zero()) throw std::invalid_argument("--budget must be a positive number of milliseconds");
    if (config.upstreams.empty()) {
        config.upstreams.push_back({.name = "json", .url = "http://127.0.0.1:8080/json"});
        config.upstreams.push_back({.name = "greeting", .url = "http://127.0.0.1:8080/hello/gateway"});
    }
    return config;
}

}  // namespace

int main(int argc, char** argv) {
    gateway::Config config;
    try {
        config = parse_own_flags(argc, argv);
    } catch (std::invalid_argument const& e) {
        std::cerr << "gateway: " << e.what() << "\n";
        return 2;
    }
    // Declared before the app: the server's loops close the client's pools as they end.
    tern::http::ClientOptions client_options;
    client_options.connect_timeout = config.budget;
    tern::http::Client client{client_options};
    tern::App app;
    gateway::add_routes(app, config, client);
    return app.run(argc, argv);
}
