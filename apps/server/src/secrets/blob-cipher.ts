/**
 * AES-256-GCM for blobs at rest (restorable originals), streamed: `DVB1` + 12-byte IV + ciphertext +
 * 16-byte tag. Keys are derived from the data key with HKDF, one per purpose, so blob encryption and the
 * keyed hashes that find an unchanged original never share a key with credential encryption.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';

export const blobMagic = Buffer.from('DVB1');
export const blobHeaderBytes = blobMagic.length + 12;
export const blobTagBytes = 16;

function subKey(key: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `devicevault ${purpose} v1`, 32));
}

export interface BlobCipher {
  /** A stream that turns plaintext into the blob format above. */
  encrypting(): Transform;
  /** Plaintext of the ciphertext part of a blob, given its header and tag; fails at the end if tampered. */
  decrypting(header: Buffer, tag: Buffer): Transform;
  /** HMAC-SHA256 (hex) of some plaintext, for recognising an unchanged original without decrypting. */
  mac(plaintext: string | Buffer): string;
}

export function createBlobCipher(dataKey: Buffer): BlobCipher {
  const encryptionKey = subKey(dataKey, 'blob encryption');
  const macKey = subKey(dataKey, 'blob mac');
  return {
    encrypting() {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv);
      let started = false;
      return new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          if (!started) {
            started = true;
            this.push(Buffer.concat([blobMagic, iv]));
          }
          callback(null, cipher.update(chunk));
        },
        flush(callback) {
          if (!started) this.push(Buffer.concat([blobMagic, iv]));
          this.push(cipher.final());
          callback(null, cipher.getAuthTag());
        },
      });
    },
    decrypting(header, tag) {
      if (!header.subarray(0, blobMagic.length).equals(blobMagic)) throw new Error('not an encrypted blob');
      const decipher = createDecipheriv('aes-256-gcm', encryptionKey, header.subarray(blobMagic.length));
      decipher.setAuthTag(tag);
      return decipher;
    },
    mac(plaintext) {
      return createHmac('sha256', macKey).update(plaintext).digest('hex');
    },
  };
}
