class Solution {
    public double combinedMedian(int[] a, int[] b) {
        if (a.length > b.length) {
            int[] swap = a;
            a = b;
            b = swap;
        }
        int m = a.length, n = b.length;
        int half = (m + n + 1) / 2;
        int lo = 0, hi = m;
        while (lo <= hi) {
            int i = (lo + hi) / 2; // elements taken from a on the left side
            int j = half - i;
            double aLeft = i > 0 ? a[i - 1] : Double.NEGATIVE_INFINITY;
            double aRight = i < m ? a[i] : Double.POSITIVE_INFINITY;
            double bLeft = j > 0 ? b[j - 1] : Double.NEGATIVE_INFINITY;
            double bRight = j < n ? b[j] : Double.POSITIVE_INFINITY;
            if (aLeft > bRight) {
                hi = i - 1;
            } else if (bLeft > aRight) {
                lo = i + 1;
            } else {
                double leftMax = Math.max(aLeft, bLeft);
                if ((m + n) % 2 == 1) {
                    return leftMax;
                }
                return (leftMax + Math.min(aRight, bRight)) / 2.0;
            }
        }
        throw new IllegalArgumentException("inputs are not sorted");
    }
}
