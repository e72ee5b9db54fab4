function expandBanner(code) {
  // A stack of (text before the block, repeat count).
  const stack = [];
  let current = [];
  let k = 0;
  for (const ch of code) {
    if (ch >= "0" && ch <= "9") {
      k = k * 10 + Number(ch);
    } else if (ch === "[") {
      stack.push([current, k]);
      current = [];
      k = 0;
    } else if (ch === "]") {
      const [prev, times] = stack.pop();
      prev.push(current.join("").repeat(times));
      current = prev;
    } else {
      current.push(ch);
    }
  }
  return current.join("");
}
