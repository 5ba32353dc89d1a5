// Pearson correlation over the most recent samples. Pure; sums in double so large byte counts
// cannot overflow (Oracle's integer version wraps).
#pragma once

#include <cstddef>
#include <deque>
#include <utility>

namespace bpftune {

class Correlation {
public:
    explicit Correlation(std::size_t window = 32) : window_(window) {}

    void add(double x, double y);
    std::size_t samples() const { return samples_.size(); }
    // In [-1, 1]; 0 with fewer than two samples or when either variable never changed.
    double coefficient() const;

private:
    std::size_t window_;
    std::deque<std::pair<double, double>> samples_;
};

}  // namespace bpftune
