/** Time is an input: code that depends on "now" takes a clock, so tests can move time deterministically. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
