// Backtracking from every cell, after a letter-count check, starting from the rarer end.
typedef struct {
    char** grid;
    int rows, cols, n;
    const char* word;
} Board;

static bool found_from(Board* b, int r, int c, int i) {
    if (b->grid[r][c] != b->word[i]) return false;
    if (i == b->n - 1) return true;
    b->grid[r][c] = '#';
    static const int dr[] = {1, -1, 0, 0}, dc[] = {0, 0, 1, -1};
    for (int d = 0; d < 4; d++) {
        int nr = r + dr[d], nc = c + dc[d];
        if (nr >= 0 && nr < b->rows && nc >= 0 && nc < b->cols && found_from(b, nr, nc, i + 1)) {
            b->grid[r][c] = b->word[i];
            return true;
        }
    }
    b->grid[r][c] = b->word[i];
    return false;
}

bool find_hidden_word(char** board, int board_size, char* word) {
    int rows = board_size, cols = (int)strlen(board[0]), n = (int)strlen(word);
    if (n > rows * cols) return false;
    int have[256] = {0}, need[256] = {0};
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) have[(unsigned char)board[r][c]]++;
    for (int i = 0; i < n; i++) need[(unsigned char)word[i]]++;
    for (int k = 0; k < 256; k++)
        if (have[k] < need[k]) return false;
    char* ordered = strdup(word);
    if (have[(unsigned char)word[0]] > have[(unsigned char)word[n - 1]])
        for (int i = 0; i < n; i++) ordered[i] = word[n - 1 - i];
    Board b = {board, rows, cols, n, ordered};
    bool found = false;
    for (int r = 0; r < rows && !found; r++)
        for (int c = 0; c < cols && !found; c++) found = found_from(&b, r, c, 0);
    free(ordered);
    return found;
}
