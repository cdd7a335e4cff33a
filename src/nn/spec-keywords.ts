/**
 * Reading one layer's keywords from DESIGN.md's architecture JSON, and the refusals. The layer types of
 * layer-types/ declare their keywords over this reader, and build.ts and shapes.ts both go through those
 * declarations: the same defaults, the same checks, the same messages, unknown keywords refused as Python
 * refuses them. A refusal says whose wording it uses and whether torch itself would have accepted the spec
 * (a pthlab limit rather than a misfit), so the torch tests can hold each to account.
 */

/** One layer of the architecture JSON: torch.nn's class name and its keywords (a Sequential's `layers`). */
export interface ModuleSpec {
  type: string;
  [keyword: string]: unknown;
}

export type Pair = [number, number];

/** Why a layer is refused. `wording: 'torch'` means the message is torch 2.6's own, word for word. */
export class LayerRefusal extends Error {
  override name = 'LayerRefusal';
  constructor(
    message: string,
    readonly wording: 'torch' | 'pthlab',
    /** A pthlab limit: pthlab cannot build or run this, though torch may. */
    readonly unsupported = false,
    /** A plain-language pointer to the fix, for the editor. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** A refusal in torch 2.6's own words. */
export const torchRefusal = (message: string, hint?: string) =>
  new LayerRefusal(message, 'torch', false, hint);
/** A refusal in pthlab's words; `unsupported` when it is a pthlab limit. */
export const pthlabRefusal = (message: string, unsupported = false, hint?: string) =>
  new LayerRefusal(message, 'pthlab', unsupported, hint);
const pthlab = pthlabRefusal;

/** A layer's output shape and its parameter count. */
export interface LayerOutput {
  output: number[];
  params: number;
}

export const product = (dims: readonly number[]) => dims.reduce((a, d) => a * d, 1);
/** [1, 2, 3], as torch prints a size list in its messages. */
export const list = (dims: readonly number[]) => `[${dims.join(', ')}]`;
/** (1, 16): a shape as the model summary prints it. */
export const formatShape = (shape: readonly number[]) => `(${shape.join(', ')})`;

const isInt = (v: number) => Number.isInteger(v);

/** One layer spec's keywords, read as build.ts reads them; `done()` refuses the ones nobody read. */
export class Keywords {
  private readonly used = new Set<string>(['type']);
  constructor(readonly spec: ModuleSpec) {}

  get type(): string {
    return this.spec.type;
  }

  private get(name: string): unknown {
    this.used.add(name);
    return this.spec[name];
  }

  num(name: string, fallback?: number): number {
    const v = this.get(name) ?? fallback;
    if (typeof v !== 'number') throw pthlab(`${this.type}: ${name} must be a number`);
    return v;
  }

  numOrNull(name: string, fallback: number | null): number | null {
    const v = this.get(name);
    if (v === undefined) return fallback;
    if (v !== null && typeof v !== 'number') throw pthlab(`${this.type}: ${name} must be a number or null`);
    return v;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.get(name) ?? fallback;
    if (typeof v !== 'boolean') throw pthlab(`${this.type}: ${name} must be a boolean`);
    return v;
  }

  /** An int or a pair of ints, as a pair. */
  pair(name: string, fallback?: number | Pair): Pair {
    const v = this.get(name) ?? fallback;
    if (typeof v === 'number') return [v, v];
    if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number'))
      return [v[0] as number, v[1] as number];
    throw pthlab(`${this.type}: ${name} must be an int or a pair of ints`);
  }

  pairOrNull(name: string): Pair | null {
    const v = this.get(name);
    return v === undefined || v === null ? null : this.pair(name);
  }

  raw(name: string): unknown {
    return this.get(name);
  }

  /**
   * A size (features, channels, rows): a positive integer. torch builds empty layers from 0; pthlab does not,
   * so 0 is a pthlab limit, while negative and fractional sizes are refused by torch too.
   */
  size(name: string, fallback?: number): number {
    return this.positive(name, this.num(name, fallback));
  }

  sizes(name: string, fallback?: number | Pair): Pair {
    const [a, b] = this.pair(name, fallback);
    return [this.positive(name, a), this.positive(name, b)];
  }

  private positive(name: string, v: number): number {
    if (!isInt(v) || v <= 0)
      throw pthlab(`${this.type}: ${name} must be a positive integer, got ${v}`, v === 0);
    return v;
  }

  /** Python's TypeError for a keyword the constructor does not take. */
  done(): void {
    for (const key of Object.keys(this.spec)) {
      if (!this.used.has(key))
        throw new LayerRefusal(
          `${this.type}.__init__() got an unexpected keyword argument '${key}'`,
          'torch',
        );
    }
  }
}

/** A non-negative integer pair (padding), with torch's message for a negative one. */
export function nonNegative(p: Pair, message: string): Pair {
  if (p.some((v) => !isInt(v))) throw pthlab(`padding must be integers, got [${p.join(', ')}]`);
  if (p.some((v) => v < 0)) throw new LayerRefusal(message, 'torch');
  return p;
}

/** A layer of a spec: an object with a string `type`, else refused (a number in a list of layers, ...). */
export function asSpec(v: unknown): ModuleSpec {
  const ok =
    typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as ModuleSpec).type === 'string';
  if (!ok) throw pthlab(`a layer must be an object with a string 'type', got ${JSON.stringify(v)}`);
  return v as ModuleSpec;
}

/** A Sequential's children (not yet checked one by one); its own keywords checked as any layer's. */
export function sequentialLayers(spec: ModuleSpec): unknown[] {
  const a = new Keywords(spec);
  const layers = a.raw('layers') ?? [];
  if (!Array.isArray(layers)) throw pthlab('Sequential: layers must be a list of specs');
  a.done();
  return layers;
}
