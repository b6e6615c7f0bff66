import type { CommandModule } from 'yargs';
import { NasError } from '../../errors.js';

export const spaceCommand: CommandModule = {
  command: 'space <action> <file>',
  describe: 'Show a search space: its decisions and size',
  handler: () => {
    throw new NasError('nas space is not implemented yet');
  },
};
