#include <stdexcept>
#include <tern/websocket/frame_writer.hpp>

#include <tern/websocket/masking.hpp>

#include <cassert>
#include <utility>

namespace tern::websocket {

namespace {

// The most reason bytes a close frame holds: 125 less the 2-byte code.
constexpr std::size_t max_close_reason = max_control_payload - 2;

void append_big_endian(std::string& out, std::uint64_t value, int bytes) {
    for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xff));
}

bool is_continuation_byte(char c) noexcept { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; }

}  // namespace

void write_frame_header(std::string& out, FrameHeader const& header) {
    std::uint8_t first = static_cast<std::uint8_t>(header.opcode);
    if (header.fin) first |= 0x80;
    if (header.rsv1) first |= 0x40;
    std::uint8_t const mask_bit = header.masked ? 0x80 : 0;
    out.push_back(static_cast<char>(first));
    if (header.length < 126) {
        out.push_back(static_cast<char>(mask_bit | header.length));
    } else if (header.length <= 0xffff) {
        out.push_back(static_cast<char>(mask_bit | 126));
        append_big_endian(out, header.length, 2);
    } else {
        out.push_back(static_cast<char>(mask_bit | 127));
        append_big_endian(out, header.length, 8);
    }
    if (header.masked) out.append(reinterpret_cast<char const*>(header.mask.data()), header.mask.size());
}

void write_frame(std::string& out, Opcode opcode, std::string_view payload, bool fin, bool rsv1,
                 std::optional<MaskKey> mask) {
    assert(!is_control(opcode) || (fin && payload.size() <= max_control_payload));
    FrameHeader header;
    header.fin = fin;
    header.rsv1 = rsv1;
    header.opcode = opcode;
    header.masked = mask.has_value();
    header.length = payload.size();
    if (mask) header.mask = *mask;
    out.reserve(out.size() + max_header_size + payload.size());
    write_frame_header(out, header);
    std::size_t const at = out.size();
    out.append(payload);
    if (mask) apply_mask(out.data() + at, payload.size(), *mask, 0);
}

std::string_view fit_close_reason(std::string_view reason) noexcept {
    if (reason.size() <= max_close_reason) return reason;
    std::size_t end = max_close_reason;
    // Cutting before a continuation byte would split a code point: back up to its lead byte.
    while (end > 0 && is_continuation_byte(reason[end])) --end;
    return reason.substr(0, end);
}

std::string close_payload(CloseCode code, std::string_view reason) {
    assert(valid_close_code_on_wire(to_int(code)));
    std::string payload;
    append_big_endian(payload, to_int(code), 2);
    payload.append(fit_close_reason(reason));
    return payload;
}

void write_close_frame(std::string& out, CloseCode code, std::string_view reason, std::optional<MaskKey> mask) {
    write_frame(out, Opcode::close, close_payload(code, reason), true, false, mask);
}

MessageWriter::MessageWriter(MessageWriterOptions options) : options_(std::move(options)) {
    assert(options_.role == Role::server || options_.mask_key);
    if (options_.deflate) {
        DeflateParams const& params = *options_.deflate;
        bool const server = options_.role == Role::server;
        window_bits_ = server ? params.server_max_window_bits : params.client_max_window_bits;
        if (window_bits_ < 9 || window_bits_ > 15) throw std::invalid_argument("permessage-deflate: window bits out of 9-15");
        reset_after_message_ = server ? params.server_no_context_takeover : params.client_no_context_takeover;
    }
}

std::optional<MaskKey> MessageWriter::next_mask() {
    if (options_.role == Role::server) return std::nullopt;
    return options_.mask_key();
}

void MessageWriter::write_message(std::string& out, std::string_view data, bool binary, bool compress) {
    Opcode const opcode = binary ? Opcode::binary : Opcode::text;
    if (options_.deflate && compress) {
        write_fragments(out, opcode, deflate_message(data), true);
    } else {
        write_fragments(out, opcode, data, false);
    }
}

// RFC 7692 7.2.1: compress, sync flush, drop the flush's 00 00 ff ff (the receiver puts it
// back). The view points into compressed_, valid until the next message.
std::string_view MessageWriter::deflate_message(std::string_view data) {
    // Made at the first compressed message, not with the writer: a compressor holds ~256 KiB,
    // and most sessions that agree to permessage-deflate sit idle most of the time.
    if (!encoder_) encoder_.emplace(compress::Format::raw, options_.compression_level, window_bits_);
    compressed_.clear();
    encoder_->write(data, compressed_);
    encoder_->flush(compressed_);
    if (compressed_.ends_with(compress::sync_flush_tail)) compressed_.resize(compressed_.size() - 4);
    if (reset_after_message_) encoder_->reset();
    return compressed_;
}

// The message as frames of at most fragment_size bytes: the first with the opcode (and RSV1
// if compressed), the rest continuations, the last with FIN. An empty message is one frame.
void MessageWriter::write_fragments(std::string& out, Opcode opcode, std::string_view payload, bool rsv1) {
    std::size_t const step = options_.fragment_size == 0 ? payload.size() : options_.fragment_size;
    do {
        std::string_view const piece = payload.substr(0, step);
        payload.remove_prefix(piece.size());
        write_frame(out, opcode, piece, payload.empty(), rsv1, next_mask());
        opcode = Opcode::continuation;
        rsv1 = false;
    } while (!payload.empty());
}

void MessageWriter::write_control(std::string& out, Opcode opcode, std::string_view payload) {
    assert(opcode == Opcode::ping || opcode == Opcode::pong);
    write_frame(out, opcode, payload, true, false, next_mask());
}

void MessageWriter::write_close(std::string& out, CloseCode code, std::string_view reason) {
    write_close_frame(out, code, reason, next_mask());
}

void MessageWriter::write_close(std::string& out) { write_frame(out, Opcode::close, "", true, false, next_mask()); }

}  // namespace tern::websocket
