/**
 * HPE Comware switches and routers (HP A-series, FlexNetwork 5130/5510/5940, V1910/1920/1950 with the CLI
 * unlocked; also H3C and 3Com). Same commands and stored bytes as Oxidized's `comware` model: version, devices
 * and manufacturing info as `# ` comments, then the current configuration.
 */
import { cutBoth, rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin, enableOption, enableVar, type LoginSession } from '../runtime/shell-plugin.js';

const prompt = rb(/^\0*(<[\w.-]+>).?$/);

/** The prompt, or `extra`: the answers of the CLI-unlock dialogue. */
function promptOr(extra: string): RegExp {
  return new RegExp(`${prompt.source}|${extra}`);
}

/**
 * Oxidized's `comware_cmdline` var: the hidden commands that unlock the full CLI on small-business
 * Comware switches, each confirmed and given the var as password. All three are typed; a switch rejects the
 * spellings of other releases.
 */
async function unlockCommandLine({ run, target }: LoginSession): Promise<void> {
  const password = target.options.comware_cmdline;
  if (!password) return;
  // HP V1910, V1920.
  await run('_cmdline-mode on', promptOr('Continue'));
  await run('y', promptOr('input password'));
  await run(password);
  // HP V1950 r2432P06.
  await run('xtd-cli-mode on', promptOr('Continue'));
  await run('y', promptOr('input password'));
  await run(password);
  // HP V1950 OS r3208 (Comware 7.1), HPE OfficeConnect 1950.
  await run('xtd-cli-mode', promptOr('Continue|Switch'));
  await run('y', promptOr('input password|Password:'));
  await run(password);
}

export const hpeComwarePlugin = defineShellPlugin({
  key: 'hpe_comware',
  oxidizedModel: 'comware',
  friendlyName: 'HPE Comware (A-series, FlexNetwork, V19x0)',
  description: 'Current configuration plus version, devices and manufacturing info, over an SSH shell.',
  // `<sysname>`, sometimes after NULs or followed by a bell.
  prompt,
  commentPrefix: '# ',
  completeWhen: /^return$/m, // `display current-configuration` always ends with `return`
  // TELNET login prompts (Oxidized `cfg :telnet`).
  telnetLogin: { username: rb(/^(Username|[Ll]ogin):/), password: rb(/^Password:/) },
  options: [
    enableOption,
    {
      key: 'comware_cmdline',
      description: 'Password that unlocks the full CLI on HP V1910/V1920/V1950 switches (Oxidized var)',
      required: false,
    },
  ],
  // `super` raises the user role (with its password when the enable password is set), then the CLI unlock.
  async login(session) {
    const enable = enableVar(session.target);
    if (enable === true) await session.run('super');
    else if (enable) {
      await session.run('super', rb(/^\s?[pP]assword:/));
      await session.run(enable);
    }
    await unlockCommandLine(session);
  },
  postLogin: ['screen-length disable', 'undo terminal monitor'],
  logout: ['quit'],
  // Stray carriage returns, then the command echo and the trailing prompt.
  cleanAll: (output) => cutBoth(output.replace(/\r/g, '')),
  maskSecrets: (output) =>
    output
      // SNMP communities are passwords.
      .replace(rb(/^( snmp-agent community).*/g), '$1 <configuration removed>')
      // Local user password hashes.
      .replace(rb(/(password hash).*/g), '$1 <configuration removed>')
      // Reversibly encrypted local passwords.
      .replace(rb(/^( password cipher).*/g), '$1 <configuration removed>')
      // RADIUS/HWTACACS scheme keys and other `key cipher` secrets.
      .replace(rb(/(key (authentication )?cipher) \S+/g), '$1 <configuration removed>')
      // SNMPv3 user auth and priv keys.
      .replace(
        rb(/(cipher authentication-mode (md5|sha)).\S+ (privacy-mode (des56|3des|aes\d{0,3})) .\S+/g),
        '$1 <auth-pass> $3 <priv-pass>',
      )
      // Ours, after Oxidized's rules: `super` passwords, console/VTY passwords and plain-text keys they miss.
      .replace(rb(/^(\s*super password .*(?:hash|cipher|simple)) \S+/g), '$1 <configuration removed>')
      // Console/VTY passwords in cipher or simple form.
      .replace(rb(/(password (?:cipher|simple)) (?!<)\S+/g), '$1 <configuration removed>')
      // Plain-text authentication/accounting keys.
      .replace(rb(/(key (?:authentication |accounting )?simple) \S+/g), '$1 <configuration removed>'),
  commands: [
    {
      command: 'display version',
      // Uptime lines, which change on every run.
      clean: (output, { comment }) => comment(rejectLines(output, [/uptime/i])),
    },
    { command: 'display device', clean: (output, { comment }) => comment(output) },
    {
      command: 'display device manuinfo',
      // Lines of unprogrammed EEPROM fields (0xFF bytes; U+FFFD once decoded as UTF-8).
      clean: (output, { comment }) => comment(rejectLines(output, ['\u00ff', '\ufffd'])),
    },
    { command: 'display current-configuration' },
  ],
});
