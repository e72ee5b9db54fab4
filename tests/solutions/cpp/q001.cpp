// The first card j whose complement came before it, with the complement's first index.
class Solution {
public:
    vector<int> payWithTwoCards(vector<int>& values, int target) {
        unordered_map<long long, int> first;
        for (int j = 0; j < (int)values.size(); j++) {
            auto found = first.find((long long)target - values[j]);
            if (found != first.end()) return {found->second, j};
            first.emplace(values[j], j);
        }
        return {};
    }
};
