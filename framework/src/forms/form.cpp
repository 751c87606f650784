#include <tern/forms/form.hpp>

#include <utility>

namespace tern::forms {

std::string_view Form::field(std::string_view name) const noexcept {
    for (auto const& [key, value] : fields_)
        if (key == name) return value;
    return {};
}

bool Form::has_field(std::string_view name) const noexcept {
    for (auto const& field : fields_)
        if (field.first == name) return true;
    return false;
}

std::vector<std::string_view> Form::field_all(std::string_view name) const {
    std::vector<std::string_view> values;
    for (auto const& [key, value] : fields_)
        if (key == name) values.emplace_back(value);
    return values;
}

UploadFile const* Form::file(std::string_view name) const noexcept {
    for (auto const& file : files_)
        if (file.field_name() == name) return &file;
    return nullptr;
}

UploadFile* Form::file(std::string_view name) noexcept {
    return const_cast<UploadFile*>(std::as_const(*this).file(name));
}

}  // namespace tern::forms
