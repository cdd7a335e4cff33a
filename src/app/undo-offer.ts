/**
 * The Undo a reset offers: a change of data or architecture (the 2-D stage) or of preset or seed (the text
 * stage) replaces a trained run, which stays kept behind a button naming it until Undo brings it back or
 * another change replaces it. Each stage has its own button and its own idea of what a run is.
 */
export class UndoOffer<Kept> {
  private kept: Kept | undefined;

  constructor(
    private readonly button: HTMLButtonElement,
    restore: (kept: Kept) => Promise<void>,
  ) {
    button.addEventListener('click', () => {
      const back = this.kept;
      if (back === undefined) return;
      this.withdraw();
      void restore(back);
    });
  }

  /** Keeps `kept`, the button saying `label` ("Undo (back to spirals at step 300)"). */
  offer(kept: Kept, label: string): void {
    this.kept = kept;
    this.button.textContent = label;
    this.button.hidden = false;
  }

  withdraw(): void {
    this.kept = undefined;
    this.button.hidden = true;
  }
}
