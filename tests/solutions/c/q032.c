// Breadth first: each level's values, top down.
int** group_by_floor(struct TreeNode* root, int* return_size, int** return_col_sizes) {
    int capacity = 16, head = 0, tail = 0, levels = 0;
    struct TreeNode** queue = malloc(capacity * sizeof *queue);
    int** rows = malloc(capacity * sizeof *rows);
    int* sizes = malloc(capacity * sizeof *sizes);
    if (root != NULL) queue[tail++] = root;
    while (head < tail) {
        int width = tail - head;
        int* row = malloc(width * sizeof *row);
        for (int k = 0; k < width; k++) {
            struct TreeNode* node = queue[head++];
            row[k] = node->val;
            if (tail + 2 > capacity) {
                capacity *= 2;
                queue = realloc(queue, capacity * sizeof *queue);
                rows = realloc(rows, capacity * sizeof *rows);
                sizes = realloc(sizes, capacity * sizeof *sizes);
            }
            if (node->left != NULL) queue[tail++] = node->left;
            if (node->right != NULL) queue[tail++] = node->right;
        }
        rows[levels] = row;
        sizes[levels] = width;
        levels++;
    }
    free(queue);
    *return_size = levels;
    *return_col_sizes = sizes;
    return rows;
}
