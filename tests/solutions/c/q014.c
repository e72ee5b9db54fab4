// Every code of n sorted digits with no digit twice in a row, in order: backtracking.
typedef struct {
    char** codes;
    int count, capacity;
    char keys[64];
    int key_count, n;
    char current[64];
} Search;

static int by_char(const void* a, const void* b) {
    return *(const char*)a - *(const char*)b;
}

static void extend(Search* search, int length) {
    if (length == search->n) {
        if (search->count == search->capacity) {
            search->capacity = search->capacity ? search->capacity * 2 : 16;
            search->codes = realloc(search->codes, search->capacity * sizeof *search->codes);
        }
        search->current[length] = '\0';
        search->codes[search->count++] = strdup(search->current);
        return;
    }
    for (int k = 0; k < search->key_count; k++) {
        char d = search->keys[k];
        if (length > 0 && search->current[length - 1] == d) continue;
        search->current[length] = d;
        extend(search, length + 1);
    }
}

char** list_door_codes(char* digits, int n, int* return_size) {
    Search search = {0};
    search.key_count = (int)strlen(digits);
    memcpy(search.keys, digits, search.key_count);
    qsort(search.keys, search.key_count, 1, by_char);
    search.n = n;
    extend(&search, 0);
    *return_size = search.count;
    return search.codes;
}
