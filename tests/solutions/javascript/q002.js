function areTagsBalanced(tags) {
  if (tags.length % 2) return false;
  const partner = { ")": "(", "]": "[", "}": "{", ">": "<" };
  const stack = [];
  for (const ch of tags) {
    if (ch in partner) {
      if (stack.length === 0 || stack.pop() !== partner[ch]) return false;
    } else {
      stack.push(ch);
    }
  }
  return stack.length === 0;
}
