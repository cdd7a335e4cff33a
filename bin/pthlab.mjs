#!/usr/bin/env node
// The `pthlab` command in a checkout: runs the TypeScript sources through tsx (a dev dependency).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
