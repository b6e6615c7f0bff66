import type { CommandModule } from 'yargs';
import { NasError } from '../../errors.js';

export const archCommand: CommandModule = {
  command: 'arch <action> <file>',
  describe: 'Show or check an ARCH file (JSON or Python-literal notation)',
  handler: () => {
    throw new NasError('nas arch is not implemented yet');
  },
};
