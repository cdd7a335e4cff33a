import { css } from 'lit';

export const drawPadStyles = css`
  .pad {
    position: relative;
    display: inline-block;
  }
  canvas.ink {
    display: block;
    background: #000;
    border-radius: 6px;
    touch-action: none;
    cursor: crosshair;
  }
  .cursor {
    position: absolute;
    border: 2px solid #f0a;
    border-radius: 50%;
    pointer-events: none;
    transform: translate(-50%, -50%);
  }
  .row {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    margin-top: 0.4rem;
  }
  canvas.preview {
    width: 56px;
    height: 56px;
    image-rendering: pixelated;
    border: 1px solid #ccd;
    background: #000;
  }
  .help {
    font-size: 12px;
    color: #555;
  }
`;
