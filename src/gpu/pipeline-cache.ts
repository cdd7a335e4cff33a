/** Compute pipelines cached by (shader source, entry point, override constants); modules cached by source. */

export interface PipelineKey {
  /** WGSL source text. */
  code: string;
  entryPoint: string;
  constants?: Readonly<Record<string, number>>;
  label?: string;
}

export class PipelineCache {
  private readonly modules = new Map<string, GPUShaderModule>();
  /** By source text (the loader's one string per shader, whose hash V8 keeps), then entry and constants. */
  private readonly pipelines = new Map<string, Map<string, GPUComputePipeline>>();
  private count = 0;

  constructor(private readonly device: GPUDevice) {}

  get(key: PipelineKey): GPUComputePipeline {
    const constants = key.constants ?? {};
    const constantsKey = Object.keys(constants)
      .sort()
      .map((k) => `${k}=${constants[k]}`)
      .join(',');
    const cacheKey = `${key.entryPoint}|${constantsKey}`;
    let byEntry = this.pipelines.get(key.code);
    if (!byEntry) {
      byEntry = new Map();
      this.pipelines.set(key.code, byEntry);
    }
    let pipeline = byEntry.get(cacheKey);
    if (!pipeline) {
      pipeline = this.device.createComputePipeline({
        label: key.label ?? key.entryPoint,
        layout: 'auto',
        compute: { module: this.module(key.code, key.label), entryPoint: key.entryPoint, constants },
      });
      byEntry.set(cacheKey, pipeline);
      this.count++;
    }
    return pipeline;
  }

  private module(code: string, label: string | undefined): GPUShaderModule {
    let module = this.modules.get(code);
    if (!module) {
      module = this.device.createShaderModule({ code, ...(label ? { label } : {}) });
      this.modules.set(code, module);
    }
    return module;
  }

  get size(): number {
    return this.count;
  }
}
