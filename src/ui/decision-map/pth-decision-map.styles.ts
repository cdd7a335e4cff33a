import { css } from 'lit';

export const decisionMapStyles = css`
  figure {
    margin: 0;
  }
  canvas {
    border: 1px solid #ccd;
    max-width: 100%;
  }
  figcaption {
    margin-top: 0.3rem;
  }
`;
