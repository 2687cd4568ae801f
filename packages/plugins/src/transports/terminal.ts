/**
 * The terminal a shell session asks for: the SSH pty request, and what TELNET tells the device in its
 * terminal-type and window-size options. Devices that wrap or cut lines at the terminal width store the same
 * bytes as under Oxidized only with the same width.
 */
export interface Terminal {
  /** The terminal type (`vt100`; PurityOS is asked for `dumb`). */
  type: string;
  columns: number;
  rows: number;
}

/** Net::SSH's `request_pty` defaults, which Oxidized asks for unless a model sets `pty_options`. */
export const oxidizedTerminal: Terminal = { type: 'vt100', columns: 80, rows: 24 };

/** A plugin's overrides (Oxidized `pty_options`, e.g. `chars_wide: 1000`) on top of Oxidized's defaults. */
export function terminalOf(overrides: Partial<Terminal> = {}): Terminal {
  return { ...oxidizedTerminal, ...overrides };
}
