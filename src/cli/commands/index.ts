import type { CommandModule } from 'yargs';
import { archCommand } from './arch.js';
import { spaceCommand } from './space.js';
import { datasetsCommand } from './datasets.js';
import { searchCommand } from './search.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [archCommand, spaceCommand, datasetsCommand, searchCommand];
