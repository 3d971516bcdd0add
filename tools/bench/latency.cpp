#include "latency.hpp"

#include <algorithm>
#include <cmath>

namespace bench {

void LatencyHistogram::merge(const LatencyHistogram& other) {
    for (std::size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
    total_ += other.total_;
    sum_ += other.sum_;
    max_ = std::max(max_, other.max_);
}

uint64_t LatencyHistogram::lower_bound_of(std::size_t index, uint64_t* width) {
    if (index < static_cast<std::size_t>(kLinear)) {
        *width = 1;
        return index;
    }
    const std::size_t rel = index - kLinear;
    const int shift = static_cast<int>(rel >> kSubBits) + 1;
    const uint64_t top = (rel & ((1u << kSubBits) - 1)) + (1u << kSubBits);
    *width = uint64_t{1} << shift;
    return top << shift;
}

uint64_t LatencyHistogram::quantile_nanos(double q) const {
    if (total_ == 0) return 0;
    q = std::clamp(q, 0.0, 1.0);
    const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(total_))));
    uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
        seen += counts_[i];
        if (seen >= rank) {
            uint64_t width = 0;
            const uint64_t low = lower_bound_of(i, &width);
            return std::min(max_, low + width / 2);
        }
    }
    return max_;
}

}  // namespace bench
