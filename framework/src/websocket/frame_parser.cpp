#include <tern/websocket/frame_parser.hpp>

#include <tern/websocket/masking.hpp>

#include <algorithm>
#include <cstring>

namespace tern::websocket {

namespace {

constexpr std::uint8_t fin_bit = 0x80;
constexpr std::uint8_t rsv1_bit = 0x40;
constexpr std::uint8_t rsv2_bit = 0x20;
constexpr std::uint8_t rsv3_bit = 0x10;
constexpr std::uint8_t mask_bit = 0x80;

bool known_opcode(std::uint8_t opcode) noexcept {
    return opcode <= 2 || (opcode >= 8 && opcode <= 10);
}

// The header's full size, known from its first two bytes.
std::size_t header_size(std::uint8_t second) noexcept {
    std::size_t const len7 = second & 0x7f;
    std::size_t const extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    return 2 + extended + ((second & mask_bit) ? 4 : 0);
}

std::uint64_t big_endian(std::uint8_t const* bytes, std::size_t count) noexcept {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < count; ++i) value = (value << 8) | bytes[i];
    return value;
}

}  // namespace

FrameParser::Step FrameParser::parse(std::string_view& in, std::string& payload) {
    switch (state_) {
    case State::header: return read_header(in);
    case State::payload: return read_payload(in, payload);
    case State::failed: break;
    }
    return Step::failed;
}

FrameParser::Step FrameParser::fail(Failure failure) noexcept {
    state_ = State::failed;
    failure_ = failure;
    return Step::failed;
}

// Takes header bytes until the header is whole. The rules that the first two bytes decide are
// checked as soon as they are in, so a bad frame fails before its length and key arrive.
FrameParser::Step FrameParser::read_header(std::string_view& in) {
    while (!in.empty()) {
        std::size_t const want = raw_size_ < 2 ? 2 : header_size(raw_[1]);
        std::size_t const take = std::min(want - raw_size_, in.size());
        std::memcpy(raw_.data() + raw_size_, in.data(), take);
        raw_size_ += take;
        in.remove_prefix(take);
        if (raw_size_ < want) return Step::need_more;
        if (want == 2) {
            header_.fin = raw_[0] & fin_bit;
            header_.rsv1 = raw_[0] & rsv1_bit;
            header_.opcode = static_cast<Opcode>(raw_[0] & 0x0f);
            header_.masked = raw_[1] & mask_bit;
            header_.length = raw_[1] & 0x7f;
            if (auto failure = check_header()) return fail(*failure);
            if (header_size(raw_[1]) > 2) continue;
        }
        if (auto failure = decode_header()) return fail(*failure);
        raw_size_ = 0;
        left_ = header_.length;
        offset_ = 0;
        state_ = State::payload;
        return Step::header;
    }
    return Step::need_more;
}

// The rules of RFC 6455 5.2, 5.5 and 5.1 and RFC 7692 6.1 that the first two bytes settle.
// `header_.length` holds the 7-bit length here.
std::optional<Failure> FrameParser::check_header() const noexcept {
    if (raw_[0] & (rsv2_bit | rsv3_bit)) return Failure{CloseCode::protocol_error, "reserved bits RSV2/RSV3 set"};
    if (!known_opcode(raw_[0] & 0x0f)) return Failure{CloseCode::protocol_error, "reserved opcode"};
    bool const control = is_control(header_.opcode);
    if (header_.rsv1) {
        if (!options_.deflate) return Failure{CloseCode::protocol_error, "RSV1 set without permessage-deflate"};
        if (control || header_.opcode == Opcode::continuation) {
            return Failure{CloseCode::protocol_error, "RSV1 set on a frame that does not start a message"};
        }
    }
    if (control && !header_.fin) return Failure{CloseCode::protocol_error, "fragmented control frame"};
    if (control && header_.length > max_control_payload) {
        return Failure{CloseCode::protocol_error, "control frame payload over 125 bytes"};
    }
    if (options_.role == Role::server && !header_.masked) {
        return Failure{CloseCode::protocol_error, "unmasked frame from a client"};
    }
    if (options_.role == Role::client && header_.masked) {
        return Failure{CloseCode::protocol_error, "masked frame from a server"};
    }
    return std::nullopt;
}

// The extended length and the mask key. RFC 6455 5.2: "the minimal number of bytes MUST be
// used to encode the length", and a 64-bit length has its most significant bit clear.
std::optional<Failure> FrameParser::decode_header() noexcept {
    std::size_t const len7 = raw_[1] & 0x7f;
    std::size_t at = 2;
    if (len7 == 126) {
        header_.length = big_endian(raw_.data() + at, 2);
        at += 2;
        if (header_.length < 126) return Failure{CloseCode::protocol_error, "length not minimally encoded"};
    } else if (len7 == 127) {
        header_.length = big_endian(raw_.data() + at, 8);
        at += 8;
        if (header_.length >> 63) return Failure{CloseCode::protocol_error, "64-bit length with the top bit set"};
        if (header_.length <= 0xffff) return Failure{CloseCode::protocol_error, "length not minimally encoded"};
    }
    if (header_.masked) std::memcpy(header_.mask.data(), raw_.data() + at, 4);
    if (header_.length > options_.max_frame_size) return Failure{CloseCode::message_too_big, "frame too big"};
    return std::nullopt;
}

FrameParser::Step FrameParser::read_payload(std::string_view& in, std::string& payload) {
    std::size_t const take = static_cast<std::size_t>(std::min<std::uint64_t>(left_, in.size()));
    if (take > 0) {
        std::size_t const at = payload.size();
        payload.append(in.data(), take);
        if (header_.masked) apply_mask(payload.data() + at, take, header_.mask, offset_);
        in.remove_prefix(take);
        left_ -= take;
        offset_ += take;
    }
    if (left_ > 0) return Step::need_more;
    state_ = State::header;
    return Step::frame_end;
}

}  // namespace tern::websocket
