import type { Registry } from '../registry.js';

// Placeholder until this protocol's dissector lands: registers nothing.
export function register(_r: Registry): void {}
