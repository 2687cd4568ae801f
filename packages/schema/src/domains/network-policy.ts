/**
 * The network policy (issue 8 item 7): which device networks the server may connect to, as CIDRs,
 * addresses and host names, checked by the transports after DNS at every connection. Admins only.
 */
import {
  defaultNetworkPolicy,
  type NetworkPolicy,
  policyListErrors,
} from '@devicevault/plugins/transports/network-policy';
import { builder } from '../builder.js';
import { ValidationFailure } from '../errors.js';
import { readNetworkPolicy, writeNetworkPolicy } from '../network-policy-setting.js';
import { type Failure, resultUnion } from '../results.js';

// Enough for any real estate of management networks; a bound so one row stays small.
const maxEntries = 1_000;

const NetworkPolicyType = builder.objectRef<NetworkPolicy>('NetworkPolicy').implement({
  description:
    'Device networks the server may connect to. A device whose name or any resolved address is denied, or not allowed when `allow` is not empty, fails with `target_denied` before anything is sent.',
  fields: (t) => ({
    allow: t.stringList({
      resolve: (policy) => [...policy.allow],
      description:
        'CIDRs, addresses or host names (`*.example.net` for subdomains); empty allows every address not denied.',
    }),
    deny: t.stringList({
      resolve: (policy) => [...policy.deny],
      description: 'The same kinds of entries; a match here wins over `allow`.',
    }),
    defaultDeny: t.stringList({
      resolve: () => [...defaultNetworkPolicy.deny],
      description: 'What a fresh install denies (link-local, cloud metadata), to restore it.',
    }),
  }),
});

builder.queryField('networkPolicy', (t) =>
  t.field({
    type: NetworkPolicyType,
    authScopes: { admin: true },
    description: 'The device network policy (admins only).',
    resolve: (_root, _args, ctx) => readNetworkPolicy(ctx.db),
  }),
);

const UpdateNetworkPolicyInput = builder.inputType('UpdateNetworkPolicyInput', {
  description: 'A list left out stays as it is; a list given replaces the stored one.',
  fields: (t) => ({
    allow: t.stringList({ required: false }),
    deny: t.stringList({ required: false }),
  }),
});

const UpdateNetworkPolicySuccess = builder.objectRef<{ networkPolicy: NetworkPolicy }>('UpdateNetworkPolicySuccess');
UpdateNetworkPolicySuccess.implement({
  fields: (t) => ({ networkPolicy: t.field({ type: NetworkPolicyType, resolve: (result) => result.networkPolicy }) }),
});

function checkList(field: 'allow' | 'deny', entries: readonly string[]): ValidationFailure | null {
  if (entries.length > maxEntries) return new ValidationFailure(field, `at most ${maxEntries} entries`);
  const errors = policyListErrors(entries);
  return errors.length > 0 ? new ValidationFailure(field, errors.join('; ')) : null;
}

builder.mutationField('updateNetworkPolicy', (t) =>
  t.field({
    type: resultUnion('UpdateNetworkPolicyResult', UpdateNetworkPolicySuccess),
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateNetworkPolicyInput, required: true }) },
    resolve: async (_root, { input }, ctx): Promise<{ networkPolicy: NetworkPolicy } | Failure> => {
      const current = await readNetworkPolicy(ctx.db);
      const next: NetworkPolicy = {
        allow: (input.allow ?? current.allow).map((entry) => entry.trim()),
        deny: (input.deny ?? current.deny).map((entry) => entry.trim()),
      };
      const failure = checkList('allow', next.allow) ?? checkList('deny', next.deny);
      if (failure) return failure;
      await writeNetworkPolicy(ctx.db, next);
      return { networkPolicy: next };
    },
  }),
);
