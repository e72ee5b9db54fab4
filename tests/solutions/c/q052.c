// Each manifest as a linked list, then the k lists merged with a min-heap of their heads.
typedef struct {
    int val, list;
    struct ListNode* node;
} Head;

static bool before(const Head* a, const Head* b) {
    return a->val != b->val ? a->val < b->val : a->list < b->list;
}

static void sift_down(Head* heap, int size, int k) {
    for (;;) {
        int best = k, l = 2 * k + 1, r = 2 * k + 2;
        if (l < size && before(&heap[l], &heap[best])) best = l;
        if (r < size && before(&heap[r], &heap[best])) best = r;
        if (best == k) return;
        Head t = heap[k];
        heap[k] = heap[best];
        heap[best] = t;
        k = best;
    }
}

struct ListNode* combine_manifests(int** manifests, int manifests_size,
                                   int* manifests_col_sizes) {
    Head* heap = malloc((manifests_size + 1) * sizeof *heap);
    int size = 0;
    for (int i = 0; i < manifests_size; i++) {
        struct ListNode* head = NULL;
        for (int k = manifests_col_sizes[i] - 1; k >= 0; k--) {
            struct ListNode* node = malloc(sizeof *node);
            node->val = manifests[i][k];
            node->next = head;
            head = node;
        }
        if (head != NULL) heap[size++] = (Head){head->val, i, head};
    }
    for (int k = size / 2 - 1; k >= 0; k--) sift_down(heap, size, k);
    struct ListNode dummy = {0, NULL};
    struct ListNode* tail = &dummy;
    while (size > 0) {
        struct ListNode* node = heap[0].node;
        tail->next = node;
        tail = node;
        if (node->next != NULL) {
            heap[0] = (Head){node->next->val, heap[0].list, node->next};
        } else {
            heap[0] = heap[--size];
        }
        sift_down(heap, size, 0);
    }
    tail->next = NULL;
    free(heap);
    return dummy.next;
}
