/**
 * What every bench script needs from its command line, and the seeded generator
 * they share, so a probe and the capture generator visit the same places run
 * after run.
 */

/** The script's arguments (after node and the script). */
export const args = process.argv.slice(2);

/** The value after `name`, or `fallback` when the flag is absent or last. */
export function opt(name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

/** Every value given after `name` (a flag that may repeat). */
export function all(name) {
  return args.flatMap((a, i) => (a === name && i + 1 < args.length ? [args[i + 1]] : []));
}

/** A flag without a value. */
export function has(name) {
  return args.includes(name);
}

/** mulberry32: small, fast, and the same sequence everywhere for a seed. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
