#include "chaos/network_namespaces.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "support/child_process.hpp"

namespace sf::chaos {
namespace {

const char* const ip_tool = "/usr/sbin/ip";
const char* const tc_tool = "/usr/sbin/tc";

}  // namespace

network_namespaces::network_namespaces(const std::string& tag, int subnet)
    : sim_ns_("sf-sim-" + tag),
      daemon_ns_("sf-daemon-" + tag),
      sim_dev_("sfs" + tag),
      daemon_dev_("sfd" + tag),
      sim_address_(fmt::format("10.213.{}.1", subnet)),
      daemon_address_(fmt::format("10.213.{}.2", subnet)) {
  run({ip_tool, "netns", "del", sim_ns_}, false);
  run({ip_tool, "netns", "del", daemon_ns_}, false);
  run({ip_tool, "netns", "add", sim_ns_});
  run({ip_tool, "netns", "add", daemon_ns_});
  run({ip_tool, "link", "add", sim_dev_, "netns", sim_ns_, "type", "veth", "peer", "name",
       daemon_dev_, "netns", daemon_ns_});
  run({ip_tool, "-n", sim_ns_, "addr", "add", sim_address_ + "/24", "dev", sim_dev_});
  run({ip_tool, "-n", daemon_ns_, "addr", "add", daemon_address_ + "/24", "dev", daemon_dev_});
  for (const auto* ns : {&sim_ns_, &daemon_ns_})
    run({ip_tool, "-n", *ns, "link", "set", "lo", "up"});
  run({ip_tool, "-n", sim_ns_, "link", "set", sim_dev_, "up"});
  run({ip_tool, "-n", daemon_ns_, "link", "set", daemon_dev_, "up"});
}

network_namespaces::~network_namespaces() {
  // Deleting a namespace deletes the veth end in it, and so the pair.
  run({ip_tool, "netns", "del", sim_ns_}, false);
  run({ip_tool, "netns", "del", daemon_ns_}, false);
}

bool network_namespaces::available() {
  return ::geteuid() == 0 && std::filesystem::exists(ip_tool) && std::filesystem::exists(tc_tool);
}

std::vector<std::string> network_namespaces::in_sim(std::vector<std::string> argv) const {
  argv.insert(argv.begin(), {ip_tool, "netns", "exec", sim_ns_});
  return argv;
}

std::vector<std::string> network_namespaces::in_daemon(std::vector<std::string> argv) const {
  argv.insert(argv.begin(), {ip_tool, "netns", "exec", daemon_ns_});
  return argv;
}

void network_namespaces::set_link(bool up) {
  run({ip_tool, "-n", sim_ns_, "link", "set", sim_dev_, up ? "up" : "down"});
}

void network_namespaces::squeeze(const std::string& rate) {
  run({tc_tool, "-n", sim_ns_, "qdisc", "add", "dev", sim_dev_, "root", "tbf", "rate", rate,
       "burst", "8kb", "latency", "2s"});
}

void network_namespaces::unsqueeze() {
  run({tc_tool, "-n", sim_ns_, "qdisc", "del", "dev", sim_dev_, "root"});
}

void network_namespaces::run(const std::vector<std::string>& argv, bool must_succeed) {
  const auto err =
      std::filesystem::temp_directory_path() / fmt::format("steadyfeed-netns-{}.err", ::getpid());
  test::child_process p(argv, "/dev/null", err);
  const auto status = p.wait(std::chrono::seconds{10});
  const std::string text = test::read_file(err);
  std::filesystem::remove(err);
  if (must_succeed && status != 0) {
    std::string command;
    for (const auto& a : argv) command += (command.empty() ? "" : " ") + a;
    throw std::runtime_error(fmt::format("'{}' failed: {}", command, text));
  }
}

}  // namespace sf::chaos
