import type { Evaluation } from '../../trainer/types.js';
import { fixed, percent, table } from './format.js';

/**
 * The test-set report of a full training (nas replay, nas train): accuracy, confusion matrix (rows: true
 * class), per-class precision / recall / F1.
 */
export function evaluationReport(evaluation: Evaluation, classNames: string[]): string {
  const names = evaluation.confusion.map((_, i) => classNames[i] ?? String(i));
  const confusion = table(
    ['true \\ predicted', ...names.map((_, i) => String(i))],
    evaluation.confusion.map((row, i) => [`${i} ${names[i]!}`, ...row.map(String)]),
  );
  const report = table(
    ['class', 'precision', 'recall', 'f1', 'support'],
    evaluation.perClass.map((c, i) => [names[i]!, fixed(c.precision, 3), fixed(c.recall, 3), fixed(c.f1, 3), String(c.support)]),
  );
  const macro = (key: 'precision' | 'recall' | 'f1'): number =>
    evaluation.perClass.reduce((sum, c) => sum + c[key], 0) / Math.max(1, evaluation.perClass.length);
  return [
    `test accuracy: ${percent(evaluation.accuracy, 2)} (loss ${fixed(evaluation.loss)})`,
    '',
    'confusion matrix:',
    confusion,
    'per-class report:',
    report.trimEnd(),
    `macro average: precision ${fixed(macro('precision'), 3)}, recall ${fixed(macro('recall'), 3)}, f1 ${fixed(macro('f1'), 3)}`,
    '',
  ].join('\n');
}
