import type { Metadata } from 'next';
import { LoginForm } from '../../components/login-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  return (
    <section className="login">
      <h1>Sign in</h1>
      <LoginForm next={safeNext(typeof next === 'string' ? next : undefined)} />
    </section>
  );
}

// Only same-site paths, so the login page cannot be used to bounce users to another site.
function safeNext(next: string | undefined): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}
