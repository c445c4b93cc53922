import type { KeyObject } from 'node:crypto'

export function rsaKeyPair(bits?: number): { privateKey: KeyObject; publicKey: KeyObject }
export function selfSignedCertificate(privateKeyPem: string, options?: { days?: number; subject?: string }): string
export function opensslEncryptedKey(passphrase: string, options?: { traditional?: boolean }): string
export interface Identity {
  privateKey: KeyObject
  publicKey: KeyObject
  pkcs1: string
  pkcs8: string
  certificate: string
}
export function makeIdentity(bits?: number): Identity
export function testTlsIdentity(hostnames: string[]): { ca: string; key: string; cert: string }
export function certificateWithDates(privateKeyPem: string, startDate: string, endDate: string, subject?: string): string
export function damagedCrtKey(privateKey: KeyObject): string
export function certificateWithBadNotAfter(pem: string): string
export function certificateWithUnknownKeyAlgorithm(pem: string): string
