#include <tern/websocket/message_assembler.hpp>

#include <tern/compress/encoder.hpp>
#include <tern/compress/error.hpp>

#include <algorithm>
#include <utility>

namespace tern::websocket {

namespace {

// The largest compressed message worth reading for a limit of `max` inflated bytes: deflate's
// worst case is incompressible data in stored blocks (5 bytes per 64 KiB), and a sender may
// sync-flush at every fragment (5 bytes each), so this leaves ample room for honest senders
// while bounding the compressed bytes a peer can make us buffer and inflate.
std::uint64_t compressed_limit(std::uint64_t max) noexcept { return max + max / 1024 + 1024; }

// zlib compresses with a 512-byte window when asked for 256 (RFC 7692 7.1.2.1 allows 8; zlib
// silently uses 9), so a peer that agreed to 8 may well send 9: decode with at least that.
int decoder_window_bits(DeflateParams const& params, Role role) noexcept {
    int const peer_bits = role == Role::server ? params.client_max_window_bits : params.server_max_window_bits;
    return std::clamp(peer_bits, 9, 15);
}

// RFC 6455 5.5.1: an empty payload, or a 2-byte code and a UTF-8 reason.
Event parse_close(std::string_view payload) {
    if (payload.empty()) return Close{};
    if (payload.size() == 1) return Failure{CloseCode::protocol_error, "close frame with a one-byte payload"};
    int const code = (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
    if (!valid_close_code_on_wire(code)) return Failure{CloseCode::protocol_error, "invalid close code"};
    std::string_view const reason = payload.substr(2);
    if (!valid_utf8(reason)) return Failure{CloseCode::invalid_payload, "close reason is not UTF-8"};
    Close close;
    close.code = static_cast<CloseCode>(code);
    close.reason.assign(reason);
    return close;
}

}  // namespace

MessageAssembler::MessageAssembler(AssemblerOptions options)
    : options_(options),
      parser_(FrameParserOptions{options.role, options.deflate.has_value(), options.max_message_size}) {
    if (options_.deflate) {
        DeflateParams const& params = *options_.deflate;
        window_bits_ = decoder_window_bits(params, options_.role);
        reset_after_message_ = options_.role == Role::server ? params.client_no_context_takeover
                                                             : params.server_no_context_takeover;
        parser_.set_max_frame_size(compressed_limit(options_.max_message_size));
    }
}

Event MessageAssembler::next(std::string_view& in) {
    if (failure_) return *failure_;
    for (;;) {
        std::string& into = target();
        std::size_t const before = into.size();
        switch (parser_.parse(in, into)) {
        case FrameParser::Step::need_more:
            if (in_payload_) {
                if (auto failure = take_payload(before)) return fail(*failure);
            }
            return NeedMore{};
        case FrameParser::Step::header:
            in_payload_ = true;
            if (auto failure = on_header()) return fail(*failure);
            break;
        case FrameParser::Step::frame_end: {
            in_payload_ = false;
            if (auto failure = take_payload(before)) return fail(*failure);
            Event event = end_frame();
            if (!std::holds_alternative<NeedMore>(event)) return event;
            break;
        }
        case FrameParser::Step::failed: return fail(parser_.failure());
        }
    }
}

// Where the current frame's payload goes: a control frame's own buffer, the compressed bytes
// waiting to be inflated, or straight into the message.
std::string& MessageAssembler::target() noexcept {
    if (is_control(parser_.header().opcode)) return control_;
    return compressed_ ? scratch_ : message_.data;
}

std::optional<Failure> MessageAssembler::on_header() {
    FrameHeader const& header = parser_.header();
    if (is_control(header.opcode)) {
        control_.clear();
        return std::nullopt;
    }
    if (header.opcode == Opcode::continuation) {
        if (!in_message_) return Failure{CloseCode::protocol_error, "continuation frame without a message"};
    } else {
        if (in_message_) return Failure{CloseCode::protocol_error, "new message before the previous one ended"};
        start_message(header);
    }
    std::uint64_t const limit = wire_limit();
    if (header.length > limit - wire_size_) return Failure{CloseCode::message_too_big, "message too big"};
    wire_size_ += header.length;
    return std::nullopt;
}

void MessageAssembler::start_message(FrameHeader const& header) {
    in_message_ = true;
    message_.binary = header.opcode == Opcode::binary;
    message_.data.clear();
    compressed_ = header.rsv1;
    wire_size_ = 0;
    utf8_.reset();
    if (compressed_) {
        // Made at the first compressed message: an idle session holds no inflater.
        if (!decoder_) decoder_.emplace(compress::Format::raw, options_.max_message_size, window_bits_);
        decoder_->restart_count();
    }
}

std::uint64_t MessageAssembler::wire_limit() const noexcept {
    return compressed_ ? compressed_limit(options_.max_message_size) : options_.max_message_size;
}

// The payload bytes that arrived since `from` in target(): inflated if compressed, checked
// as UTF-8 if text. Control payloads wait for the frame's end.
std::optional<Failure> MessageAssembler::take_payload(std::size_t from) {
    if (is_control(parser_.header().opcode)) return std::nullopt;
    if (compressed_) {
        std::optional<Failure> failure = inflate(scratch_);
        scratch_.clear();
        return failure;
    }
    return check_text(from);
}

// A sender may end a message's deflate data with a final block (RFC 7692 7.2.3.4) and follow it
// with a byte of padding that only makes sense to an inflater that reads on; what follows a
// final block is therefore ignored (the decoder refuses it, having finished), and the stream
// starts again with the next message.
std::optional<Failure> MessageAssembler::inflate(std::string_view compressed) {
    if (compressed.empty() || decoder_->finished()) return std::nullopt;
    std::size_t const from = message_.data.size();
    try {
        decoder_->write(compressed, message_.data);
    } catch (compress::TooLarge const&) {
        // The decoder stops one byte past the limit. Text that went wrong before that point
        // fails as it would have, had the compressed bytes arrived in smaller pieces.
        if (auto failure = check_text(from)) return failure;
        return Failure{CloseCode::message_too_big, "message too big once inflated"};
    } catch (compress::Error const&) {
        if (!decoder_->finished()) return Failure{CloseCode::invalid_payload, "compressed message does not inflate"};
    }
    return check_text(from);
}

std::optional<Failure> MessageAssembler::check_text(std::size_t from) {
    if (message_.binary) return std::nullopt;
    std::string_view const fresh = std::string_view(message_.data).substr(from);
    if (!utf8_.feed(fresh)) return Failure{CloseCode::invalid_payload, "text message is not UTF-8"};
    return std::nullopt;
}

Event MessageAssembler::end_frame() {
    FrameHeader const& header = parser_.header();
    if (is_control(header.opcode)) return end_control();
    if (header.fin) return end_message();
    return NeedMore{};
}

Event MessageAssembler::end_control() {
    switch (parser_.header().opcode) {
    case Opcode::ping: return Ping{std::move(control_)};
    case Opcode::pong: return Pong{std::move(control_)};
    default: break;
    }
    Event event = parse_close(control_);
    if (auto const* failure = std::get_if<Failure>(&event)) return fail(*failure);
    return event;
}

// RFC 7692 7.2.2: the sender stripped the sync flush's tail, so it is appended before the last
// inflate (inflate() skips it after a final block). A compressed message with no payload at all
// (an empty message is the byte 00 when compressed, but a sender may skip even that) is empty:
// the tail alone is no whole block, and would leave the inflater inside one for the next message.
Event MessageAssembler::end_message() {
    if (compressed_) {
        if (wire_size_ > 0) {
            if (auto failure = inflate(compress::sync_flush_tail)) return fail(*failure);
        }
        if (reset_after_message_ || decoder_->finished()) decoder_->reset();
    }
    if (!message_.binary && !utf8_.complete()) return fail({CloseCode::invalid_payload, "text message is not UTF-8"});
    in_message_ = false;
    compressed_ = false;
    Message message = std::move(message_);
    message_ = Message{};
    return message;
}

Event MessageAssembler::fail(Failure failure) {
    failure_ = failure;
    return failure;
}

}  // namespace tern::websocket
