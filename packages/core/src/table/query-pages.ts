import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";

/** Every page of a Query, following LastEvaluatedKey (each page stops at 1 MB or `Limit`). */
export async function* queryPages(input: QueryCommandInput): AsyncGenerator<QueryCommandOutput> {
  let ExclusiveStartKey = input.ExclusiveStartKey;
  do {
    const page = await dynamo.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    yield page;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}
