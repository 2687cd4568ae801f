import { FormField, type FormProblem } from '../forms/form-field';

export const SECURITIES = ['STARTTLS', 'TLS', 'NONE'] as const;
export type EmailSecurity = (typeof SECURITIES)[number];

/** What an EMAIL channel's form shows to start with: empty for a new channel, the stored settings when editing. */
export type EmailDefaults = {
  host: string;
  port: number;
  security: EmailSecurity;
  username: string | null;
  from: string;
  to: string[];
};

/** The form's SMTP settings, read back as the API takes them (`to` is comma- or space-separated). */
export function emailSettingsFrom(form: FormData) {
  const text = (name: string) => String(form.get(name) ?? '').trim();
  return {
    host: text('host'),
    port: Number(text('port')),
    security: SECURITIES.find((security) => security === text('security')) ?? 'STARTTLS',
    username: text('username'),
    password: String(form.get('password') ?? ''),
    from: text('from'),
    to: text('to')
      .split(/[\s,;]+/)
      .filter(Boolean),
  };
}

/** The SMTP fields of an EMAIL channel; the password is write-only (never shown, blank keeps it when editing). */
export function ChannelEmailFields({
  defaults,
  problem,
  editing,
}: {
  defaults?: EmailDefaults | null;
  problem: FormProblem | null;
  editing: boolean;
}) {
  const fieldError = (field: string) => (problem?.field === `email.${field}` ? problem.message : null);
  return (
    <fieldset className="form-field">
      <legend>SMTP server</legend>
      <FormField label="SMTP host" error={fieldError('host')}>
        <input name="host" required autoComplete="off" defaultValue={defaults?.host ?? ''} />
      </FormField>
      <FormField label="SMTP port" error={fieldError('port')}>
        <input name="port" type="number" min={1} max={65535} required defaultValue={defaults?.port ?? 587} />
      </FormField>
      <FormField label="Security" error={fieldError('security')} hint="STARTTLS (required), implicit TLS, or none">
        <select name="security" defaultValue={defaults?.security ?? 'STARTTLS'}>
          {SECURITIES.map((security) => (
            <option key={security} value={security}>
              {security === 'NONE' ? 'none (a local relay)' : security}
            </option>
          ))}
        </select>
      </FormField>
      <FormField label="SMTP username" error={fieldError('username')} hint="Empty: send without signing in">
        <input name="username" autoComplete="off" defaultValue={defaults?.username ?? ''} />
      </FormField>
      <FormField
        label="SMTP password"
        error={fieldError('password')}
        hint={
          editing ? 'Write-only: leave blank to keep the stored password' : 'Write-only: stored encrypted, never shown'
        }
      >
        <input name="password" type="password" autoComplete="new-password" />
      </FormField>
      <FormField label="From" error={fieldError('from')}>
        <input name="from" type="email" required autoComplete="off" defaultValue={defaults?.from ?? ''} />
      </FormField>
      <FormField label="To" error={fieldError('to')} hint="One or more addresses, separated by commas">
        <input name="to" required autoComplete="off" defaultValue={defaults?.to.join(', ') ?? ''} />
      </FormField>
    </fieldset>
  );
}
