#pragma once
// detail::FormBuilder: the MultipartSink behind read_form, which turns parts into a Form and
// decides which uploads go to disk. Private to the forms layer (and its white-box tests).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <tern/core/file.hpp>
#include <tern/core/task.hpp>
#include <tern/forms/form.hpp>
#include <tern/forms/limits.hpp>
#include <tern/forms/multipart.hpp>

namespace tern::forms::detail {

/// Keeps fields and small files in memory and queues the bytes of large files; flush() then
/// writes the queue to temporary files. The sink callbacks cannot await, hence the split: the
/// caller feeds the parser one bounded chunk, then awaits flush(), so the queue never holds
/// more than one chunk plus one file's in-memory prefix (at most spill_threshold).
/// A file goes to disk once it passes spill_threshold, or when keeping it would pass
/// max_in_memory_bytes; a field that would pass max_in_memory_bytes is a FormError 413.
/// Until take(), the builder owns the temporary files: destroying it removes them.
class FormBuilder final : public MultipartSink {
public:
    explicit FormBuilder(FormLimits const& limits) : limits_(limits) {}

    void part_begin(PartHead const& head) override;
    void part_data(std::string_view bytes) override;
    void part_end() override;

    /// Writes what the parts since the last flush queued for temporary files. The builder
    /// must outlive the await. Throws fs::Error.
    Task<void> flush();
    /// The finished form; the builder is empty afterwards.
    Form take();

private:
    struct QueuedWrite {
        std::size_t file;   // index into files_
        std::string bytes;
        bool last;          // the file's part has ended: close it after this write
    };

    void field_data(std::string_view bytes);
    void file_data(std::string_view bytes);
    void keep(std::string& content, std::string_view bytes) const;
    void queue(std::string_view bytes);

    FormLimits limits_;
    Form::Fields fields_;
    std::vector<UploadFile> files_;
    bool in_file_ = false;    // the current part is a file (files_.back())
    bool spilling_ = false;   // ... and its bytes go to a temporary file
    std::size_t in_memory_ = 0;
    std::vector<QueuedWrite> queue_;
    // The temporary file being written, declared after files_ so that it is closed before
    // a failed form's files are removed.
    fs::File temp_;
    std::size_t temp_owner_ = 0;   // index into files_ of temp_'s file
    std::uint64_t temp_offset_ = 0;
};

}  // namespace tern::forms::detail
