static int by_start_then_end(const void* x, const void* y) {
    const int* a = *(const int* const*)x;
    const int* b = *(const int* const*)y;
    if (a[0] != b[0]) return a[0] < b[0] ? -1 : 1;
    return (a[1] > b[1]) - (a[1] < b[1]);
}

int** merge_windows(int** windows, int windows_size, int* windows_col_sizes, int* return_size,
                    int** return_col_sizes) {
    (void)windows_col_sizes;
    int** ordered = malloc((windows_size + 1) * sizeof *ordered);
    memcpy(ordered, windows, windows_size * sizeof *ordered);
    qsort(ordered, windows_size, sizeof *ordered, by_start_then_end);
    int** merged = malloc((windows_size + 1) * sizeof *merged);
    int count = 0;
    for (int k = 0; k < windows_size; k++) {
        int start = ordered[k][0], end = ordered[k][1];
        if (count > 0 && start <= merged[count - 1][1]) {
            if (end > merged[count - 1][1]) merged[count - 1][1] = end;
        } else {
            merged[count] = malloc(2 * sizeof(int));
            merged[count][0] = start;
            merged[count][1] = end;
            count++;
        }
    }
    free(ordered);
    *return_size = count;
    *return_col_sizes = malloc((count + 1) * sizeof(int));
    for (int k = 0; k < count; k++) (*return_col_sizes)[k] = 2;
    return merged;
}
