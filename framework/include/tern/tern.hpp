#pragma once
// Everything a tern program uses, in one include.
#include <tern/error.hpp>
#include <tern/event.hpp>
#include <tern/fs.hpp>
#include <tern/gather.hpp>
#include <tern/generator.hpp>
#include <tern/log.hpp>
#include <tern/loop.hpp>
#include <tern/queue.hpp>
#include <tern/semaphore.hpp>
#include <tern/spawn.hpp>
#include <tern/task.hpp>
#include <tern/thread.hpp>
#include <tern/time.hpp>
#include <tern/access_log.hpp>
#include <tern/app.hpp>
#include <tern/blocking.hpp>
#include <tern/cors.hpp>
#include <tern/json.hpp>
#include <tern/request.hpp>
#include <tern/request_id.hpp>
#include <tern/response.hpp>
#include <tern/router.hpp>
#include <tern/scope.hpp>
#include <tern/tcp.hpp>

#include <fmt/format.h>   // handlers format responses with fmt::format (API.md's examples)
