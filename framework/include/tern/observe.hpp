#pragma once
// What tern tells you about a running server that is not HTTP itself: the loop-stall
// detector's modes. Metrics and the access log are switched on through the App (tern/http.hpp).
#include <tern/observe/stall.hpp>
