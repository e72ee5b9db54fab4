// Two heaps: a max-heap of the lower half, a min-heap of the upper half.
typedef struct {
    int* items;
    int size;
    int sign;  // 1: a min-heap; -1: a max-heap
} Heap;

static bool above(const Heap* h, int a, int b) {
    return (long long)h->sign * h->items[a] < (long long)h->sign * h->items[b];
}

static void swap_items(Heap* h, int a, int b) {
    int t = h->items[a];
    h->items[a] = h->items[b];
    h->items[b] = t;
}

static void push(Heap* h, int value) {
    int k = h->size++;
    h->items[k] = value;
    while (k > 0 && above(h, k, (k - 1) / 2)) {
        swap_items(h, k, (k - 1) / 2);
        k = (k - 1) / 2;
    }
}

static int pop(Heap* h) {
    int top = h->items[0];
    h->items[0] = h->items[--h->size];
    for (int k = 0;;) {
        int best = k, l = 2 * k + 1, r = 2 * k + 2;
        if (l < h->size && above(h, l, best)) best = l;
        if (r < h->size && above(h, r, best)) best = r;
        if (best == k) break;
        swap_items(h, k, best);
        k = best;
    }
    return top;
}

double* running_median(int* readings, int readings_size, int* return_size) {
    Heap low = {malloc((readings_size + 1) * sizeof(int)), 0, -1};
    Heap high = {malloc((readings_size + 1) * sizeof(int)), 0, 1};
    double* medians = malloc((readings_size + 1) * sizeof *medians);
    for (int k = 0; k < readings_size; k++) {
        int x = readings[k];
        if (low.size > 0 && x > low.items[0]) push(&high, x);
        else push(&low, x);
        if (low.size > high.size + 1) push(&high, pop(&low));
        else if (high.size > low.size) push(&low, pop(&high));
        if (low.size > high.size) medians[k] = low.items[0];
        else medians[k] = ((double)low.items[0] + high.items[0]) / 2;
    }
    free(low.items);
    free(high.items);
    *return_size = readings_size;
    return medians;
}
