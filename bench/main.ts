/**
 * `npm run bench [-- --json]`: pthlab beside its peers, measured in the same run on this machine, reported
 * as ratios. Never a pass/fail threshold: the machine is shared and noisy.
 */
import { checkpointIoReport } from './checkpoint-io.ts';

const json = process.argv.includes('--json');
const io = await checkpointIoReport();

if (json) {
  process.stdout.write(`${JSON.stringify({ checkpoint: io })}\n`);
} else {
  const cell = (text: string, width: number) => text.padStart(width);
  const lines = [
    `Checkpoint I/O: 100 MiB state_dict (25 x 1024x1024 float32), medians of 5; torch ${io.torchVersion}, same run`,
    `${'row'.padEnd(22)}${cell('pthlab MB/s', 13)}${cell('torch MB/s', 12)}${cell('ratio', 8)}`,
    ...io.rows.map(
      (r) =>
        `${r.name.padEnd(22)}${cell(r.pthlab.toFixed(0), 13)}${cell(r.torch.toFixed(0), 12)}${cell((r.pthlab / r.torch).toFixed(2), 8)}`,
    ),
    `load peak memory growth: ${io.loadPeakOverFile.toFixed(2)} x the file's size`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
