/**
 * TrueNAS CORE and SCALE over SSH exec channels. Same commands and stored bytes as Oxidized's `truenas` model:
 * `uname -a` and the version as `# ` comments, the configuration database dumped by sqlite3 (with `sudo` when
 * the login cannot open it; volatile rows left out), the replication and cloud-sync tables without their
 * changing columns, and the SCALE apps' configuration files.
 */
import { rb, rejectLines } from '../runtime/cleanup.js';
import { defineShellPlugin, type PostSession, sshNoExecOption } from '../runtime/shell-plugin.js';

const sqlite = "sqlite3 -readonly 'file:/data/freenas-v1.db'";
const cannotOpen = 'Error: unable to open database';

/**
 * Oxidized's `filter_column`: the table's rows as INSERT statements without `column`, built by a query that
 * lists the other columns (run with `sudo` when needed); nothing when the table is empty.
 */
async function filterColumn(run: PostSession['run'], table: string, column: string): Promise<string> {
  const generate = `select 'select ' || group_concat(name,', ') || ' FROM ${table};' FROM pragma_table_info('${table}') WHERE name != '${column}';`;
  let command = sqlite;
  let select = await run(`${command} "${generate}"`);
  if (select.includes(cannotOpen)) {
    command = `sudo ${command}`;
    select = await run(`${command} "${generate}"`);
  }
  const rows = await run(`${command} -header '.mode insert ${table}' '${select}'`);
  return rows.includes('INSERT') ? `${rows}COMMIT;\n` : '';
}

/** Oxidized's `collect_ixapps_configurations`, typed as its heredoc reads once its newlines are removed. */
const ixappsCommand =
  'if [ -d /mnt/.ix-apps ];then  sudo find /mnt/.ix-apps/app_configs  \\( -name "app.yaml" -or -name "user_config.yaml" -or -name "metadata.yaml" \\)  -printf "\\n\\n#######################\\n# %p\\n#######################\\n"  -exec cat {} \\; ;else  echo "# No Apps configuration found in /mnt/.ix-apps";fi';

export const ixsystemsTruenasPlugin = defineShellPlugin({
  key: 'ixsystems_truenas',
  oxidizedModel: 'truenas',
  friendlyName: 'TrueNAS (CORE / SCALE)',
  description: 'Configuration database dump plus system facts and app configs, over SSH exec.',
  // Each command on its own exec channel (Oxidized `exec true`), unless `ssh_no_exec` is set.
  transport: 'ssh-exec',
  // Oxidized's default prompt, for `ssh_no_exec`.
  prompt: rb(/^([\w.@-]+[#>]\s?)$/),
  commentPrefix: '# ',
  options: [sshNoExecOption],
  logout: ['exit'],
  commands: [
    { command: 'uname -a', clean: (output, { comment }) => comment(output) },
    { command: 'cat /etc/version', clean: (output, { comment }) => comment(output) },
    {
      command: `${sqlite} .dump`,
      // Without read access to the database, the same dump with sudo.
      fallback: { ifOutputMatches: new RegExp(cannotOpen), command: `sudo ${sqlite} .dump` },
      // Rows that change on every run: replication state, alerts and their sequence, cloud-sync jobs.
      clean: (output) =>
        rejectLines(output, [
          /^INSERT INTO storage_replication /,
          /^INSERT INTO system_alert /,
          /^INSERT INTO sqlite_sequence VALUES\('system_alert',/,
          /^INSERT INTO tasks_cloudsync /,
        ]),
    },
  ],
  // Oxidized's three `post` blocks, in order.
  post: async ({ run }) =>
    (await filterColumn(run, 'storage_replication', 'repl_state')) +
    (await filterColumn(run, 'tasks_cloudsync', 'job')) +
    (await run(ixappsCommand)),
});
