#include "form_builder.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

#include <tern/forms/error.hpp>

namespace tern::forms::detail {

void FormBuilder::part_begin(PartHead const& head) {
    in_file_ = head.is_file();
    spilling_ = false;
    if (in_file_) files_.emplace_back(head.name, head.filename.value_or(""), head.content_type, std::string{});
    else fields_.emplace_back(head.name, std::string{});
}

void FormBuilder::part_data(std::string_view bytes) {
    if (in_file_) file_data(bytes);
    else field_data(bytes);
}

void FormBuilder::part_end() {
    if (!in_file_ || !spilling_) return;
    if (queue_.empty() || queue_.back().file != files_.size() - 1) queue_.push_back({files_.size() - 1, {}, false});
    queue_.back().last = true;
}

void FormBuilder::field_data(std::string_view bytes) {
    if (bytes.size() > limits_.max_in_memory_bytes - in_memory_)
        throw FormError(413, "form fields are larger than " + std::to_string(limits_.max_in_memory_bytes) + " bytes in all");
    fields_.back().second.append(bytes);
    in_memory_ += bytes.size();
}

void FormBuilder::file_data(std::string_view bytes) {
    UploadFile& file = files_.back();
    file.size_ += bytes.size();
    if (spilling_) {
        queue(bytes);
        return;
    }
    if (file.size_ <= limits_.spill_threshold && bytes.size() <= limits_.max_in_memory_bytes - in_memory_) {
        keep(file.content_, bytes);
        in_memory_ += bytes.size();
        return;
    }
    // To disk from now on: what was in memory becomes the first write, as it is (appending
    // the new bytes to it could reallocate, holding two copies of up to spill_threshold).
    spilling_ = true;
    in_memory_ -= file.content_.size();
    queue_.push_back({files_.size() - 1, std::exchange(file.content_, {}), false});
    queue_.push_back({files_.size() - 1, {}, false});
    queue(bytes);
}

// Appends to an in-memory file, growing its capacity no further than the spill threshold (a
// string doubling on its own could reach twice the threshold).
void FormBuilder::keep(std::string& content, std::string_view bytes) const {
    std::size_t const needed = content.size() + bytes.size();
    if (needed > content.capacity()) content.reserve(std::min(std::max(needed, 2 * content.capacity()), limits_.spill_threshold));
    content.append(bytes);
}

// Appends to the current file's last queued write when there is one, so that a chunk makes
// one write per file, not one per part_data call.
void FormBuilder::queue(std::string_view bytes) {
    std::size_t const file = files_.size() - 1;
    if (!queue_.empty() && queue_.back().file == file) queue_.back().bytes.append(bytes);
    else queue_.push_back({file, std::string(bytes), false});
}

Task<void> FormBuilder::flush() {
    std::vector<QueuedWrite> writes = std::exchange(queue_, {});
    for (QueuedWrite& write : writes) {
        assert(!temp_.is_open() || temp_owner_ == write.file);   // a file's part ends before the next begins
        if (!temp_.is_open()) {
            temp_ = co_await fs::File::create_temp(std::string(limits_.temp_dir) + "/tern-upload-");
            UploadFile& file = files_[write.file];
            file.path_ = temp_.path();   // owned from now on: removed if anything below fails
            file.owns_file_ = true;
            temp_owner_ = write.file;
            temp_offset_ = 0;
        }
        co_await temp_.write_all(temp_offset_, write.bytes);
        temp_offset_ += write.bytes.size();
        std::string{}.swap(write.bytes);
        if (write.last) co_await temp_.close();
    }
}

Form FormBuilder::take() { return Form(std::move(fields_), std::move(files_)); }

}  // namespace tern::forms::detail
