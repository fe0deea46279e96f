// A fixed-size latency histogram: recording a sample is an index and an
// increment, never an allocation, so it can sit on the path it measures.
//
// Buckets are 100 ns wide up to 1 ms (the range the figures are read in),
// then 100 µs wide up to 1 s; longer samples are counted in the last bucket.
// A percentile is the upper edge of the bucket it falls in: it overstates by
// less than one bucket.
//
// Thread safety: one writer; read after the writer has stopped.
#pragma once

#include <array>
#include <cstdint>

namespace sf::bench {

class latency_histogram {
 public:
  void add(std::int64_t ns) noexcept {
    if (ns < 0) ns = 0;
    std::size_t i;
    if (ns < fine_limit_ns)
      i = static_cast<std::size_t>(ns / fine_ns);
    else
      i = fine_buckets + static_cast<std::size_t>((ns - fine_limit_ns) / coarse_ns);
    ++counts_[i < counts_.size() ? i : counts_.size() - 1];
    ++total_;
    if (ns > max_) max_ = ns;
  }
  void merge(const latency_histogram& other) noexcept {
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    total_ += other.total_;
    if (other.max_ > max_) max_ = other.max_;
  }
  std::uint64_t count() const noexcept { return total_; }
  std::int64_t max_ns() const noexcept { return max_; }

  // The `p`-th percentile (0 < p ≤ 100) in nanoseconds; 0 without samples.
  std::int64_t percentile_ns(double p) const noexcept {
    if (total_ == 0) return 0;
    const auto rank = static_cast<std::uint64_t>(static_cast<double>(total_) * p / 100.0 + 0.5);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen >= rank && seen > 0) return upper_edge(i);
    }
    return max_;
  }

 private:
  static constexpr std::int64_t fine_ns = 100;
  static constexpr std::int64_t fine_limit_ns = 1'000'000;
  static constexpr std::int64_t coarse_ns = 100'000;
  static constexpr std::size_t fine_buckets = fine_limit_ns / fine_ns;
  static constexpr std::size_t coarse_buckets = (1'000'000'000 - fine_limit_ns) / coarse_ns;

  static std::int64_t upper_edge(std::size_t i) noexcept {
    if (i < fine_buckets) return static_cast<std::int64_t>(i + 1) * fine_ns;
    return fine_limit_ns + static_cast<std::int64_t>(i - fine_buckets + 1) * coarse_ns;
  }

  std::array<std::uint64_t, fine_buckets + coarse_buckets> counts_{};
  std::uint64_t total_ = 0;
  std::int64_t max_ = 0;
};

}  // namespace sf::bench
