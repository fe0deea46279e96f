#include "support/nats_server.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <optional>
#include <regex>
#include <stdexcept>

namespace sf::test {

namespace {

// Debian installs it in /usr/sbin, which a user's PATH may not hold.
std::string program() {
  for (const char* dir : {"/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"}) {
    const auto p = std::filesystem::path(dir) / "nats-server";
    if (std::filesystem::exists(p)) return p.string();
  }
  throw std::runtime_error("nats-server is not installed (scripts/install-deps installs it)");
}

}  // namespace

unsigned short free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("free_port: no loopback port");
  ::close(fd);
  return ntohs(a.sin_port);
}

nats_server::nats_server(std::filesystem::path dir, unsigned short port, std::optional<cluster_member> member,
                         std::vector<std::string> extra)
    : dir_(std::move(dir)), port_(port), member_(std::move(member)), extra_(std::move(extra)) {
  std::filesystem::create_directories(dir_);
  start();
}

nats_server::~nats_server() {
  if (process_) kill();
}

std::string nats_server::url() const { return "nats://127.0.0.1:" + std::to_string(port_); }

int nats_server::pid() const noexcept { return process_ ? process_->pid() : -1; }

void nats_server::start() {
  if (process_) return;
  ++starts_;
  const auto out = dir_ / ("server-" + std::to_string(starts_) + ".log");
  std::vector<std::string> argv{program(), "-js", "-a", "127.0.0.1", "-p",
                                port_ == 0 ? "-1" : std::to_string(port_), "-sd", (dir_ / "store").string()};
  if (member_) {
    argv.insert(argv.end(), {"-n", member_->name, "--cluster_name", "steadyfeed-test", "--cluster",
                             "nats://127.0.0.1:" + std::to_string(member_->cluster_port)});
    std::string routes;
    for (const auto r : member_->routes) routes += (routes.empty() ? "" : ",") + ("nats://127.0.0.1:" + std::to_string(r));
    argv.insert(argv.end(), {"--routes", routes});
  }
  argv.insert(argv.end(), extra_.begin(), extra_.end());
  process_ = std::make_unique<child_process>(argv, out, out);
  static const std::regex listening(R"(Listening for client connections on 127\.0\.0\.1:([0-9]+))");
  const bool ready = poll_until(
      [&] {
        const std::string text = read_file(out);
        std::smatch m;
        if (port_ == 0 && std::regex_search(text, m, listening)) port_ = static_cast<unsigned short>(std::stoi(m[1]));
        return text.find("Server is ready") != std::string::npos || !process_->running();
      },
      std::chrono::seconds{10});
  if (!ready || !process_->running() || port_ == 0) {
    process_.reset();
    throw std::runtime_error("nats-server did not start: " + read_file(out));
  }
}

void nats_server::stop() {
  if (!process_) return;
  process_->signal(SIGTERM);
  process_->wait(std::chrono::seconds{10});
  process_.reset();
}

void nats_server::kill() {
  if (!process_) return;
  process_->signal(SIGKILL);
  process_->wait(std::chrono::seconds{10});
  process_.reset();
}

}  // namespace sf::test

namespace sf::test {

void nats_server::pause() {
  if (!process_) return;
  process_->signal(SIGSTOP);
  // Stopped once the kernel says so (state T in /proc/PID/stat), not when
  // the signal is sent: until then the server still answers.
  const std::string stat = "/proc/" + std::to_string(process_->pid()) + "/stat";
  poll_until(
      [&] {
        const std::string text = read_file(stat);
        const auto end = text.rfind(')');
        return end != std::string::npos && end + 2 < text.size() && text[end + 2] == 'T';
      },
      std::chrono::seconds{2});
}

void nats_server::resume() {
  if (process_) process_->signal(SIGCONT);
}

}  // namespace sf::test
