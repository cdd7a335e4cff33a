/**
 * Runs the real references the container tests compare against: Debian's Python 3.11 with torch 1.13
 * (`/usr/bin/python3`) and the trixie chroot with torch 2.6 and the `safetensors` package
 * (ENVIRONMENT.md). Each workspace is a fresh folder both sides can see: files written here are read by
 * the Python script under `pythonDir`, and the other way round.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const trixieRoot = '/var/lib/pthlab/trixie';

export interface PythonWorkspace {
  /** The folder as this process sees it. */
  readonly hostDir: string;
  /** The same folder as the Python script sees it (inside the chroot for trixie). */
  readonly pythonDir: string;
  /** Runs a script (with `DIR` bound to pythonDir) and returns its stdout, minus chroot noise. */
  run(script: string): string;
  write(name: string, bytes: Uint8Array): void;
  read(name: string): Uint8Array;
  dispose(): void;
}

/** torch 1.13, numpy, zipfile, zlib. */
export function hostPython(): PythonWorkspace {
  const hostDir = mkdtempSync(join(tmpdir(), 'pthlab-ref-'));
  return workspace(hostDir, hostDir, ['/usr/bin/python3']);
}

/** torch 2.6 and safetensors, through `chroot` (needs root, as in CI). */
export function trixiePython(): PythonWorkspace {
  const hostDir = mkdtempSync(join(trixieRoot, 'tmp', 'pthlab-ref-'));
  const pythonDir = hostDir.slice(trixieRoot.length);
  return workspace(hostDir, pythonDir, ['chroot', trixieRoot, 'python3']);
}

function workspace(hostDir: string, pythonDir: string, command: readonly string[]): PythonWorkspace {
  return {
    hostDir,
    pythonDir,
    run(script: string): string {
      const prologue = `DIR = ${JSON.stringify(pythonDir)}\n`;
      const [program, ...args] = command as [string, ...string[]];
      const result = spawnSync(program, [...args, '-c', prologue + script], {
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      });
      if (result.status !== 0) {
        throw new Error(`python failed (${result.status}): ${result.error?.message ?? ''}\n${result.stderr}`);
      }
      // The chroot's torch prints a UCX warning on stdout and a cpuinfo one on stderr (ENVIRONMENT.md).
      return result.stdout
        .split('\n')
        .filter((line) => !/^\[[\d.]+\] \[.*\bUCX\s+(ERROR|WARN)/.test(line))
        .join('\n');
    },
    write(name: string, bytes: Uint8Array): void {
      writeFileSync(join(hostDir, name), bytes);
    },
    read(name: string): Uint8Array {
      return new Uint8Array(readFileSync(join(hostDir, name)));
    },
    dispose(): void {
      rmSync(hostDir, { recursive: true, force: true });
    },
  };
}

/**
 * Python source defining `listing(path)`: what Python's zipfile sees in an archive, in central-directory
 * order, with each entry's bytes base64-encoded. Tests compare our reader with it.
 */
export const pythonZipListing = `
import base64, json, zipfile
def read_unchecked(z, info):
    # torch may write CRC 0 (compute_crc32=False); zipfile would refuse to read such an entry.
    with z.open(info) as f:
        f._expected_crc = None
        return f.read()
def listing(path, with_data=True):
    with zipfile.ZipFile(path) as z:
        return [{
            'name': i.filename, 'size': i.file_size, 'compressedSize': i.compress_size, 'crc32': i.CRC,
            'localHeaderOffset': i.header_offset, 'method': i.compress_type,
            'data': base64.b64encode(read_unchecked(z, i)).decode() if with_data else None,
        } for i in z.infolist()]
`;

export interface ListedEntry {
  name: string;
  size: number;
  compressedSize: number;
  crc32: number;
  localHeaderOffset: number;
  method: number;
  data: string | null;
}
