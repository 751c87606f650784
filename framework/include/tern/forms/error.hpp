#pragma once
// tern::forms::FormError: why a form body was refused, and the HTTP status that says so.
#include <stdexcept>
#include <string>

namespace tern::forms {

/// A form body that cannot be accepted. status() is the answer the http layer sends: 400 for a
/// malformed body, 413 for one past a FormLimits limit, 415 for a Content-Type that is not a
/// form. what() names the problem precisely enough for the client to fix it, e.g.
/// `multipart part 3: header line without ':'` or `field 'bio' is larger than 65536 bytes`.
class FormError : public std::runtime_error {
public:
    FormError(int status, std::string const& message) : std::runtime_error(message), status_(status) {}
    int status() const noexcept { return status_; }

private:
    int status_;
};

}  // namespace tern::forms
