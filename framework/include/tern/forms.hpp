#pragma once
// The forms layer: every public header of it.
