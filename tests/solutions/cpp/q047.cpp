// Two heaps: the lower half's largest on top of one, the upper half's smallest on the other.
class Solution {
public:
    vector<double> runningMedian(vector<int>& readings) {
        priority_queue<int> low;
        priority_queue<int, vector<int>, greater<int>> high;
        vector<double> medians;
        for (int x : readings) {
            if (!low.empty() && x > low.top()) high.push(x);
            else low.push(x);
            if (low.size() > high.size() + 1) {
                high.push(low.top());
                low.pop();
            } else if (high.size() > low.size()) {
                low.push(high.top());
                high.pop();
            }
            medians.push_back(low.size() > high.size() ? low.top()
                                                       : ((double)low.top() + high.top()) / 2);
        }
        return medians;
    }
};
