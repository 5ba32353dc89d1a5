// How the daemon's malloc heap gives memory back: parsing the kernel's BTF while BPF objects
// load allocates megabytes for a moment, and the daemon should not keep them resident.
#pragma once

namespace bpftune {

// Before any BPF object loads: large blocks are mapped on their own and unmapped when freed.
void return_large_blocks_on_free();
// After start-up: gives the kernel back the free pages left inside the heap.
void trim_heap();

}  // namespace bpftune
