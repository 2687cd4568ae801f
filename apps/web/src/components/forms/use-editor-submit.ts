'use client';

import { type FormEvent, useState } from 'react';
import type { CombinedError } from 'urql';
import { errorMessage } from '../../lib/error-message';
import { useRevealOnOpen } from '../../lib/use-reveal-on-open';
import { useAnnounce } from '../announcer';
import { type FormProblem, problemOf } from './form-field';

type Payload = { __typename: string };
type Success<P extends Payload> = Extract<P, { __typename: `${string}Success` }>;

/** What `save` found: the mutation's payload (or its transport error), or a problem caught before asking. */
export type EditorSave<P extends Payload> = { payload: P | null | undefined; error?: CombinedError } | FormProblem;

/**
 * The shell every admin editor shares: the form opens where the user is looking, submitting reads it and
 * runs the editor's mutation, a ValidationError lands on the field it names (others show under the form),
 * and a success is announced before `onDone(true)`.
 */
export function useEditorSubmit<P extends Payload>({
  ownFields,
  save,
  savedMessage,
  onDone,
}: {
  /** Fields that show their own error; a problem on any other field (or none) shows under the form. */
  ownFields: readonly string[];
  save: (form: FormData) => Promise<EditorSave<P>>;
  savedMessage: (payload: Success<P>) => string;
  onDone: (saved: boolean) => void;
}) {
  const announce = useAnnounce();
  const formRef = useRevealOnOpen<HTMLFormElement>();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<FormProblem | null>(null);

  async function submit(form: FormData) {
    setProblem(null);
    setSaving(true);
    const outcome = await save(form).finally(() => setSaving(false));
    if (!('payload' in outcome)) return setProblem(outcome);
    const { payload, error } = outcome;
    if (!payload) return setProblem({ field: null, message: errorMessage(error) });
    if (!isSuccess(payload)) return setProblem(problemOf(payload));
    announce(savedMessage(payload));
    onDone(true);
  }

  return {
    formRef,
    saving,
    onSubmit(event: FormEvent<HTMLFormElement>) {
      event.preventDefault();
      void submit(new FormData(event.currentTarget));
    },
    fieldError: (field: string) => (problem?.field === field ? problem.message : null),
    /** The problem no field of the form shows, for the alert under it (EditorFooter). */
    formError: problem && !ownFields.includes(problem.field ?? '') ? problem.message : null,
    cancel: () => onDone(false),
  };
}

function isSuccess<P extends Payload>(payload: P): payload is Success<P> {
  return payload.__typename.endsWith('Success');
}
