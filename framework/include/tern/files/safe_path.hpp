#pragma once
// Turning the URL tail after a static prefix into a file under the served root, refusing
// every shape that could climb out of it (path traversal, CWE-22).
#include <optional>
#include <string>
#include <string_view>


namespace tern::files {

/// Decodes `raw_tail`, the still percent-encoded part of a URL path after a static prefix
/// (`css/site.css` or `/css/site.css`: one leading '/' is the separator after the prefix), and
/// returns the relative path it names, its segments decoded and joined with '/'.
///
/// Each segment is decoded on its own, after splitting, so that `%2f` cannot make a separator
/// and `%2e%2e` cannot make a `..` that a check before decoding would miss. Refused (nullopt):
/// a decoded segment that is `.` or `..`, holds '/', '\\' (a separator on Windows and in some
/// proxies), NUL (which ends the name in the C library) or another control character, starts
/// with a drive (`C:`), or is empty (`a//b`, or `//etc/passwd`: an absolute path), and any bad
/// percent escape (`%zz`, `%2`).
///
/// A single trailing '/' asks for a directory, and is kept (`docs/`) so that the caller can
/// look for its index file; "" is the root directory itself. The result never starts with '/'.
std::optional<std::string> relative_static_path(std::string_view raw_tail);

/// Whether `real_path` is `root` or lies below it, comparing whole segments: `/srv/www-old`
/// is not under `/srv/www`. Both must be canonical (realpath(3)): no `..`, no symlinks.
bool is_under_root(std::string_view root, std::string_view real_path) noexcept;

/// Resolves `relative` (from relative_static_path) followed by `suffix` (".gz" for a file's
/// precompressed twin) under `root_realpath`, which must already be canonical (fs::realpath of
/// the configured root, taken once at start-up), and returns the canonical path of the file,
/// or nullopt when it is not servable: missing, reached through a symlink that leads outside
/// the root, or unresolvable for any other reason (a loop of symlinks, no permission, longer
/// than PATH_MAX). Every such case is "not found" to a client; telling them apart would reveal
/// what exists outside or in unreadable parts of the tree.
///
/// Blocking (realpath(3)): call it on a worker thread, with the file calls that follow it.
/// Allocates only the answer.
std::optional<std::string> resolve_under_root(std::string_view root_realpath, std::string_view relative,
                                              std::string_view suffix = {});

}  // namespace tern::files
