function listDoorCodes(digits, n) {
  const keys = [...digits].sort();
  const codes = [];
  const current = [];
  const extend = () => {
    if (current.length === n) {
      codes.push(current.join(""));
      return;
    }
    for (const d of keys) {
      if (current.length > 0 && current[current.length - 1] === d) continue;
      current.push(d);
      extend();
      current.pop();
    }
  };
  extend();
  return codes;
}
