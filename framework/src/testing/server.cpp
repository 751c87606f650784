#include <tern/testing/server.hpp>

#include <fmt/format.h>

namespace tern::testing {

ServerOptions Server::defaults() {
    ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 1;
    o.header_timeout = std::chrono::milliseconds(2000);
    o.keep_alive_timeout = std::chrono::milliseconds(2000);
    o.body_timeout = std::chrono::milliseconds(2000);
    o.grace_period = std::chrono::milliseconds(3000);
    o.blocking_threads = 4;
    return o;
}

Server::Server(App& app) : Server(app, defaults()) {}

Server::Server(App& app, ServerOptions const& options) : server_(app.start(options)) {}

Server::~Server() {
    if (stopped_) return;
    try {
        server_->stop();
    } catch (...) {
        // A StallError from a destructor would end the process: stop() is there to see it.
    }
}

void Server::stop() {
    if (stopped_) return;
    stopped_ = true;
    server_->stop();
}

std::string Server::url(std::string_view path) const {
    return fmt::format("http://127.0.0.1:{}{}{}", port(), path.starts_with('/') ? "" : "/", path);
}

}  // namespace tern::testing
