/// <reference lib="dom" />
/** What the router needs of a page. */
export interface Page {
  readonly element: HTMLElement;
  /** Fetches what changed and redraws in place; called once at first, then on every change of the database. */
  refresh(): Promise<void>;
  dispose(): void;
}
