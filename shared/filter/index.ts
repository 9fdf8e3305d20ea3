/**
 * Wireshark (4.0) display filters, compiled to predicates over dissected packets.
 *
 *   const r = compileFilter('tcp.port in {80, 443} && http.request', registry);
 *   if (!r.ok) show(r.error.message, r.error.column, r.error.length, r.error.suggestion);
 *   else packets.filter((p) => r.filter.matches(p));   // p dissected with its tree
 *
 * `r.filter.fields` names every field and protocol the filter reads. The
 * either-side fields ip.addr, ipv6.addr, tcp.port, udp.port and eth.addr read
 * the dissector's own (hidden) items when a packet has them, else the
 * src/dst pair. `caretLines` renders an error's position as tshark does.
 *
 * Cost: `treeShapeFor` gives the tree a filter needs (only the items it names)
 * and `dissectShaped` dissects with it; summary-facts.ts answers a filter from
 * a packet's summary facts without a tree (the worker's store, `paquet read -Y`),
 * relying on what protocol-stack.ts says frame.protocols tells.
 */
export { compileFilter, protocolOf, type CompiledFilter, type CompileResult } from './compile.js';
export { caretLines, type FilterError } from './errors.js';
export { dissectShaped, treeShapeFor } from './tree-shape.js';
export { FIELDS_ALSO_ELSEWHERE, ITEM_WHEN_LISTED, ITEMS_ONLY_WITH } from './protocol-stack.js';
