/**
 * One POST to a customer's endpoint, bounded: a total timeout, at most a little of the answer
 * read, no redirect followed (a 3xx is a failed attempt), and, on AWS, no target inside private,
 * loopback, link-local or otherwise special address space (the resolved address is checked, and
 * the connection goes to that very address, so a DNS answer cannot change between check and use).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';

/** How targets are judged: on AWS only public addresses over https; locally loopback over http is allowed too. */
export interface TargetPolicy {
  allowLoopback: boolean;
}

export interface PostOutcome {
  status?: number | undefined;
  latencyMs: number;
  error?: string | undefined;
}

const DELIVERY_TIMEOUT_MS = 10_000;
/** The receiver's answer is not used; a little is read so that the connection ends cleanly. */
const MAX_RESPONSE_BYTES = 16 * 1024;

/** IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are judged by the IPv4 rules: BlockList maps them itself. */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv6');

const isLoopback = (address: string, family: 4 | 6) => (family === 4 ? address.startsWith('127.') : address === '::1');

/** Why an address may not be called, or undefined. */
export function refusedAddress(address: string, policy: TargetPolicy): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  if (policy.allowLoopback && isLoopback(address, family as 4 | 6)) return undefined;
  if (BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6')) return `the address ${address} is private, loopback, link-local or reserved`;
  return undefined;
}

/** Why a URL cannot be an endpoint, or undefined (checked when an endpoint is added, and again at each delivery). */
export function refusedUrl(url: URL, policy: TargetPolicy): string | undefined {
  if (url.username || url.password) return 'must not carry credentials';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopbackHost = host === 'localhost' || (isIP(host) !== 0 && isLoopback(host, isIP(host) as 4 | 6));
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowLoopback && loopbackHost)) {
    return policy.allowLoopback ? 'must be https (http only for a loopback address)' : 'must be https';
  }
  if (isIP(host) !== 0) return refusedAddress(host, policy);
  if (host === 'localhost' && !policy.allowLoopback) return 'must not point at this host';
  return undefined;
}

/** A DNS lookup that answers only with an address the policy allows (Node then connects to it). */
function guardedLookup(policy: TargetPolicy) {
  return (hostname: string, options: object, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const allowed = addresses.filter((a) => refusedAddress(a.address, policy) === undefined);
      if (allowed.length === 0) return callback(Object.assign(new Error(`${hostname} resolves only to refused addresses`), { code: 'EREFUSEDTARGET' }), '');
      if ((options as { all?: boolean }).all) return callback(null, allowed);
      return callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}

/** POSTs `body` with `headers`; never throws: what went wrong is the outcome's `error`. */
export function postJson(target: string, headers: Record<string, string>, body: string, policy: TargetPolicy, clock: () => number): Promise<PostOutcome> {
  const started = clock();
  const done = (outcome: Omit<PostOutcome, 'latencyMs'>): PostOutcome => ({ ...outcome, latencyMs: Math.max(0, clock() - started) });
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return Promise.resolve(done({ error: 'the endpoint URL is not valid' }));
  }
  const refused = refusedUrl(url, policy);
  if (refused) return Promise.resolve(done({ error: `refused target: ${refused}` }));
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<PostOutcome, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(done(outcome));
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'pierre-events/1' },
        lookup: guardedLookup(policy),
        agent: false,
      },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) res.destroy();
        });
        const status = res.statusCode;
        res.on('end', () => finish({ status }));
        res.on('close', () => finish({ status }));
        res.on('error', () => finish({ status }));
      },
    );
    const timer = setTimeout(() => {
      finish({ error: `no answer within ${DELIVERY_TIMEOUT_MS} ms` });
      req.destroy();
    }, DELIVERY_TIMEOUT_MS);
    req.on('error', (error: NodeJS.ErrnoException) =>
      finish({ error: error.code === 'EREFUSEDTARGET' ? `refused target: ${error.message}` : `connection failed (${error.code ?? error.name})` }),
    );
    req.end(body);
  });
}
