// Rows of text printed in aligned columns, two spaces apart, for people at a terminal.
#pragma once

#include <string>
#include <vector>

namespace bpftune {

class TextTable {
public:
    explicit TextTable(std::vector<std::string> header) : rows_{std::move(header)} {}

    // Missing cells print empty; extra cells are dropped.
    void add(std::vector<std::string> row);
    bool empty() const { return rows_.size() == 1; }
    // The header and every row, one per line; no trailing blanks.
    std::string render() const;

private:
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace bpftune
