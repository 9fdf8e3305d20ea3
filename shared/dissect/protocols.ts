/** Every dissector Paquet has, registered in one place. */
import { Registry } from './registry.js';
import { frameProto, hfFrame } from './frame.js';
import { hfWs } from './expert.js';

import { register as eth } from './proto/eth.js';
import { register as vlan } from './proto/vlan.js';
import { register as sll } from './proto/sll.js';
import { register as nullLoopback } from './proto/null.js';
import { register as raw } from './proto/raw.js';
import { register as arp } from './proto/arp.js';
import { register as ipv4 } from './proto/ipv4.js';
import { register as ipv6 } from './proto/ipv6.js';
import { register as icmp } from './proto/icmp.js';
import { register as icmpv6 } from './proto/icmpv6.js';
import { register as udp } from './proto/udp.js';
import { register as data } from './proto/data.js';
import { register as tcp } from './proto/tcp.js';
import { register as http } from './proto/http.js';
import { register as websocket } from './proto/websocket.js';
import { register as dns } from './proto/dns.js';
import { register as dhcp } from './proto/dhcp.js';
import { register as tls } from './proto/tls.js';

export function createRegistry(): Registry {
  const r = new Registry();
  r.addProtocol(frameProto, hfFrame);
  r.addFields(Object.values(hfWs));

  eth(r);
  vlan(r);
  sll(r);
  nullLoopback(r);
  raw(r);
  arp(r);
  ipv4(r);
  ipv6(r);
  icmp(r);
  icmpv6(r);
  udp(r);
  data(r);
  tcp(r);
  http(r);
  websocket(r);
  dns(r);
  dhcp(r);
  tls(r);
  return r;
}

let shared: Registry | undefined;
/** One registry per process is enough: it holds no per-capture state. */
export function defaultRegistry(): Registry {
  return (shared ??= createRegistry());
}
