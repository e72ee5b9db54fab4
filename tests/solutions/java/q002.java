import java.util.ArrayDeque;
import java.util.Deque;

class Solution {
    public boolean areTagsBalanced(String tags) {
        if (tags.length() % 2 != 0) {
            return false;
        }
        Deque<Character> stack = new ArrayDeque<>();
        for (char ch : tags.toCharArray()) {
            int closing = ")]}>".indexOf(ch);
            if (closing >= 0) {
                if (stack.isEmpty() || stack.pop() != "([{<".charAt(closing)) {
                    return false;
                }
            } else {
                stack.push(ch);
            }
        }
        return stack.isEmpty();
    }
}
