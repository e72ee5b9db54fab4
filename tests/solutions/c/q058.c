// Binary search on how many of the shorter array's elements sit left of the median.
double combined_median(int* a, int a_size, int* b, int b_size) {
    if (a_size > b_size) {
        int* t = a;
        a = b;
        b = t;
        int s = a_size;
        a_size = b_size;
        b_size = s;
    }
    int m = a_size, n = b_size, half = (m + n + 1) / 2, lo = 0, hi = m;
    while (lo <= hi) {
        int i = (lo + hi) / 2, j = half - i;
        double a_left = i > 0 ? a[i - 1] : -INFINITY;
        double a_right = i < m ? a[i] : INFINITY;
        double b_left = j > 0 ? b[j - 1] : -INFINITY;
        double b_right = j < n ? b[j] : INFINITY;
        if (a_left > b_right) {
            hi = i - 1;
        } else if (b_left > a_right) {
            lo = i + 1;
        } else {
            double left_max = fmax(a_left, b_left);
            if ((m + n) % 2 == 1) return left_max;
            return (left_max + fmin(a_right, b_right)) / 2.0;
        }
    }
    return NAN;  // the inputs are not sorted
}
