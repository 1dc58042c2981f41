// Sign-up and login through /api/users. The token goes to sessionStorage (session.ts).
import { useState, type FormEvent, type ReactNode } from 'react';
import { post } from '../api.ts';
import { asApiError, Page, ProblemMessage } from '../components.tsx';
import type { ApiError } from '../lib/problem.ts';
import { Link, navigate } from '../router.tsx';
import { signIn } from '../session.ts';
import type { LoginResponse } from '../types.ts';

async function logIn(email: string, password: string): Promise<void> {
  const response = await post<LoginResponse>('/users/login', { email, password });
  signIn(response.accessToken, response.user, response.expiresIn);
}

function Field(props: { id: string; label: string; type: string; value: string; onChange: (v: string) => void; autoComplete: string; minLength?: number; maxLength?: number; hint?: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        type={props.type}
        required
        value={props.value}
        autoComplete={props.autoComplete}
        minLength={props.minLength}
        maxLength={props.maxLength}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.hint && (
        <small id={`${props.id}-hint`} className="hint">
          {props.hint}
        </small>
      )}
    </div>
  );
}

export function LoginPage({ next }: { next: string | undefined }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await logIn(email, password);
      navigate(next ?? '/', { replace: true });
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title="Sign in">
      <form onSubmit={(e) => void submit(e)} className="form" aria-busy={busy}>
        <Field id="email" label="E-mail" type="email" value={email} onChange={setEmail} autoComplete="email" maxLength={254} />
        <Field id="password" label="Password" type="password" value={password} onChange={setPassword} autoComplete="current-password" maxLength={128} />
        {error && <ProblemMessage error={error} />}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <p>
        New here? <Link to={{ name: 'signup', next }}>Create an account</Link>
      </p>
    </Page>
  );
}

export function SignupPage({ next }: { next: string | undefined }) {
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await post('/users/signup', { email, password, displayName });
      await logIn(email, password);
      navigate(next ?? '/', { replace: true });
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title="Create an account">
      <form onSubmit={(e) => void submit(e)} className="form" aria-busy={busy}>
        <Field id="displayName" label="Name" type="text" value={displayName} onChange={setDisplayName} autoComplete="name" maxLength={100} />
        <Field id="email" label="E-mail" type="email" value={email} onChange={setEmail} autoComplete="email" maxLength={254} />
        <Field id="password" label="Password" type="password" value={password} onChange={setPassword} autoComplete="new-password" minLength={8} maxLength={128} hint="At least 8 characters." />
        {error && <ProblemMessage error={error} />}
        <button type="submit" disabled={busy}>
          Create account
        </button>
      </form>
      <p>
        Already have an account? <Link to={{ name: 'login', next }}>Sign in</Link>
      </p>
    </Page>
  );
}
