// E-mail addresses are compared in one canonical form: trimmed, Unicode NFC, lower case. The
// local part is case-sensitive in theory, but no real mailbox provider treats it so, and
// "Alice@Example.com" signing up twice as a different person is the bug users actually meet.
export function normaliseEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}
