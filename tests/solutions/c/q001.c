// The first card j whose complement was seen before it, with the complement's first index:
// an open-addressing hash map from value to its first index.
typedef struct {
    long long value;
    int index;
    bool used;
} Slot;

static unsigned slot_of(long long value, unsigned mask) {
    return (unsigned)(((unsigned long long)value * 0x9E3779B97F4A7C15ULL) >> 32) & mask;
}

int* pay_with_two_cards(int* values, int values_size, int target, int* return_size) {
    unsigned capacity = 1;
    while (capacity < 2u * (unsigned)values_size + 2u) capacity <<= 1;
    unsigned mask = capacity - 1;
    Slot* slots = calloc(capacity, sizeof *slots);
    int* answer = malloc(2 * sizeof *answer);
    *return_size = 0;
    for (int j = 0; j < values_size; j++) {
        long long want = (long long)target - values[j];
        for (unsigned h = slot_of(want, mask); slots[h].used; h = (h + 1) & mask) {
            if (slots[h].value == want) {
                answer[0] = slots[h].index;
                answer[1] = j;
                *return_size = 2;
                free(slots);
                return answer;
            }
        }
        unsigned h = slot_of(values[j], mask);
        while (slots[h].used && slots[h].value != values[j]) h = (h + 1) & mask;
        if (!slots[h].used) {
            slots[h].used = true;
            slots[h].value = values[j];
            slots[h].index = j;
        }
    }
    free(slots);
    return answer;
}
