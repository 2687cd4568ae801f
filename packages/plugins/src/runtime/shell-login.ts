/**
 * Devices that ask for a user name and password inside the SSH shell, after SSH authentication (Cisco WLC,
 * Dell PowerConnect and Cisco SMB switches without SSH user authentication): Oxidized's `username` and
 * `password` under `cfg :ssh`, answered the way its CLI input's `login` does. The plugin's `prompt` is
 * `promptOrShellLogin(...)` so the first wait ends at whichever comes; its `login` starts with
 * `answerShellLogin(...)`.
 */
import { CollectError } from '../errors.js';
import type { LoginSession } from './shell-plugin.js';

export interface ShellLoginPrompts {
  username: RegExp;
  password: RegExp;
}

/** The OS prompt or either login prompt, tested on the last line like any prompt. */
export function promptOrShellLogin(prompt: RegExp, login: ShellLoginPrompts): RegExp {
  const flags = [...new Set([prompt, login.username, login.password].flatMap((regex) => [...regex.flags]))]
    .filter((flag) => flag !== 'g' && flag !== 'y')
    .join('');
  return new RegExp(`(?:${prompt.source})|(?:${login.username.source})|(?:${login.password.source})`, flags);
}

function lastLine(text: string): string {
  return text.slice(text.lastIndexOf('\n') + 1);
}

/**
 * Types the user name at the username prompt and the password at the password prompt, each at most once (as
 * Oxidized, which checks the OS prompt first), until the OS prompt comes; a device that asks again fails
 * as `auth_failed`.
 */
export async function answerShellLogin(
  { banner, run, target }: LoginSession,
  cliPrompt: RegExp,
  login: ShellLoginPrompts,
): Promise<void> {
  const waitFor = promptOrShellLogin(cliPrompt, login);
  const answered = { username: false, password: false };
  let last = lastLine(banner);
  while (!cliPrompt.test(last)) {
    if (!answered.username && login.username.test(last)) {
      answered.username = true;
      last = lastLine(await run(target.username, waitFor));
    } else if (!answered.password && login.password.test(last)) {
      answered.password = true;
      last = lastLine(await run(target.password, waitFor));
    } else {
      throw new CollectError(
        'auth_failed',
        `the device refused the user name or password asked inside the shell; last output ${JSON.stringify(last.slice(-80))}`,
      );
    }
  }
}
