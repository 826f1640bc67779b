/**
 * True for the char codes String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator), so
 * index-based trimming on the hot path agrees exactly with `trim()` elsewhere.
 */
export function isTrimmedCode(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 160) return false;
  return (
    code === 160 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Index of the first char of `text` that trim() keeps (text.length when all of it is trimmed). */
export function trimmedStart(text: string): number {
  let start = 0;
  while (start < text.length && isTrimmedCode(text.charCodeAt(start))) start++;
  return start;
}

/** Index just past the last char of `text` that trim() keeps, never below `start`. */
export function trimmedEnd(text: string, start: number): number {
  let end = text.length;
  while (end > start && isTrimmedCode(text.charCodeAt(end - 1))) end--;
  return end;
}
