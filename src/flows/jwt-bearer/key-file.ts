import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { ActionError } from '../../errors.js'
import { shown } from '../../text.js'

/** A key with its certificate chain is a few KiB; anything this big is not a key file. */
export const MAX_KEY_FILE_BYTES = 1024 * 1024

const FIX = 'Give the path of the key file relative to the workspace, or pass the key itself through private-key from a secret.'

/** What a path that is not a regular file is, in words. */
function kind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory'
  if (stats.isFIFO()) return 'a named pipe (FIFO)'
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device'
  if (stats.isSocket()) return 'a socket'
  return 'not a regular file'
}

/**
 * The value is quoted only as given (short and printable, or not at all): never as the path it resolves to,
 * which folds `//`, `/./` and a trailing `/`, so a secret pasted here would escape the runner's mask.
 */
function refuse(value: string, problem: string): ActionError {
  return new ActionError(`Input 'private-key-file' names ${shown(value)}, which ${problem}. ${FIX}`)
}

/** Why a file could not be read, by Node's error code alone: its message quotes the resolved path. */
const unreadable = (err: unknown): string => `could not be read (${(err as { code?: string }).code ?? 'error'})`

/**
 * Reads `private-key-file` (relative to the workspace). Only a regular file of a sane size is read, and
 * that is checked before opening it: a FIFO would block the read with no timer able to fire, and a
 * device such as /dev/zero would read until memory runs out.
 */
export function readKeyFile(value: string, workspace: string): string {
  const path = isAbsolute(value) ? value : resolve(workspace, value)
  let stats: Stats
  try {
    stats = statSync(path)
  } catch (err) {
    throw refuse(value, unreadable(err))
  }
  if (!stats.isFile()) throw refuse(value, `is ${kind(stats)}, not a key file`)
  if (stats.size > MAX_KEY_FILE_BYTES) throw refuse(value, `is ${stats.size} bytes; a key file is a few KiB (at most 1 MiB is read)`)
  let fd: number | undefined
  try {
    // Non-blocking, so even a path swapped for a FIFO since stat cannot block the open.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
    // The path may have been swapped since stat: read only what the opened file is, and no more.
    const opened = fstatSync(fd)
    if (!opened.isFile()) throw refuse(value, `is ${kind(opened)}, not a key file`)
    const buffer = Buffer.alloc(Math.min(opened.size, MAX_KEY_FILE_BYTES))
    const length = readSync(fd, buffer, 0, buffer.length, 0)
    return buffer.subarray(0, length).toString('utf8')
  } catch (err) {
    if (err instanceof ActionError) throw err
    throw refuse(value, unreadable(err))
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
