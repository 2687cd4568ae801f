/**
 * The plugin contract: what every collection plugin declares and the one entry point the worker calls.
 * Plugins know devices and nothing of the database, GraphQL or piscina (STYLE.md 1).
 */
import type { CollectErrorCode } from './errors.js';
import type { NetworkPolicy } from './transports/network-policy.js';

/** `telnet` is what a shell plugin uses with the option `transport=telnet`; `http` is HTTP(S) to a device API. */
export type TransportKind = 'ssh-shell' | 'ssh-exec' | 'sftp' | 'tftp' | 'telnet' | 'http' | 'none';

/** Where and how to reach one device; plain data so it crosses the worker boundary. */
export interface DeviceTarget {
  host: string;
  port: number;
  username: string;
  password: string;
  /** Privileged-mode secret (Cisco `enable`); empty when the OS has none or the login is already privileged. */
  enablePassword?: string;
  /**
   * The pinned host key as `SHA256:<base64>`; null on first use. A mismatch fails with `host_key_changed`.
   */
  hostKeyFingerprint: string | null;
  /** Plugin options (e.g. `path` for sftp_file / tftp_file); validated by the plugin. */
  options: Record<string, string>;
}

export interface CollectTimeouts {
  /** TCP connect + SSH handshake + authentication. */
  connectMs: number;
  /** Longest silence tolerated while waiting for output. */
  idleMs: number;
  /** Whole collection, enforced by the caller's AbortSignal too. */
  overallMs: number;
}

export interface CollectProgress {
  /** A human-readable step, shown as a job log line. */
  message?: string;
  bytes?: number;
  totalBytes?: number;
}

export interface CollectContext {
  target: DeviceTarget;
  signal: AbortSignal;
  timeouts: CollectTimeouts;
  /** Text output beyond this many bytes fails with `output_too_large`. */
  maxTextBytes: number;
  scrubSecrets: boolean;
  /** Directory for binary spool files; the caller removes what a failed job leaves. */
  spoolDir: string;
  /**
   * Which device networks may be reached, checked after DNS at every connection; `defaultNetworkPolicy`
   * (no link-local, no cloud metadata) when absent.
   */
  networkPolicy?: NetworkPolicy;
  progress(event: CollectProgress): void;
}

export interface TextArtefact {
  kind: 'text';
  text: string;
  /** The "significant changes" view (volatile lines removed), when the plugin defines one. */
  significantText?: string;
  /** The host key seen, `SHA256:<base64>`, for pinning on first use. */
  hostKeyFingerprint?: string;
  /**
   * With scrubbing on, the config as it would be without the secret masks (the restorable original), when the
   * masks changed anything and it could be rebuilt; the server keeps it encrypted, never beside `text`.
   */
  originalText?: string;
}

export interface BinaryArtefact {
  kind: 'binary';
  /** A file in `ctx.spoolDir`, written while streaming; never whole in memory. */
  spoolPath: string;
  sha256: string;
  size: number;
  hostKeyFingerprint?: string;
}

export type Artefact = TextArtefact | BinaryArtefact;

export interface PluginOption {
  key: string;
  description: string;
  required: boolean;
}

export interface BackupPlugin {
  key: string;
  friendlyName: string;
  description: string;
  isBinary: boolean;
  transport: TransportKind;
  /** The Oxidized model whose stored output this plugin reproduces byte for byte (`ios`, `junos`, …). */
  oxidizedModel?: string;
  /** Every transport the plugin can use, the default first; `[transport]` when absent. */
  transports?: readonly TransportKind[];
  options: readonly PluginOption[];
  /** Text plugins: every complete output matches this (IOS `end`); one that doesn't was cut short. */
  completeWhen?: RegExp;
  /** Text plugins: an output shorter than this many bytes is not a config (an empty one, for most). */
  minBytes?: number;
  collect(ctx: CollectContext): Promise<Artefact>;
}

export type { CollectErrorCode };
