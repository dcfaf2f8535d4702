/**
 * Catches a page that fails while rendering, so the reader sees what went wrong in one line and
 * a way on — never a blank screen or a stack trace. Keyed by the address, it starts afresh on
 * the next page.
 */
import { Component, type ReactNode } from 'react';
import { ErrorNote } from './states.tsx';

interface State {
  readonly error?: unknown;
}

export class PageErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = {};

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  override render(): ReactNode {
    if (this.state.error === undefined) return this.props.children;
    return (
      <div>
        <ErrorNote error={this.state.error} title="This page could not be shown" />
        <p>
          <button type="button" onClick={() => location.reload()}>
            Reload
          </button>
        </p>
      </div>
    );
  }
}
