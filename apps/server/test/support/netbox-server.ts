/**
 * A local HTTP server speaking NetBox's documented REST API for `GET /api/dcim/devices/`: token auth
 * (`Authorization: Token <key>`, 401 `{"detail": "Invalid token"}` otherwise), limit/offset paging with
 * absolute `next`/`previous` URLs and a MAX_PAGE_SIZE cap, the status/site/role/tag filters, and device
 * objects with nested site, tenant, role, platform, primary_ip, tags and custom_fields as NetBox 4 returns them.
 * Tests change the inventory between syncs and can make one page malformed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeNetboxDevice {
  id: number;
  name: string;
  site: string;
  role: string;
  platform: string | null;
  address: string | null;
  status: 'active' | 'planned' | 'offline';
  tags: string[];
  backupGroup: string | null;
}

export interface FakeNetbox {
  url: string;
  token: string;
  devices: FakeNetboxDevice[];
  /** Page numbers (1-based) answered with broken JSON. */
  malformedPages: Set<number>;
  requests: number;
  stop(): Promise<void>;
}

const maxPageSize = 250;
const named = (kind: string, name: string, id = 1) => ({
  id,
  url: `/api/${kind}/${id}/`,
  display: name,
  name,
  slug: name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
});

function serialize(device: FakeNetboxDevice, base: string) {
  return {
    id: device.id,
    url: `${base}/api/dcim/devices/${device.id}/`,
    display: device.name,
    name: device.name,
    device_type: { id: 1, display: 'Generic', model: 'Generic', slug: 'generic' },
    role: named('dcim/device-roles', device.role),
    tenant: null,
    platform: device.platform ? { ...named('dcim/platforms', device.platform), slug: device.platform } : null,
    serial: '',
    site: named('dcim/sites', device.site),
    status: { value: device.status, label: device.status[0]!.toUpperCase() + device.status.slice(1) },
    primary_ip: device.address
      ? {
          id: device.id,
          url: `/api/ipam/ip-addresses/${device.id}/`,
          display: device.address,
          family: 4,
          address: device.address,
        }
      : null,
    primary_ip4: null,
    primary_ip6: null,
    tags: device.tags.map((tag) => named('extras/tags', tag)),
    custom_fields: { backup_group: device.backupGroup },
    created: '2025-01-01T00:00:00Z',
    last_updated: '2025-01-01T00:00:00Z',
  };
}

export async function startFakeNetbox(
  devices: FakeNetboxDevice[],
  token = 'nb-token-0123456789abcdef',
): Promise<FakeNetbox> {
  const state = { devices, malformedPages: new Set<number>(), requests: 0 };
  let base = '';
  const server: Server = createServer((request, response) => {
    state.requests++;
    const url = new URL(request.url ?? '/', base);
    const send = (status: number, body: string) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body);
    };
    if (request.headers.authorization !== `Token ${token}`)
      return send(401, JSON.stringify({ detail: 'Invalid token' }));
    if (url.pathname !== '/api/dcim/devices/') return send(404, JSON.stringify({ detail: 'Not found.' }));
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 50) || 50, maxPageSize);
    const offset = Number(url.searchParams.get('offset') ?? 0) || 0;
    const filters = ['status', 'site', 'role', 'tag'].map((key) => [key, url.searchParams.getAll(key)] as const);
    const matching = state.devices.filter((device) =>
      filters.every(([key, values]) => {
        if (values.length === 0) return true;
        if (key === 'status') return values.includes(device.status);
        if (key === 'site') return values.includes(named('', device.site).slug);
        if (key === 'role') return values.includes(named('', device.role).slug);
        return device.tags.some((tag) => values.includes(named('', tag).slug));
      }),
    );
    const page = Math.floor(offset / limit) + 1;
    if (state.malformedPages.has(page)) return send(200, '{"count": 3, "results": [{"id": 1, "name": "broken');
    const pageUrl = (at: number) => {
      const next = new URL(url);
      next.searchParams.set('limit', String(limit));
      next.searchParams.set('offset', String(at));
      return next.toString();
    };
    send(
      200,
      JSON.stringify({
        count: matching.length,
        next: offset + limit < matching.length ? pageUrl(offset + limit) : null,
        previous: offset > 0 ? pageUrl(Math.max(0, offset - limit)) : null,
        results: matching.slice(offset, offset + limit).map((device) => serialize(device, base)),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    token,
    get devices() {
      return state.devices;
    },
    set devices(value) {
      state.devices = value;
    },
    malformedPages: state.malformedPages,
    get requests() {
      return state.requests;
    },
    set requests(value) {
      state.requests = value;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** `count` devices over 3 sites and 5 platforms, each with a primary IPv4 address. */
export function netboxFleet(count: number, firstId = 1): FakeNetboxDevice[] {
  const sites = ['AMS1', 'FRA2', 'LON3'];
  const platforms = ['ios', 'eos', 'junos', 'nxos', 'routeros'];
  return Array.from({ length: count }, (_, i) => {
    const id = firstId + i;
    return {
      id,
      name: `nb-${String(id).padStart(5, '0')}`,
      site: sites[id % 3]!,
      role: id % 2 ? 'Access' : 'Core',
      platform: platforms[id % 5]!,
      address: `10.${(id >> 16) & 255}.${(id >> 8) & 255}.${id & 255}/24`,
      status: 'active',
      tags: id % 4 === 0 ? ['backup-nightly'] : [],
      backupGroup: id % 10 === 0 ? 'hourly' : null,
    };
  });
}
