// Contact support: POST /api/support/tickets with subject, message and category (support's
// TICKET_CATEGORIES).
import { useState, type FormEvent } from 'react';
import { post } from '../api.ts';
import { asApiError, Page, ProblemMessage } from '../components.tsx';
import type { ApiError } from '../lib/problem.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.ts';
import { track } from '../tracking.ts';

const CATEGORIES: Array<[string, string]> = [
  ['order', 'An order'],
  ['shipping', 'Shipping and delivery'],
  ['payment', 'Payment'],
  ['returns', 'Returns'],
  ['product', 'A product'],
  ['account', 'My account'],
  ['other', 'Something else'],
];

export function SupportPage() {
  const session = useSession();
  const [subject, setSubject] = useState('');
  const [category, setCategory] = useState('order');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const [ticketId, setTicketId] = useState<string | undefined>();
  if (!session) {
    return (
      <Page title="Contact support">
        <p>
          Please <Link to={{ name: 'login', next: '/support' }}>sign in</Link> so we can answer you.
        </p>
      </Page>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const ticket = await post<{ id?: unknown }>('/support/tickets', { subject: subject.trim(), message: message.trim(), category });
      setTicketId(typeof ticket?.id === 'string' || typeof ticket?.id === 'number' ? String(ticket.id) : 'new');
      setSubject('');
      setMessage('');
      track('support_contacted');
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title="Contact support">
      {ticketId && (
        <p role="status" className="success">
          Thank you, we received your message (ticket {ticketId}). We will answer soon.
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} className="form" aria-busy={busy}>
        <div className="field">
          <label htmlFor="category">Topic</label>
          <select id="category" value={category} onChange={(e) => setCategory(e.target.value)}>
            {CATEGORIES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="subject">Subject</label>
          <input id="subject" required maxLength={200} value={subject} onChange={(e) => setSubject(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="message">Message</label>
          <textarea id="message" required maxLength={5000} rows={6} value={message} onChange={(e) => setMessage(e.target.value)} />
        </div>
        {error && <ProblemMessage error={error} />}
        <button type="submit" disabled={busy}>
          Send
        </button>
      </form>
    </Page>
  );
}
