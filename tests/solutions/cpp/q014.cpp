// Every code of n sorted digits with no digit twice in a row, in order: backtracking.
class Solution {
public:
    vector<string> listDoorCodes(string digits, int n) {
        sort(digits.begin(), digits.end());
        vector<string> codes;
        string code;
        function<void()> extend = [&] {
            if ((int)code.size() == n) {
                codes.push_back(code);
                return;
            }
            for (char d : digits) {
                if (!code.empty() && code.back() == d) continue;
                code.push_back(d);
                extend();
                code.pop_back();
            }
        };
        extend();
        return codes;
    }
};
