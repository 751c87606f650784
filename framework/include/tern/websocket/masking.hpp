#pragma once
// RFC 6455 5.3's masking: the XOR of a 4-byte key over a payload, its own inverse.
#include <tern/websocket/frame.hpp>

#include <cstddef>
#include <cstdint>

namespace tern::websocket {

/// XORs `key` over the `size` bytes at `bytes`, in place, the first of them with the key's
/// byte `phase % 4`: `phase` is how many payload bytes came before, so a payload may be
/// (un)masked in pieces as it arrives.
void apply_mask(char* bytes, std::size_t size, MaskKey const& key, std::uint64_t phase) noexcept;

}  // namespace tern::websocket
