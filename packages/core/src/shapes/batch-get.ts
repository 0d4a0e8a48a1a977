import * as v from "valibot";
import { shortId } from "./fields";
import { GenerationDetailSchema } from "./generation";
import { about, named } from "./named";

export const MAX_BATCH_GET_IDS = 100;

export const BatchGetBody = named(
  "BatchGet",
  v.strictObject({
    ids: about(
      v.pipe(v.array(shortId), v.minLength(1, "send at least one id"), v.maxLength(MAX_BATCH_GET_IDS, `at most ${MAX_BATCH_GET_IDS} ids`)),
      `1 to ${MAX_BATCH_GET_IDS} generation ids. An id may repeat (it is answered at each place it was asked); one that names none of your live generations (malformed, deleted, in the trash, another tenant's) is answered in \`missing\`.`,
    ),
  }),
);

export const BatchGetResult = named(
  "BatchGetResult",
  v.object({
    items: about(v.array(GenerationDetailSchema), "The generations found, in the order asked, each as `GET /history/{id}` answers it."),
    missing: about(v.array(v.string()), "The ids asked for that found nothing, in the order asked."),
  }),
);
export type BatchGetResult = v.InferOutput<typeof BatchGetResult>;
