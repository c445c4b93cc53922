// `private-key-file` as a Windows runner writes it. src/flows/jwt-bearer/key-file.ts resolves the path with node:path, which is
// win32 on Windows; here node:path is swapped for its win32 flavour, so the same code resolves Windows paths on
// Linux too. What the file system then opens is the resolved string, which on Linux is a relative file name
// with backslashes and a drive colon: the test makes exactly that file in a temporary folder, so a wrong
// resolution finds no file and fails. CI also runs the bundle's tests on windows-latest and macos-latest.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { tmpdir } from 'node:os'

const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n'
const onWindows = process.platform === 'win32'

jest.unstable_mockModule('node:path', () => ({ ...path.win32, default: path.win32 }))
const { readKeyFile } = await import('../../src/flows/jwt-bearer/key-file.js')

const WORKSPACE = 'C:\\a\\work\\repo'
const FILE = 'C:\\a\\work\\repo\\keys\\server.key'
const TEMP = 'C:\\a\\_temp\\server.key'

let dir: string
let cwd: string

beforeAll(() => {
  cwd = process.cwd()
  dir = mkdtempSync(path.join(tmpdir(), 'key-file-windows-'))
  if (onWindows) {
    // A real Windows file system: make the files where the paths point (under the temporary folder's drive).
    for (const file of [FILE, TEMP]) {
      mkdirSync(path.win32.dirname(file), { recursive: true })
      writeFileSync(file, KEY)
    }
  } else {
    // Elsewhere the resolved Windows path is one relative file name: make that name, nothing else.
    process.chdir(dir)
    for (const file of [FILE, TEMP]) writeFileSync(file, KEY)
  }
})

afterAll(() => {
  process.chdir(cwd)
  rmSync(dir, { recursive: true, force: true })
  if (onWindows) for (const file of [FILE, TEMP]) rmSync(file, { force: true })
})

describe('private-key-file with Windows paths', () => {
  it.each([
    ['a path relative to the workspace, with backslashes', 'keys\\server.key'],
    ['a path relative to the workspace, with forward slashes', 'keys/server.key'],
    ['a relative path with . and .. segments', '.\\other\\..\\keys\\server.key'],
    ['an absolute path with a drive letter', FILE],
    ['an absolute path elsewhere on the drive (runner.temp)', TEMP]
  ])('reads %s', (_what, value) => {
    expect(readKeyFile(value, WORKSPACE)).toBe(KEY)
  })

  it.each([
    ['a file that is not there', 'keys\\missing.key'],
    ['the workspace folder itself', '.']
  ])('refuses %s, naming the input', (_what, value) => {
    expect(() => readKeyFile(value, WORKSPACE)).toThrow(/^Input 'private-key-file' names /)
  })

  // Windows opens a forward-slash path as is; a Linux file system cannot stand in for that, so this runs on Windows
  // only (CI runs this file on windows-latest).
  ;(onWindows ? it : it.skip)('reads an absolute path with forward slashes (Windows only)', () => {
    expect(readKeyFile('C:/a/work/repo/keys/server.key', WORKSPACE)).toBe(KEY)
  })

  it('resolves against the workspace, not the current folder (a wrong join finds no file)', () => {
    expect(() => readKeyFile('keys\\server.key', 'D:\\elsewhere')).toThrow(/^Input 'private-key-file' names /)
  })
})
