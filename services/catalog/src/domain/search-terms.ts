// Shoppers type anything into the search box. `websearch_to_tsquery` already tolerates free text,
// but control characters and absurd whitespace are stripped first so logs and queries stay clean.

export function normaliseSearch(input: string): string {
  // eslint-disable-next-line no-control-regex
  return input.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim();
}
