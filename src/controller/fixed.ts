import type { Feedback, Proposal, Strategy, StrategyName } from './types.js';

/**
 * Proposes a given list of decision sequences, in order, and learns nothing: the retraining of a shared-weight
 * search's best architectures goes through the search loop like any other trials. Its state is how many it proposed.
 */
export class FixedListStrategy implements Strategy {
  readonly batchSize: number;
  private proposed = 0;

  /** `batchSize`: how many it proposes at a time (default: the whole list in one batch). */
  constructor(readonly name: StrategyName, private readonly list: readonly number[][], saved?: Uint8Array, batchSize = list.length) {
    this.batchSize = Math.max(1, Math.min(batchSize, list.length));
    if (saved) this.proposed = (JSON.parse(new TextDecoder().decode(saved)) as { proposed: number }).proposed;
  }

  ask(count: number): Proposal[] {
    const next = this.list.slice(this.proposed, this.proposed + count).map((decisions) => ({ decisions: [...decisions] }));
    this.proposed += next.length;
    return next;
  }

  tell(_feedback: Feedback[]): null {
    return null;
  }

  save(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify({ proposed: this.proposed }));
  }

  dispose(): void {}
}
