#include "error_response.hpp"

#include <tern/core/error.hpp>
#include <tern/http/error.hpp>
#include <tern/json/error.hpp>
#include <tern/core/log.hpp>
#include <tern/forms/error.hpp>

namespace tern::detail {

void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    for (char c : s) {
        auto const u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            constexpr char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[u >> 4];
            out += hex[u & 15];
        } else {
            out += c;
        }
    }
    out += '"';
}

Response detail_response(int status, std::string_view detail) {
    std::string body = "{\"detail\":";
    append_json_string(body, detail);
    body += '}';
    return Response::raw_json(std::move(body)).status(status);
}

Response error_response(std::exception_ptr const& error, Request const& req) {
    try {
        std::rethrow_exception(error);
    } catch (HttpError const& e) {
        Response res = detail_response(e.status(), e.detail());
        for (auto const& [name, value] : e.headers()) res.header(name, value);
        return res;
    } catch (forms::FormError const& e) {
        return detail_response(e.status(), e.what());
    } catch (json::ParseError const& e) {
        return detail_response(400, e.what());
    } catch (RequestValidationError const& e) {
        std::string body;
        json::render_detail_to(body, e, /*loc_prefix=*/"");
        return Response::raw_json(std::move(body)).status(422);
    } catch (json::ValidationError const& e) {
        std::string body;
        json::render_detail_to(body, e);
        return Response::raw_json(std::move(body)).status(422);
    } catch (std::exception const& e) {
        log_error("{} {} (route {}): unhandled {}", req.method(), req.path(),
                  req.route().empty() ? "none" : req.route(), e.what());
    } catch (...) {
        log_error("{} {} (route {}): unhandled non-standard exception", req.method(), req.path(),
                  req.route().empty() ? "none" : req.route());
    }
    return detail_response(500, "Internal Server Error");
}

}  // namespace tern::detail
