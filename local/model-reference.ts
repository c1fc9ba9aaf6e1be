/** Prints the README's model reference, generated from the zod schemas' descriptions. */
import { modelReference } from '../shared/models/reference';

process.stdout.write(modelReference());
