/** A throwaway self-signed certificate for 127.0.0.1 / localhost, made with the system's openssl. */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from './temp-dir.js';

export interface TestCertificate {
  key: string;
  cert: string;
  /** `AB:CD:…`, as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprint256: string;
}

export async function makeSelfSignedCertificate(commonName = 'localhost'): Promise<TestCertificate> {
  const dir = await makeTempDir('cert');
  try {
    const [key, cert] = [join(dir.path, 'key.pem'), join(dir.path, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '2',
        '-subj',
        `/CN=${commonName}`,
        '-addext',
        `subjectAltName=DNS:${commonName},IP:127.0.0.1`,
      ],
      { stdio: 'ignore' },
    );
    const certPem = readFileSync(cert, 'utf8');
    return {
      key: readFileSync(key, 'utf8'),
      cert: certPem,
      fingerprint256: new X509Certificate(certPem).fingerprint256,
    };
  } finally {
    await dir.remove();
  }
}
