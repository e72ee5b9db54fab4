struct ListNode* splice_routes(struct ListNode* route1, struct ListNode* route2) {
    struct ListNode dummy = {0, NULL};
    struct ListNode* tail = &dummy;
    while (route1 != NULL && route2 != NULL) {
        if (route1->val <= route2->val) {
            tail->next = route1;
            route1 = route1->next;
        } else {
            tail->next = route2;
            route2 = route2->next;
        }
        tail = tail->next;
    }
    tail->next = route1 != NULL ? route1 : route2;
    return dummy.next;
}
