/**
 * Inflates one deflated (method 8) entry into a buffer of exactly its declared size.
 *
 * The compressed bytes are fed to fflate's streaming inflater in small slices, so a hostile stream (a
 * "zip bomb" that expands far past what the central directory promised) is stopped as soon as it passes
 * the declared size: the work done is bounded by the declared size plus one slice's worth of output
 * (deflate expands at most ~1032:1), never by what the stream would eventually produce. A one-shot
 * `inflateSync` into a fixed buffer would silently drop the excess while still decoding all of it.
 */
import { Inflate } from 'fflate';
import { CheckpointError } from '../errors.ts';

/** Compressed bytes per push: at most ~4 MiB of output can appear before we get to check it. */
const sliceBytes = 4 * 1024;

export function inflateExactly(compressed: Uint8Array, declaredSize: number, at: string): Uint8Array {
  const out = new Uint8Array(declaredSize);
  let written = 0;
  const inflater = new Inflate((chunk: Uint8Array) => {
    if (chunk.length > declaredSize - written) {
      throw new CheckpointError(
        'zip-bomb',
        `deflate stream inflates past its declared size of ${declaredSize} bytes`,
        at,
      );
    }
    out.set(chunk, written);
    written += chunk.length;
  });

  try {
    if (compressed.length === 0) inflater.push(compressed, true);
    for (let start = 0; start < compressed.length; start += sliceBytes) {
      const end = Math.min(start + sliceBytes, compressed.length);
      inflater.push(compressed.subarray(start, end), end === compressed.length);
    }
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new CheckpointError('zip-malformed', `corrupt deflate stream: ${reason}`, at);
  }

  if (written !== declaredSize) {
    throw new CheckpointError(
      'zip-malformed',
      `deflate stream holds ${written} bytes but the central directory declares ${declaredSize}`,
      at,
    );
  }
  return out;
}
