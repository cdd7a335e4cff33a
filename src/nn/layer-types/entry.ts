/**
 * One layer type, described once: its keywords with their checks (keyword.ts), the checks across them, its
 * parameters and buffers (torch's names and shapes), its output-shape rule, how to build its module, and what
 * the model editor offers. `defineLayer` closes over the keywords' types so the registry (index.ts) holds
 * entries of every type alike; build.ts, shapes.ts, the editor, the checkpoint bar's description and the
 * Python mirror (scripts/gen-layer-table.ts) all read the registry, never a list of their own.
 */
import type { InitOptions } from '../init.ts';
import type { Module } from '../module.ts';
import { type Keywords, type ModuleSpec, pthlabRefusal as pthlab } from '../spec-keywords.ts';
import type { Keyword } from './keyword.ts';

export type KeywordTable<A> = { readonly [K in keyof A]: Keyword<A[K]> };

/** Tensor shapes by state_dict name (relative to the layer), in registration order. */
export type Shapes = Readonly<Record<string, readonly number[]>>;

export interface LayerState {
  readonly params: Shapes;
  /** Persistent buffers (BatchNorm's running statistics). */
  readonly buffers?: Shapes;
  /** state_dict entries that are a parameter already listed (a GPT's lm_head.weight): not counted again. */
  readonly tied?: Shapes;
}

/** What the model editor does with a layer type. */
export interface EditorInfo {
  /** The layer the "add" menu inserts, before its input size is derived; absent: the menu leaves it out. */
  readonly example?: Readonly<Record<string, unknown>>;
  /** The keyword the layer takes from its input's shape (shown read-only), and how the editor sets it. */
  readonly fromInput?: {
    readonly key: string;
    /** The spec with that keyword set from the input shape, or unchanged where the shape is not its kind. */
    readonly derive: (spec: ModuleSpec, shape: readonly number[]) => ModuleSpec;
  };
}

/** A layer type as written in its file; `A` is what its keywords read to (inferred from them alone). */
export interface LayerDefinition<A> {
  /** torch.nn's class name, the spec's `type`. */
  readonly type: string;
  /** In torch's constructor order; key order is the order they are read and checked in. */
  readonly keywords: KeywordTable<A>;
  /** Checks across keywords that need no input, after all are read and unknown ones refused. */
  readonly check?: (args: NoInfer<A>) => void;
  /** Takes int64 indices (an Embedding), refusing floating-point input with `otherwise`; others take floats. */
  readonly takes?: { readonly dtype: 'int64'; readonly otherwise: () => Error };
  readonly state: (args: NoInfer<A>) => LayerState;
  /** Output shape for an input shape (batch included), with torch's checks and messages for a misfit. */
  readonly output: (args: NoInfer<A>, input: readonly number[]) => number[];
  readonly build: (args: NoInfer<A>, opts: InitOptions) => Module;
  readonly editor?: EditorInfo;
}

/** One spec read against its layer type: everything the type computes, for these keywords. */
export interface ReadLayer {
  readonly state: LayerState;
  readonly output: (input: readonly number[]) => number[];
  readonly build: (opts: InitOptions) => Module;
}

/** A registered layer type, whatever its keywords read to. */
export interface LayerType {
  readonly type: string;
  readonly keywords: Readonly<Record<string, Keyword<unknown>>>;
  /** The input dtype it takes, and the refusal of any other. */
  readonly takes: { readonly dtype: 'float32' | 'int64'; readonly otherwise: () => Error };
  readonly editor: EditorInfo | undefined;
  /** Reads and checks a spec's keywords (refusing unknown ones), then the checks across them. */
  readonly read: (a: Keywords) => ReadLayer;
}

export function defineLayer<A>(def: LayerDefinition<A>): LayerType {
  const keywords: Readonly<Record<string, Keyword<unknown>>> = def.keywords;
  return {
    type: def.type,
    keywords,
    takes: def.takes ?? {
      dtype: 'float32',
      otherwise: () =>
        pthlab(`${def.type} takes floating-point input; only Embedding takes int64 indices`, true),
    },
    editor: def.editor,
    read(a) {
      const args: Record<string, unknown> = {};
      for (const [name, k] of Object.entries(keywords)) args[name] = k.read(a, name);
      a.done();
      // Every key of A was just read by its own declaration, so args is an A.
      const typed = args as A;
      def.check?.(typed);
      return {
        state: def.state(typed),
        output: (input) => def.output(typed, input),
        build: (opts) => def.build(typed, opts),
      };
    },
  };
}

/** Number of parameters of a layer's state. */
export function paramCount(state: LayerState): number {
  return Object.values(state.params).reduce((s, shape) => s + shape.reduce((a, d) => a * d, 1), 0);
}
