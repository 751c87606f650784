#pragma once
// The compress layer: every public header of it.
