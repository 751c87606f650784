#include <tern/files/safe_path.hpp>

#include <doctest/doctest.h>

#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>


using tern::files::relative_static_path;

namespace {

std::optional<std::string> refused() { return std::nullopt; }

}  // namespace

TEST_CASE("a plain tail is the relative path, with or without the separator after the prefix") {
    CHECK(relative_static_path("css/site.css") == "css/site.css");
    CHECK(relative_static_path("/css/site.css") == "css/site.css");
    CHECK(relative_static_path("favicon.ico") == "favicon.ico");
}

TEST_CASE("each segment is percent-decoded, and '+' stays a plus") {
    CHECK(relative_static_path("my%20docs/r%C3%A9sum%C3%A9.pdf") == "my docs/r\xC3\xA9sum\xC3\xA9.pdf");
    CHECK(relative_static_path("c++/a+b.txt") == "c++/a+b.txt");
    CHECK(relative_static_path("%41%62c") == "Abc");
}

TEST_CASE("names that merely contain dots are files, not traversal") {
    CHECK(relative_static_path("...") == "...");
    CHECK(relative_static_path("..hidden") == "..hidden");
    CHECK(relative_static_path("a..b/c.d.e") == "a..b/c.d.e");
    CHECK(relative_static_path(".well-known/security.txt") == ".well-known/security.txt");
}

TEST_CASE("a trailing slash asks for a directory and is kept; an empty tail is the root") {
    CHECK(relative_static_path("docs/") == "docs/");
    CHECK(relative_static_path("/docs/api/") == "docs/api/");
    CHECK(relative_static_path("") == "");
    CHECK(relative_static_path("/") == "");
}

TEST_CASE("dot and dot-dot segments are refused, raw or percent-encoded in any case") {
    CHECK(relative_static_path("..") == refused());
    CHECK(relative_static_path("../etc/passwd") == refused());
    CHECK(relative_static_path("css/../../etc/passwd") == refused());
    CHECK(relative_static_path("css/..") == refused());
    CHECK(relative_static_path("./index.html") == refused());
    CHECK(relative_static_path("css/./site.css") == refused());
    CHECK(relative_static_path("%2e%2e/etc/passwd") == refused());
    CHECK(relative_static_path("%2E%2e/etc/passwd") == refused());
    CHECK(relative_static_path(".%2e/etc/passwd") == refused());
    CHECK(relative_static_path("%2e./etc/passwd") == refused());
    CHECK(relative_static_path("%2e/index.html") == refused());
}

TEST_CASE("an encoded slash or backslash cannot make a separator") {
    CHECK(relative_static_path("..%2fetc%2fpasswd") == refused());
    CHECK(relative_static_path("css%2fsite.css") == refused());
    CHECK(relative_static_path("%5c..%5cwindows") == refused());
    CHECK(relative_static_path("..%5c..%5cboot.ini") == refused());
    CHECK(relative_static_path("..\\..\\boot.ini") == refused());
    CHECK(relative_static_path("css\\site.css") == refused());
}

TEST_CASE("NUL and other control characters are refused") {
    CHECK(relative_static_path("index.html%00.png") == refused());
    CHECK(relative_static_path(std::string_view("index\0.html", 11)) == refused());
    CHECK(relative_static_path("a%0d%0aSet-Cookie:x") == refused());
    CHECK(relative_static_path("tab%09name") == refused());
    CHECK(relative_static_path("del%7f") == refused());
}

TEST_CASE("absolute paths and doubled slashes are refused") {
    CHECK(relative_static_path("//etc/passwd") == refused());
    CHECK(relative_static_path("%2fetc/passwd") == refused());
    CHECK(relative_static_path("a//b") == refused());
    CHECK(relative_static_path("a//") == refused());
    CHECK(relative_static_path("//") == refused());
}

TEST_CASE("a segment that starts with a Windows drive is refused") {
    CHECK(relative_static_path("C:/Windows/win.ini") == refused());
    CHECK(relative_static_path("c%3a/boot.ini") == refused());
    CHECK(relative_static_path("files/D:secret") == refused());
    CHECK(relative_static_path("notes:2024.txt") == "notes:2024.txt");
}

TEST_CASE("a bad percent escape is refused") {
    CHECK(relative_static_path("%zz") == refused());
    CHECK(relative_static_path("a%2") == refused());
    CHECK(relative_static_path("a%") == refused());
    CHECK(relative_static_path("%g0/x") == refused());
}

TEST_CASE("under the root means the root itself or below it, by whole segments") {
    using tern::files::is_under_root;
    CHECK(is_under_root("/srv/www", "/srv/www"));
    CHECK(is_under_root("/srv/www", "/srv/www/a.css"));
    CHECK_FALSE(is_under_root("/srv/www", "/srv/www-old/a.css"));
    CHECK_FALSE(is_under_root("/srv/www", "/srv"));
    CHECK_FALSE(is_under_root("/srv/www", "/etc/passwd"));
    CHECK(is_under_root("/", "/etc/passwd"));
}

namespace {

// A served root and things beside it, in a fresh temporary directory:
//   base/secret.txt                  outside the root
//   base/root-old/old.txt            a sibling whose name extends the root's
//   base/root/css/site.css
//   base/root/alias.css   -> css/site.css     (inside: allowed)
//   base/root/escape.txt  -> ../secret.txt    (outside: refused)
//   base/root/absolute    -> base             (a directory outside: refused)
//   base/root/sibling     -> ../root-old      (refused: only a prefix of the name matches)
class Tree {
public:
    Tree() {
        std::string templ = (std::filesystem::temp_directory_path() / "tern_files_XXXXXX").string();
        REQUIRE(mkdtemp(templ.data()) != nullptr);
        base_ = std::filesystem::canonical(templ);
        std::filesystem::create_directories(base_ / "root" / "css");
        std::filesystem::create_directories(base_ / "root-old");
        write(base_ / "secret.txt");
        write(base_ / "root-old" / "old.txt");
        write(base_ / "root" / "css" / "site.css");
        link("css/site.css", base_ / "root" / "alias.css");
        link("../secret.txt", base_ / "root" / "escape.txt");
        link(base_.string(), base_ / "root" / "absolute");
        link("../root-old", base_ / "root" / "sibling");
    }
    ~Tree() { std::filesystem::remove_all(base_); }
    Tree(Tree const&) = delete;
    Tree& operator=(Tree const&) = delete;

    std::string root() const { return (base_ / "root").string(); }

    std::optional<std::string> resolve(std::string_view relative, std::string_view suffix = {}) const {
        return tern::files::resolve_under_root(root(), relative, suffix);
    }

private:
    static void write(std::filesystem::path const& path) { std::ofstream(path) << "x"; }
    static void link(std::string const& target, std::filesystem::path const& at) {
        REQUIRE(symlink(target.c_str(), at.c_str()) == 0);
    }

    std::filesystem::path base_;
};

}  // namespace

TEST_CASE("a file under the root resolves to its real path") {
    Tree const tree;
    CHECK(tree.resolve("css/site.css") == tree.root() + "/css/site.css");
    CHECK(tree.resolve("css/") == tree.root() + "/css");
    CHECK(tree.resolve("") == tree.root());
}

TEST_CASE("a suffix is resolved with the path, as a precompressed twin's \".gz\" is") {
    Tree const tree;
    CHECK(tree.resolve("css/site", ".css") == tree.root() + "/css/site.css");
    CHECK(tree.resolve("css/site.css", ".gz") == refused());
    CHECK(tree.resolve(std::string(PATH_MAX, 'a')) == refused());   // too long to join: not found
}

TEST_CASE("a symlink inside the root that points inside it is followed") {
    Tree const tree;
    CHECK(tree.resolve("alias.css") == tree.root() + "/css/site.css");
}

TEST_CASE("a symlink inside the root that points outside it is refused") {
    Tree const tree;
    CHECK(tree.resolve("escape.txt") == refused());
    CHECK(tree.resolve("absolute/secret.txt") == refused());
    CHECK(tree.resolve("absolute/") == refused());
    CHECK(tree.resolve("sibling/old.txt") == refused());
}

TEST_CASE("a missing file, or a file used as a directory, resolves to nothing") {
    Tree const tree;
    CHECK(tree.resolve("missing.css") == refused());
    CHECK(tree.resolve("css/missing/") == refused());
    CHECK(tree.resolve("css/site.css/") == refused());
}
