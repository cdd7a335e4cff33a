import { css } from 'lit';

export const weightsStyles = css`
  .views {
    display: flex;
    flex-wrap: wrap;
    gap: 1rem;
    align-items: flex-start;
    margin-top: 0.5rem;
  }
  canvas {
    border: 1px solid #ccd;
    image-rendering: pixelated;
    max-width: 100%;
  }
  figure {
    margin: 0;
  }
  figcaption {
    font-size: 12px;
    color: #555;
  }
  select {
    font: inherit;
  }
`;
