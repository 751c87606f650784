#include <tern/websocket/masking.hpp>

#include <cstring>

namespace tern::websocket {

void apply_mask(char* bytes, std::size_t size, MaskKey const& key, std::uint64_t phase) noexcept {
    // Rotate the key to the phase once, then XOR whole 8-byte words: browsers mask every frame,
    // so a megabyte message is unmasked a word (and, vectorised, several words) at a time.
    std::uint8_t rotated[8];
    for (std::size_t i = 0; i < 8; ++i) rotated[i] = key[(phase + i) % 4];
    std::uint64_t word_key;
    std::memcpy(&word_key, rotated, 8);
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, bytes + i, 8);
        word ^= word_key;
        std::memcpy(bytes + i, &word, 8);
    }
    for (; i < size; ++i) bytes[i] = static_cast<char>(bytes[i] ^ rotated[i % 8]);
}

}  // namespace tern::websocket
