/**
 * The end of every admin editor: the problem no field shows (as an alert), then Save and Cancel.
 * Takes what `useEditorSubmit` returns.
 */
export function EditorFooter({
  editor,
  saveLabel,
}: {
  editor: { formError: string | null; saving: boolean; cancel: () => void };
  saveLabel: string;
}) {
  return (
    <>
      {editor.formError ? (
        <p className="inline-error" role="alert">
          {editor.formError}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button" disabled={editor.saving}>
          {saveLabel}
        </button>
        <button type="button" className="button button-quiet" onClick={editor.cancel}>
          Cancel
        </button>
      </div>
    </>
  );
}
