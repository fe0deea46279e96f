// Two network namespaces joined by a veth pair, for faults loopback cannot
// show: a link that goes down without a FIN or RST, and a bandwidth squeeze.
// The simulator runs in one, the daemon in the other; each sees only the
// other's address (10.213.<n>.1 and .2), so nothing leaves the machine.
//
// Needs root (CAP_NET_ADMIN) and the `ip` and `tc` tools; `available()` says
// whether this machine has them. The namespaces and the pair are deleted by
// the destructor, and stale ones of the same name are deleted first.
//
// Thread safety: none.
#pragma once

#include <string>
#include <vector>

namespace sf::chaos {

class network_namespaces {
 public:
  // `tag` makes the names unique per runner (e.g. its pid); `subnet` picks
  // 10.213.<subnet>.0/24. Throws std::runtime_error naming the failed command.
  network_namespaces(const std::string& tag, int subnet);
  ~network_namespaces();
  network_namespaces(const network_namespaces&) = delete;
  network_namespaces& operator=(const network_namespaces&) = delete;

  // Whether namespaces can be made here (root, ip and tc present).
  static bool available();

  // argv prefixed to run a program inside the simulator's or daemon's namespace.
  std::vector<std::string> in_sim(std::vector<std::string> argv) const;
  std::vector<std::string> in_daemon(std::vector<std::string> argv) const;
  const std::string& sim_address() const noexcept { return sim_address_; }

  // The simulator's end of the pair goes down (packets vanish both ways) or up.
  void set_link(bool up);
  // A token-bucket filter on the simulator's end: `rate` such as "200kbit".
  void squeeze(const std::string& rate);
  void unsqueeze();

 private:
  void run(const std::vector<std::string>& argv, bool must_succeed = true);

  std::string sim_ns_, daemon_ns_, sim_dev_, daemon_dev_, sim_address_, daemon_address_;
};

}  // namespace sf::chaos
