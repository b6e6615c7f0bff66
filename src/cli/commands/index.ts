import type { CommandModule } from 'yargs';
import { archCommand } from './arch.js';
import { spaceCommand } from './space.js';
import { datasetsCommand } from './datasets.js';
import { searchCommand } from './search.js';
import { bestCommand } from './best.js';
import { replayCommand } from './replay.js';
import { trainCommand } from './train.js';
import { trialsCommand } from './trials.js';
import { showCommand } from './show.js';
import { experimentsCommand } from './experiments.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [archCommand, spaceCommand, datasetsCommand, searchCommand, bestCommand, replayCommand, trainCommand, trialsCommand, showCommand, experimentsCommand];
