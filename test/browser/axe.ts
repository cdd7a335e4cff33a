/**
 * axe-core in the page: the serious and critical violations it finds, each as its rule and the elements it
 * names (an empty list passes). The bar: none on any page.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'puppeteer-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Violations of `context` (a selector; the whole page when undefined). */
export async function seriousViolations(page: Page, context?: string): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async (selector: string | null) => {
    type Result = { violations: { id: string; impact: string; nodes: { target: unknown }[] }[] };
    const axe = (globalThis as unknown as { axe: { run(context?: string): Promise<Result> } }).axe;
    const result = selector === null ? await axe.run() : await axe.run(selector);
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  }, context ?? null);
}
