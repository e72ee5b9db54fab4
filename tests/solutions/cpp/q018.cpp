class Solution {
public:
    ListNode* spliceRoutes(ListNode* route1, ListNode* route2) {
        ListNode before;
        ListNode* tail = &before;
        while (route1 != nullptr && route2 != nullptr) {
            ListNode*& smaller = route1->val <= route2->val ? route1 : route2;
            tail->next = smaller;
            tail = smaller;
            smaller = smaller->next;
        }
        tail->next = route1 != nullptr ? route1 : route2;
        return before.next;
    }
};
