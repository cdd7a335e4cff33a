/** nanoGPT's GPT: config, modules, sampling. */
export { CausalSelfAttention } from './attention.ts';
export { Block, MLP, type GptInitOptions } from './block.ts';
export { GPT_DEFAULTS, type GPTConfig, gptConfig } from './config.ts';
export { type GenerateOptions, generate, pick } from './generate.ts';
export { GPT, gptFromSpec } from './model.ts';
export { type AttentionMaps, attentionMaps } from './attention-maps.ts';
