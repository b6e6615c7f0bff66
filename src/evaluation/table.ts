import type { BenchmarkTable } from '../tabular/index.js';
import { TabularEvaluator } from '../tabular/index.js';
import type { EvaluationOutcome, EvaluationRequest, Evaluator } from './types.js';

/**
 * Looks a cell's reward up in a benchmark table (NAS-Bench-201) instead of training: the table's reward
 * column is the outcome's validation accuracy; its score column never reaches the search.
 */
export function createTableEvaluator(table: BenchmarkTable): Evaluator {
  const lookup = new TabularEvaluator(table);
  return {
    async evaluate(request: EvaluationRequest): Promise<EvaluationOutcome> {
      if (request.candidate.kind !== 'cell') {
        return { status: 'failed', error: 'error: a benchmark table scores cells, not layer ARCHs', worker: null };
      }
      const valAcc = lookup.reward(request.candidate.arch);
      return { status: 'completed', metrics: { valAcc, valLoss: null, trainAcc: null, params: null, epochsRun: 0, backend: null }, worker: 'table' };
    },
    async close() {},
  };
}
