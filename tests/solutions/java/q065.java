class Solution {
    // Bottom-up merge sort counting inversions.
    public long countOutOfOrder(int[] ids) {
        int[] arr = ids.clone();
        int n = arr.length;
        int[] buf = new int[n];
        long count = 0;
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(lo + width, n);
                int hi = Math.min(lo + 2 * width, n);
                int i = lo, j = mid, k = lo;
                while (i < mid && j < hi) {
                    if (arr[j] < arr[i]) {
                        buf[k++] = arr[j++];
                        count += mid - i;
                    } else {
                        buf[k++] = arr[i++];
                    }
                }
                while (i < mid) {
                    buf[k++] = arr[i++];
                }
                while (j < hi) {
                    buf[k++] = arr[j++];
                }
            }
            int[] swap = arr;
            arr = buf;
            buf = swap;
        }
        return count;
    }
}
