/**
 * The JSON oxidized-web writes, rebuilt from our rows: Ruby's `Time#to_s` strings, Oxidized's model class
 * names, `Node#serialize` and the `last` job struct. Field names and types follow oxidized-web's `webapp.rb`
 * and Oxidized's `node.rb` / `output/git.rb` (mirrored in the research notes).
 */

/** Oxidized's model class names (`class IOS < Oxidized::Model`) by model file, for `model` fields. */
const modelClassNames: Record<string, string> = {
  aireos: 'Aireos',
  airos: 'Airos',
  aos: 'AOS',
  aos7: 'AOS7',
  aoscx: 'Aoscx',
  aosw: 'AOSW',
  apcaos: 'ApcAos',
  arubainstant: 'ArubaInstant',
  asa: 'ASA',
  asyncos: 'AsyncOS',
  ciscosmb: 'CiscoSMB',
  comware: 'Comware',
  cumulus: 'Cumulus',
  dlink: 'Dlink',
  dnos: 'DNOS',
  eatonnetwork: 'EatonNetwork',
  edgeos: 'Edgeos',
  edgeswitch: 'EdgeSwitch',
  efos: 'EFOS',
  eos: 'EOS',
  fastiron: 'FastIron',
  firelinuxos: 'FireLinuxOS',
  firewareos: 'FirewareOS',
  fortios: 'FortiOS',
  fsos: 'FSOS',
  garderos: 'Garderos',
  h3c: 'H3C',
  ios: 'IOS',
  iosxr: 'IOSXR',
  ironware: 'IronWare',
  junos: 'JunOS',
  linuxgeneric: 'LinuxGeneric',
  mlnxos: 'MLNXOS',
  mtrlrfs: 'Mtrlrfs',
  netgear: 'Netgear',
  nxos: 'NXOS',
  opnsense: 'OpnSense',
  os10: 'OS10',
  panos: 'PanOS',
  panos_api: 'PanOS_API',
  perle: 'Perle',
  pfsense: 'PfSense',
  procurve: 'Procurve',
  quantaos: 'QuantaOS',
  routeros: 'RouterOS',
  saos10: 'SAOS10',
  screenos: 'ScreenOS',
  siklu: 'Siklu',
  smartbyte: 'SmartByte',
  sonicos: 'SonicOS',
  sros: 'SROS',
  srosmd: 'SROSMD',
  tmos: 'TMOS',
  tnsr: 'TNSR',
  tplink: 'TPLink',
  voss: 'Voss',
  vsololt: 'VSOLOLT',
  vyos: 'Vyos',
  xos: 'XOS',
  zynos: 'ZyNOS',
};

/** The `model` a node shows: Oxidized's class name when the plugin ports an Oxidized model, else the plugin key. */
export function modelName(pluginKey: string, oxidizedModel: string | undefined): string {
  if (!oxidizedModel) return pluginKey;
  return modelClassNames[oxidizedModel.toLowerCase()] ?? oxidizedModel;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Ruby's `Time#to_s`: `2025-02-05 18:49:00 UTC` for the UTC times Oxidized keeps on jobs (`Time.now.utc`),
 * `2025-02-05 18:49:00 +0000` for commit times (a local time on a server running in UTC).
 */
export function rubyTime(date: Date, zone: 'UTC' | '+0000' = 'UTC'): string {
  const day = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return `${day} ${time} ${zone}`;
}

const noConnection = new Set([
  'connection_refused',
  'connection_dropped',
  'dns_failed',
  'host_unreachable',
  'auth_failed',
]);

/** Oxidized's job status symbols: success, no_connection, timelimit, fail. */
export function oxidizedStatus(status: string, errorCode: string | null): string {
  if (status === 'succeeded') return 'success';
  if (errorCode === 'timeout') return 'timelimit';
  if (errorCode && noConnection.has(errorCode)) return 'no_connection';
  return 'fail';
}

export interface NodeFacts {
  name: string;
  host: string;
  groupName: string | null;
  pluginKey: string;
  oxidizedModel: string | undefined;
  lastJob: {
    startedAt: Date | null;
    createdAt: Date;
    finishedAt: Date;
    status: string;
    errorCode: string | null;
  } | null;
  lastChangeAt: Date | null;
}

export interface OxidizedLast {
  start: string;
  end: string;
  status: string;
  time: number;
}

export interface OxidizedNode {
  name: string;
  full_name: string;
  ip: string;
  group: string | null;
  model: string;
  last: OxidizedLast | null;
  vars: Record<string, string>;
  mtime: string;
}

/**
 * `Node#serialize`. `vars` stays empty: node vars carry credentials in Oxidized, and DeviceVault never returns
 * those (oxidized-web's `hide_node_vars` exists for the same reason).
 */
export function serializeNode(node: NodeFacts): OxidizedNode {
  const job = node.lastJob;
  const start = job ? (job.startedAt ?? job.createdAt) : null;
  return {
    name: node.name,
    full_name: node.groupName ? `${node.groupName}/${node.name}` : node.name,
    ip: node.host,
    group: node.groupName,
    model: modelName(node.pluginKey, node.oxidizedModel),
    last:
      job && start
        ? {
            start: rubyTime(start),
            end: rubyTime(job.finishedAt),
            status: oxidizedStatus(job.status, job.errorCode),
            time: Math.max(0, (job.finishedAt.getTime() - start.getTime()) / 1000),
          }
        : null,
    vars: {},
    mtime: node.lastChangeAt ? rubyTime(node.lastChangeAt) : 'unknown',
  };
}

/** What `/nodes` adds to each node: `status`/`time` of the last job ('never' without one), group 'default'. */
export function listedNode(node: NodeFacts): OxidizedNode & { status: string; time: string } {
  const serialized = serializeNode(node);
  return {
    ...serialized,
    group: serialized.group ?? 'default',
    status: serialized.last?.status ?? 'never',
    time: serialized.last?.end ?? 'never',
  };
}

export interface OxidizedVersion {
  date: string;
  time: string;
  oid: string;
  author: { name: string; email: string; time: string };
  message: string;
}

/** One entry of `Output::Git.hash_list`: a commit that added or modified the node's file. */
export function serializeVersion(
  nodeName: string,
  version: { id: string; createdAt: Date; changedBy: string | null },
): OxidizedVersion {
  const time = rubyTime(version.createdAt, '+0000');
  return {
    date: time,
    time,
    oid: version.id,
    author: { name: version.changedBy ?? 'devicevault', email: '', time },
    message: `update ${nodeName}`,
  };
}

/** oxidized-web's `out`: a String answers as `JSON.generate(string.lines)` (lines keep their newline). */
export function rubyLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}
