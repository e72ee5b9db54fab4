// Binary search on how many of the shorter array's elements sit left of the median.
class Solution {
public:
    double combinedMedian(vector<int>& a, vector<int>& b) {
        if (a.size() > b.size()) return combinedMedian(b, a);
        int m = a.size(), n = b.size(), half = (m + n + 1) / 2, lo = 0, hi = m;
        const double inf = numeric_limits<double>::infinity();
        while (lo <= hi) {
            int i = (lo + hi) / 2, j = half - i;
            double aLeft = i > 0 ? a[i - 1] : -inf, aRight = i < m ? a[i] : inf;
            double bLeft = j > 0 ? b[j - 1] : -inf, bRight = j < n ? b[j] : inf;
            if (aLeft > bRight) {
                hi = i - 1;
            } else if (bLeft > aRight) {
                lo = i + 1;
            } else {
                double leftMax = max(aLeft, bLeft);
                return (m + n) % 2 == 1 ? leftMax : (leftMax + min(aRight, bRight)) / 2.0;
            }
        }
        return nan("");  // the inputs are not sorted
    }
};
