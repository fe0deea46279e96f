// The process's CPU time and context switches (getrusage), for figures that
// are CPU per unit of work: on a machine shared with other work, wall time
// swings with the load while CPU time per message stays put.
#pragma once

#include <sys/resource.h>

namespace sf::bench {

struct process_usage {
  double cpu_seconds = 0;              // user + system, every thread of the process
  long voluntary_switches = 0;         // a thread went to sleep (a wake-up follows)
  long involuntary_switches = 0;       // a thread was preempted

  static process_usage now() noexcept {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    process_usage out;
    out.cpu_seconds = static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
                      static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
    out.voluntary_switches = u.ru_nvcsw;
    out.involuntary_switches = u.ru_nivcsw;
    return out;
  }
  process_usage operator-(const process_usage& earlier) const noexcept {
    return {cpu_seconds - earlier.cpu_seconds, voluntary_switches - earlier.voluntary_switches,
            involuntary_switches - earlier.involuntary_switches};
  }
};

}  // namespace sf::bench
