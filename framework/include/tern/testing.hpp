#pragma once
// The testing layer: the in-process test client and the test server.
