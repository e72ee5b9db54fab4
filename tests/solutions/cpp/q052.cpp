// Each manifest as a linked list, then the lists merged with a min-heap of their heads.
class Solution {
public:
    ListNode* combineManifests(vector<vector<int>>& manifests) {
        using Head = tuple<int, size_t, ListNode*>;  // value, manifest, node
        priority_queue<Head, vector<Head>, greater<Head>> heads;
        for (size_t i = 0; i < manifests.size(); i++) {
            ListNode* head = nullptr;
            for (size_t k = manifests[i].size(); k-- > 0;) head = new ListNode(manifests[i][k], head);
            if (head != nullptr) heads.emplace(head->val, i, head);
        }
        ListNode before;
        ListNode* tail = &before;
        while (!heads.empty()) {
            auto [value, manifest, node] = heads.top();
            heads.pop();
            tail->next = node;
            tail = node;
            if (node->next != nullptr) heads.emplace(node->next->val, manifest, node->next);
        }
        tail->next = nullptr;
        return before.next;
    }
};
