import { jobView } from "@sonna/core/jobs/view";
import { commonErrors, describe, jsonContent, notFoundError, router, validate } from "../openapi";
import { IdParam } from "@sonna/core/shapes/generation";
import { JobSchema } from "@sonna/core/shapes/job";

export const jobRoutes = router().get(
  "/:id",
  describe({
    tags: ["Jobs"],
    summary: "A background job's status, progress and result",
    responses: { 200: jsonContent(JobSchema, "The job."), ...commonErrors, ...notFoundError },
  }),
  validate("param", IdParam),
  async (c) => c.json(await jobView(c.get("tenant"), c.req.valid("param").id), 200),
);
