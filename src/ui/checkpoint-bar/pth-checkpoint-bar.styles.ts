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
  .save {
    align-self: flex-start;
  }
  #save-button::after {
    /* The caret is a picture: no part of the button's name. */
    content: '▾' / '';
    margin-left: 0.4em;
  }
  /*
   * A popover in the top layer, placed under its button by the element (position: fixed, so no scrolling
   * panel clips it); where there is no Popover API, in the flow below its button.
   */
  [role='menu'] {
    margin-top: 4px;
    display: flex;
    flex-direction: column;
    min-width: 12rem;
    padding: 0.25rem;
    border: 1px solid #99a;
    border-radius: 6px;
    background: #fff;
    box-shadow: 0 4px 12px rgb(0 0 0 / 15%);
  }
  [role='menu'][hidden],
  [role='menu'][popover]:not(:popover-open) {
    display: none;
  }
  [role='menu'][popover] {
    position: fixed;
    inset: auto;
    margin: 0;
    color: inherit;
  }
  [role='menuitem'] {
    text-align: left;
    border: none;
    background: none;
  }
  [role='menuitem']:hover:not(:disabled),
  [role='menuitem']:focus {
    background: #eef2fd;
  }
  [role='alert'] {
    color: #a00;
    font-size: 14px;
    margin: 0.4rem 0 0;
  }
  [role='alert'] p {
    margin: 0;
  }
  [role='alert'] pre {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    font-family: ui-monospace, monospace;
    font-size: 13px;
    margin: 0.3rem 0 0;
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
