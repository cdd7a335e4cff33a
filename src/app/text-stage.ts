/**
 * The sandbox page's text mode (`?dataset=text&preset=gpt-tiny`): `<pth-text-trainer>` takes the stage in
 * place of the 2-D/MNIST views, with its own Train button, loss chart, samples, attention and the GPT as its
 * blocks. The page marks itself `text-mode` (text-stage.css hides what means nothing for a GPT: the play
 * bar's numbers, the data views, the CSV input, the optimizer, the panels but the inspector); the setup form
 * stays, its learning rate, weight decay and batch size live, a preset or seed a new run. A new run that
 * replaces a trained one keeps it (its ckpt.pt and meta.pkl from the worker, and its chart) behind an Undo,
 * as the 2-D stage does after a reset. A file dropped anywhere on the page goes to the text trainer (a
 * nanoGPT ckpt.pt and its meta.pkl).
 */
import type { Backend } from '../tensor/index.ts';
import type { LiveSettings } from '../train/sandbox.ts';
import { type Setup, serializeSetup } from '../train/setup.ts';
import type { LossPoint } from '../ui/loss-chart/pth-loss-chart.ts';
import '../ui/text-trainer/pth-text-trainer.ts';
import type { PthTextTrainer } from '../ui/text-trainer/pth-text-trainer.ts';
import type { TextFiles } from '../ui/text-trainer/text-protocol.ts';
import { showSetup } from './setup-form.ts';
import { UndoOffer } from './undo-offer.ts';

/** A trained GPT run a new setup replaced: what Undo brings back. */
interface Replaced {
  setup: Setup;
  files: TextFiles;
  points: LossPoint[];
}

export class TextStage {
  private trainer: PthTextTrainer | undefined;
  private shown: Setup | undefined;
  private readonly undo: UndoOffer<Replaced>;

  constructor(
    private readonly section: HTMLElement,
    private readonly form: HTMLFormElement,
    private readonly device: Promise<Backend>,
  ) {
    // Capture: before the checkpoint bar's page-wide drop, which would load the file into the hidden model.
    document.addEventListener('drop', (event) => this.onDrop(event), { capture: true });
    const button = document.createElement('button');
    button.className = 'text-undo';
    button.hidden = true;
    section.append(button);
    // The replaced run again: its setup, weights, AdamW state, step and chart.
    this.undo = new UndoOffer(button, async (back) => {
      await this.show(back.setup, false);
      await this.trainer?.restore(back.files, back.points);
    });
  }

  /** The text setup in effect, or undefined when the page shows another dataset. */
  get setup(): Setup | undefined {
    return this.shown;
  }

  get element(): PthTextTrainer | undefined {
    return this.trainer;
  }

  /**
   * Shows the text trainer for `setup` (dataset=text): a new run unless only live settings changed, which
   * `applyLive` takes instead. A trained run it replaces is kept for Undo.
   */
  async show(setup: Setup, remember = true): Promise<void> {
    if (remember) await this.remember();
    this.trainer?.remove();
    const trainer = document.createElement('pth-text-trainer');
    trainer.preset = setup.preset;
    trainer.seed = String(setup.seed);
    trainer.lr = setup.lr;
    trainer.batch = setup.batch;
    trainer.wd = setup.wd;
    trainer.backend = await this.device;
    this.trainer = trainer;
    this.shown = setup;
    this.section.append(trainer);
    this.section.hidden = false;
    document.body.classList.add('text-mode');
    history.replaceState(null, '', `?${serializeSetup(setup)}`);
    showSetup(this.form, setup);
  }

  /** The run now, when it has trained, as the one Undo brings back (its save taken between two steps). */
  private async remember(): Promise<void> {
    const trainer = this.trainer;
    const setup = this.shown;
    if (trainer === undefined || setup === undefined || trainer.step === 0) return;
    let files: TextFiles;
    try {
      await trainer.pause();
      files = await trainer.saveFiles();
    } catch {
      return; // a run that cannot be saved (it diverged) is not offered back
    }
    this.undo.offer(
      { setup, files, points: trainer.chartPoints() },
      `Undo (back to ${setup.preset} at step ${files.step})`,
    );
  }

  /** Back to the other datasets' stage; true when the text trainer was showing. */
  hide(): boolean {
    const was = this.trainer !== undefined;
    void this.trainer?.pause();
    this.trainer?.remove();
    this.trainer = undefined;
    this.shown = undefined;
    this.undo.withdraw();
    this.section.hidden = true;
    document.body.classList.remove('text-mode');
    return was;
  }

  /** Plays or pauses (the page's "k"); false when the page is not in text mode. */
  toggle(): boolean {
    this.trainer?.toggle();
    return this.trainer !== undefined;
  }

  /** Live settings for the running GPT; false when the page is not in text mode. */
  applyLive(change: LiveSettings): boolean {
    const trainer = this.trainer;
    const shown = this.shown;
    if (trainer === undefined || shown === undefined) return false;
    trainer.applyLive(change);
    this.shown = { ...shown, ...change };
    history.replaceState(null, '', `?${serializeSetup(this.shown)}`);
    return true;
  }

  private onDrop(event: DragEvent): void {
    const trainer = this.trainer;
    // A drop on the text trainer itself is its own to take.
    if (trainer === undefined || event.composedPath().includes(trainer)) return;
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length === 0 || files.some((f) => f.name.toLowerCase().endsWith('.csv'))) return;
    event.preventDefault();
    void trainer.openFiles(files);
  }
}
