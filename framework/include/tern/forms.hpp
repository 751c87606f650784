#pragma once
// The forms layer: every public header of it.
#include <tern/forms/error.hpp>
#include <tern/forms/form.hpp>
#include <tern/forms/limits.hpp>
#include <tern/forms/multipart.hpp>
#include <tern/forms/read_form.hpp>
#include <tern/forms/upload_file.hpp>
#include <tern/forms/urlencoded.hpp>
