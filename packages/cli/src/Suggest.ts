/**
 * "Did you mean …?" for a mistyped command, from the commands themselves.
 */
import * as Command from "@effect/cli/Command"
import * as HashMap from "effect/HashMap"

const distance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = above
    }
  }
  return row[b.length]!
}

/**
 * For an unknown command word, the one-line message to print (naming the
 * nearest command when one is close); `undefined` when `word` is a command.
 */
export const unknownCommand = <Name extends string, R, E, A>(
  command: Command.Command<Name, R, E, A>,
  program: string,
  word: string
): string | undefined => {
  const names = [...HashMap.keys(Command.getSubcommands(command))]
  if (names.includes(word)) return undefined
  const nearest = names.map((name) => [name, distance(word, name)] as const).sort((a, b) => a[1] - b[1])[0]
  const hint = nearest !== undefined && (nearest[1] <= 2 || nearest[0].startsWith(word))
    ? ` Did you mean '${nearest[0]}'?`
    : ""
  return `unknown command '${word}'.${hint} Run \`${program} --help\` for the list.`
}
