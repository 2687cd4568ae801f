/**
 * AES-256-GCM for credentials at rest. The key comes from DEVICEVAULT_SECRET_KEY or a 0600 key file
 * created in the data dir on first start. Ciphertext format: `v1:<iv b64>:<tag b64>:<data b64>`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type BlobCipher, createBlobCipher } from './blob-cipher.js';
import { loadOrCreateKey } from './key-file.js';

export interface SecretBox {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
  /** Sets (or, when null, removes) keys of a sealed JSON object and seals it again. */
  resealJson(ciphertext: string, patch: Record<string, string | null>): string;
  /** Streamed encryption of blobs at rest under a key derived from the same data key. */
  blobs: BlobCipher;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
  const box: SecretBox = {
    blobs: createBlobCipher(key),
    resealJson(ciphertext, patch) {
      const value = JSON.parse(box.decrypt(ciphertext)) as Record<string, unknown>;
      for (const [name, replacement] of Object.entries(patch)) {
        if (replacement === null) delete value[name];
        else value[name] = replacement;
      }
      return box.encrypt(JSON.stringify(value));
    },
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
    },
    decrypt(ciphertext) {
      const [version, iv, tag, data] = ciphertext.split(':');
      if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('unrecognised ciphertext format');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
    },
  };
  return box;
}

export function loadSecretKey(configured: string | undefined, dataDir: string): Promise<Buffer> {
  return loadOrCreateKey(configured, dataDir, 'secret.key');
}
