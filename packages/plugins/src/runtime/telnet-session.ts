/**
 * TELNET for shell plugins, opt-in per device (option `transport=telnet`): connect, log in at the username
 * and password prompts the OS's Oxidized model declares under `cfg :telnet`, then hand the session to the
 * same shell logic SSH uses. TELNET sends the password and the config in plaintext.
 */
import type { CollectContext, DeviceTarget, PluginOption } from '../contract.js';
import { CollectError } from '../errors.js';
import { driveShell, type ShellExpect, type ShellSession } from '../transports/ssh-shell.js';
import { connectTelnet, type TelnetConnection } from '../transports/telnet-connection.js';
import { defaultTelnetLoginPrompts, type TelnetLoginPrompts, telnetLogin } from '../transports/telnet-login.js';
import { type Terminal, terminalOf } from '../transports/terminal.js';

export const transportOption: PluginOption = {
  key: 'transport',
  description: '"telnet" to collect over TELNET instead of SSH (plaintext: for legacy devices without SSH)',
  required: false,
};

export const telnetPortOption: PluginOption = {
  key: 'telnet_port',
  description: 'TCP port for TELNET (default 23, or the device port when it is not 22); Oxidized var',
  required: false,
};

/**
 * The login prompts Oxidized's models declare under `cfg :telnet` (`username`, `password`), by model; a
 * definition's own `telnetLogin` wins, and models that declare none get `defaultTelnetLoginPrompts`.
 */
export const telnetLoginPromptsByModel: Readonly<Record<string, Partial<TelnetLoginPrompts>>> = {
  acos: { username: /login:/, password: /^Password:/ },
  aireos: { username: /^User:\s*/, password: /^Password:\s*/ },
  aos: { username: /^login : /, password: /^password : / },
  aos7: { username: /^([\w -])*login: /, password: /^Password\s?: / },
  aoscx: { username: /Username:/, password: /Password:/ },
  aosw: { username: /^User:\s*/, password: /^Password:\s*/ },
  arubainstant: { username: /^User:\s*/, password: /^Password:\s*/ },
  awplus: { username: /login:\s/, password: /^Password:\s/ },
  boss: { username: /Username: /, password: /Password: / },
  ciscosmb: { username: /User ?[nN]ame:/, password: /^\r?Password:/ },
  comware: { username: /^(Username|[Ll]ogin):/, password: /^Password:/ },
  cumulus: { username: /^Username:/, password: /^Password:/ },
  dlink: { username: /\r*([\w\s.@()/:-]+)?([Uu]ser[Nn]ame|[Ll]ogin):/, password: /\r*[Pp]ass[Ww]ord:/ },
  dnos: { username: /^Login:/, password: /^Password:/ },
  edgeos: { username: /login:\s/, password: /^Password:\s/ },
  edgeswitch: { username: /User(name)?:\s?/, password: /^Password:\s?/ },
  enterasys: { username: /^Username:/i, password: /^Password:/i },
  fastiron: { username: /^(.* login|Username): /, password: /^Password:/ },
  fortigate: { username: /^[lL]ogin:/, password: /^Password:/ },
  fortios: { username: /^[lL]ogin:/, password: /^Password:/ },
  fsos: { username: /^Username:/, password: /^Password:/ },
  h3c: { username: /^Username:$/, password: /^Password:$/ },
  hirschmann: { username: /^User:/, password: /^Password:/ },
  ios: { username: /^Username:/i, password: /^Password:/i },
  iosxr: { username: /^Username:/, password: /^\r?Password:/ },
  ironware: { username: /^(Please Enter Login Name|Username):/, password: /^(Please Enter Password ?|Password):/ },
  junos: { username: /^login:/, password: /^Password:/ },
  linuxgeneric: { username: /(Username|[Ll]ogin):/, password: /^Password:/ },
  mtrlrfs: { username: /^login:/, password: /^\r*password:/ },
  netgear: {
    username: /^(Username:|User:|Applying Interface configuration, please wait ...)/,
    password: /^Password:/i,
  },
  nos: { username: /^.* login: /, password: /^Password:/ },
  nxos: { username: /^login:/, password: /^Password:/ },
  os10: { username: /^Login:/, password: /^Password:/ },
  powerconnect: { username: /^User( Name)?:/, password: /^\r?Password:/ },
  procurve: { username: /Username:/, password: /Password:/ },
  quantaos: { username: /^User(name)?:/, password: /^Password:/ },
  routeros: { username: /^Login:/, password: /^Password:/ },
  saos: { username: /login:/, password: /assword:/ },
  saos10: { username: /login:/, password: /assword:/ },
  // Oxidized passes screenos's as strings ('/^login:/'), which Ruby would match literally: the intended ones.
  screenos: { username: /^login:/, password: /^password:/ },
  slxos: { username: /^(Please Enter Login Name|Username):/, password: /^(Please Enter Password ?|Password):/ },
  smartbyte: { username: /^.*? login:/, password: /^Password:/ },
  sros: { username: /^Login: /, password: /^Password: / },
  srosmd: { username: /^Login: /, password: /^Password: / },
  tplink: { username: /^User ?[nN]ame:/, password: /^\r?Password:/ },
  voss: { username: /Login: $/, password: /Password: $/ },
  vrp: { username: /^Username:$/, password: /^Password:$/ },
  xos: { username: /^login:/, password: /^\r*password:/ },
  zynos: { username: /^User name:/i, password: /^Password:/i },
};

/** The definition's own prompts, else its model's, else the generic ones. */
export function telnetLoginPromptsFor(definition: TelnetShellDefinition): TelnetLoginPrompts {
  return {
    ...defaultTelnetLoginPrompts,
    ...telnetLoginPromptsByModel[definition.oxidizedModel],
    ...definition.telnetLogin,
  };
}

/** What of a shell definition a TELNET session needs. */
export interface TelnetShellDefinition {
  oxidizedModel: string;
  prompt: RegExp;
  expects?: readonly ShellExpect[];
  newline?: string;
  telnetLogin?: Partial<TelnetLoginPrompts>;
}

type TelnetContext = Pick<CollectContext, 'target' | 'signal' | 'timeouts' | 'maxTextBytes'>;

/** True when the device asks for TELNET; a `transport` other than ssh or telnet fails as `invalid_options`. */
export function wantsTelnet(target: DeviceTarget): boolean {
  const transport = target.options[transportOption.key]?.trim().toLowerCase();
  if (!transport || transport === 'ssh') return false;
  if (transport === 'telnet') return true;
  throw new CollectError('invalid_options', `option "transport" must be "ssh" or "telnet", got "${transport}"`);
}

/** Oxidized's `telnet_port` var; else the device's port unless it is SSH's 22 (the default for new devices). */
export function telnetPort(target: DeviceTarget): number {
  const raw = target.options[telnetPortOption.key]?.trim();
  if (!raw) return target.port === 22 ? 23 : target.port;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new CollectError('invalid_options', `option "telnet_port" must be a TCP port, got "${raw}"`);
  }
  return port;
}

export function connectTelnetFor(ctx: TelnetContext, terminal?: Partial<Terminal>): Promise<TelnetConnection> {
  return connectTelnet(ctx.target, telnetPort(ctx.target), ctx, terminalOf(terminal));
}

/** Logs in on `connection` and returns the shell, already past its first prompt's wait point. */
export async function openTelnetShell(
  definition: TelnetShellDefinition,
  connection: TelnetConnection,
  ctx: TelnetContext,
): Promise<ShellSession> {
  await telnetLogin(connection.stream, ctx.target, ctx, {
    ...telnetLoginPromptsFor(definition),
    prompt: definition.prompt,
    expects: definition.expects,
    newline: definition.newline,
  });
  const shell = driveShell(connection.stream, ctx, {
    prompt: definition.prompt,
    expects: definition.expects,
    newline: definition.newline,
  });
  // The login paused the stream with the banner and prompt put back; the shell reads them now.
  connection.stream.resume();
  return shell;
}
