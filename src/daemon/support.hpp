// bpftune -S: what this kernel offers and whether each tuner can run here.
#pragma once

namespace bpftune {

// Prints the report; exit status 0 when at least one tuner can run, 1 otherwise.
int report_support();

}  // namespace bpftune
