import type { SharingRule } from '../../src/evaluation/shared/sharing-rules.js';

/** 'plain', or '+'-joined parts: 'scaled' (scaleSlices), 'bn' and 'stride' (weights of their own per choice). */
export function parseSharing(text: string): SharingRule {
  if (text === 'plain') return { scaleSlices: false, separate: [] };
  const parts = text.split('+');
  const unknown = parts.filter((part) => !['scaled', 'bn', 'stride'].includes(part));
  if (unknown.length > 0 || parts.length === 0) throw new Error(`--sharing: plain, or scaled, bn, stride joined by +, not ${text}`);
  return {
    scaleSlices: parts.includes('scaled'),
    separate: [...(parts.includes('bn') ? ['batch_norm' as const] : []), ...(parts.includes('stride') ? ['stride' as const] : [])],
  };
}
