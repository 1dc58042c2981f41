// Display names are shown to other people (support replies, order confirmations): keep them
// printable. Inner runs of whitespace (tabs and newlines too) collapse to one space; the ends are
// trimmed; other control and invisible formatting characters are refused.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/u;

/** The cleaned name, or undefined when nothing printable is left or it contains control characters. */
export function cleanDisplayName(raw: string): string | undefined {
  if (CONTROL.test(raw)) return undefined;
  const cleaned = raw.normalize('NFC').replace(/\s+/gu, ' ').trim();
  return cleaned.length > 0 && cleaned.length <= 100 ? cleaned : undefined;
}
