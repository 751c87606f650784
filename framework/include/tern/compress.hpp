#pragma once
// The compress layer: every public header of it.
#include <tern/compress/accept_encoding.hpp>
#include <tern/compress/compressible.hpp>
#include <tern/compress/decoder.hpp>
#include <tern/compress/encoder.hpp>
#include <tern/compress/error.hpp>
#include <tern/compress/format.hpp>
