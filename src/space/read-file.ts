/** Reading the text files users give (ARCHs, spaces) without trusting their size. */
import fs from 'node:fs';

/** The largest ARCH or space file read (1 MiB): an ARCH of a thousand layers takes under 200 kB. */
export const MAX_FILE_BYTES = 1024 * 1024;

/**
 * The file's text, or undefined when it holds more than MAX_FILE_BYTES: it is read no further than that,
 * since a device or a pipe may never end. File-system errors are thrown as they come.
 */
export function readAtMost(file: string): string | undefined {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(MAX_FILE_BYTES + 1);
    let length = 0;
    let read = -1;
    while (read !== 0 && length < buffer.length) {
      read = fs.readSync(fd, buffer, length, buffer.length - length, null);
      length += read;
    }
    return length > MAX_FILE_BYTES ? undefined : buffer.toString('utf8', 0, length);
  } finally {
    fs.closeSync(fd);
  }
}

/** What a message says of a file over the limit. */
export const OVER_LIMIT = `over the limit of 1 MiB (${MAX_FILE_BYTES} bytes)`;
