#pragma once
// How App::static_files serves a directory.
#include <string>

namespace tern {

struct StaticOptions {
    /// The file served for a directory's URL (`/assets/` -> `/assets/index.html`); "" for none.
    std::string index = "index.html";
    /// Lists a directory that has no index file, as a small HTML page (off: 403, as nginx).
    bool listing = false;
    /// Serves `name.gz` beside `name`, when present, to clients that accept gzip (nginx's
    /// gzip_static), with the original Content-Type and `Vary: Accept-Encoding`.
    bool precompressed = true;
    /// Serves names that start with '.' (`.env`, `.git/config`); off, they are 404, since a
    /// deployed directory's dotfiles are more often secrets than content.
    bool hidden = false;
    /// Sent as Cache-Control when not empty ("public, max-age=3600").
    std::string cache_control{};
};

}  // namespace tern
