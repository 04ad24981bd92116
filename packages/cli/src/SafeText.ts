/**
 * Text from a server, a file or the environment, made safe for a terminal.
 * A Plex account's name, a shared server's name (chosen by another Plex
 * user), a URI or an error message may hold terminal controls: OSC 52 writes
 * the clipboard, OSC 8 spoofs a link, OSC 0 retitles the window, `ESC[2J`
 * clears the screen, and the C1 CSI (U+009B) does what `ESC[` does. Bidi
 * controls reorder what is shown. Each is replaced by something visible, so
 * the text still says what it was.
 */

// C0, DEL, C1, and the bidi and line controls that reorder or break a line.
const unsafe = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const beyondJson = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const hex = (char: string) => char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")

/**
 * One line of text with every control shown, not obeyed: C0 as its Unicode
 * control picture (ESC as `␛`, LF as `␊`), DEL as `␡`, the rest as
 * `<U+XXXX>`.
 */
export const visible = (text: string): string =>
  text.replace(unsafe, (char) => {
    const code = char.charCodeAt(0)
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : code === 0x7f ? "\u2421" : `<U+${hex(char)}>`
  })

/** Several lines: each made `visible`, the line breaks kept. */
export const visibleLines = (text: string): string => text.split("\n").map(visible).join("\n")

/**
 * A JSON document as one line. `JSON.stringify` escapes C0 only; C1, DEL and
 * the bidi and line controls are escaped here too, so the document is the
 * same value and a terminal obeys none of it.
 */
export const json = (value: unknown): string => JSON.stringify(value).replace(beyondJson, (char) => `\\u${hex(char)}`)

/**
 * `text` without its colours and styles (SGR sequences), keeping cursor
 * movements: what goes to a stream that is not a terminal, or under NO_COLOR.
 */
export const withoutStyles = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, "")
