import { css } from 'lit';

export const checkpointBarStyles = css`
  .bar {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
    padding: 0.4rem;
    border: 2px solid transparent;
    border-radius: 8px;
  }
  .bar.dragging {
    border-color: #2a5bd7;
    background: #eef2fd;
  }
  input[type='file'] {
    position: absolute;
    width: 1px;
    height: 1px;
    opacity: 0;
  }
  label.load {
    font: inherit;
    padding: 0.3rem 0.7rem;
    border: 1px solid #99a;
    border-radius: 6px;
    background: #f6f6fa;
    cursor: pointer;
  }
  label.load:focus-within {
    outline: 2px solid var(--pth-focus, #2a5bd7);
    outline-offset: 2px;
  }
  .hint {
    color: #555;
    font-size: 13px;
  }
  [role='alert'] {
    color: #a00;
    white-space: pre-wrap;
    font-family: ui-monospace, monospace;
    font-size: 13px;
    margin: 0.4rem 0 0;
  }
  [role='status'] {
    margin: 0.4rem 0 0;
  }
  .offer {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem 0.8rem;
    align-items: center;
    margin-top: 0.4rem;
    padding: 0.4rem 0.6rem;
    border: 1px solid #ccd;
    border-radius: 6px;
    background: #f6f6fa;
  }
  .offer p {
    margin: 0;
    font-size: 13px;
  }
`;
