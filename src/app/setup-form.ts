/**
 * The sandbox page's setup form (#setup): filling and showing it, reading it by the URL's rules as it
 * changes, telling a live change (learning rate, weight decay, batch size: applied to the running optimizer)
 * from one that rebuilds the run, and "Copy link".
 */
import { gptPresetNames, presetLabels, presetNames } from '../train/presets.ts';
import type { LiveSettings } from '../train/sandbox.ts';
import { type Setup, parseSetup } from '../train/setup.ts';

/** The setup's keys the form edits (the others, noise, n and arch, come from the URL). */
const formKeys = ['dataset', 'preset', 'optim', 'lr', 'wd', 'batch', 'seed'] as const;

/** The keys that change while training, without a reset. */
const liveKeys: readonly string[] = ['lr', 'wd', 'batch'];

/** The Model select's entry for an architecture of one's own (the editor's, or a file's). */
const customPreset = 'custom';

export function fillSelect(
  form: HTMLFormElement,
  name: string,
  values: readonly string[],
  labels?: Record<string, string>,
): void {
  const select = form.elements.namedItem(name) as HTMLSelectElement;
  select.replaceChildren(...values.map((v) => new Option(labels?.[v] ?? v, v)));
}

/**
 * The form shows `setup`: the Model select lists the presets of its data (the GPTs for text); it names an
 * architecture of one's own as such, not as the preset.
 */
export function showSetup(form: HTMLFormElement, setup: Setup): void {
  fillSelect(form, 'preset', setup.dataset === 'text' ? gptPresetNames : presetNames, presetLabels);
  const presets = form.elements.namedItem('preset') as HTMLSelectElement;
  if (setup.arch !== undefined)
    presets.add(new Option('Custom architecture (edited or from a file)', customPreset));
  for (const key of formKeys) (form.elements.namedItem(key) as HTMLInputElement).value = String(setup[key]);
  if (setup.arch !== undefined) presets.value = customPreset;
}

/** The setup the form shows, read by the URL's rules (bad values reported, the current value kept). */
export function readForm(form: HTMLFormElement, current: Setup): { setup: Setup; problems: string[] } {
  const values = new FormData(form);
  const query = new URLSearchParams(location.search);
  for (const key of formKeys) query.set(key, String(values.get(key)));
  // Picking a preset means that preset: the architecture of one's own (arch) goes; other changes keep it.
  if (values.get('preset') === customPreset) query.set('preset', current.preset);
  else if (current.arch !== undefined || values.get('preset') !== current.preset) query.delete('arch');
  // Into or out of text: another family of models, trained its own way, from its defaults.
  if ((values.get('dataset') === 'text') !== (current.dataset === 'text'))
    for (const key of ['preset', 'optim', 'lr', 'wd', 'batch', 'arch']) query.delete(key);
  // A text preset of its own: its own learning rate and batch size.
  else if (current.dataset === 'text' && values.get('preset') !== current.preset)
    for (const key of ['lr', 'batch']) query.delete(key);
  return parseSetup(query);
}

/**
 * What the form asks for, as the user changes it: learning rate, weight decay and batch size go `live` as
 * soon as one changes (Enter, or leaving the field), to the running optimizer at its next step (its state
 * kept); anything else, on submit, `rebuild`s the run (with an Undo). Bad values are said in #problems.
 */
export function onSetupForm(
  form: HTMLFormElement,
  current: () => Setup,
  on: { rebuild(setup: Setup): void; live(change: LiveSettings): void },
): void {
  const read = () => {
    const { setup, problems } = readForm(form, current());
    (document.getElementById('problems') as HTMLElement).textContent = problems.join(' ');
    if (onlyLiveChanges(setup, current())) on.live({ lr: setup.lr, wd: setup.wd, batch: setup.batch });
    else on.rebuild(setup);
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    read();
  });
  form.addEventListener('change', (event) => {
    if (isLiveKey((event.target as HTMLInputElement).name)) read();
  });
}

export function isLiveKey(name: string): boolean {
  return liveKeys.includes(name);
}

/** Whether `next` differs from `current` in live keys only (then the run goes on, its optimizer kept). */
export function onlyLiveChanges(next: Setup, current: Setup): boolean {
  const keys = new Set([...Object.keys(next), ...Object.keys(current)] as (keyof Setup)[]);
  return [...keys].every((k) => isLiveKey(k) || JSON.stringify(next[k]) === JSON.stringify(current[k]));
}

/**
 * "Copy link": the page's URL, which carries the whole setup (the page keeps it current), on the clipboard.
 * Where the clipboard is refused (no permission, an insecure origin), the link is shown to copy by hand.
 */
export async function copyLink(): Promise<void> {
  const note = document.getElementById('link-note') as HTMLElement;
  try {
    await navigator.clipboard.writeText(location.href);
    note.textContent = `Copied the link to this setup: ${location.href}`;
  } catch {
    note.textContent = `Copy this link to the setup: ${location.href}`;
  }
}
