/**
 * A decode worker process (forked by decode-pool.ts with advanced serialization): each message is a DecodeBatch,
 * each reply its DecodedBatch with the same id. libvips does much of its per-image work under global locks, so a
 * large folder decodes in several processes, not several threads. The worker ends when its parent disconnects.
 */
import { decodeBatch, type DecodeBatch } from './decode.js';

process.on('message', (message: { id: number; batch: DecodeBatch }) => {
  decodeBatch(message.batch).then(
    (result) => process.send!({ id: message.id, result }),
    (error: unknown) => process.send!({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
