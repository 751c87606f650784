#pragma once
// tern's HTTP/1.1 server: App, routes, Request, Response, middleware, tern::blocking, and the
// shipped middleware (access log, request id, CORS). Builds on the core, net and JSON.
#include <tern/core.hpp>
#include <tern/json.hpp>
#include <tern/net.hpp>
#include <tern/observe.hpp>
#include <tern/http/access_log.hpp>
#include <tern/forms/error.hpp>
#include <tern/forms/form.hpp>
#include <tern/forms/limits.hpp>
#include <tern/http/app.hpp>
#include <tern/http/blocking.hpp>
#include <tern/http/compression.hpp>
#include <tern/http/client/client.hpp>
#include <tern/http/cors.hpp>
#include <tern/http/error.hpp>
#include <tern/http/middleware.hpp>
#include <tern/http/request.hpp>
#include <tern/http/request_id.hpp>
#include <tern/http/response.hpp>
#include <tern/http/router.hpp>
#include <tern/http/sse.hpp>
#include <tern/http/typed/openapi_options.hpp>
#include <tern/http/typed/operation.hpp>
#include <tern/http/typed/params.hpp>
