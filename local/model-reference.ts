/** Prints the model reference of docs/model.md, generated from the zod schemas' descriptions. */
import { modelReference } from '../shared/models/reference';

process.stdout.write(modelReference());
