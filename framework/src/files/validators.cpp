#include <tern/files/validators.hpp>

#include <array>
#include <charconv>
#include <chrono>

#include "text.hpp"

namespace tern::files {

namespace {

using namespace std::chrono;

constexpr std::array<std::string_view, 7> day_names{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> long_day_names{"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                         "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> month_names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// The first and last second an HTTP-date can write (four-digit years).
constexpr std::int64_t first_date = sys_seconds{sys_days{year{0} / January / 1}}.time_since_epoch().count();
constexpr std::int64_t last_date = sys_seconds{sys_days{year{10000} / January / 1}}.time_since_epoch().count() - 1;

std::int64_t clamp_date(std::int64_t unix_seconds) noexcept {
    return unix_seconds < first_date ? first_date : unix_seconds > last_date ? last_date : unix_seconds;
}

void append_hex(std::string& out, std::uint64_t value) {
    std::array<char, 16> digits{};
    auto const end = std::to_chars(digits.data(), digits.data() + digits.size(), value, 16).ptr;
    out.append(digits.data(), end);
}

}  // namespace

std::string strong_etag(fs::Stat const& st) {
    // Unsigned arithmetic: a negative or far-future mtime wraps instead of overflowing.
    std::uint64_t const mtime_ns =
        static_cast<std::uint64_t>(st.mtime_sec) * 1'000'000'000u + static_cast<std::uint64_t>(st.mtime_nsec);
    std::string tag;
    tag.reserve(3 * 16 + 4);   // made once: three 64-bit numbers in hex, two dashes and the quotes
    tag += '"';
    append_hex(tag, st.size);
    tag += '-';
    append_hex(tag, mtime_ns);
    tag += '-';
    append_hex(tag, st.inode);
    tag += '"';
    return tag;
}

// Written digit by digit rather than by snprintf, whose format parsing cost ~2,800 instructions
// per file response, a twelfth of a 304's (callgrind, bench/route_instructions.sh).
std::string http_date(std::int64_t unix_seconds) {
    sys_seconds const t{seconds{clamp_date(unix_seconds)}};
    auto const day = floor<days>(t);
    year_month_day const ymd{day};
    hh_mm_ss const time{t - day};
    std::string text(29, ' ');   // "Sun, 06 Nov 1994 08:49:37 GMT"
    char* at = text.data();
    auto const put = [&at](std::string_view s) {
        for (char c : s) *at++ = c;
    };
    auto const digits = [&at](unsigned value, int count) {
        for (int i = count - 1; i >= 0; --i, value /= 10) at[i] = static_cast<char>('0' + value % 10);
        at += count;
    };
    put(day_names[weekday{day}.c_encoding()]);
    put(", ");
    digits(static_cast<unsigned>(ymd.day()), 2);
    put(" ");
    put(month_names[static_cast<unsigned>(ymd.month()) - 1]);
    put(" ");
    digits(static_cast<unsigned>(static_cast<int>(ymd.year())), 4);   // clamped to 0..9999
    put(" ");
    digits(static_cast<unsigned>(time.hours().count()), 2);
    put(":");
    digits(static_cast<unsigned>(time.minutes().count()), 2);
    put(":");
    digits(static_cast<unsigned>(time.seconds().count()), 2);
    put(" GMT");
    return text;
}

namespace {

struct DateParts {
    int year = 0;
    int month = 0;   // 1-12
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
};

// time-of-day = hour ":" minute ":" second; a second of 60 is a leap second.
bool read_time(Cursor& in, DateParts& d) {
    auto const h = in.digits(2);
    if (!h || !in.literal(":")) return false;
    auto const m = in.digits(2);
    if (!m || !in.literal(":")) return false;
    auto const s = in.digits(2);
    if (!s || *h > 23 || *m > 59 || *s > 60) return false;
    d.hour = *h;
    d.minute = *m;
    d.second = *s;
    return true;
}

bool read_month(Cursor& in, DateParts& d) {
    int const index = in.one_of(month_names);
    d.month = index + 1;
    return index >= 0;
}

// IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
bool read_imf_fixdate(Cursor in, DateParts& d) {
    if (in.one_of(day_names) < 0 || !in.literal(", ")) return false;
    auto const day = in.digits(2);
    if (!day || !in.literal(" ") || !read_month(in, d) || !in.literal(" ")) return false;
    auto const year = in.digits(4);
    if (!year || !in.literal(" ") || !read_time(in, d) || !in.literal(" GMT")) return false;
    d.day = *day;
    d.year = *year;
    return in.empty();
}

// The latest year ending in `two_digits` that is at most 50 years after `now_year` (RFC 9110
// 5.6.7: a date more than 50 years in the future is the most recent such year in the past).
int full_year(int two_digits, int now_year) noexcept {
    int const latest = now_year + 50;
    return latest - ((latest - two_digits) % 100 + 100) % 100;
}

// RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`.
bool read_rfc850(Cursor in, DateParts& d, int now_year) {
    if (in.one_of(long_day_names) < 0 || !in.literal(", ")) return false;
    auto const day = in.digits(2);
    if (!day || !in.literal("-") || !read_month(in, d) || !in.literal("-")) return false;
    auto const year = in.digits(2);
    if (!year || !in.literal(" ") || !read_time(in, d) || !in.literal(" GMT")) return false;
    d.day = *day;
    d.year = full_year(*year, now_year);
    return in.empty();
}

// asctime: `Sun Nov  6 08:49:37 1994`, the day two digits or a space and one digit.
bool read_asctime(Cursor in, DateParts& d) {
    if (in.one_of(day_names) < 0 || !in.literal(" ") || !read_month(in, d) || !in.literal(" ")) return false;
    auto const day = in.literal(" ") ? in.digits(1) : in.digits(2);
    if (!day || !in.literal(" ") || !read_time(in, d) || !in.literal(" ")) return false;
    auto const year = in.digits(4);
    if (!year) return false;
    d.day = *day;
    d.year = *year;
    return in.empty();
}

std::optional<std::int64_t> to_unix(DateParts const& d) {
    year_month_day const ymd{year{d.year}, month{static_cast<unsigned>(d.month)}, day{static_cast<unsigned>(d.day)}};
    if (!ymd.ok()) return std::nullopt;
    std::int64_t const midnight = sys_seconds{sys_days{ymd}}.time_since_epoch().count();
    return midnight + d.hour * 3600 + d.minute * 60 + d.second;
}

int year_of(std::int64_t unix_seconds) {
    return static_cast<int>(year_month_day{floor<days>(sys_seconds{seconds{clamp_date(unix_seconds)}})}.year());
}

}  // namespace

std::optional<std::int64_t> parse_http_date(std::string_view text, std::int64_t now_unix_seconds) {
    Cursor const in{trim_ows(text)};
    DateParts d;
    if (read_imf_fixdate(in, d) || read_rfc850(in, d, year_of(now_unix_seconds)) || read_asctime(in, d)) {
        return to_unix(d);
    }
    return std::nullopt;
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
    auto const now = time_point_cast<seconds>(system_clock::now()).time_since_epoch().count();
    return parse_http_date(text, now);
}

namespace {

// The opaque-tag of an entity-tag, quotes included, without its weakness indicator.
std::string_view opaque_tag(std::string_view etag) noexcept {
    if (etag.starts_with("W/")) etag.remove_prefix(2);
    return etag;
}

}  // namespace

bool none_match(std::string_view if_none_match, std::string_view etag) noexcept {
    Cursor in{trim_ows(if_none_match)};
    if (in.rest() == "*") return true;
    std::string_view const ours = opaque_tag(etag);
    bool matched = false;
    bool any = false;
    while (in.skip_list_separators()) {
        auto const tag = in.entity_tag();
        if (!tag) return false;
        any = true;
        matched = matched || opaque_tag(*tag) == ours;
        in.skip_ows();
        if (!in.empty() && !in.literal(",")) return false;
    }
    return any && matched;
}

bool not_modified(std::string_view if_none_match, std::string_view if_modified_since, std::string_view etag,
                  std::int64_t mtime_sec) {
    if (!if_none_match.empty()) return none_match(if_none_match, etag);
    if (if_modified_since.empty()) return false;
    auto const since = parse_http_date(if_modified_since);   // an invalid date is ignored (13.1.3)
    return since && mtime_sec <= *since;
}

}  // namespace tern::files
