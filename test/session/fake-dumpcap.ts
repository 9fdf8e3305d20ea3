/**
 * A shell-script stand-in for paquet-dumpcap speaking its control-pipe
 * protocol, so the session's capture flow is tested without root or libpcap.
 * The interface name picks the behaviour:
 *   denied: refuses with a permission error (and the fix);  nosuch: no such device;
 *   dies:   starts, then fails after three stats lines;      anything else: captures until SIGTERM.
 * Stats lines come every 100 ms (at most 300), counting 1, 2, 3... packets, one dropped.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SCRIPT = String.raw`#!/bin/sh
if [ "$1" = "-D" ]; then
  echo '{"event":"devices","devices":[{"name":"lo","description":null,"addresses":["127.0.0.1","::1"],"loopback":true,"up":true,"running":true,"wireless":false,"connection":"not-applicable"},{"name":"eth0","description":"Ethernet","addresses":[],"loopback":false,"up":false,"running":false,"wireless":false,"connection":"disconnected"}]}'
  exit 0
fi
iface=""; file=""; filter=""; validate=""
while [ $# -gt 0 ]; do
  case "$1" in
    -i) iface="$2"; shift ;;
    -w) file="$2"; shift ;;
    -f) filter="$2"; shift ;;
    --validate-filter) validate=1 ;;
  esac
  shift
done
if [ -n "$validate" ]; then
  case "$filter" in
    *bogus*) echo '{"event":"error","code":"bad-filter","message":"syntax error in filter expression"}'; exit 2 ;;
    *) echo "{\"event\":\"filter-ok\",\"linktype\":1,\"filter\":\"x\"}"; exit 0 ;;
  esac
fi
case "$iface" in
  denied) echo '{"event":"error","code":"permission","message":"You do not have permission to capture on that device.","fix":"sudo setcap cap_net_raw,cap_net_admin=eip paquet-dumpcap"}'; exit 2 ;;
  nosuch) echo '{"event":"error","code":"no-such-device","message":"There is no interface called nosuch."}'; exit 2 ;;
esac
: > "$file"
n=0
trap 'echo "{\"event\":\"stopped\",\"reason\":\"signal\",\"packets\":$n,\"bytes\":60,\"file_bytes\":100,\"files\":1,\"file\":\"$file\"}"; exit 0' TERM
echo "{\"event\":\"started\",\"interface\":\"$iface\",\"file\":\"$file\",\"linktype\":1,\"snaplen\":262144,\"precision\":\"micro\",\"promiscuous\":true,\"pid\":$$}"
while [ $n -lt 300 ]; do
  n=$((n+1))
  echo "{\"event\":\"stats\",\"packets\":$n,\"bytes\":60,\"file_bytes\":100,\"ps_recv\":$n,\"ps_drop\":1,\"ps_ifdrop\":0}"
  if [ "$iface" = "dies" ] && [ $n -ge 3 ]; then
    echo '{"event":"error","code":"crashed","message":"The network adapter on which the capture was being done is no longer running."}'
    exit 1
  fi
  sleep 0.1
done
`;

/** Write the script into `dir`; returns its path. */
export function fakeDumpcap(dir: string): string {
  const p = join(dir, 'fake-dumpcap.sh');
  writeFileSync(p, SCRIPT, { mode: 0o755 });
  return p;
}
