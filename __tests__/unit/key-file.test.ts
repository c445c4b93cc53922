import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MAX_KEY_FILE_BYTES, readKeyFile } from '../../src/flows/jwt-bearer/key-file.js'
import { thrown } from './fixtures.js'

const ws = mkdtempSync(join(tmpdir(), 'sf-jwt-keyfile-'))
afterAll(() => rmSync(ws, { recursive: true, force: true }))

const KEY = '-----BEGIN PRIVATE KEY-----\nplaceholder\n-----END PRIVATE KEY-----\n'
writeFileSync(join(ws, 'server.key'), KEY)
writeFileSync(join(ws, 'big.key'), Buffer.alloc(MAX_KEY_FILE_BYTES + 1, 'A'))
writeFileSync(join(ws, 'just-fits.key'), Buffer.alloc(MAX_KEY_FILE_BYTES, 'A'))
mkdirSync(join(ws, 'keys'))
execFileSync('mkfifo', [join(ws, 'pipe')])
symlinkSync(join(ws, 'pipe'), join(ws, 'link-to-pipe'))
symlinkSync(join(ws, 'server.key'), join(ws, 'link.key'))

const FIX = 'Give the path of the key file relative to the workspace, or pass the key itself through private-key from a secret.'

describe('readKeyFile', () => {
  it.each([
    ['a relative path', 'server.key'],
    ['an absolute path', join(ws, 'server.key')],
    ['a symbolic link to a regular file', 'link.key']
  ])('reads %s', (_, path) => {
    expect(readKeyFile(path, ws)).toBe(KEY)
  })

  it('reads a file of exactly the size cap', () => {
    expect(readKeyFile('just-fits.key', ws)).toHaveLength(MAX_KEY_FILE_BYTES)
  })

  it.each([
    ['a named pipe (FIFO), which would block the read forever', 'pipe', 'is a named pipe (FIFO), not a key file'],
    ['a link to a FIFO', 'link-to-pipe', 'is a named pipe (FIFO), not a key file'],
    ['a device that never ends', '/dev/zero', 'is a device, not a key file'],
    ['a directory', 'keys', 'is a directory, not a key file'],
    ['a file over 1 MiB', 'big.key', `is ${MAX_KEY_FILE_BYTES + 1} bytes; a key file is a few KiB (at most 1 MiB is read)`],
    ['a missing file', 'nope/server.key', 'could not be read (ENOENT)'],
    // Quoted as given, never as the path it resolves to (which would fold '//' and '/./' past the runner's mask).
    ['a path that resolving would fold', 'a//b/./c/', 'could not be read (ENOENT)']
  ])('refuses %s, naming private-key-file, before reading it', (_, path, problem) => {
    expect(thrown(() => readKeyFile(path, ws)).message).toBe(`Input 'private-key-file' names '${path}', which ${problem}. ${FIX}`)
  })
})
