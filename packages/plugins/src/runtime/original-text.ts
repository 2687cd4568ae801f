/**
 * The restorable original of a scrubbed collection: the same raw answers through the same cleanup chain,
 * without the secret masks, so the server can keep it encrypted beside the masked version everyone sees.
 * No command is sent again: the `post` step is re-run against the answers it got (in the same order), and
 * when it asks for anything else, or the device was asked to hide its secrets itself (`scrubbedCommand`,
 * a `post` that reads `scrubSecrets`), there is no original and undefined is returned.
 */
import type { CollectContext, TextArtefact } from '../contract.js';
import { CollectError } from '../errors.js';
import { commentLines } from './cleanup.js';
import { processCommandOutput, type ShellCommand, type ShellPluginDefinition } from './shell-plugin.js';

/** One command a `post` step ran and the raw answer it got. */
export interface PostCall {
  command: string;
  raw: string;
}

class Diverged extends Error {}

/** The unmasked config, or undefined when it can't be rebuilt or equals the masked one (`maskedText`). */
export async function unmaskedText(
  definition: ShellPluginDefinition,
  commands: readonly ShellCommand[],
  answers: { raws: readonly (string | undefined)[]; postCalls: readonly PostCall[] },
  ctx: Pick<CollectContext, 'target'>,
  maskedText: string,
): Promise<string | undefined> {
  // Masks live in `maskSecrets` or in a `post` step that reads `scrubSecrets`; without either nothing differs.
  if ((!definition.maskSecrets && !definition.post) || definition.files?.length) return undefined;
  const { raws, postCalls } = answers;
  // The device hid its secrets for us: what it sent is already masked, the original never left it.
  if (commands.some((spec, i) => spec.scrubbedCommand && raws[i] !== undefined)) return undefined;
  const outputs = commands.map((spec, i) => {
    const raw = raws[i];
    return raw === undefined ? '' : processCommandOutput(definition, spec, raw, false, ctx.target);
  });
  let post: string | undefined;
  if (definition.post) {
    let next = 0;
    try {
      post = await definition.post({
        async run(command) {
          const call = postCalls[next];
          next += 1;
          if (!call || call.command !== command) throw new Diverged();
          return processCommandOutput(definition, { command }, call.raw, false, ctx.target);
        },
        rawOutputOf(command) {
          const index = commands.findIndex((spec) => spec.command === command);
          return index === -1 ? undefined : raws[index];
        },
        comment: (text) => commentLines(text, definition.commentPrefix),
        target: ctx.target,
        scrubSecrets: false,
      });
    } catch (error) {
      if (error instanceof Diverged) return undefined;
      throw error;
    }
    if (next !== postCalls.length) return undefined;
  }
  const postOutputs = post === undefined ? [] : [post];
  const text = (definition.postGoesFirst ? [...postOutputs, ...outputs] : [...outputs, ...postOutputs]).join('');
  return text === maskedText ? undefined : text;
}

/**
 * A file fetched some other way (e.g. config.xml over HTTP) stored exactly as a shell plugin's `command` would
 * store its output: masked when scrubbing, with the unmasked original beside it when the masks changed anything.
 */
export function fileArtefactAs(
  definition: ShellPluginDefinition,
  command: string,
  raw: string,
  ctx: Pick<CollectContext, 'target' | 'scrubSecrets'>,
): TextArtefact {
  const spec = definition.commands.find((candidate) => candidate.command === command);
  if (!spec) throw new CollectError('plugin_error', `${definition.key} has no command \`${command}\``);
  const text = processCommandOutput(definition, spec, raw, ctx.scrubSecrets, ctx.target);
  if (!ctx.scrubSecrets) return { kind: 'text', text };
  const original = processCommandOutput(definition, spec, raw, false, ctx.target);
  // The restorable original, kept encrypted by the server.
  return { kind: 'text', text, originalText: original === text ? undefined : original };
}
