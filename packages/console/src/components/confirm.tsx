/** A confirmation dialog (a modal `<dialog>`: focus stays inside, Escape cancels); `ask` resolves with the answer. */
import { type ReactElement, useCallback, useRef, useState } from 'react';

export function useConfirm(): [ReactElement, (question: string, action?: string) => Promise<boolean>] {
  const ref = useRef<HTMLDialogElement>(null);
  const [text, setText] = useState({ question: '', action: 'OK' });
  const answer = useRef<(ok: boolean) => void>(() => {});
  const ask = useCallback((question: string, action = 'OK') => {
    setText({ question, action });
    ref.current?.showModal();
    return new Promise<boolean>((resolve) => {
      answer.current = resolve;
    });
  }, []);
  const close = (ok: boolean) => {
    ref.current?.close();
    answer.current(ok);
  };
  const element = (
    <dialog ref={ref} className="confirm" onCancel={() => answer.current(false)} aria-label="Confirm">
      <p>{text.question}</p>
      <div className="actions">
        <button type="button" onClick={() => close(false)}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={() => close(true)}>
          {text.action}
        </button>
      </div>
    </dialog>
  );
  return [element, ask];
}
