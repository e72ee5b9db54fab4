def count_out_of_order(ids: list[int]) -> int:
    # Bottom-up merge sort counting inversions.
    arr = list(ids)
    n = len(arr)
    buf = [0] * n
    count = 0
    width = 1
    while width < n:
        for lo in range(0, n, 2 * width):
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            if mid >= hi:
                buf[lo:hi] = arr[lo:hi]
                continue
            i, j, k = lo, mid, lo
            while i < mid and j < hi:
                if arr[j] < arr[i]:
                    buf[k] = arr[j]
                    count += mid - i
                    j += 1
                else:
                    buf[k] = arr[i]
                    i += 1
                k += 1
            if i < mid:
                buf[k:hi] = arr[i:mid]
            else:
                buf[k:hi] = arr[j:hi]
        arr, buf = buf, arr
        width *= 2
    return count
