// Identifiers and time, shared by every core module.

export type NodeName = string; // lower-cased, as in ha.cf `node` lines
export type GroupId = string; // the haresources group key (first resource token as written)

/** A point on the injected monotonic clock, in milliseconds. Only ever comes in through an Input. */
export type AtMs = number;
