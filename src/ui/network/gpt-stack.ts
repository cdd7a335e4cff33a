/**
 * `<pth-network>`'s picture of a GPT: its parts left to right as nanoGPT's model.py builds them, each with
 * its size: the token and position embeddings added, the blocks (ln_1 → causal self-attention, one square
 * per head → + residual; ln_2 → MLP → + residual; the residual stream is the bar down each block's left
 * side), ln_f and lm_head, whose weight is wte's (tied). Boxes that wrap, so a phone shows it in rows.
 * The whole drawing is one image whose label is `gptSentence`.
 */
import { css, html, nothing } from 'lit';
import { type GptPicture, formatCount, gptSentence } from './picture.ts';

/** Blocks drawn at most; a deeper GPT shows its first and last ones around a count of the rest. */
const maxBlocks = 6;

export const gptStyles = css`
  .gpt {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 0;
    font-size: 12px;
    line-height: 1.25;
  }
  .stage {
    display: flex;
    align-items: center;
  }
  /* The arrow into every stage but the first. */
  .stage + .stage::before {
    content: '→';
    color: #778;
    padding: 0 0.2rem;
  }
  .col {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 0.15rem;
  }
  .part {
    border: 1px solid #99a;
    border-radius: 4px;
    background: #f4f4f8;
    padding: 0.1rem 0.35rem;
    text-align: center;
    white-space: nowrap;
  }
  .part small,
  .note {
    display: block;
    color: #555;
    font-size: 11px;
  }
  .embed .part {
    background: #fff4e5;
    border-color: #d9a35b;
  }
  .block {
    border: 1px solid #99a;
    border-left: 5px solid #8fa8e8;
    border-radius: 4px;
    background: #eef;
    padding: 0.2rem 0.3rem 0.25rem 0.25rem;
    display: flex;
    flex-direction: column;
    align-items: stretch;
    gap: 0.12rem;
  }
  .block .title {
    font-weight: 600;
    text-align: center;
  }
  .block .part {
    background: #fff;
  }
  .attn .part {
    border-color: #2a5bd7;
  }
  .heads {
    display: flex;
    justify-content: center;
    gap: 2px;
    margin: 0.1rem 0;
  }
  .heads i {
    width: 8px;
    height: 8px;
    background: #2a5bd7;
    opacity: 0.75;
    border-radius: 1px;
  }
  .add {
    color: #3d5cb8;
    font-size: 11px;
    text-align: left;
  }
  .more {
    color: #555;
    padding: 0 0.3rem;
  }
  .head .part.lm {
    background: #fff4e5;
    border-color: #d9a35b;
  }
`;

function block(g: GptPicture, i: number) {
  return html`<div class="block" data-block=${i}>
    <span class="title">block ${i}</span>
    <span class="part">ln_1</span>
    <span class="part attn"
      >attention
      <span class="heads">${Array.from({ length: Math.min(g.heads, 16) }, () => html`<i></i>`)}</span>
      <small>${g.heads} ${g.heads === 1 ? 'head' : 'heads'} × ${g.headSize}</small></span
    >
    <span class="add">⊕ residual</span>
    <span class="part">ln_2</span>
    <span class="part">MLP <small>${g.width}→${g.hidden}→${g.width}</small></span>
    <span class="add">⊕ residual</span>
  </div>`;
}

function blocks(g: GptPicture) {
  const all = Array.from({ length: g.layers }, (_, i) => i);
  if (g.layers <= maxBlocks) return all.map((i) => html`<div class="stage">${block(g, i)}</div>`);
  const hidden = g.layers - 4;
  return [
    ...all.slice(0, 2).map((i) => html`<div class="stage">${block(g, i)}</div>`),
    html`<div class="stage"><span class="more">… ${hidden} more blocks …</span></div>`,
    ...all.slice(-2).map((i) => html`<div class="stage">${block(g, i)}</div>`),
  ];
}

export function renderGpt(g: GptPicture) {
  return html`<figure>
    <div class="gpt" role="img" aria-label=${`Network: ${gptSentence(g)}`}>
      <div class="stage embed">
        <div class="col">
          <span class="note">ids, up to ${g.context}</span>
          <span class="part">wte <small>${g.vocab} × ${g.width}</small></span>
          <span>+</span>
          <span class="part">wpe <small>${g.context} × ${g.width}</small></span>
        </div>
      </div>
      ${blocks(g)}
      <div class="stage head">
        <div class="col">
          <span class="part">ln_f <small>${g.width}</small></span>
          <span class="part lm">lm_head <small>${g.width}→${g.vocab}</small></span>
          <span class="note">weight tied to wte</span>
          <span class="note">↓ ${g.vocab} logits</span>
        </div>
      </div>
    </div>
    <figcaption>
      GPT, ${formatCount(g.parameters)} parameters: ${g.layers} ${g.layers === 1 ? 'block' : 'blocks'} of
      causal self-attention (${g.heads} ${g.heads === 1 ? 'head' : 'heads'}) and an MLP, each adding to the
      residual stream (the blue bar); lm_head reuses wte's weight.${g.bias ? nothing : ' No biases.'}
    </figcaption>
  </figure>`;
}
