#pragma once
// The websocket layer: every public header of it.
