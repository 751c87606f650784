#pragma once
// The websocket layer: every public header of it.
#include <tern/websocket/client.hpp>
#include <tern/websocket/close_code.hpp>
#include <tern/websocket/failure.hpp>
#include <tern/websocket/frame.hpp>
#include <tern/websocket/frame_parser.hpp>
#include <tern/websocket/frame_writer.hpp>
#include <tern/websocket/handshake.hpp>
#include <tern/websocket/handshake_response.hpp>
#include <tern/websocket/masking.hpp>
#include <tern/websocket/message_assembler.hpp>
#include <tern/websocket/options.hpp>
#include <tern/websocket/permessage_deflate.hpp>
#include <tern/websocket/session.hpp>
#include <tern/websocket/utf8.hpp>
