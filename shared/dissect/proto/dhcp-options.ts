/** DHCP/BOOTP option codes: Wireshark 4.0's names and how each value is shown. */
import type { FieldDef } from '../field.js';

/** How an option's value is decoded. */
export type OptionKind =
  | 'ip' // one IPv4 address, also shown in the option's label
  | 'ips' // a list of IPv4 addresses
  | 'string' | 'u8' | 'u16' | 'u32' | 'i32' | 'time' | 'bool'
  | 'msgtype' | 'reqlist' | 'clientid' | 'overload' | 'agentinfo' | 'userclass' | 'routes' | 'domains' | 'fqdn' | 'bytes';

export interface OptionInfo {
  readonly name: string;
  readonly kind: OptionKind;
  /** The option's own field (absent for `bytes`, which uses dhcp.option.value). */
  readonly field?: FieldDef;
}

const f = (abbrev: string, name: string, type: FieldDef['type'], base?: FieldDef['base']): FieldDef =>
  base ? { abbrev, name, type, base } : { abbrev, name, type };
const ip = (code: number, name: string, abbrev: string): [number, OptionInfo] => [code, { name, kind: 'ip', field: f(`dhcp.option.${abbrev}`, name, 'ipv4') }];
const ips = (code: number, name: string, abbrev: string, item = name): [number, OptionInfo] => [code, { name, kind: 'ips', field: f(`dhcp.option.${abbrev}`, item, 'ipv4') }];
const str = (code: number, name: string, abbrev: string): [number, OptionInfo] => [code, { name, kind: 'string', field: f(`dhcp.option.${abbrev}`, name, 'string') }];
const num = (code: number, name: string, abbrev: string, kind: 'u8' | 'u16' | 'u32' | 'i32' | 'time', type: FieldDef['type']): [number, OptionInfo] =>
  [code, { name, kind, field: f(`dhcp.option.${abbrev}`, name, type, 'dec') }];
const bool = (code: number, name: string, abbrev: string): [number, OptionInfo] => [code, { name, kind: 'bool', field: f(`dhcp.option.${abbrev}`, name, 'boolean') }];
const raw = (code: number, name: string): [number, OptionInfo] => [code, { name, kind: 'bytes' }];

export const MESSAGE_TYPES: Readonly<Record<number, string>> = {
  1: 'Discover', 2: 'Offer', 3: 'Request', 4: 'Decline', 5: 'ACK', 6: 'NAK', 7: 'Release', 8: 'Inform',
  9: 'Force Renew', 10: 'Lease query', 11: 'Lease Unassigned', 12: 'Lease Unknown', 13: 'Lease Active',
  14: 'Bulk Lease Query', 15: 'Lease Query Done', 16: 'Active LeaseQuery', 17: 'Lease Query Status', 18: 'TLS',
};

export const OVERLOAD_NAMES: Readonly<Record<number, string>> = {
  1: 'Boot file name holds options', 2: 'Server host name holds options', 3: 'Boot file and server host names hold options',
};

export const OPTIONS: ReadonlyMap<number, OptionInfo> = new Map<number, OptionInfo>([
  ip(1, 'Subnet Mask', 'subnet_mask'),
  num(2, 'Time Offset', 'time_offset', 'i32', 'int32'),
  ips(3, 'Router', 'router'),
  ips(4, 'Time Server', 'time_server'),
  ips(5, 'Name Server', 'name_server'),
  ips(6, 'Domain Name Server', 'domain_name_server'),
  ips(7, 'Log Server', 'log_server'),
  ips(8, 'Quotes Server', 'quotes_server'),
  ips(9, 'LPR Server', 'lpr_server'),
  ips(10, 'Impress Server', 'impress_server'),
  ips(11, 'Resource Location Server', 'resource_location_server'),
  str(12, 'Host Name', 'hostname'),
  num(13, 'Boot File Size', 'boot_file_size', 'u16', 'uint16'),
  str(14, 'Merit Dump File', 'merit_dump_file'),
  str(15, 'Domain Name', 'domain_name'),
  ip(16, 'Swap Server', 'swap_server'),
  str(17, 'Root Path', 'root_path'),
  str(18, 'Extensions Path', 'extension_path'),
  bool(19, 'IP Forwarding', 'ip_forwarding'),
  bool(20, 'Non-Local Source Routing', 'non_local_source_routing'),
  raw(21, 'Policy Filter'),
  num(22, 'Maximum Datagram Reassembly Size', 'max_datagram_reassembly_size', 'u16', 'uint16'),
  num(23, 'Default IP Time-to-Live', 'default_ip_ttl', 'u8', 'uint8'),
  num(24, 'Path MTU Aging Timeout', 'path_mtu_aging_timeout', 'u32', 'uint32'),
  raw(25, 'Path MTU Plateau Table'),
  num(26, 'Interface MTU', 'interface_mtu', 'u16', 'uint16'),
  bool(27, 'All Subnets are Local', 'all_subnets_are_local'),
  ip(28, 'Broadcast Address', 'broadcast_address'),
  bool(29, 'Perform Mask Discovery', 'perform_mask_discovery'),
  bool(30, 'Mask Supplier', 'mask_supplier'),
  bool(31, 'Perform Router Discover', 'perform_router_discover'),
  ip(32, 'Router Solicitation Address', 'router_solicitation_address'),
  raw(33, 'Static Route'),
  bool(34, 'Trailer Encapsulation', 'trailer_encapsulation'),
  num(35, 'ARP Cache Timeout', 'arp_cache_timeout', 'u32', 'uint32'),
  bool(36, 'Ethernet Encapsulation', 'ethernet_encapsulation'),
  raw(37, 'TCP Default TTL'),
  raw(38, 'TCP Keepalive Interval'),
  raw(39, 'TCP Keepalive Garbage'),
  raw(40, 'Network Information Service Domain'),
  raw(41, 'Network Information Service Servers'),
  ips(42, 'Network Time Protocol Servers', 'ntp_server', 'Network Time Protocol Server'),
  raw(43, 'Vendor-Specific Information'),
  ips(44, 'NetBIOS over TCP/IP Name Server', 'netbios_over_tcpip_name_server'),
  ips(45, 'NetBIOS over TCP/IP Datagram Distribution Name Server', 'netbios_over_tcpip_dd_name_server'),
  [46, { name: 'NetBIOS over TCP/IP Node Type', kind: 'u8', field: { abbrev: 'dhcp.option.netbios_over_tcpip_node_type', name: 'NetBIOS over TCP/IP Node Type', type: 'uint8', base: 'dec', strings: { 1: 'B-node', 2: 'P-node', 4: 'M-node', 8: 'H-node' } } }],
  str(47, 'NetBIOS over TCP/IP Scope', 'netbios_over_tcpip_scope'),
  raw(48, 'X Window System Font Server'),
  raw(49, 'X Window System Display Manager'),
  ip(50, 'Requested IP Address', 'requested_ip_address'),
  num(51, 'IP Address Lease Time', 'ip_address_lease_time', 'time', 'uint32'),
  [52, { name: 'Option Overload', kind: 'overload', field: { abbrev: 'dhcp.option.option_overload', name: 'Option Overload', type: 'uint8', base: 'dec', strings: OVERLOAD_NAMES } }],
  [53, { name: 'DHCP Message Type', kind: 'msgtype', field: { abbrev: 'dhcp.option.dhcp', name: 'DHCP', type: 'uint8', base: 'dec', strings: MESSAGE_TYPES } }],
  ip(54, 'DHCP Server Identifier', 'dhcp_server_id'),
  [55, { name: 'Parameter Request List', kind: 'reqlist', field: f('dhcp.option.request_list_item', 'Parameter Request List Item', 'uint8', 'dec') }],
  str(56, 'Message', 'message'),
  num(57, 'Maximum DHCP Message Size', 'dhcp_max_message_size', 'u16', 'uint16'),
  num(58, 'Renewal Time Value', 'renewal_time_value', 'time', 'uint32'),
  num(59, 'Rebinding Time Value', 'rebinding_time_value', 'time', 'uint32'),
  str(60, 'Vendor class identifier', 'vendor_class_id'),
  [61, { name: 'Client identifier', kind: 'clientid' }],
  raw(62, 'Novell/Netware IP domain'),
  raw(63, 'Novell Options'),
  raw(64, 'Network Information Service+ Domain'),
  raw(65, 'Network Information Service+ Servers'),
  str(66, 'TFTP Server Name', 'tftp_server_name'),
  str(67, 'Bootfile name', 'bootfile_name'),
  raw(68, 'Mobile IP Home Agent'),
  raw(69, 'SMTP Server'), raw(70, 'POP3 Server'), raw(71, 'NNTP Server'), raw(72, 'Default WWW Server'),
  raw(73, 'Default Finger Server'), raw(74, 'Default IRC Server'), raw(75, 'StreetTalk Server'),
  raw(76, 'StreetTalk Directory Assistance Server'), [77, { name: 'User Class Information', kind: 'userclass' }],
  raw(78, 'Directory Agent Information'), raw(79, 'Service Location Agent Scope'), raw(80, 'Rapid commit'),
  [81, { name: 'Client Fully Qualified Domain Name', kind: 'fqdn' }], [82, { name: 'Agent Information Option', kind: 'agentinfo' }], raw(83, 'iSNS'),
  raw(85, 'Novell Directory Services Servers'), raw(86, 'Novell Directory Services Tree Name'),
  raw(87, 'Novell Directory Services Context'), raw(88, 'BCMCS Controller Domain Name'),
  raw(89, 'BCMCS Controller IPv4 address'), raw(90, 'Authentication'), raw(91, 'Client last transaction time'),
  raw(92, 'Associated IP option'), raw(93, 'Client System Architecture'), raw(94, 'Client Network Device Interface'),
  raw(95, 'LDAP'), raw(97, 'UUID/GUID-based Client Identifier'), raw(98, "Open Group's User Authentication"),
  raw(99, 'Civic Addresses Configuration'), raw(100, 'PCode'), raw(101, 'TCode'), raw(108, 'IPv6-Only Preferred'),
  raw(112, 'NetInfo Parent Server Address'), raw(113, 'NetInfo Parent Server Tag'), raw(114, 'DHCP Captive-Portal'),
  raw(116, 'DHCP Auto-Configuration'), raw(117, 'Name Service Search'), ip(118, 'Subnet Selection Option', 'subnet_selection_option'),
  [119, { name: 'Domain Search', kind: 'domains' }], raw(120, 'SIP Servers'), [121, { name: 'Classless Static Route', kind: 'routes' }],
  raw(122, 'CableLabs Client Configuration'), raw(123, 'Coordinate-based Location Configuration'),
  raw(124, 'V-I Vendor Class'), raw(125, 'V-I Vendor-specific Information'),
  ips(150, 'TFTP Server Address', 'tftp_server_address'),
  raw(249, 'Private/Classless Static Route (Microsoft)'),
  str(252, 'Private/Proxy autodiscovery', 'private_proxy_autodiscovery'),
]);

/** Every option field, for registration. */
export function optionFields(): FieldDef[] {
  const out: FieldDef[] = [];
  for (const o of OPTIONS.values()) if (o.field) out.push(o.field);
  for (const o of AGENT_SUBOPTIONS.values()) out.push(o.field);
  out.push(...Object.values(hfDhcpSub));
  return out;
}

export function optionName(code: number): string {
  const known = OPTIONS.get(code);
  if (known) return known.name;
  if (code >= 224 && code <= 254) return 'Private';
  return 'Unknown';
}

const agent = (abbrev: string, name: string, type: FieldDef['type']): FieldDef => ({ abbrev: `dhcp.option.agent_information_option.${abbrev}`, name, type });

/** Relay agent (option 82, RFC 3046) suboptions: name and the field their value goes in. */
export const AGENT_SUBOPTIONS: ReadonlyMap<number, { name: string; field: FieldDef }> = new Map([
  [1, { name: 'Agent Circuit ID', field: agent('agent_circuit_id', 'Agent Circuit ID', 'bytes') }],
  [2, { name: 'Agent Remote ID', field: agent('agent_remote_id', 'Agent Remote ID', 'bytes') }],
  [5, { name: 'Link selection', field: agent('link_selection', 'Link selection', 'ipv4') }],
  [6, { name: 'Subscriber ID', field: agent('subscriber_id', 'Subscriber ID', 'string') }],
  [11, { name: 'Server ID Override', field: agent('server_id_override', 'Server ID Override', 'ipv4') }],
  [12, { name: 'Relay Agent Identifier', field: agent('relay_agent_id', 'Relay Agent Identifier', 'bytes') }],
]);

export const hfDhcpSub = {
  agentSuboption: { abbrev: 'dhcp.option.agent_information_option.suboption', name: 'Option 82 Suboption', type: 'uint8', base: 'dec' } as FieldDef,
  agentValue: agent('value', 'Value', 'bytes'),
  suboptionLength: { abbrev: 'dhcp.option.suboption_length', name: 'Length', type: 'uint8', base: 'dec' } as FieldDef,
  route: { abbrev: 'dhcp.option.classless_static_route', name: 'Subnet/MaskWidth-Router', type: 'bytes' } as FieldDef,
  searchDomain: { abbrev: 'dhcp.option.dhcp_dns_domain_search_list_fqdn', name: 'FQDN', type: 'string' } as FieldDef,
  fqdnFlags: { abbrev: 'dhcp.fqdn.flags', name: 'Flags', type: 'uint8', base: 'hex' } as FieldDef,
  fqdnMbz: { abbrev: 'dhcp.fqdn.mbz', name: 'Reserved flags', type: 'uint8', base: 'hex', bitmask: 0xf0, bits: 8 } as FieldDef,
  fqdnN: { abbrev: 'dhcp.fqdn.n', name: 'Server DDNS', type: 'boolean', bitmask: 0x8, bits: 8, tfs: ['No server updates', 'Some server updates'] } as FieldDef,
  fqdnE: { abbrev: 'dhcp.fqdn.e', name: 'Encoding', type: 'boolean', bitmask: 0x4, bits: 8, tfs: ['Binary encoding', 'ASCII encoding'] } as FieldDef,
  fqdnO: { abbrev: 'dhcp.fqdn.o', name: 'Server overrides', type: 'boolean', bitmask: 0x2, bits: 8, tfs: ['Override', 'No override'] } as FieldDef,
  fqdnS: { abbrev: 'dhcp.fqdn.s', name: 'Server', type: 'boolean', bitmask: 0x1, bits: 8, tfs: ['Server', 'Client'] } as FieldDef,
  fqdnRcode1: { abbrev: 'dhcp.fqdn.rcode1', name: 'A-RR result', type: 'uint8', base: 'dec' } as FieldDef,
  fqdnRcode2: { abbrev: 'dhcp.fqdn.rcode2', name: 'PTR-RR result', type: 'uint8', base: 'dec' } as FieldDef,
  fqdnName: { abbrev: 'dhcp.fqdn.name', name: 'Client name', type: 'string' } as FieldDef,
  userClass: { abbrev: 'dhcp.option.user_class', name: 'Instance of User Class', type: 'uint8', base: 'dec' } as FieldDef,
  userClassLength: { abbrev: 'dhcp.option.user_class.length', name: 'User Class Length', type: 'uint8', base: 'dec' } as FieldDef,
  userClassData: { abbrev: 'dhcp.option.user_class.data', name: 'User Class Data', type: 'bytes' } as FieldDef,
};
