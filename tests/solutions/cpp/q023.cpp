class Solution {
public:
    vector<vector<int>> mergeWindows(vector<vector<int>>& windows) {
        vector<vector<int>> ordered = windows, merged;
        sort(ordered.begin(), ordered.end());
        for (const vector<int>& window : ordered) {
            if (!merged.empty() && window[0] <= merged.back()[1])
                merged.back()[1] = max(merged.back()[1], window[1]);
            else
                merged.push_back(window);
        }
        return merged;
    }
};
