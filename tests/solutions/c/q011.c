static int by_start_then_end(const void* x, const void* y) {
    const int* a = *(const int* const*)x;
    const int* b = *(const int* const*)y;
    if (a[0] != b[0]) return a[0] < b[0] ? -1 : 1;
    return (a[1] > b[1]) - (a[1] < b[1]);
}

bool has_double_booking(int** meetings, int meetings_size, int* meetings_col_sizes) {
    (void)meetings_col_sizes;
    int** ordered = malloc((meetings_size + 1) * sizeof *ordered);
    memcpy(ordered, meetings, meetings_size * sizeof *ordered);
    qsort(ordered, meetings_size, sizeof *ordered, by_start_then_end);
    bool overlap = false;
    for (int k = 1; k < meetings_size && !overlap; k++)
        overlap = ordered[k][0] < ordered[k - 1][1];
    free(ordered);
    return overlap;
}
