#pragma once
// Latency histogram with log-linear buckets (HdrHistogram's idea, small):
// exact below 128 ns, then 64 buckets per power of two, so any percentile is
// within 1.6 % of the true value. Recording is an increment; one per thread,
// merged at the end.
#include <array>
#include <cstdint>

namespace bench {

class LatencyHistogram {
public:
    void record(uint64_t nanos) {
        ++counts_[index_of(nanos)];
        ++total_;
        if (nanos > max_) max_ = nanos;
        sum_ += nanos;
    }
    void merge(const LatencyHistogram& other);

    uint64_t count() const { return total_; }
    uint64_t max_nanos() const { return max_; }
    double mean_nanos() const { return total_ ? static_cast<double>(sum_) / static_cast<double>(total_) : 0; }
    // The smallest recorded value v with at least q of all samples <= v
    // (q in [0, 1]), as the midpoint of v's bucket; 0 when empty.
    uint64_t quantile_nanos(double q) const;

private:
    static constexpr int kSubBits = 6;  // 64 sub-buckets per power of two
    static constexpr int kLinear = 2 << kSubBits;  // values below this have their own bucket
    static constexpr std::size_t kBuckets = kLinear + (64 - kSubBits) * (1 << kSubBits);

    static std::size_t index_of(uint64_t v) {
        if (v < static_cast<uint64_t>(kLinear)) return static_cast<std::size_t>(v);
        const int msb = 63 - __builtin_clzll(v);
        const int shift = msb - kSubBits;  // >= 1
        const uint64_t top = v >> shift;   // in [64, 128)
        return kLinear + static_cast<std::size_t>(shift - 1) * (1 << kSubBits) +
               static_cast<std::size_t>(top - (1u << kSubBits));
    }
    static uint64_t lower_bound_of(std::size_t index, uint64_t* width);

    std::array<uint64_t, kBuckets> counts_{};
    uint64_t total_ = 0;
    uint64_t max_ = 0;
    uint64_t sum_ = 0;
};

}  // namespace bench
