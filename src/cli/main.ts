/** The `pthlab` command: inspect, convert, fuse and diff checkpoints, and train. */
import { parseArgs } from 'node:util';
import { CheckpointError } from '../checkpoint/index.ts';
import { AnalysisError } from '../analysis/index.ts';
import { convertCommand, UsageError } from './convert.ts';
import { diffCommand, diffUsage } from './diff.ts';
import { fuseCommand, fuseUsage, parseWeights } from './fuse.ts';
import { inspectCommand } from './inspect.ts';
import { parseSampleArgs, sampleCommand, sampleUsage } from './sample.ts';
import { parseTrainArgs, trainCommand, trainUsage } from './train.ts';
import { StateDictError } from '../nn/index.ts';
import { OptimizerStateError } from '../optim/index.ts';
import { TrainError } from '../train/index.ts';

const usage = `usage:
  pthlab inspect FILE [--json] [--stats]
                                   what a .pth/.pt/.bin/.safetensors file holds (--stats: per-tensor statistics)
  pthlab convert IN OUT            between torch zip (.pth .pt .bin), legacy torch and .safetensors
${fuseUsage}
${diffUsage}
${trainUsage}
${sampleUsage}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'inspect') {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { json: { type: 'boolean' }, stats: { type: 'boolean' } },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError('inspect takes one FILE');
    const text = await inspectCommand(positionals[0] as string, {
      json: values.json === true,
      stats: values.stats === true,
      warn: (line) => process.stderr.write(`pthlab: warning: ${line}\n`),
    });
    process.stdout.write(`${text}\n`);
    return 0;
  }
  if (command === 'fuse') {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { out: { type: 'string' }, weights: { type: 'string' } },
      allowPositionals: true,
    });
    if (values.out === undefined) throw new UsageError('fuse: --out is required');
    const lines = fuseCommand({
      inputs: positionals,
      out: values.out,
      ...(values.weights === undefined ? {} : { weights: parseWeights(values.weights) }),
    });
    for (const line of lines) process.stderr.write(`pthlab: ${line}\n`);
    return 0;
  }
  if (command === 'diff') {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { json: { type: 'boolean' } },
      allowPositionals: true,
    });
    if (positionals.length !== 2) throw new UsageError('diff takes two files, A and B');
    const result = diffCommand(positionals[0] as string, positionals[1] as string, {
      json: values.json === true,
    });
    process.stdout.write(`${result.text}\n`);
    return 0;
  }
  if (command === 'convert') {
    const { positionals } = parseArgs({ args: rest, options: {}, allowPositionals: true });
    if (positionals.length !== 2) throw new UsageError('convert takes IN and OUT');
    await convertCommand(positionals[0] as string, positionals[1] as string, (line) =>
      process.stderr.write(`pthlab: warning: ${line}\n`),
    );
    return 0;
  }
  if (command === 'train') {
    await trainCommand(parseTrainArgs(rest), {
      stderr: (text) => process.stderr.write(text),
      isTTY: process.stderr.isTTY === true,
    });
    return 0;
  }
  if (command === 'sample') {
    process.stdout.write(await sampleCommand(parseSampleArgs(rest)));
    return 0;
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${usage}\n`);
    return command === undefined ? 2 : 0;
  }
  throw new UsageError(`unknown command ${JSON.stringify(command)}`);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
    process.stderr.write(`pthlab: ${error.message}\n${usage}\n`);
    process.exitCode = 2;
  } else if (
    error instanceof TrainError ||
    error instanceof AnalysisError ||
    error instanceof StateDictError ||
    error instanceof OptimizerStateError
  ) {
    process.stderr.write(`pthlab: error: ${error.message}\n`); // DivergenceError included: nothing was written
    process.exitCode = 1;
  } else if (error instanceof CheckpointError) {
    process.stderr.write(`pthlab: error: ${error.message} [${error.code}]\n`);
    process.exitCode = 1;
  } else if (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('E')
  ) {
    process.stderr.write(`pthlab: error: ${error.message}\n`); // file system errors: ENOENT, EACCES, ...
    process.exitCode = 1;
  } else {
    throw error;
  }
}
