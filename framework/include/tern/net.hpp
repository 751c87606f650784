#pragma once
// tern's sockets: TCP listeners and streams as awaitables on the core's loop. No HTTP.
#include <tern/core.hpp>
#include <tern/net/connect.hpp>
#include <tern/net/proxy_protocol.hpp>
#include <tern/net/socket_activation.hpp>
#include <tern/net/tcp.hpp>
