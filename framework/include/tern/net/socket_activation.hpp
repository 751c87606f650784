#pragma once
// systemd's socket activation, read by hand (the protocol is three environment variables).
#include <vector>

namespace tern {

/// The listening sockets passed to this process by systemd, or by any launcher speaking its
/// protocol (sd_listen_fds(3)): when LISTEN_PID is this process's pid, LISTEN_FDS descriptors
/// starting at 3. Empty when the variables are absent or meant for another process. Unsets
/// LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES in every case, so that children do not inherit
/// them, and marks the descriptors close-on-exec. The caller owns the descriptors.
/// Throws std::system_error when a variable is malformed or a descriptor is not a listening
/// IPv4 or IPv6 TCP socket (a misconfigured unit should fail loudly, not bind elsewhere).
/// Call before starting threads: it changes the environment.
std::vector<int> take_activated_sockets();

}  // namespace tern
