#include "direction_stats.hpp"

#include <sstream>

namespace linkemu {

std::string format_stats(const std::string& name, const direction_stats& s) {
  std::ostringstream out;
  out << "stats " << name << ": rx_frames=" << s.rx_frames << " rx_segments=" << s.rx_segments
      << " rx_bytes=" << s.rx_bytes << " tx_frames=" << s.tx_frames << " tx_segments=" << s.tx_segments
      << " tx_bytes=" << s.tx_bytes << " lost_segments=" << s.lost_segments << " lost_bytes=" << s.lost_bytes
      << " queue_drop_segments=" << s.queue_drop_segments << " queue_drop_bytes=" << s.queue_drop_bytes
      << " write_error_frames=" << s.write_error_frames << " reordered_segments=" << s.reordered_segments
      << " split_frames=" << s.split_frames << " queue_high_segments=" << s.queue_high_segments
      << " queue_high_bytes=" << s.queue_high_bytes;
  return out.str();
}

}  // namespace linkemu
