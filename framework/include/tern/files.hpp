#pragma once
// The files layer: every public header of it.
