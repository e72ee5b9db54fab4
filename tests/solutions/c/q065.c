// Bottom-up merge sort, counting the inversions each merge removes.
long long count_out_of_order(int* ids, int ids_size) {
    int n = ids_size;
    int* arr = malloc((n + 1) * sizeof *arr);
    int* buf = malloc((n + 1) * sizeof *buf);
    memcpy(arr, ids, n * sizeof *arr);
    long long count = 0;
    for (int width = 1; width < n; width *= 2) {
        for (int lo = 0; lo < n; lo += 2 * width) {
            int mid = lo + width < n ? lo + width : n;
            int hi = lo + 2 * width < n ? lo + 2 * width : n;
            int i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                if (arr[j] < arr[i]) {
                    buf[k++] = arr[j++];
                    count += mid - i;
                } else {
                    buf[k++] = arr[i++];
                }
            }
            while (i < mid) buf[k++] = arr[i++];
            while (j < hi) buf[k++] = arr[j++];
        }
        int* t = arr;
        arr = buf;
        buf = t;
    }
    free(arr);
    free(buf);
    return count;
}
