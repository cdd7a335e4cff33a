import { css } from 'lit';

export const importanceStyles = css`
  figure {
    margin: 0;
  }
  svg {
    display: block;
    max-width: 100%;
    font:
      12px system-ui,
      sans-serif;
  }
  .weight {
    fill: var(--pth-importance-weight, #2a5bd7);
  }
  .grad {
    fill: var(--pth-importance-grad, #e8710a);
  }
  .legend {
    display: flex;
    gap: 1rem;
    margin: 0.2rem 0;
    color: var(--pth-muted, #555);
  }
  .swatch {
    display: inline-block;
    width: 0.8em;
    height: 0.8em;
    margin-right: 0.3em;
    vertical-align: -0.05em;
  }
  figcaption {
    margin-top: 0.3rem;
  }
  /* Wide enough that its caption reads as a line, not a column of words. */
  table[part='shares'] {
    margin-top: 0.6rem;
    min-width: min(30rem, 100%);
  }
  table[part='shares'] caption {
    text-align: left;
  }
`;
