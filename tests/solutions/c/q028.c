// Words with the same sorted letters share a shelf; shelves come in order of their first word.
// Sorting the words by (key, position) makes each shelf a run that starts with its first word.
typedef struct {
    char* key;
    int index;
} Entry;

typedef struct {
    int first;  // the position of the shelf's first word
    int start;  // where its run starts among the sorted entries
} Shelf;

static int by_char(const void* a, const void* b) {
    return *(const char*)a - *(const char*)b;
}

static int by_key_then_index(const void* x, const void* y) {
    const Entry* a = x;
    const Entry* b = y;
    int order = strcmp(a->key, b->key);
    return order ? order : a->index - b->index;
}

static int by_first_word(const void* x, const void* y) {
    return ((const Shelf*)x)->first - ((const Shelf*)y)->first;
}

char*** group_anagram_shelves(char** words, int words_size, int* return_size,
                              int** return_col_sizes) {
    Entry* entries = malloc((words_size + 1) * sizeof *entries);
    for (int k = 0; k < words_size; k++) {
        entries[k].key = strdup(words[k]);
        qsort(entries[k].key, strlen(words[k]), 1, by_char);
        entries[k].index = k;
    }
    qsort(entries, words_size, sizeof *entries, by_key_then_index);
    Shelf* shelves = malloc((words_size + 1) * sizeof *shelves);
    int count = 0;
    for (int k = 0; k < words_size; k++)
        if (k == 0 || strcmp(entries[k].key, entries[k - 1].key) != 0)
            shelves[count++] = (Shelf){entries[k].index, k};
    qsort(shelves, count, sizeof *shelves, by_first_word);
    char*** groups = malloc((count + 1) * sizeof *groups);
    *return_col_sizes = malloc((count + 1) * sizeof(int));
    for (int g = 0; g < count; g++) {
        int start = shelves[g].start, end = start;
        while (end < words_size && strcmp(entries[end].key, entries[start].key) == 0) end++;
        groups[g] = malloc((end - start) * sizeof(char*));
        for (int k = start; k < end; k++) groups[g][k - start] = words[entries[k].index];
        (*return_col_sizes)[g] = end - start;
    }
    for (int k = 0; k < words_size; k++) free(entries[k].key);
    free(entries);
    free(shelves);
    *return_size = count;
    return groups;
}
