/**
 * Extreme Networks (formerly Avaya/Nortel) Ethernet Routing Switch on BOSS: ERS 3500/4000/4800/5000/5900.
 * Same commands and stored bytes as Oxidized's `boss` model: the first prompt, `show sys-info` (without
 * clocks) and, on a stack, `show stack-info` as `! ` comments, then the running config.
 */
import { rb } from '../runtime/cleanup.js';
import { defineShellPlugin, type PostSession } from '../runtime/shell-plugin.js';

/** A `YYYY-MM-DD hh:mm:ss …` timestamp and the rest of its line. */
const timestamp = rb(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} .*/g);

/** `show stack-info` (kept only when `show sys-info` mentions a stack), then the running config. */
async function stackAndConfig({ run, rawOutputOf, comment }: PostSession): Promise<string> {
  const stack = /Stack/.test(rawOutputOf('show sys-info') ?? '');
  const stackInfo = await run('show stack-info');
  const stackPart = stack ? comment(`${stackInfo.replace(timestamp, '')}\n`) : '';
  const config = (await run('show running-config'))
    // The echo becomes a comment.
    .replace(rb(/^show running-config/g), '! show running-config')
    // Timestamps, prompt lines and the clock setting.
    .replace(timestamp, '')
    // Prompt lines.
    .replace(rb(/^[^\s#>]+[#>]$/g), '')
    // The clock setting.
    .replace(rb(/^! clock set.*/g), '! removed clock set');
  return stackPart + config;
}

export const extremeBossPlugin = defineShellPlugin({
  key: 'extreme_boss',
  oxidizedModel: 'boss',
  friendlyName: 'Extreme / Avaya ERS (BOSS)',
  description: 'Running config plus system and stack info, over an SSH shell.',
  // `ERS-4850GTS-PWR+#`, `5530-24TFD>`.
  prompt: rb(/^[^\s#>]+[#>]$/),
  commentPrefix: '! ',
  telnetLogin: { username: rb(/Username: /), password: rb(/Password: /) },
  expects: [
    // The login banner: Ctrl-Y to begin.
    { pattern: /Enter Ctrl-Y to begin\./, send: '\x19' },
    // "Failed retries since last login": Enter to continue.
    { pattern: /Press ENTER to continue/, send: '\n' },
    // The menu of older releases (ERS 55xx/56xx): `c` for the Command Line Interface, then Enter.
    { pattern: /ommand Line Interface\.\.\./, send: 'c\n' },
  ],
  postLogin: ['terminal length 0', 'terminal width 132'],
  logout: ['logout'],
  // Oxidized's `boss` hides nothing; ours: CLI passwords, SNMP communities and RADIUS/TACACS+ keys.
  maskSecrets: (output) =>
    output
      // CLI passwords.
      .replace(rb(/^(cli password (?:read-only|read-write)) \S+/g), '$1 <secret hidden>')
      // SNMP communities.
      .replace(rb(/^(snmp-server community) ("[^"]*"|\S+)/g), '$1 <secret hidden>')
      // RADIUS/TACACS+ keys.
      .replace(rb(/^((?:radius-server|radius server|tacacs server) .*key) ("[^"]*"|\S+)/g), '$1 <secret hidden>'),
  commands: [
    // An empty line first, so that the stored config starts at a fresh prompt ("needed for proper formatting").
    { command: '', clean: (output, { comment }) => comment(`${output}\n`) },
    {
      command: 'show sys-info',
      clean: (output, { comment }) =>
        comment(
          `${output
            // Uptime and the NTP and RTC clocks.
            .replace(rb(/(^((.*)sysUpTime(.*))$)/g), 'removed sysUpTime')
            // The NTP clock.
            .replace(rb(/(^((.*)sysNtpTime(.*))$)/g), 'removed sysNtpTime')
            // The RTC clock (labelled sysNtpTime, as Oxidized does).
            .replace(rb(/(^((.*)sysRtcTime(.*))$)/g), 'removed sysNtpTime')
            // Timestamps.
            .replace(timestamp, '')}\n`,
        ),
    },
  ],
  // `show stack-info` is kept or not depending on `show sys-info`, so it runs here, followed by the config.
  post: stackAndConfig,
});
