import { NasError } from '../errors.js';

/** An experiment or trial the URL names that the database does not hold: HTTP 404. */
export class NotFoundError extends NasError {}

/** A request the dashboard does not serve (a bad id, an unknown parameter value): HTTP 400. */
export class BadRequestError extends NasError {}
