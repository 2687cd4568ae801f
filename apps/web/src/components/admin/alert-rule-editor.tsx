'use client';

import { useMutation } from 'urql';
import { EVENT_KINDS } from '../../lib/event-kinds';
import { optionalNumber } from '../../lib/form-values';
import { graphql } from '../../lib/graphql';
import { EditorFooter } from '../forms/editor-footer';
import { FormField } from '../forms/form-field';
import { useEditorSubmit } from '../forms/use-editor-submit';

const AlertRuleEditor_UpdateRuleMutation = graphql(`
  mutation AlertRuleEditor_UpdateRuleMutation($input: UpdateAlertRuleInput!) {
    updateAlertRule(input: $input) {
      __typename
      ... on UpdateAlertRuleSuccess { alertRule { id name } }
      ... on Error { message }
      ... on ValidationError { field }
    }
  }
`);

type EditedAlertRule = {
  id: string;
  name: string;
  kinds: string[];
  channelIds: string[];
  deviceGroupIds: string[];
  minConsecutiveFailures: number;
  significantOnly: boolean;
  digestMinutes: number | null;
};

const ownFields = ['name', 'kinds', 'channelIds', 'minConsecutiveFailures', 'digestMinutes'];

/** Edits an alert rule: its events, channels, device groups, failure threshold and digest. */
export function AlertRuleEditor({
  rule,
  channels,
  groups,
  onDone,
}: {
  rule: EditedAlertRule;
  channels: { id: string; name: string }[];
  groups: { id: string; name: string }[];
  onDone: (saved: boolean) => void;
}) {
  const [, update] = useMutation(AlertRuleEditor_UpdateRuleMutation);
  const editor = useEditorSubmit({
    ownFields,
    onDone,
    async save(form) {
      const result = await update({
        input: {
          id: rule.id,
          name: String(form.get('name') ?? '').trim(),
          kinds: form.getAll('kinds').flatMap((kind) => EVENT_KINDS.filter((candidate) => candidate === kind)),
          channelIds: form.getAll('channelIds').map(String),
          deviceGroupIds: form.getAll('deviceGroupIds').map(String),
          minConsecutiveFailures: optionalNumber(form.get('minConsecutiveFailures')) ?? 1,
          significantOnly: form.get('significantOnly') === 'on',
          digestMinutes: optionalNumber(form.get('digestMinutes')),
        },
      });
      return { payload: result.data?.updateAlertRule, error: result.error };
    },
    savedMessage: (payload) => `Alert rule ${payload.alertRule.name} saved`,
  });

  const { fieldError } = editor;
  return (
    <form ref={editor.formRef} className="form panel" onSubmit={editor.onSubmit} data-testid="alert-rule-editor">
      <h2>Edit {rule.name}</h2>
      <FormField label="Name" error={fieldError('name')}>
        <input name="name" required autoComplete="off" defaultValue={rule.name} />
      </FormField>
      <fieldset className="form-field">
        <legend>Events</legend>
        {EVENT_KINDS.map((kind) => (
          <label key={kind} className="toggle">
            <input type="checkbox" name="kinds" value={kind} defaultChecked={rule.kinds.includes(kind)} />{' '}
            {kind.toLowerCase().replaceAll('_', ' ')}
          </label>
        ))}
        {fieldError('kinds') ? <span className="field-error">{fieldError('kinds')}</span> : null}
      </fieldset>
      <fieldset className="form-field">
        <legend>Channels</legend>
        {channels.map((channel) => (
          <label key={channel.id} className="toggle">
            <input
              type="checkbox"
              name="channelIds"
              value={channel.id}
              defaultChecked={rule.channelIds.includes(channel.id)}
            />{' '}
            {channel.name}
          </label>
        ))}
        {fieldError('channelIds') ? <span className="field-error">{fieldError('channelIds')}</span> : null}
      </fieldset>
      <fieldset className="form-field">
        <legend>Device groups (none: every device)</legend>
        {groups.map((group) => (
          <label key={group.id} className="toggle">
            <input
              type="checkbox"
              name="deviceGroupIds"
              value={group.id}
              defaultChecked={rule.deviceGroupIds.includes(group.id)}
            />{' '}
            {group.name}
          </label>
        ))}
      </fieldset>
      <FormField label="Failures in a row before alerting" error={fieldError('minConsecutiveFailures')}>
        <input name="minConsecutiveFailures" inputMode="numeric" defaultValue={rule.minConsecutiveFailures} />
      </FormField>
      <FormField
        label="Digest every N minutes (optional)"
        error={fieldError('digestMinutes')}
        hint="Empty: each notification at once"
      >
        <input name="digestMinutes" inputMode="numeric" defaultValue={rule.digestMinutes ?? ''} />
      </FormField>
      <label className="toggle">
        <input type="checkbox" name="significantOnly" defaultChecked={rule.significantOnly} /> Changes only when the
        significant view changed
      </label>
      <EditorFooter editor={editor} saveLabel="Save alert rule" />
    </form>
  );
}
