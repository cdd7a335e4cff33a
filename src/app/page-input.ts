/**
 * The sandbox page's inputs beside its form and buttons: the "k" key that plays and pauses, and a CSV file of
 * one's own, picked or dropped anywhere on the page.
 */
import { isCsvFile } from './csv-source.ts';

/** "k" plays and pauses (YouTube's key), anywhere but in a field that takes typing. */
export function onPlayPauseKey(toggle: () => void): void {
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'k' || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement;
    if (target.closest('input, textarea, select, [contenteditable]') !== null) return;
    if (
      event
        .composedPath()
        .some((el) => el instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))
    )
      return;
    event.preventDefault();
    toggle();
  });
}

/** A CSV picked in the `#csv-file` input, or dropped on the page, goes to `use`. */
export function onCsvFile(use: (file: File) => Promise<void>): void {
  const input = document.getElementById('csv-file') as HTMLInputElement;
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file !== undefined) void use(file).finally(() => (input.value = ''));
  });
  // Before the checkpoint bar's page-wide drop (which takes checkpoint files): a dropped .csv is data.
  document.addEventListener(
    'drop',
    (event) => {
      const file = event.dataTransfer?.files[0];
      if (file === undefined || !isCsvFile(file)) return;
      event.preventDefault();
      void use(file);
    },
    { capture: true },
  );
}
