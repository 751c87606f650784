#pragma once
// The files layer: every public header of it.
#include <tern/files/content_type.hpp>
#include <tern/files/ranges.hpp>
#include <tern/files/safe_path.hpp>
#include <tern/files/validators.hpp>
