#include "policy/correlation.hpp"

#include <doctest/doctest.h>

using bpftune::Correlation;

TEST_CASE("perfectly correlated samples give 1, anti-correlated give -1")
{
    Correlation up, down;
    for (int i = 0; i < 12; ++i) {
        up.add(i * 131072.0, 1000.0 + i * 500);
        down.add(i * 131072.0, 10000.0 - i * 500);
    }
    CHECK(up.coefficient() == doctest::Approx(1.0));
    CHECK(down.coefficient() == doctest::Approx(-1.0));
}

TEST_CASE("no variance or too few samples give 0")
{
    Correlation flat;
    for (int i = 0; i < 12; ++i)
        flat.add(i, 5000);
    CHECK(flat.coefficient() == 0.0);
    Correlation one;
    one.add(1, 2);
    CHECK(one.coefficient() == 0.0);
}

TEST_CASE("byte counts near INT_MAX do not overflow")
{
    Correlation big;
    for (int i = 0; i < 20; ++i)
        big.add(2147483647.0 - i * 1e6, 1e6 + i * 1e3);
    CHECK(big.coefficient() == doctest::Approx(-1.0));
}

TEST_CASE("only the most recent window counts")
{
    Correlation windowed(4);
    for (int i = 0; i < 10; ++i)
        windowed.add(i, i);  // old, correlated
    for (int i = 0; i < 4; ++i)
        windowed.add(i, 4 - i);  // recent, anti-correlated
    CHECK(windowed.samples() == 4);
    CHECK(windowed.coefficient() == doctest::Approx(-1.0));
}
