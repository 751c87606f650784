#pragma once
// tern::forms::Form: a parsed form body, its fields and its uploaded files.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tern/forms/upload_file.hpp>

namespace tern::forms {

/// The fields and files of one form body, in the order they arrived, duplicates kept (a
/// multi-select sends its name once per option). It owns everything, including the temporary
/// files of large uploads, which go when it goes. Move-only, because its files are.
class Form {
public:
    using Fields = std::vector<std::pair<std::string, std::string>>;

    Form() = default;
    explicit Form(Fields fields, std::vector<UploadFile> files = {})
        : fields_(std::move(fields)), files_(std::move(files)) {}

    /// Every field that is not a file, as name/value pairs.
    Fields const& fields() const noexcept { return fields_; }
    /// The value of the first field called `name`, or "" when there is none. Valid while the
    /// Form lives.
    std::string_view field(std::string_view name) const noexcept;
    /// True when a field (not a file) called `name` was sent, even with an empty value.
    bool has_field(std::string_view name) const noexcept;
    /// The values of every field called `name`, in order. Valid while the Form lives.
    std::vector<std::string_view> field_all(std::string_view name) const;

    /// Every uploaded file, including those sent with an empty filename and no bytes (what a
    /// browser sends for a file input left empty). Mutable, so that files can be moved out.
    std::vector<UploadFile> const& files() const noexcept { return files_; }
    std::vector<UploadFile>& files() noexcept { return files_; }
    /// The first file sent for field `name`, or null. Valid while the Form and its files()
    /// are left as they are.
    UploadFile const* file(std::string_view name) const noexcept;
    UploadFile* file(std::string_view name) noexcept;

private:
    Fields fields_;
    std::vector<UploadFile> files_;
};

}  // namespace tern::forms
