/**
 * A state_dict that does not fit the model, said in one sentence: how many keys are missing, left over or of
 * another shape. PyTorch's full message (the key and shape list) is kept for a folded-away `<details>`.
 */

/** One sentence for PyTorch's "Error(s) in loading state_dict" message, or undefined for any other. */
export function mismatchSentence(message: string): string | undefined {
  if (!message.startsWith('Error(s) in loading state_dict')) return undefined;
  const lines = message.split('\n');
  const keys = (label: string) => (lines.find((l) => l.includes(label))?.match(/"[^"]*"/g) ?? []).length;
  const parts = [
    count(keys('Missing key(s)'), 'key', 'missing'),
    count(keys('Unexpected key(s)'), 'key', 'not in this model'),
    count(lines.filter((l) => l.includes('size mismatch for')).length, 'tensor', 'of another shape'),
  ].filter((p) => p !== '');
  return `This file is for a different model: ${parts.join(', ')}.`;
}

function count(n: number, noun: string, what: string): string {
  return n === 0 ? '' : `${n} ${noun}${n === 1 ? '' : 's'} ${what}`;
}
