/** The errors of layer 6; each message says what went wrong and what to do. */

/** A bad training setup: data that does not fit the model or the loss, a checkpoint missing a part. */
export class TrainError extends Error {
  override readonly name: string = 'TrainError';
}

/** The loss (or a weight) became NaN or infinite: training stopped and nothing diverged was saved. */
export class DivergenceError extends TrainError {
  override readonly name = 'DivergenceError';
  constructor(
    message: string,
    /** The 1-based global step at which the non-finite value appeared. */
    readonly step: number,
    readonly value: number,
  ) {
    super(message);
  }
}

/** An architecture that cannot train on the chosen data: it does not build, does not take its rows, or gives the wrong number of outputs. */
export class ArchitectureError extends TrainError {
  override readonly name = 'ArchitectureError';
}
