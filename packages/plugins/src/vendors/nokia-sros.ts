/**
 * Nokia SR OS (TiMOS; formerly Alcatel-Lucent) routers in classic CLI: 7750 SR, 7450 ESS, 7950 XRS, 7705 SAR,
 * 7210 SAS. Same commands and stored bytes as Oxidized's `sros` model: each output under a `# COMMAND:` line;
 * BOF, system, cards, chassis, boot log, debug config and persistent indices as `# ` comments, then the
 * configuration.
 */
import { cutBoth, linesOf, rb, rejectLines } from '../runtime/cleanup.js';
import { type CleanTools, defineShellPlugin } from '../runtime/shell-plugin.js';

/**
 * Oxidized `sros`/`srosmd` `cmd :all`: a `# COMMAND: <command>` header, then the output without the
 * `# Finished`/`# Generated` timestamps, carriage returns, echo and prompt.
 */
export function srosCleanAll(output: string, { comment, command }: CleanTools): string {
  const body = output
    // The `# Finished …` stamp, which changes on every run.
    .replace(rb(/# Finished .*/g), '')
    // The `# Generated …` stamp.
    .replace(rb(/# Generated .*/g), '')
    // Carriage returns.
    .replace(/\r/g, '');
  return comment(`COMMAND: ${command}\n`) + cutBoth(body);
}

/** Ours (Oxidized's SR OS models hide nothing): quoted passwords, keys, secrets and communities. */
export function srosMaskSecrets(output: string): string {
  return output.replace(
    rb(/\b(password|secret|authentication-key|auth-key|priv-key|community|md5|pre-shared-key) "[^"]*"/g),
    '$1 "<secret hidden>"',
  );
}

/** The first 26 lines of `show chassis` without states, times, temperatures and statuses, which drift. */
export function srosChassis(output: string, { comment }: CleanTools): string {
  return comment(rejectLines(linesOf(output).slice(0, 26).join(''), [/state|Time|Temperature|Status/]));
}

/** The boot log's triple backspaces (progress spinners) become line breaks. */
export function srosBootlog(output: string, { comment }: CleanTools): string {
  return comment(output.replaceAll('\b\b\b', '\n'));
}

const asComment = (output: string, { comment }: CleanTools) => comment(output);

export const nokiaSrosPlugin = defineShellPlugin({
  key: 'nokia_sros',
  oxidizedModel: 'sros',
  friendlyName: 'Nokia SR OS (classic CLI)',
  description: 'Configuration plus BOF, system, cards, chassis, boot log and debug config, over an SSH shell.',
  // `A:pe1# `, `*A:pe1>config# ` (the star: unsaved changes).
  prompt: rb(/^([-\w.:>*]+\s?[#>]\s?)$/),
  commentPrefix: '# ',
  completeWhen: /^exit all\n+$/m, // `admin display-config` ends with `exit all` (its `# Finished` line is cut)
  // TELNET login prompts (Oxidized `cfg :telnet`).
  telnetLogin: { username: rb(/^Login: /), password: rb(/^Password: /) },
  postLogin: ['environment no more'],
  logout: ['logout'],
  cleanAll: srosCleanAll,
  maskSecrets: srosMaskSecrets,
  commands: [
    { command: 'show bof', clean: asComment },
    {
      command: 'show system information',
      // The uptime (its line stays, empty).
      clean: (output, tools) => tools.comment(output.replace(rb(/^System Up Time.*$/g), '')),
    },
    { command: 'show card state', clean: asComment },
    { command: 'show chassis', clean: srosChassis },
    { command: 'file type bootlog.txt', clean: srosBootlog },
    { command: 'show debug', clean: asComment },
    { command: 'file type config.dbg', clean: asComment },
    // Both display-config commands carry a newline of their own, as in Oxidized (the CLI gets an empty line
    // after each, and the `# COMMAND:` header shows it).
    { command: 'admin display-config index\n', clean: asComment },
    { command: 'admin display-config\n' },
  ],
});
