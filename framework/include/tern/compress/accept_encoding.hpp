#pragma once
// Content negotiation on Accept-Encoding (RFC 9110 12.5.3): which coding to answer with.
#include <optional>
#include <span>
#include <string_view>

namespace tern::compress {

/// The content codings the server knows. Brotli has no encoder here; `br` exists so that a
/// precompressed `file.br` can be served to clients that accept it.
enum class Coding { identity, gzip, deflate, br };

/// The coding's token as it appears in Accept-Encoding and Content-Encoding ("gzip"). The view
/// is static.
std::string_view name(Coding coding) noexcept;

/// Chooses the coding for a response from the request's Accept-Encoding value.
///
/// `offered` is what the server can send, in its order of preference; identity is always a
/// candidate (the bytes can be sent as they are), after the offered codings unless `offered`
/// places it. The client's highest q-value wins, and ties go to the server's order.
///
/// The rules of RFC 9110 12.5.3: elements are case-insensitive, `q` goes from 0 to 1 with up to
/// three decimals, q=0 means "not acceptable", `*` stands for every coding the value does not
/// name, "x-gzip" means gzip. Identity is acceptable unless `identity;q=0`, or `*;q=0` without an
/// `identity` element, refuses it; when only implied it ranks below every coding the client named.
/// An element that does not parse (a bad q, an unknown parameter) is ignored, as if absent; if a
/// coding is named twice, the first element counts.
///
/// An empty value means identity only. A request without the header should be passed as an
/// empty value too: RFC 9110 lets the server pick any coding then, but a client that says
/// nothing (curl without --compressed, a health checker) often cannot decode one.
///
/// Returns nullopt when nothing is acceptable, not even identity: the caller answers 406 or, as
/// most servers do, sends identity anyway. The caller adds `Vary: Accept-Encoding`.
std::optional<Coding> negotiate(std::string_view accept_encoding, std::span<Coding const> offered);

/// Whether `coding` is acceptable (q > 0) under the rules of negotiate(): for instance, may a
/// precompressed `file.gz` be served as it is.
bool accepts(std::string_view accept_encoding, Coding coding);

}  // namespace tern::compress
