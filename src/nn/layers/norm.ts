import { F, type Tensor, fromHost, noGrad, tensor } from '../../tensor/index.ts';
import { type InitOptions, constant } from '../init.ts';
import { Module } from '../module.ts';

export interface BatchNormOptions extends InitOptions {
  eps?: number;
  /** null: a cumulative average (factor 1 / num_batches_tracked), as torch's momentum=None. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/**
 * torch.nn.BatchNorm1d / BatchNorm2d (`_BatchNorm`, `_version` 2): weight, bias, running_mean, running_var,
 * num_batches_tracked (int64, 0-dim). The count is mirrored on the host so that updating it never reads
 * the device.
 */
abstract class BatchNorm extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  private batches = 0;

  constructor(
    readonly numFeatures: number,
    opts: BatchNormOptions = {},
  ) {
    super();
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    const affine = opts.affine ?? true;
    this.registerParameter('weight', affine ? constant([numFeatures], 1, opts) : null);
    this.registerParameter('bias', affine ? constant([numFeatures], 0, opts) : null);
    const track = opts.trackRunningStats ?? true;
    this.registerBuffer('running_mean', track ? constant([numFeatures], 0, opts) : null);
    this.registerBuffer('running_var', track ? constant([numFeatures], 1, opts) : null);
    const count = tensor(0, [], { dtype: 'int64', ...(opts.backend ? { backend: opts.backend } : {}) });
    this.registerBuffer('num_batches_tracked', track ? count : null);
  }

  override get version(): number {
    return 2;
  }

  protected abstract checkInput(x: Tensor): void;

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    const runningMean = this.buffer('running_mean');
    const runningVar = this.buffer('running_var');
    const tracked = this.buffer('num_batches_tracked');
    let factor = this.momentum ?? 0;
    if (this.training && tracked !== null) {
      this.batches += 1;
      tracked.backend.write(tracked.buffer, Int32Array.of(this.batches));
      if (this.momentum === null) factor = 1 / this.batches;
    }
    const useBatchStats = this.training || runningMean === null;
    return F.batchNorm(
      x,
      runningMean,
      runningVar,
      this.param('weight'),
      this.param('bias'),
      useBatchStats,
      factor,
      this.eps,
    );
  }

  /** Checkpoints before version 2 have no num_batches_tracked: torch fills in the current count (or 0). */
  protected override upgradeStateDict(
    local: Map<string, Tensor>,
    prefix: string,
    version: number | undefined,
  ): void {
    const key = `${prefix}num_batches_tracked`;
    const tracked = this.buffer('num_batches_tracked');
    if ((version === undefined || version < 2) && tracked !== null && !local.has(key)) {
      local.set(
        key,
        noGrad(() => fromHost(Int32Array.of(this.batches), [], { backend: tracked.backend })),
      );
    }
  }

  protected override afterLoadLocal(): void {
    const tracked = this.buffer('num_batches_tracked');
    if (tracked !== null && tracked.backend.readSync !== undefined) this.batches = tracked.item();
  }
}

export class BatchNorm1d extends BatchNorm {
  readonly typeName = 'BatchNorm1d';
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw new RangeError(`expected 2D or 3D input (got ${x.ndim}D input)`);
  }
}

export class BatchNorm2d extends BatchNorm {
  readonly typeName = 'BatchNorm2d';
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 4) throw new RangeError(`expected 4D input (got ${x.ndim}D input)`);
  }
}

export interface LayerNormOptions extends InitOptions {
  eps?: number;
  elementwiseAffine?: boolean;
  bias?: boolean;
}

/** torch.nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True, bias=True). */
export class LayerNorm extends Module {
  readonly typeName = 'LayerNorm';
  readonly normalizedShape: number[];
  readonly eps: number;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = opts.eps ?? 1e-5;
    const affine = opts.elementwiseAffine ?? true;
    this.registerParameter('weight', affine ? constant(this.normalizedShape, 1, opts) : null);
    this.registerParameter(
      'bias',
      affine && (opts.bias ?? true) ? constant(this.normalizedShape, 0, opts) : null,
    );
  }

  forward(x: Tensor): Tensor {
    return F.layerNorm(x, this.normalizedShape, this.param('weight'), this.param('bias'), this.eps);
  }
}
