import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

class Solution {
    private char[] keys;
    private final List<String> codes = new ArrayList<>();

    public String[] listDoorCodes(String digits, int n) {
        keys = digits.toCharArray();
        Arrays.sort(keys);
        extend(new StringBuilder(), n);
        return codes.toArray(new String[0]);
    }

    private void extend(StringBuilder current, int n) {
        if (current.length() == n) {
            codes.add(current.toString());
            return;
        }
        for (char d : keys) {
            if (current.length() > 0 && current.charAt(current.length() - 1) == d) {
                continue;
            }
            current.append(d);
            extend(current, n);
            current.setLength(current.length() - 1);
        }
    }
}
