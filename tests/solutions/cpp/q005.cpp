/**
 * Definition for singly-linked list.
 * struct ListNode {
 *     int val;
 *     ListNode *next;
 * };
 */
class Solution {
public:
    ListNode* reverseTrain(ListNode* head) {
        ListNode* reversed = nullptr;
        while (head != nullptr) {
            ListNode* next = head->next;
            head->next = reversed;
            reversed = head;
            head = next;
        }
        return reversed;
    }
};
