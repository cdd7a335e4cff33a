/**
 * The PyTorch code that opens each file the Save menu writes: one snippet per format, named after the file.
 * A state_dict, a checkpoint and a safetensors file need the module first (examples/pytorch/pthlab_arch.py
 * builds it from the architecture JSON); a whole model needs nothing but torch, and torch 2.6's
 * weights_only=True default opens it inside `torch.serialization.safe_globals` naming its classes.
 */
import { type ModuleSpec, NoTorchClassError, wholeModelClasses } from '../../nn/index.ts';

export type SaveFormat = 'state_dict' | 'checkpoint' | 'safetensors' | 'whole-model';

export interface SnippetContext {
  /** The file name (what the menu item downloads). */
  readonly fileName: string;
  readonly arch: ModuleSpec;
  /** torch.optim's class for a checkpoint's optimizer (`Adam`). */
  readonly optimizer: string;
  readonly lr: number;
}

/** The code that loads `format`'s file in PyTorch. */
export function loadSnippet(format: SaveFormat, c: SnippetContext): string {
  const f = JSON.stringify(c.fileName);
  const build = [
    'import torch',
    'from pthlab_arch import build  # examples/pytorch/pthlab_arch.py',
    '',
    `model = build(${JSON.stringify(c.arch)})`,
  ];
  switch (format) {
    case 'state_dict':
      return [...build, `model.load_state_dict(torch.load(${f}))`, 'model.eval()'].join('\n');
    case 'safetensors':
      return [
        ...build.slice(0, 2),
        'from safetensors.torch import load_file',
        ...build.slice(2),
        `model.load_state_dict(load_file(${f}))`,
        'model.eval()',
      ].join('\n');
    case 'checkpoint':
      return [
        'import torch',
        'from pthlab_arch import load_checkpoint  # examples/pytorch/pthlab_arch.py',
        '',
        `model, ck = load_checkpoint(${f})`,
        `optimizer = torch.optim.${c.optimizer}(model.parameters(), lr=${c.lr})`,
        'optimizer.load_state_dict(ck["optimizer_state_dict"])',
      ].join('\n');
    case 'whole-model':
      return wholeModelSnippet(f, c.arch);
  }
}

function wholeModelSnippet(f: string, arch: ModuleSpec): string {
  let classes: string[];
  try {
    classes = wholeModelClasses(arch);
  } catch (e) {
    if (e instanceof NoTorchClassError) return `# ${e.message}.`;
    throw e;
  }
  return [
    'import torch',
    '',
    '# The file is the torch.nn modules themselves: no code of yours is needed.',
    `model = torch.load(${f}, weights_only=False)  # only for a file you trust`,
    '',
    "# or with torch 2.6's safe default, naming the classes the file may hold:",
    `with torch.serialization.safe_globals([${classes.join(', ')}]):`,
    `    model = torch.load(${f})`,
    'model.eval()',
  ].join('\n');
}
