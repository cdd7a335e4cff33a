/**
 * `npm run bench [-- --json]`: pthlab beside its peers, measured in the same run on this machine, reported
 * as ratios. Never a pass/fail threshold: the machine is shared and noisy.
 */
import { checkpointIoRows } from './checkpoint-io.ts';

const json = process.argv.includes('--json');
const io = await checkpointIoRows();

if (json) {
  process.stdout.write(`${JSON.stringify({ checkpoint: io })}\n`);
} else {
  const lines = [
    `Checkpoint I/O, 100 MiB state_dict, medians of 5 (torch ${io.torchVersion}, same machine, same run)`,
    `${'row'.padEnd(20)} ${'pthlab MB/s'.padStart(12)} ${'torch MB/s'.padStart(12)} ${'ratio'.padStart(7)}`,
    ...io.rows.map(
      (r) =>
        `${r.name.padEnd(20)} ${r.pthlab.toFixed(0).padStart(12)} ${r.torch.toFixed(0).padStart(12)} ${(r.pthlab / r.torch).toFixed(2).padStart(7)}`,
    ),
    `load peak memory growth: ${io.loadPeakOverFile.toFixed(2)} x the file's size`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
