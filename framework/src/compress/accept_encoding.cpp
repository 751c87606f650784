#include <tern/compress/accept_encoding.hpp>

#include <algorithm>
#include <optional>

namespace tern::compress {

namespace {

// A client's weight for one coding, in thousandths of q. `refused` is q=0 or not acceptable at
// all; `implied` is identity that no element named: acceptable, but below every named coding.
constexpr int refused = -1;
constexpr int implied = 0;

bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
    return s;
}

bool is_tchar(char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) noexcept { return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar); }

char to_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// `lower` is already lower case.
bool iequals(std::string_view s, std::string_view lower) noexcept {
    return s.size() == lower.size() && std::equal(s.begin(), s.end(), lower.begin(), [](char a, char b) {
               return to_lower(a) == b;
           });
}

bool all_digits(std::string_view s, char only = 0) noexcept {
    return std::all_of(s.begin(), s.end(), [only](char c) { return only ? c == only : c >= '0' && c <= '9'; });
}

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), as thousandths.
std::optional<int> parse_qvalue(std::string_view s) noexcept {
    if (s.empty() || (s[0] != '0' && s[0] != '1')) return std::nullopt;
    std::string_view fraction = s.substr(1);
    if (!fraction.empty()) {
        if (fraction[0] != '.') return std::nullopt;
        fraction.remove_prefix(1);
    }
    if (fraction.size() > 3) return std::nullopt;
    if (s[0] == '1') return all_digits(fraction, '0') ? std::optional<int>(1000) : std::nullopt;
    if (!all_digits(fraction)) return std::nullopt;
    int thousandths = 0;
    for (std::size_t i = 0; i < 3; ++i) thousandths = thousandths * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
    return thousandths;
}

// What follows the coding: nothing (q=1) or `OWS ";" OWS "q=" qvalue OWS`.
std::optional<int> parse_weight(std::string_view rest) noexcept {
    rest = trim(rest);
    if (rest.empty()) return 1000;
    if (rest[0] != ';') return std::nullopt;
    rest = trim(rest.substr(1));
    if (rest.size() < 2 || to_lower(rest[0]) != 'q' || rest[1] != '=') return std::nullopt;
    return parse_qvalue(rest.substr(2));
}

// The first element for each coding tern knows, and for `*`.
struct Preferences {
    std::optional<int> identity, gzip, deflate, br, any;
};

std::optional<int>* slot_for(Preferences& prefs, std::string_view coding) noexcept {
    if (coding == "*") return &prefs.any;
    if (iequals(coding, "identity")) return &prefs.identity;
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) return &prefs.gzip;
    if (iequals(coding, "deflate")) return &prefs.deflate;
    if (iequals(coding, "br")) return &prefs.br;
    return nullptr;  // a coding tern cannot send (compress, zstd): it changes nothing
}

void add_element(Preferences& prefs, std::string_view element) noexcept {
    std::size_t const end = std::min(element.find(';'), element.size());
    std::string_view const coding = trim(element.substr(0, end));
    if (!is_token(coding)) return;
    std::optional<int> const q = parse_weight(element.substr(end));
    if (!q) return;
    std::optional<int>* slot = slot_for(prefs, coding);
    if (slot != nullptr && !slot->has_value()) *slot = *q;
}

// The list rule (RFC 9110 5.6.1) allows empty elements: ", , gzip" names only gzip.
Preferences parse(std::string_view value) noexcept {
    Preferences prefs;
    while (!value.empty()) {
        std::size_t const comma = std::min(value.find(','), value.size());
        add_element(prefs, value.substr(0, comma));
        value.remove_prefix(std::min(comma + 1, value.size()));
    }
    return prefs;
}

int weight(Preferences const& prefs, Coding coding) noexcept {
    std::optional<int> named;
    switch (coding) {
    case Coding::identity: named = prefs.identity; break;
    case Coding::gzip: named = prefs.gzip; break;
    case Coding::deflate: named = prefs.deflate; break;
    case Coding::br: named = prefs.br; break;
    }
    std::optional<int> const q = named ? named : prefs.any;
    if (q) return *q > 0 ? *q : refused;
    return coding == Coding::identity ? implied : refused;
}

}  // namespace

std::string_view name(Coding coding) noexcept {
    switch (coding) {
    case Coding::identity: return "identity";
    case Coding::gzip: return "gzip";
    case Coding::deflate: return "deflate";
    case Coding::br: return "br";
    }
    return "identity";
}

std::optional<Coding> negotiate(std::string_view accept_encoding, std::span<Coding const> offered) {
    Preferences const prefs = parse(accept_encoding);
    std::optional<Coding> best;
    int best_weight = refused;
    auto consider = [&](Coding coding) {
        int const w = weight(prefs, coding);
        if (w > best_weight) {  // strictly: on a tie the server's earlier choice stays
            best = coding;
            best_weight = w;
        }
    };
    std::for_each(offered.begin(), offered.end(), consider);
    if (std::find(offered.begin(), offered.end(), Coding::identity) == offered.end()) consider(Coding::identity);
    return best;
}

bool accepts(std::string_view accept_encoding, Coding coding) {
    return weight(parse(accept_encoding), coding) != refused;
}

}  // namespace tern::compress
