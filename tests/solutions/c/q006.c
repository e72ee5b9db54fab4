// Breadth first, one level at a time.
int count_generations(struct TreeNode* root) {
    if (root == NULL) return 0;
    int capacity = 16, head = 0, tail = 0, depth = 0;
    struct TreeNode** queue = malloc(capacity * sizeof *queue);
    queue[tail++] = root;
    while (head < tail) {
        depth++;
        int level_end = tail;
        while (head < level_end) {
            struct TreeNode* node = queue[head++];
            if (tail + 2 > capacity) {
                capacity *= 2;
                queue = realloc(queue, capacity * sizeof *queue);
            }
            if (node->left != NULL) queue[tail++] = node->left;
            if (node->right != NULL) queue[tail++] = node->right;
        }
    }
    free(queue);
    return depth;
}
