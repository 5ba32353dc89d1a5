#include "policy/correlation.hpp"

#include <cmath>

namespace bpftune {

void Correlation::add(double x, double y)
{
    samples_.emplace_back(x, y);
    if (samples_.size() > window_)
        samples_.pop_front();
}

double Correlation::coefficient() const
{
    const double n = static_cast<double>(samples_.size());
    if (samples_.size() < 2)
        return 0.0;
    double mean_x = 0, mean_y = 0;
    for (auto [x, y] : samples_) {
        mean_x += x;
        mean_y += y;
    }
    mean_x /= n;
    mean_y /= n;
    double covariance = 0, variance_x = 0, variance_y = 0;
    for (auto [x, y] : samples_) {
        covariance += (x - mean_x) * (y - mean_y);
        variance_x += (x - mean_x) * (x - mean_x);
        variance_y += (y - mean_y) * (y - mean_y);
    }
    if (variance_x <= 0 || variance_y <= 0)
        return 0.0;
    return covariance / std::sqrt(variance_x * variance_y);
}

}  // namespace bpftune
