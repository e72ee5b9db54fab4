function countOutOfOrder(ids) {
  // Bottom-up merge sort counting inversions.
  let arr = [...ids];
  const n = arr.length;
  let buf = new Array(n).fill(0);
  let count = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo, j = mid, k = lo;
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
    [arr, buf] = [buf, arr];
  }
  return count;
}
