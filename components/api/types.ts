/**
 * What an operation answers: the return type of the domain function whose result its route sends as JSON (only
 * ever imported as a type, so no server code reaches the browser). Dates in it arrive as ISO strings.
 */
export type Answer<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
