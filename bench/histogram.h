#pragma once
// A latency histogram with log-linear buckets (HdrHistogram's layout, 7 significant bits:
// every value is kept within 1/64 of itself), so that p50/p99 come from counts, not from a
// list of every sample, and histograms of several threads merge by adding.
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace bench {

class Histogram final {
public:
    void record(uint64_t nanoseconds)
    {
        ++m_counts[index(nanoseconds)];
        ++m_total;
    }
    void merge(const Histogram &other)
    {
        for (std::size_t i = 0; i < m_counts.size(); ++i)
            m_counts[i] += other.m_counts[i];
        m_total += other.m_total;
    }
    uint64_t count() const { return m_total; }
    // The value at quantile q (0..1), in nanoseconds: the middle of its bucket.
    uint64_t quantile(double q) const
    {
        if (m_total == 0)
            return 0;
        uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(m_total - 1)) + 1;
        uint64_t seen = 0;
        for (std::size_t i = 0; i < m_counts.size(); ++i) {
            seen += m_counts[i];
            if (seen >= rank)
                return valueOf(i);
        }
        return valueOf(m_counts.size() - 1);
    }

private:
    static constexpr unsigned kBits = 7;                  // 128 exact values, then 64 per power of 2
    static constexpr std::size_t kBuckets = (64 - kBits + 2) * 64;
    static std::size_t index(uint64_t v)
    {
        if (v < (1u << kBits))
            return static_cast<std::size_t>(v);
        const unsigned shift = static_cast<unsigned>(std::bit_width(v)) - kBits;
        return static_cast<std::size_t>(64u * shift + (v >> shift));
    }
    static uint64_t valueOf(std::size_t i)
    {
        if (i < (1u << kBits))
            return i;
        const unsigned shift = static_cast<unsigned>(i / 64) - 1;
        const uint64_t base = (i - 64u * shift) << shift;
        return base + ((uint64_t{1} << shift) >> 1);
    }
    std::array<uint64_t, kBuckets> m_counts{};
    uint64_t m_total = 0;
};

} // namespace bench
