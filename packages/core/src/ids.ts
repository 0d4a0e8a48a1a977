import { v7 as uuidv7, validate, version } from "uuid";

/** Every id is a UUIDv7, so ids sort by creation time and key ranges double as time ranges. */
export const newId = (createdAtMs?: number): string =>
  createdAtMs === undefined ? uuidv7() : uuidv7({ msecs: createdAtMs });

export const isId = (value: string): boolean => validate(value) && version(value) === 7;
