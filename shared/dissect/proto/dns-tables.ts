/** Value names the DNS dissector shows, as Wireshark 4.0 spells them (its Info column and tree depend on them). */

/** Short record-type names used in the Info column and item labels. */
export const DNS_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'Unused', 1: 'A', 2: 'NS', 3: 'MD', 4: 'MF', 5: 'CNAME', 6: 'SOA', 7: 'MB', 8: 'MG', 9: 'MR', 10: 'NULL',
  11: 'WKS', 12: 'PTR', 13: 'HINFO', 14: 'MINFO', 15: 'MX', 16: 'TXT', 17: 'RP', 18: 'AFSDB', 19: 'X25', 20: 'ISDN',
  21: 'RT', 22: 'NSAP', 23: 'NSAP-PTR', 24: 'SIG', 25: 'KEY', 26: 'PX', 27: 'GPOS', 28: 'AAAA', 29: 'LOC', 30: 'NXT',
  31: 'EID', 32: 'NIMLOC', 33: 'SRV', 34: 'ATMA', 35: 'NAPTR', 36: 'KX', 37: 'CERT', 38: 'A6', 39: 'DNAME', 40: 'SINK',
  41: 'OPT', 42: 'APL', 43: 'DS', 44: 'SSHFP', 45: 'IPSECKEY', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 49: 'DHCID',
  50: 'NSEC3', 51: 'NSEC3PARAM', 52: 'TLSA', 55: 'HIP', 57: 'RKEY', 58: 'TALINK', 59: 'CDS', 60: 'CDNSKEY',
  61: 'OPENPGPKEY', 62: 'CSYNC', 63: 'ZONEMD', 64: 'SVCB', 65: 'HTTPS', 99: 'SPF', 100: 'UINFO', 101: 'UID', 102: 'GID',
  103: 'UNSPEC', 104: 'NID', 105: 'L32', 106: 'L64', 107: 'LP', 108: 'EUI48', 109: 'EUI64', 249: 'TKEY', 250: 'TSIG',
  251: 'IXFR', 252: 'AXFR',
  // Wireshark 4.0 has these two names swapped; kept so the Info column matches.
  253: 'MAILA', 254: 'MAILB',
  255: 'ANY', 256: 'URI', 257: 'CAA', 32768: 'TA', 32769: 'DLV', 65281: 'WINS', 65282: 'WINS-R', 65422: 'XPF',
};

/** Long names shown on `Type:` lines. */
export const DNS_TYPE_DESCRIPTIONS: Readonly<Record<number, string>> = {
  0: 'Unused', 1: 'A (Host Address)', 2: 'NS (authoritative Name Server)', 3: 'MD (Mail Destination)',
  4: 'MF (Mail Forwarder)', 5: 'CNAME (Canonical NAME for an alias)', 6: 'SOA (Start Of a zone of Authority)',
  7: 'MB (MailBox domain name)', 8: 'MG (Mail Group member)', 9: 'MR (Mail Rename domain)', 10: 'NULL RR',
  11: 'WKS (Well Known Service)', 12: 'PTR (domain name PoinTeR)', 13: 'HINFO (host information)',
  14: 'MINFO (Mailbox or mail list information)', 15: 'MX (Mail eXchange)', 16: 'TXT (Text strings)',
  17: 'RP (Responsible Person)', 18: 'AFSDB (AFS Data Base location)', 19: 'X25 (XX.25 PSDN address)',
  20: 'ISDN (ISDN address)', 21: 'RT (Route Through)', 22: 'NSAP (NSAP address)',
  23: 'NSAP-PTR (NSAP domain name pointer)', 24: 'SIG (security signature)', 25: 'KEY (security key)',
  26: 'PX (X.400 mail mapping information)', 27: 'GPOS (Geographical Position)', 28: 'AAAA (IPv6 Address)',
  29: 'LOC (Location Information)', 30: 'NXT (Next Domain)', 31: 'EID (Endpoint Identifier)',
  32: 'NIMLOC (Nimrod Locator)', 33: 'SRV (Server Selection)', 34: 'ATMA (ATM Address)',
  35: 'NAPTR (Naming Authority Pointer)', 36: 'KX (Key Exchanger)', 37: 'CERT', 38: 'A6 (OBSOLETE - use AAAA)',
  39: 'DNAME', 40: 'SINK', 41: 'OPT', 42: 'APL', 43: 'DS (Delegation Signer)', 44: 'SSHFP (SSH Key Fingerprint)',
  45: 'IPSECKEY', 46: 'RRSIG (Resource Record Signature)', 47: 'NSEC (Next Secure)', 48: 'DNSKEY (DNS Public Key)',
  49: 'DHCID', 50: 'NSEC3', 51: 'NSEC3PARAM', 52: 'TLSA', 55: 'HIP (Host Identity Protocol)', 57: 'RKEY',
  58: 'TALINK (Trust Anchor LINK)', 59: 'CDS (Child DS)', 60: 'CDNSKEY (DNSKEY(s) the Child wants reflected in DS)',
  61: 'OPENPGPKEY (OpenPGP Key)', 62: 'CSYNC (Child-to-Parent Synchronization)', 63: 'ZONEMD',
  64: 'SVCB (General Purpose Service Endpoints)', 65: 'HTTPS (HTTPS Specific Service Endpoints)', 99: 'SPF',
  100: 'UINFO', 101: 'UID', 102: 'GID', 103: 'UNSPEC', 104: 'NID (NodeID)', 105: 'L32 (Locator32)',
  106: 'L64 (Locator64)', 107: 'LP (Locator FQDN)', 108: 'EUI48', 109: 'EUI64', 249: 'TKEY (Transaction Key)',
  250: 'TSIG (Transaction Signature)', 251: 'IXFR (incremental transfer)', 252: 'AXFR (transfer of an entire zone)',
  253: 'MAILB (mailbox-related RRs)', 254: 'MAILA (mail agent RRs)',
  255: '* (A request for all records the server/cache has available)', 256: 'URI',
  257: 'CAA (Certification Authority Restriction)', 32768: 'TA (DNSSEC Trust Authorities)',
  32769: 'DLV (DNSSEC Lookaside Validation)', 65281: 'WINS', 65282: 'WINS-R', 65422: 'XPF',
};

export const DNS_CLASSES: Readonly<Record<number, string>> = { 1: 'IN', 2: 'CS', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };

export const DNS_OPCODES: Readonly<Record<number, string>> = {
  0: 'Standard query', 1: 'Inverse query', 2: 'Server status request', 4: 'Zone change notification',
  5: 'Dynamic update', 6: 'DNS Stateful operations (DSO)',
};

export const DNS_RCODES: Readonly<Record<number, string>> = {
  0: 'No error', 1: 'Format error', 2: 'Server failure', 3: 'No such name', 4: 'Not implemented', 5: 'Refused',
  6: 'Name exists', 7: 'RRset exists', 8: 'RRset does not exist', 9: 'Not authoritative', 10: 'Name out of zone',
  11: 'DSO-Type not implemented',
};

export const EDNS_OPTION_CODES: Readonly<Record<number, string>> = {
  0: 'Reserved', 1: 'LLQ - Long-lived query', 2: 'UL - Update lease', 3: 'NSID - Name Server Identifier',
  4: 'Owner (reserved)', 5: 'DAU - DNSSEC Algorithm Understood (RFC6975)', 6: 'DHU - DS Hash Understood (RFC6975)',
  7: 'N3U - NSEC3 Hash Understood (RFC6975)', 8: 'CSUBNET - Client subnet', 9: 'EDNS EXPIRE (RFC7314)', 10: 'COOKIE',
  11: 'EDNS TCP Keepalive', 12: 'PADDING', 13: 'CHAIN', 15: 'Extended DNS Error', 0x50fa: 'Experimental - CSUBNET - Client subnet',
};

export function typeName(t: number): string {
  return DNS_TYPE_NAMES[t] ?? `Unknown (${t})`;
}

export function typeDescription(t: number): string {
  return DNS_TYPE_DESCRIPTIONS[t] ?? 'Unknown';
}

const UNITS: ReadonlyArray<[number, string]> = [[86400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second']];

/** A duration in seconds as Wireshark's unsigned_time_secs_to_str writes it: `1 day, 2 hours, 5 seconds`. */
export function timeSecsText(secs: number): string {
  if (secs === 0) return '0 seconds';
  const parts: string[] = [];
  let rest = secs;
  for (const [size, unit] of UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  }
  return parts.join(', ');
}
