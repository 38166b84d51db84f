/**
 * The CLI's version, in a module of its own so that `--version` loads nothing else. The test command checks it
 * against package.json.
 *
 * @since 0.2.0
 */
export const version = "0.2.0"
